from hypothesis import given
from hypothesis import strategies as st

from models.batching import batches_by_tokens


def test_sorted_longest_first_within_budget() -> None:
    lengths = [5, 40, 10, 38, 6, 12]
    batches = batches_by_tokens(lengths, max_tokens=80)
    assert batches == [[1, 3], [5, 2, 4, 0]]


def test_over_long_item_gets_its_own_batch() -> None:
    assert batches_by_tokens([500, 3, 4], max_tokens=100) == [[0], [2, 1]]


def test_empty() -> None:
    assert batches_by_tokens([], max_tokens=10) == []


@given(st.lists(st.integers(min_value=1, max_value=300), max_size=60), st.integers(16, 2048))
def test_every_item_once_and_batches_fit(lengths: list[int], budget: int) -> None:
    batches = batches_by_tokens(lengths, budget)
    flat = sorted(i for batch in batches for i in batch)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        width = max(lengths[i] for i in batch)
        assert len(batch) == 1 or len(batch) * width <= budget
