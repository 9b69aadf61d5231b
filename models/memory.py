"""Translation memory: sentences translated before are not translated again.

A ``TranslationMemory`` maps a key to the first-pass ``Translation`` of one protected
sentence (placeholders in, placeholders out). The model layer only knows this interface;
the Redis implementation lives outside it (``ringkas.translation_memory``), and the workers
plug it in through ``PipelineOptions.translation_memory``.

``MemoryTranslator`` wraps a translator: it looks every sentence up, translates the misses
(each distinct one once: a sentence repeated within one call is a hit too), and stores what
it translated. It sits under the loop/echo guard, which therefore sees every sentence's
first-pass result as before and decides its retries exactly as without the memory; the
retry translator is wrapped as well, under its own (stricter) decoding options' keys.

The key (``memory_key``) is a digest of the model, its backend and weights' format, the
direction, the decoding options that change the output, and the protected sentence. What
a sentence is protected with (glossary terms, numbers) is part of the protected text's
placeholders only as ``{N}``: the spans themselves are restored outside the memory, per
sentence, so two sentences differing only in a URL or a number share one entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ringkas.models.result import Backend
from ringkas.models.translator import DecodingOptions, FinishedCallback, Translation, Translator

KEY_VERSION = 2  # bump when what an entry holds, or how it is keyed, changes


class TranslationMemory(Protocol):
    """Where translations are kept between calls (and processes)."""

    def get_many(self, keys: Sequence[str]) -> list[Translation | None]:
        """The stored translation of each key, ``None`` for a miss; never raises for an
        unreachable store (everything is then a miss)."""
        ...

    def put_many(self, entries: Mapping[str, Translation]) -> None:
        """Stores translations; best effort (a store that fails loses them)."""
        ...


def memory_key(namespace: str, protected: str) -> str:
    """The key of one protected sentence under a translator's ``namespace``."""
    digest = hashlib.sha256(f"{namespace}\n{protected}".encode()).hexdigest()
    return digest[:40]


def memory_namespace(
    model_id: str, backend: Backend, weights: str, direction: str, decoding: DecodingOptions
) -> str:
    """What, besides the sentence, decides a translation: model, backend, the format of
    its weights (CTranslate2 quantization), direction and output-changing decoding options
    (batch-invariant or not, too; not the batch size, which only groups sentences)."""
    return json.dumps(
        [
            KEY_VERSION,
            model_id,
            backend,
            weights,
            direction,
            decoding.num_beams,
            decoding.no_repeat_ngram_size,
            decoding.repetition_penalty,
            decoding.width_step,
            decoding.fixed_output_tokens,
        ]
    )


@dataclass
class MemoryStats:
    """What the memory did for one translation call: the first pass's sentences (by index)
    served without translating them."""

    hits: set[int] = field(default_factory=set)
    sentences: int = 0


class MemoryTranslator:
    """A ``Translator`` that serves known sentences from a ``TranslationMemory``."""

    def __init__(
        self,
        inner: Translator,
        memory: TranslationMemory,
        direction: str,
        weights: str = "",
        stats: MemoryStats | None = None,
    ) -> None:
        self._inner = inner
        self._memory = memory
        self._direction = direction
        self._weights = weights
        # Only the translator the pipeline made counts; its retry twin (with_options)
        # keeps stats of its own that nobody reads.
        self.stats = stats if stats is not None else MemoryStats()
        self.model_id = inner.model_id
        self.is_demo = inner.is_demo
        self.backend = inner.backend
        self._namespace = memory_namespace(
            inner.model_id, inner.backend, weights, direction, inner.options
        )

    @property
    def options(self) -> DecodingOptions:
        return self._inner.options

    def with_options(self, options: DecodingOptions) -> MemoryTranslator:
        return MemoryTranslator(
            self._inner.with_options(options), self._memory, self._direction, self._weights
        )

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return [t.text for t in self.translate_scored(sentences)]

    def translate_scored(
        self, sentences: Sequence[str], on_finished: FinishedCallback | None = None
    ) -> list[Translation]:
        keys = [memory_key(self._namespace, s.strip()) for s in sentences]
        found = self._memory.get_many(keys) if keys else []
        results: list[Translation | None] = list(found)
        # Each distinct missing sentence is translated once; its copies wait for it.
        first_of: dict[str, int] = {}
        copies: dict[int, list[int]] = {}
        for index, (key, hit) in enumerate(zip(keys, found, strict=True)):
            if hit is not None:
                continue
            if key in first_of:
                copies[first_of[key]].append(index)
            else:
                first_of[key] = index
                copies[index] = []
        misses = list(first_of.values())
        self.stats.sentences += len(sentences)
        self.stats.hits.update(i for i, r in enumerate(results) if r is not None)
        self.stats.hits.update(i for group in copies.values() for i in group)
        if on_finished is not None:
            # Served sentences are finished before any batch is.
            on_finished([i for i, hit in enumerate(found) if hit is not None])

        def finished(inner_indices: list[int]) -> None:
            if on_finished is not None:
                done = [misses[i] for i in inner_indices]
                on_finished(sorted([*done, *(c for i in done for c in copies[i])]))

        translated = self._inner.translate_scored([sentences[i] for i in misses], finished)
        stored: dict[str, Translation] = {}
        for index, translation in zip(misses, translated, strict=True):
            results[index] = translation
            for copy in copies[index]:
                results[copy] = translation
            # An empty sentence's translation costs nothing; not worth an entry.
            if translation.confidence is not None:
                stored[keys[index]] = translation
        if stored:
            self._memory.put_many(stored)
        return [r if r is not None else Translation("") for r in results]
