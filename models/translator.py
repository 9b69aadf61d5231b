"""Sentence translation: one interface, a ``transformers`` backend behind it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from models.batching import batches_by_tokens
from models.chunking import split_to_fit
from models.loading import LoadedModel


@dataclass(frozen=True)
class Translation:
    """One sentence's translation.

    Attributes:
        text: The translation.
        confidence: Mean log-probability of its tokens under the decoder (≤ 0; closer to 0
            is surer), or ``None`` when the backend gives none (or the sentence was empty).
        warnings: Problems found with it (see ``models.guard``).
    """

    text: str
    confidence: float | None = None
    warnings: tuple[str, ...] = ()


class Translator(Protocol):
    """Translates sentences of one language pair."""

    model_id: str
    is_demo: bool

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """One translation per input sentence, in input order."""
        ...

    def translate_scored(self, sentences: Sequence[str]) -> list[Translation]:
        """Like ``translate_batch``, with each translation's confidence."""
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

    @property
    def options(self) -> DecodingOptions:
        """The generation settings it runs with."""
        return self._options

    def with_options(self, options: DecodingOptions) -> TransformersTranslator:
        """The same model with other generation settings (e.g. stricter, for a retry)."""
        return TransformersTranslator(self._loaded, options)

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return [t.text for t in self.translate_scored(sentences)]

    def translate_scored(self, sentences: Sequence[str]) -> list[Translation]:
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
        # Per piece: sum of the chosen tokens' log-probabilities, and their number.
        scores: list[tuple[float, int]] = [(0.0, 0)] * len(pieces)
        pad = tokenizer.pad_token_id
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
                    output_scores=True,
                    return_dict_in_generate=True,
                )
                beams = self._options.num_beams > 1
                # Beam search reports log-softmaxed scores already; greedy reports logits.
                transition = self._loaded.model.compute_transition_scores(
                    generated.sequences,
                    generated.scores,
                    generated.beam_indices if beams else None,
                    normalize_logits=not beams,
                )
            # sequences[:, 0] is the decoder start token, which has no score.
            tokens = generated.sequences[:, 1:]
            mask = tokens != pad
            sums = torch.where(mask, transition, torch.zeros_like(transition)).sum(dim=1)
            counts = mask.sum(dim=1)
            texts = tokenizer.batch_decode(generated.sequences, skip_special_tokens=True)
            for row, (index, text) in enumerate(zip(batch, texts, strict=True)):
                outputs[index] = text.strip()
                scores[index] = (float(sums[row]), int(counts[row]))

        texts_of: list[list[str]] = [[] for _ in sentences]
        totals: list[tuple[float, int]] = [(0.0, 0)] * len(sentences)
        for owner, text, (total, count) in zip(owners, outputs, scores, strict=True):
            texts_of[owner].append(text)
            totals[owner] = (totals[owner][0] + total, totals[owner][1] + count)
        return [
            Translation(" ".join(parts), round(total / count, 4) if count else None)
            for parts, (total, count) in zip(texts_of, totals, strict=True)
        ]

    def _fit(self, sentence: str) -> list[str]:
        text = sentence.strip()
        if not text:
            return []

        def count(piece: str) -> int:
            return len(self._loaded.tokenizer(piece, verbose=False).input_ids)

        return split_to_fit(text, count, self._loaded.max_source_tokens)
