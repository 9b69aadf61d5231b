"""Length-aware batching: similar lengths together, each batch bounded in padded tokens."""

from __future__ import annotations

from collections.abc import Sequence


def batches_by_tokens(lengths: Sequence[int], max_tokens: int) -> list[list[int]]:
    """Groups item indices into batches of similar length.

    Items are sorted longest first; a batch takes the next item while
    ``items × longest item ≤ max_tokens`` (the size of the padded batch). An item longer
    than ``max_tokens`` gets a batch of its own.

    Args:
        lengths: Length in tokens of each item.
        max_tokens: Budget of padded tokens per batch.

    Returns:
        Lists of indices into ``lengths``; every index appears exactly once.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    for index in order:
        batch = batches[-1] if batches else None
        # Sorted longest first, so the batch's first item sets its padded width.
        if batch and (len(batch) + 1) * lengths[batch[0]] <= max_tokens:
            batch.append(index)
        else:
            batches.append([index])
    return batches
