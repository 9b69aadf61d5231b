"""Sentence translation: one interface, a ``transformers`` backend behind it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from models.batching import batches_by_tokens
from models.chunking import split_to_fit
from models.loading import LoadedModel


class Translator(Protocol):
    """Translates sentences of one language pair."""

    model_id: str
    is_demo: bool

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

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        import torch

        tokenizer = self._loaded.tokenizer
        pieces: list[str] = []
        owners: list[int] = []  # owners[i]: the sentence that pieces[i] belongs to
        for index, sentence in enumerate(sentences):
            for piece in self._fit(sentence):
                pieces.append(piece)
                owners.append(index)

        ids = tokenizer(pieces).input_ids if pieces else []
        outputs = [""] * len(pieces)
        for batch in batches_by_tokens([len(x) for x in ids], self._options.max_batch_tokens):
            padded = tokenizer.pad({"input_ids": [ids[i] for i in batch]}, return_tensors="pt")
            longest = len(ids[batch[0]])  # batches are sorted longest first
            with torch.inference_mode():
                generated = self._loaded.model.generate(
                    **padded.to(self._loaded.device),
                    num_beams=self._options.num_beams,
                    # Room for the target to be longer than the source, bounded so a model
                    # that never says </s> cannot run away.
                    max_new_tokens=min(self._loaded.max_source_tokens, longest * 3 // 2 + 10),
                    max_length=None,  # the model's own max_length would override the line above
                    no_repeat_ngram_size=self._options.no_repeat_ngram_size,
                    repetition_penalty=self._options.repetition_penalty,
                )
            texts = tokenizer.batch_decode(generated, skip_special_tokens=True)
            for index, text in zip(batch, texts, strict=True):
                outputs[index] = text.strip()

        translations: list[list[str]] = [[] for _ in sentences]
        for owner, text in zip(owners, outputs, strict=True):
            translations[owner].append(text)
        return [" ".join(parts) for parts in translations]

    def _fit(self, sentence: str) -> list[str]:
        text = sentence.strip()
        if not text:
            return []

        def count(piece: str) -> int:
            return len(self._loaded.tokenizer(piece, verbose=False).input_ids)

        return split_to_fit(text, count, self._loaded.max_source_tokens)
