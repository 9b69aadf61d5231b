"""How a job's articles are split into worker tasks (each one batch)."""

from ringkas.service.queue import group_articles


def test_consecutive_articles_share_a_task_up_to_both_limits() -> None:
    assert group_articles([10] * 4, max_articles=2, max_chars=1000) == [[0, 1], [2, 3]]
    assert group_articles([400, 400, 400, 100], max_articles=8, max_chars=1000) == [
        [0, 1],
        [2, 3],
    ]


def test_an_article_over_the_char_limit_gets_a_task_of_its_own() -> None:
    assert group_articles([50, 5000, 50], max_articles=8, max_chars=1000) == [[0], [1], [2]]


def test_one_article_per_task_and_no_articles() -> None:
    assert group_articles([10, 10], max_articles=1, max_chars=1000) == [[0], [1]]
    assert group_articles([], max_articles=8, max_chars=1000) == []


def test_groups_are_as_even_as_the_limits_allow() -> None:
    sizes = [len(g) for g in group_articles([10] * 50, max_articles=16, max_chars=10_000)]
    assert sizes == [13, 13, 13, 11]
    assert [len(g) for g in group_articles([10] * 5, max_articles=2, max_chars=1000)] == [
        2,
        2,
        1,
    ]
