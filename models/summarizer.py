"""English briefs: an abstractive summarizer, then a trim to the brief's size.

The default summarizer is ``sshleifer/distilbart-cnn-12-6``: a distilled BART trained on
CNN/DailyMail *news* highlights (the closest public task to a news brief), about 40% faster
than ``facebook/bart-large-cnn`` at a ROUGE cost of under one point, and it loads through
``AutoModelForSeq2SeqLM`` like any seq2seq summarizer a deployment may prefer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ringkas.models.chunking import pack
from ringkas.models.loading import Loaded, LoadedModel
from ringkas.models.result import Backend
from ringkas.models.segment import split_paragraphs, split_sentences


class Summarizer(Protocol):
    """Summarizes English text."""

    model_id: str
    is_demo: bool
    backend: Backend

    def summarize(self, text: str) -> str:
        """A summary of ``text``; may be longer than a brief (see ``trim_brief``)."""
        ...


@dataclass(frozen=True)
class BriefOptions:
    """Size and decoding of a brief.

    ``num_beams``: greedy (1) takes the likeliest token at each step; beam 2 (the default)
    keeps two hypotheses and returns the one the model scores higher as a whole, nearer
    the beam 4 of the CNN summarizers' published scores and less prone to repeat itself.
    On a CPU, beam 2 took 1.1-1.7× greedy's time on CTranslate2 and 1.3-2.9× on
    ``transformers`` (``bench/README.md``): under a second more per brief on CTranslate2.
    """

    max_sentences: int = 3
    max_words: int = 60
    num_beams: int = 2
    # Benchmarks only: every summary exactly this many new tokens, so that random-weight
    # models, which rarely say </s>, take the time real ones take.
    fixed_new_tokens: int | None = None

    def new_tokens(self) -> tuple[int | None, int]:
        """(min, max) new tokens of a summary, counted as ``generate`` counts them; no
        minimum (``None``) leaves it to the model's generation config (``min_length``)."""
        if self.fixed_new_tokens is not None:
            return self.fixed_new_tokens, self.fixed_new_tokens
        # ~1.6 subword tokens per English word leaves room for the trim to choose.
        return None, self.max_words * 8 // 5 + 8


class Seq2SeqSummarizer:
    """What both backends share; each adds ``_generate_ids`` over its own engine.

    An article longer than the model's input is cut at sentence boundaries into chunks that
    fit; each chunk is summarized and, where there were several, their summaries are
    summarized again until one is left (map, then reduce).
    """

    backend: Backend  # each backend sets it

    def __init__(self, loaded: Loaded, options: BriefOptions) -> None:
        self._loaded = loaded
        self._options = options
        self.model_id = loaded.spec
        self.is_demo = loaded.is_demo

    def summarize(self, text: str) -> str:
        sentences = [s for p in split_paragraphs(text) for s in split_sentences(p, "en")]
        if not sentences:
            return ""
        summaries = self._generate(pack(sentences, self._count, self._loaded.max_source_tokens))
        while len(summaries) > 1:
            chunks = pack(summaries, self._count, self._loaded.max_source_tokens)
            if len(chunks) >= len(summaries):  # summaries too long to merge: truncate instead
                chunks = [" ".join(summaries)]
            summaries = self._generate(chunks)
        return summaries[0]

    def _count(self, text: str) -> int:
        return len(self._loaded.tokenizer(text, verbose=False).input_ids)

    def _generate(self, chunks: list[str]) -> list[str]:
        texts = self._loaded.tokenizer.batch_decode(
            self._generate_ids(chunks), skip_special_tokens=True
        )
        return [t.strip() for t in texts]

    def _generate_ids(self, chunks: list[str]) -> list[list[int]]:
        """One summary per chunk, as token ids (special tokens included)."""
        raise NotImplementedError


class TransformersSummarizer(Seq2SeqSummarizer):
    """A seq2seq summarizer run with ``transformers`` ``generate``, with the model's own
    generation config (minimum length, n-gram blocking, length penalty) and the brief's
    beams and length."""

    backend: Backend = "transformers"
    _loaded: LoadedModel

    def _generate_ids(self, chunks: list[str]) -> list[list[int]]:
        import torch

        least, most = self._options.new_tokens()
        inputs = self._loaded.tokenizer(chunks, return_tensors="pt", padding=True, truncation=True)
        with torch.inference_mode():
            generated = self._loaded.model.generate(
                **inputs.to(self._loaded.device),
                num_beams=self._options.num_beams,
                min_new_tokens=least,
                max_new_tokens=most,
                max_length=None,  # the model's own max_length would override the line above
            )
        ids: list[list[int]] = generated.tolist()
        return ids


def trim_brief(summary: str, max_sentences: int, max_words: int) -> str:
    """The first sentences of ``summary`` that fit in ``max_sentences`` and ``max_words``.

    The first sentence is always kept; if it alone is over ``max_words``, it is cut there
    and ends with "…".
    """
    sentences = [s for p in split_paragraphs(summary) for s in split_sentences(p, "en")]
    kept: list[str] = []
    words = 0
    for sentence in sentences[:max_sentences]:
        count = len(sentence.split())
        if kept and words + count > max_words:
            break
        kept.append(sentence)
        words += count
    if words > max_words:
        return " ".join(" ".join(kept).split()[:max_words]) + "…"
    return " ".join(kept)
