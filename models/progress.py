"""Sentence-level progress while translating: translate in steps, report after each.

A translator batches a whole list of sentences by length; it has no hook to say how far it
got. To report progress without changing the ``Translator`` interface, the sentences are
sorted by length (so each step still batches similar lengths together) and translated in
steps of a few batches; the callback hears ``(done, total)`` after each step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from models.translator import Translator

ProgressCallback = Callable[[int, int], None]
"""Called with ``(sentences_done, sentences_total)``; must be cheap and must not raise."""

# Sentences per step: big enough for full batches on a CPU (a step is one or a few
# generate() calls), small enough that a 20-sentence article reports more than once.
STEP_SENTENCES = 8


def translate_reporting(
    translator: Translator,
    sentences: Sequence[str],
    on_progress: ProgressCallback | None,
    step: int = STEP_SENTENCES,
) -> list[str]:
    """``translator.translate_batch(sentences)``, calling ``on_progress`` after each step.

    Without a callback it is exactly one ``translate_batch`` call (the fastest batching).

    Args:
        translator: Any ``Translator``.
        sentences: The sentences, in document order.
        on_progress: Called with ``(done, total)`` after each step, first with ``(0, total)``.
        step: Sentences per step.

    Returns:
        One translation per sentence, in input order.
    """
    if on_progress is None:
        return translator.translate_batch(sentences)
    total = len(sentences)
    on_progress(0, total)
    order = sorted(range(total), key=lambda i: len(sentences[i]), reverse=True)
    outputs = [""] * total
    for start in range(0, total, step):
        chunk = order[start : start + step]
        for index, text in zip(
            chunk, translator.translate_batch([sentences[i] for i in chunk]), strict=True
        ):
            outputs[index] = text
        on_progress(min(start + step, total), total)
    return outputs
