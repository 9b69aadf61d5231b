"""Length-aware batching: similar lengths together, each batch bounded in padded tokens."""

from __future__ import annotations

from collections.abc import Sequence

# Batch-invariant batching pads to a multiple of this (RINGKAS_BATCH_INVARIANT). On the
# bench, 8 and 16 cost the same: what small calls pay for is their extra batches.
INVARIANT_WIDTH_STEP = 8


def batch_budget(lengths: Sequence[int], max_tokens: int, parts: int = 1) -> int:
    """The padded-token budget per batch for ``lengths``: ``max_tokens``, or less when all
    the items would fit in fewer than ``parts`` batches.

    An engine that decodes ``parts`` batches at once (CTranslate2 with ``inter_threads``)
    needs that many to keep busy: 48 short sentences are then 2 batches of 24, not 1 of 48.
    """
    if not lengths:
        return max_tokens
    whole = len(lengths) * max(lengths)  # one batch, padded to the longest
    return max(1, min(max_tokens, -(-whole // max(parts, 1))))


def padded_width(length: int, width_step: int = 0) -> int:
    """The width a batch whose longest item has ``length`` tokens is padded to: the length
    itself, or, batch-invariant (``width_step`` > 0), the length rounded up to a multiple
    of ``width_step``."""
    return -(-length // width_step) * width_step if width_step > 0 else length


def batches_by_tokens(
    lengths: Sequence[int], max_tokens: int, parts: int = 1, width_step: int = 0
) -> list[list[int]]:
    """Groups item indices into batches of similar length.

    Items are sorted longest first; a batch takes the next item while
    ``items × padded width ≤ max_tokens``, as CTranslate2's own ``max_batch_size`` in tokens
    does. An item longer than ``max_tokens`` gets a batch of its own.

    Args:
        lengths: Length in tokens of each item.
        max_tokens: Budget of padded tokens per batch.
        parts: Batches the engine decodes at once. A small input still makes that many
            (``batch_budget``), and a large one ends with its last ``parts`` batches cut
            in ``parts`` each: the engine's replicas then finish together, instead of
            one decoding the last batch while the others idle (on the 2-core bench,
            cores busy 95.7% of a task's time instead of 94.4%).
        width_step: 0, or batch-invariant: items only share a batch with items of the same
            ``padded_width``, so that a batch padded to that width gives each item the
            output it gets in any other batch (a padded width of its own changes an
            engine's scores in the 4th decimal, and flips near-tied tokens).

    Returns:
        Lists of indices into ``lengths``; every index appears exactly once.
    """
    widths = [padded_width(n, width_step) for n in lengths]
    budget = batch_budget(widths, max_tokens, parts)
    order = sorted(range(len(lengths)), key=lambda i: (widths[i], lengths[i]), reverse=True)
    batches: list[list[int]] = []
    for index in order:
        batch = batches[-1] if batches else None
        # Sorted widest first, so the batch's first item sets its padded width.
        if (
            batch
            and (len(batch) + 1) * widths[batch[0]] <= budget
            and (not width_step or widths[index] == widths[batch[0]])
        ):
            batch.append(index)
        else:
            batches.append([index])
    if parts > 1 and len(batches) > parts:
        batches[-parts:] = [piece for batch in batches[-parts:] for piece in _cut(batch, parts)]
    return batches


def _cut(batch: list[int], parts: int) -> list[list[int]]:
    """``batch`` in ``parts`` consecutive pieces of near-equal size (fewer if it is small)."""
    size = -(-len(batch) // parts)
    return [batch[i : i + size] for i in range(0, len(batch), size)]
