from hypothesis import given
from hypothesis import strategies as st

from ringkas.models.batching import batch_budget, batches_by_tokens, padded_width


def test_sorted_longest_first_within_budget() -> None:
    lengths = [5, 40, 10, 38, 6, 12]
    batches = batches_by_tokens(lengths, max_tokens=80)
    assert batches == [[1, 3], [5, 2, 4, 0]]


def test_over_long_item_gets_its_own_batch() -> None:
    assert batches_by_tokens([500, 3, 4], max_tokens=100) == [[0], [2, 1]]


def test_empty() -> None:
    assert batches_by_tokens([], max_tokens=10) == []


@given(
    st.lists(st.integers(min_value=1, max_value=300), max_size=60),
    st.integers(16, 2048),
    st.integers(1, 4),
)
def test_every_item_once_and_batches_fit(lengths: list[int], budget: int, parts: int) -> None:
    batches = batches_by_tokens(lengths, budget, parts)
    flat = sorted(i for batch in batches for i in batch)
    assert flat == list(range(len(lengths)))
    for batch in batches:
        width = max(lengths[i] for i in batch)
        assert len(batch) == 1 or len(batch) * width <= budget


def test_budget_splits_a_small_input_between_replicas() -> None:
    lengths = [20, 18, 15, 12, 10, 9]  # one batch of 6 × 20 = 120 padded tokens
    assert len(batches_by_tokens(lengths, batch_budget(lengths, max_tokens=2048))) == 1
    assert batch_budget(lengths, max_tokens=2048, parts=2) == 60
    assert batches_by_tokens(lengths, 60) == [[0, 1, 2], [3, 4, 5]]
    # a large input keeps the configured budget
    assert batch_budget([30] * 1000, max_tokens=2048, parts=2) == 2048
    assert batch_budget([], max_tokens=2048, parts=2) == 2048


def test_the_last_batches_are_cut_so_that_replicas_finish_together() -> None:
    lengths = [10] * 40  # 4 batches of 10 at 100 tokens
    assert [len(b) for b in batches_by_tokens(lengths, 100)] == [10, 10, 10, 10]
    assert [len(b) for b in batches_by_tokens(lengths, 100, parts=2)] == [10, 10, 5, 5, 5, 5]


def test_batch_invariant_batches_hold_one_padded_width() -> None:
    lengths = [5, 9, 12, 16, 17, 3]  # padded to 8, 16, 16, 16, 24, 8
    assert [padded_width(n, 8) for n in lengths] == [8, 16, 16, 16, 24, 8]
    assert batches_by_tokens(lengths, max_tokens=1000, width_step=8) == [[4], [3, 2, 1], [0, 5]]
    # without it, the longest item sets a batch's width and anything shorter may join
    assert batches_by_tokens(lengths, max_tokens=1000) == [[4, 3, 2, 1, 0, 5]]


@given(
    st.lists(st.integers(min_value=1, max_value=300), max_size=60),
    st.integers(16, 2048),
    st.integers(1, 4),
    st.sampled_from([4, 8, 16]),
)
def test_batch_invariant_every_item_once_each_batch_one_width(
    lengths: list[int], budget: int, parts: int, step: int
) -> None:
    batches = batches_by_tokens(lengths, budget, parts, width_step=step)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        widths = {padded_width(lengths[i], step) for i in batch}
        assert len(widths) == 1
        assert len(batch) == 1 or len(batch) * widths.pop() <= budget
