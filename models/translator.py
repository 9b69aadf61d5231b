"""Sentence translation: one interface, a ``transformers`` backend behind it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from models.batching import batches_by_tokens
from models.chunking import fit_sentences, rejoin
from models.loading import LoadedModel


class Translator(Protocol):
    """Translates sentences of one language pair."""

    model_id: str
    is_demo: bool
    backend: str  # "transformers" or "ctranslate2"

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """One translation per input sentence, in input order."""
        ...


@dataclass(frozen=True)
class DecodingOptions:
    """Generation settings of a translator (see ``Settings`` for what each does)."""

    num_beams: int = 4
    max_batch_tokens: int = 2048
    no_repeat_ngram_size: int = 4
    repetition_penalty: float = 1.0
    # Benchmarks only: every output exactly this many tokens, so that random-weight models,
    # which never say </s>, take the time real ones take on real text.
    fixed_output_tokens: int | None = None

    def output_budget(self, longest_source: int, max_positions: int) -> tuple[int, int]:
        """(min, max) new tokens for a batch whose longest source has ``longest_source``."""
        if self.fixed_output_tokens is not None:
            return self.fixed_output_tokens, self.fixed_output_tokens
        # Room for the target to be longer than the source, bounded so that a model that
        # never says </s> cannot run away.
        return 0, min(max_positions, longest_source * 3 // 2 + 10)


class TransformersTranslator:
    """A MarianMT model run with ``transformers`` ``generate``.

    Sentences longer than the model's positions are cut into pieces that fit and their
    translations joined; all pieces are sorted by length and batched by padded tokens.
    """

    def __init__(self, loaded: LoadedModel, options: DecodingOptions) -> None:
        self._loaded = loaded
        self._options = options
        self.model_id = loaded.spec
        self.is_demo = loaded.is_demo
        self.backend = "transformers"

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        import torch

        tokenizer = self._loaded.tokenizer
        pieces, owners = fit_sentences(sentences, self._count, self._loaded.max_source_tokens)
        ids = tokenizer(pieces).input_ids if pieces else []
        outputs = [""] * len(pieces)
        for batch in batches_by_tokens([len(x) for x in ids], self._options.max_batch_tokens):
            padded = tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="pt")
            # batches are sorted longest first
            least, most = self._options.output_budget(
                len(ids[batch[0]]), self._loaded.max_source_tokens
            )
            with torch.inference_mode():
                generated = self._loaded.model.generate(
                    **padded.to(self._loaded.device),
                    num_beams=self._options.num_beams,
                    min_new_tokens=least,
                    max_new_tokens=most,
                    max_length=None,  # the model's own max_length would override the line above
                    no_repeat_ngram_size=self._options.no_repeat_ngram_size,
                    repetition_penalty=self._options.repetition_penalty,
                )
            texts = tokenizer.batch_decode(generated, skip_special_tokens=True)
            for index, text in zip(batch, texts, strict=True):
                outputs[index] = text.strip()
        return rejoin(outputs, owners, len(sentences))

    def _count(self, piece: str) -> int:
        return len(self._loaded.tokenizer(piece, verbose=False).input_ids)
