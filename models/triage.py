"""Triage briefs: choose the brief's sentences on the source, translate only those.

A full English brief of an Indonesian article costs the whole translation plus the
summarizer. A newsroom sorting thousands of articles wants each one's brief first: the
triage brief picks the sentences on the Indonesian source with the extractive method
(``models.extractive``: lead sentences to the word budget, which beats lead-3 on the dev
set) and translates only those, 2-3 sentences instead of 20-40 and no summarizer. The
Indonesian brief is then the chosen sentences themselves, with no round trip. An English
article's triage brief is its own extractive brief; its Indonesian brief translates those
sentences only.

When the article is translated anyway (task ``translate``), the chosen sentences'
translations are taken from it: nothing is translated twice.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from ringkas.models.extractive import brief_sentences
from ringkas.models.options import PipelineOptions
from ringkas.models.result import ArticleResult, SentenceTranslation


def triage_brief(
    sentences: Sequence[str],
    source_lang: str,
    tasks: Sequence[str],
    options: PipelineOptions,
    glossary: Mapping[str, str],
    result: ArticleResult,
    translated: Sequence[str] | None = None,
) -> None:
    """Writes the triage brief(s) into ``result``.

    Args:
        sentences: The cleaned body's sentences, in order, in ``source_lang``.
        source_lang: ``"id"`` or ``"en"``.
        tasks: The article's tasks (``brief`` and/or ``brief_id`` are written).
        options: Brief size, decoding and models.
        glossary: The article's glossary, for the sentences translated here.
        result: Filled in: ``brief``, ``brief_id``, ``brief_method``, ``brief_mode``, the
            translating model and ``timings.brief_s``; the translated sentences' warnings go
            to ``warnings`` prefixed "brief, sentence N: ".
        translated: The sentences' translations (into the other language), when the
            article was translated; the chosen ones are taken from here.
    """
    started = time.perf_counter()
    brief_options = options.brief
    indices = brief_sentences(list(sentences), brief_options.max_sentences, brief_options.max_words)
    chosen = [sentences[i] for i in indices]
    wanted = "brief" if source_lang == "id" else "brief_id"  # the one in the other language
    other: list[str] = []
    if translated is not None:
        other = [translated[i] for i in indices]
    elif chosen and wanted in tasks:
        other = _translate(chosen, source_lang, options, glossary, result)
    english, indonesian = (other, chosen) if source_lang == "id" else (chosen, other)
    if "brief" in tasks:
        result.brief = " ".join(english)
    if "brief_id" in tasks:
        result.brief_id = " ".join(indonesian)
    result.brief_method = "extractive"
    result.brief_mode = "triage"
    result.brief_backend = None
    result.brief_fallback_reason = None
    result.timings.brief_s = round(time.perf_counter() - started, 3)


def _translate(
    chosen: list[str],
    source_lang: str,
    options: PipelineOptions,
    glossary: Mapping[str, str],
    result: ArticleResult,
) -> list[str]:
    """The chosen sentences through the service's sentence path (placeholders, guard,
    number check); the model is recorded on ``result``."""
    from ringkas.models.pipeline import target_of, translate_sentences, translator_for

    translator = translator_for(source_lang, target_of(source_lang), options)
    details: list[SentenceTranslation] = translate_sentences(
        translator, chosen, source_lang, options, [glossary] * len(chosen)
    )
    if source_lang == "id":
        result.models.translate = translator.model_id
        result.translate_backend = translator.backend
    else:
        result.models.brief_id = translator.model_id
    result.demo_models |= translator.is_demo
    for number, detail in enumerate(details, start=1):
        result.warnings += [f"brief, sentence {number}: {w}" for w in detail.warnings]
    return [d.translation for d in details]
