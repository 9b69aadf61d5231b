"""Sentence translation: one interface, two backends behind it.

``TransformersTranslator`` (here) is the reference; ``models.ct2.CTranslate2Translator`` runs
the same weights faster. Both cut over-long sentences into pieces that fit the model
(``models.chunking.split_to_fit``), sort the pieces by length, batch them by padded tokens,
and give each batch its own output budget, so that they agree on the same weights.
CTranslate2 decodes several batches at once (one per replica, ``inter_threads``); the batches
are handed to it ahead, so that every replica has work while Python turns finished batches
into text.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, Self

from ringkas.models.batching import batches_by_tokens, padded_width
from ringkas.models.chunking import split_to_fit
from ringkas.models.loading import Loaded, LoadedModel
from ringkas.models.result import Backend

FinishedCallback = Callable[[list[int]], None]
"""Hears, after each batch, the indices of the sentences that batch finished (every piece
of them translated); sentences with nothing to translate come with the first batch."""


Decoded = tuple[str, float, int]
"""One decoded piece: its text, the sum of its tokens' log-probabilities, and their number."""

PendingBatch = Callable[[], list[Decoded]]
"""A batch handed to the engine: calling it waits for the batch and returns its pieces."""


@dataclass(frozen=True)
class Translation:
    """One sentence's translation.

    Attributes:
        text: The translation.
        confidence: Mean log-probability of its tokens under the decoder (≤ 0; closer to 0
            is surer), or ``None`` when the sentence was empty.
        warnings: Problems found with it (see ``models.guard``).
    """

    text: str
    confidence: float | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecodingOptions:
    """Generation settings of a translator (see ``Settings`` for what each does)."""

    num_beams: int = 4
    max_batch_tokens: int = 2048
    no_repeat_ngram_size: int = 4
    repetition_penalty: float = 1.0
    # 0: each batch padded to its longest sentence; above 0, batch-invariant: to the
    # longest rounded up to a multiple of this (models.batching.padded_width).
    width_step: int = 0
    # Benchmarks only: every output exactly this many tokens, so that random-weight models,
    # which never say </s>, take the time real ones take on real text.
    fixed_output_tokens: int | None = None

    def output_budget(self, width: int, max_positions: int) -> tuple[int, int]:
        """(min, max) new tokens for a batch padded to ``width`` source tokens."""
        if self.fixed_output_tokens is not None:
            return self.fixed_output_tokens, self.fixed_output_tokens
        # Room for the target to be longer than the source, bounded so that a model that
        # never says </s> cannot run away.
        return 0, min(max_positions, width * 3 // 2 + 10)


class Translator(Protocol):
    """Translates sentences of one language pair."""

    model_id: str
    is_demo: bool
    backend: Backend

    @property
    def options(self) -> DecodingOptions:
        """The generation settings it runs with."""
        ...

    def with_options(self, options: DecodingOptions) -> Translator:
        """The same model with other generation settings (e.g. stricter, for a retry)."""
        ...

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """One translation per input sentence, in input order."""
        ...

    def translate_scored(
        self, sentences: Sequence[str], on_finished: FinishedCallback | None = None
    ) -> list[Translation]:
        """Like ``translate_batch``, with each translation's confidence."""
        ...


class PieceResults:
    """Collects the outputs of the pieces of the sentences and joins them per sentence.

    Also tells a callback which sentences each batch finished.
    """

    def __init__(
        self, owners: Sequence[int], sentences: int, on_finished: FinishedCallback | None
    ) -> None:
        self._owners = owners
        self._texts = [""] * len(owners)
        self._scores = [(0.0, 0)] * len(owners)  # (sum of token log-probs, tokens)
        self._pending = [0] * sentences
        for owner in owners:
            self._pending[owner] += 1
        self._finished = [i for i, p in enumerate(self._pending) if p == 0]  # empty sentences
        self._on_finished = on_finished

    def add(self, piece: int, text: str, logprob_sum: float, tokens: int) -> None:
        self._texts[piece] = text
        self._scores[piece] = (logprob_sum, tokens)
        owner = self._owners[piece]
        self._pending[owner] -= 1
        if self._pending[owner] == 0:
            self._finished.append(owner)

    def batch_done(self) -> None:
        if self._on_finished is not None:
            self._on_finished(self._finished)
        self._finished = []

    def translations(self) -> list[Translation]:
        texts: list[list[str]] = [[] for _ in self._pending]
        totals = [(0.0, 0)] * len(self._pending)
        for owner, text, (total, count) in zip(
            self._owners, self._texts, self._scores, strict=True
        ):
            texts[owner].append(text)
            totals[owner] = (totals[owner][0] + total, totals[owner][1] + count)
        return [
            Translation(" ".join(parts), round(total / count, 4) if count else None)
            for parts, (total, count) in zip(texts, totals, strict=True)
        ]


class PieceTranslator:
    """What both backends share: fitting, batching, output budgets, joining pieces. Each
    backend adds ``_start``, which hands one batch to its engine."""

    backend: Backend  # each backend sets it
    # Batches handed to the engine before the oldest is collected, per replica. An engine
    # that decodes in the background then has the next batch queued when one ends; one
    # that decodes in the calling thread (0) reports each batch's progress at once.
    batches_ahead_per_replica = 0

    def __init__(self, loaded: Loaded, options: DecodingOptions) -> None:
        self._loaded = loaded
        self._options = options
        self.model_id = loaded.spec
        self.is_demo = loaded.is_demo

    @property
    def options(self) -> DecodingOptions:
        return self._options

    def with_options(self, options: DecodingOptions) -> Self:
        return type(self)(self._loaded, options)

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return [t.text for t in self.translate_scored(sentences)]

    def translate_scored(
        self, sentences: Sequence[str], on_finished: FinishedCallback | None = None
    ) -> list[Translation]:
        ids, owners = self._pieces(sentences)
        results = PieceResults(owners, len(sentences), on_finished)
        lengths = [len(x) for x in ids]
        replicas = self._loaded.replicas
        # More ahead would only run on after an exception (a time limit) stops this call.
        ahead = self.batches_ahead_per_replica * replicas
        in_flight: deque[tuple[list[int], PendingBatch]] = deque()
        step = self._options.width_step
        limit = self._loaded.max_source_tokens
        for batch in batches_by_tokens(lengths, self._options.max_batch_tokens, replicas, step):
            # Batches are sorted longest first. No piece is longer than the model's limit.
            width = min(padded_width(lengths[batch[0]], step), limit)
            least, most = self._options.output_budget(width, limit)
            in_flight.append((batch, self._start([ids[i] for i in batch], least, most, width)))
            if len(in_flight) > ahead:
                self._collect(*in_flight.popleft(), results)
        while in_flight:
            self._collect(*in_flight.popleft(), results)
        return results.translations()

    @staticmethod
    def _collect(batch: list[int], pending: PendingBatch, results: PieceResults) -> None:
        for piece, (text, logprob_sum, tokens) in zip(batch, pending(), strict=True):
            results.add(piece, text, logprob_sum, tokens)
        results.batch_done()

    def _start(self, batch: list[list[int]], least: int, most: int, width: int) -> PendingBatch:
        """Hands one batch of token ids, padded to ``width``, to the engine, for ``least``
        to ``most`` new tokens each; an engine that cannot run it in the background runs it
        before returning."""
        raise NotImplementedError

    def _pieces(self, sentences: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """The token ids of pieces that fit the model, and the sentence each came from.

        All sentences are tokenized in one call; the rare one too long for the model is cut
        (``models.chunking.split_to_fit``) and its pieces tokenized again. Empty sentences
        give no piece.
        """
        tokenizer = self._loaded.tokenizer
        limit = self._loaded.max_source_tokens
        texts = [(i, s.strip()) for i, s in enumerate(sentences) if s.strip()]
        whole = tokenizer([text for _, text in texts]).input_ids if texts else []
        ids: list[list[int]] = []
        owners: list[int] = []
        for (index, text), tokens in zip(texts, whole, strict=True):
            pieces = [tokens]
            if len(tokens) > limit:
                pieces = tokenizer(split_to_fit(text, self._count, limit)).input_ids
            ids += pieces
            owners += [index] * len(pieces)
        return ids, owners

    def _count(self, piece: str) -> int:
        return len(self._loaded.tokenizer(piece, verbose=False).input_ids)


class TransformersTranslator(PieceTranslator):
    """A MarianMT model run with ``transformers`` ``generate``."""

    backend: Backend = "transformers"
    _loaded: LoadedModel

    def _start(self, batch: list[list[int]], least: int, most: int, width: int) -> PendingBatch:
        outputs = self._generate(batch, least, most, width)
        return lambda: outputs

    def _generate(self, batch: list[list[int]], least: int, most: int, width: int) -> list[Decoded]:
        import torch

        tokenizer = self._loaded.tokenizer
        padded = tokenizer.pad(
            {"input_ids": batch}, padding="max_length", max_length=width, return_tensors="pt"
        )
        beams = self._options.num_beams > 1
        with torch.inference_mode():
            generated = self._loaded.model.generate(
                **padded.to(self._loaded.device),
                num_beams=self._options.num_beams,
                min_new_tokens=least,
                max_new_tokens=most,
                max_length=None,  # the model's own max_length would override the line above
                no_repeat_ngram_size=self._options.no_repeat_ngram_size,
                repetition_penalty=self._options.repetition_penalty,
                output_scores=True,
                return_dict_in_generate=True,
            )
            # Beam search reports log-softmaxed scores already; greedy reports logits.
            transition = self._loaded.model.compute_transition_scores(
                generated.sequences,
                generated.scores,
                generated.beam_indices if beams else None,
                normalize_logits=not beams,
            )
        # sequences[:, 0] is the decoder start token, which has no score.
        mask = generated.sequences[:, 1:] != tokenizer.pad_token_id
        sums = torch.where(mask, transition, torch.zeros_like(transition)).sum(dim=1)
        counts = mask.sum(dim=1)
        texts = tokenizer.batch_decode(generated.sequences, skip_special_tokens=True)
        return [
            (text.strip(), float(sums[row]), int(counts[row])) for row, text in enumerate(texts)
        ]
