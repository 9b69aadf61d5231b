"""Degenerate output guard: catch looping and echoed translations, retry them, flag them.

opus-mt-id-en is known to loop on some input ("I'm sorry I'm sorry …", EasyNMT #38) and
MT systems echo input they cannot handle (LibreTranslate #167, #183, #567). After decoding,
each sentence is checked; the bad ones are translated again with stricter settings (see
``stricter``) and flagged if they are still bad.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from difflib import SequenceMatcher

from ringkas.models.translator import DecodingOptions, FinishedCallback, Translation, Translator

_WORD = re.compile(r"\w+")
_PLACEHOLDER = re.compile(r"\{\d+\}")


def _words(text: str) -> list[str]:
    # "pre-pre-pre" and "rtikelrtikel" are loops too: split on hyphens, lower-case.
    return [w.lower() for w in _WORD.findall(text)]


def is_looping(text: str, max_n: int = 4, repeats: int = 3) -> bool:
    """Whether ``text`` repeats itself like a decoder stuck in a loop.

    True when some n-gram of 1 to ``max_n`` words occurs ``repeats`` times in a row
    ("sorry sorry sorry", "I'm sorry I'm sorry I'm sorry"), when a word is one piece
    repeated ("rtikelrtikelrtikel"), or when a text of 12 words or more has under half of
    its word trigrams distinct.
    """
    words = _words(text)
    for n in range(1, max_n + 1):
        for start in range(len(words) - n * repeats + 1):
            gram = words[start : start + n]
            if all(words[start + k * n : start + (k + 1) * n] == gram for k in range(repeats)):
                return True
    if any(re.search(r"(.{3,})\1{2,}", w) for w in words):
        return True
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return len(words) >= 12 and len(set(trigrams)) < len(trigrams) / 2


def is_echo(source: str, output: str, threshold: float = 0.9, min_words: int = 4) -> bool:
    """Whether ``output`` is ``source`` left untranslated.

    Sentences under ``min_words`` words (names, credits, "Editor: …") are never echoes:
    they are often the same in both languages. Placeholders do not count as words.
    """
    source_words = _words(_PLACEHOLDER.sub(" ", source))
    if len(source_words) < min_words:
        return False
    output_words = _words(_PLACEHOLDER.sub(" ", output))
    return SequenceMatcher(None, source_words, output_words).ratio() >= threshold


def problem(source: str, translation: Translation) -> str | None:
    """What is wrong with ``translation`` of ``source``: ``"looping"``, ``"echo"`` or None."""
    if is_looping(translation.text) and not is_looping(source):
        return "looping"
    if is_echo(source, translation.text):
        return "echo"
    return None


def stricter(options: DecodingOptions) -> DecodingOptions:
    """Generation settings for a retry: block repeated trigrams, penalise repetition, and
    search wider."""
    return replace(
        options,
        num_beams=max(options.num_beams, 4),
        no_repeat_ngram_size=min(options.no_repeat_ngram_size or 3, 3),
        repetition_penalty=max(options.repetition_penalty, 1.3),
    )


def guarded_translate(
    translator: Translator,
    sentences: Sequence[str],
    retry: Translator | None = None,
    max_retry_share: float = 1.0,
    on_finished: FinishedCallback | None = None,
    groups: Sequence[int] | None = None,
) -> list[Translation]:
    """Translates ``sentences``, retrying looping or echoed ones with ``retry``.

    Args:
        translator: The translator with the deployment's settings.
        sentences: Sentences, in order.
        retry: The same model with stricter settings (see ``stricter``); ``None`` skips
            the retry, and bad sentences are only flagged.
        max_retry_share: Retry only when at most this share of the sentences (of their
            group) is bad. Real models loop on the odd sentence; when most sentences are
            bad, the model does not suit the input (or has random weights), and a retry
            would double the cost for the same outcome: they are flagged instead.
        on_finished: Hears which sentences each batch of the first pass finished (retries
            are not reported).
        groups: The group (article) of each sentence, when several are translated
            together: the share above counts per group. ``None``: one group.

    Returns:
        One ``Translation`` per sentence, in order; a sentence that is still bad after the
        retry carries a warning that says so, and one that the retry fixed says it was
        retried.
    """
    results = translator.translate_scored(sentences, on_finished)
    kinds = {
        i: kind
        for i, (s, t) in enumerate(zip(sentences, results, strict=True))
        if (kind := problem(s, t))
    }
    if not kinds:
        return results
    owners = list(groups) if groups is not None else [0] * len(sentences)
    sizes = Counter(owners)
    bad = Counter(owners[i] for i in kinds)
    too_many = {group for group, count in bad.items() if count > max_retry_share * sizes[group]}
    to_retry = [i for i in kinds if retry is not None and owners[i] not in too_many]
    again = retry.translate_scored([sentences[i] for i in to_retry]) if retry and to_retry else []
    retried = dict(zip(to_retry, again, strict=True))
    for index, kind in kinds.items():
        if index in retried:
            if problem(sentences[index], retried[index]) is None:
                results[index] = replace(
                    retried[index],
                    warnings=(f"{kind} output, retried with stricter decoding settings",),
                )
                continue
            results[index] = retried[index]
            note = "the retry with stricter decoding settings did not fix it"
        elif retry is None:
            note = "no retry available"
        else:
            group = owners[index]
            note = f"not retried: {bad[group]} of {sizes[group]} sentences were bad"
        what = "repeats itself (decoder loop)" if kind == "looping" else "echoes the source"
        results[index] = replace(results[index], warnings=(f"translation {what}; {note}",))
    return results
