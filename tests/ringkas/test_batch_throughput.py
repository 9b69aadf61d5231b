"""The batch bar's throughput: sentences and tokens of the translated results."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ringkas.batch import Article, Record, run_batch, succeeded, work_of

RESULT = {
    "sentences": 3,
    "paragraphs": [
        {"source": "Satu dua tiga.", "translation": "x"},
        {"source": "Empat.", "translation": "y"},
    ],
}


def test_work_of_counts_sentences_and_source_tokens() -> None:
    assert work_of(RESULT) == (3, 4)
    assert work_of({"sentences": 5, "paragraphs": None, "brief": "b"}) == (0, 0)


def test_the_summary_adds_up_the_work(tmp_path: Path) -> None:
    articles = [Article(str(i), "teks", "id", None, "x") for i in range(2)]

    def processor(items: Iterable[Article]) -> Iterator[Record]:
        for article in items:
            yield succeeded(article, RESULT)

    summary = run_batch(
        iter(articles), tmp_path / "out.jsonl", processor, max_chars=100, progress=True
    )
    assert (summary.succeeded, summary.sentences, summary.tokens) == (2, 6, 8)
