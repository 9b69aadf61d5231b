"""English briefs: an abstractive summarizer, then a trim to the brief's size.

The default summarizer is ``sshleifer/distilbart-cnn-12-6``: a distilled BART trained on
CNN/DailyMail *news* highlights (the closest public task to a news brief), about 40% faster
than ``facebook/bart-large-cnn`` at a ROUGE cost of under one point, and it loads through
``AutoModelForSeq2SeqLM`` like any seq2seq summarizer a deployment may prefer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from models.chunking import pack
from models.loading import LoadedModel
from models.segment import split_paragraphs, split_sentences


class Summarizer(Protocol):
    """Summarizes English text."""

    model_id: str
    is_demo: bool

    def summarize(self, text: str) -> str:
        """A summary of ``text``; may be longer than a brief (see ``trim_brief``)."""
        ...


@dataclass(frozen=True)
class BriefOptions:
    """Size and decoding of a brief."""

    max_sentences: int = 3
    max_words: int = 60
    num_beams: int = 2


class TransformersSummarizer:
    """A seq2seq summarizer run with ``transformers`` ``generate``.

    An article longer than the model's input is cut at sentence boundaries into chunks that
    fit; each chunk is summarized and, where there were several, their summaries are
    summarized again until one is left (map, then reduce).
    """

    def __init__(self, loaded: LoadedModel, options: BriefOptions) -> None:
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
        import torch

        tokenizer = self._loaded.tokenizer
        inputs = tokenizer(chunks, return_tensors="pt", padding=True, truncation=True)
        with torch.inference_mode():
            generated = self._loaded.model.generate(
                **inputs.to(self._loaded.device),
                num_beams=self._options.num_beams,
                # ~1.6 subword tokens per English word leaves room for the trim to choose.
                max_new_tokens=self._options.max_words * 8 // 5 + 8,
                max_length=None,
            )
        return [t.strip() for t in tokenizer.batch_decode(generated, skip_special_tokens=True)]


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
