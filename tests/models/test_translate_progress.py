"""translate_reporting: same output as one translate_batch call, progress after each step."""

from __future__ import annotations

from collections.abc import Sequence

from models.progress import translate_reporting


class Upper:
    model_id = "upper"
    is_demo = True

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [s.upper() for s in sentences]


def test_without_a_callback_it_is_one_call() -> None:
    translator = Upper()
    assert translate_reporting(translator, ["a", "bb"], None) == ["A", "BB"]
    assert translator.calls == [["a", "bb"]]


def test_steps_report_progress_and_keep_the_order() -> None:
    translator = Upper()
    sentences = [f"s{'x' * (i % 4)}{i}" for i in range(10)]
    reports: list[tuple[int, int]] = []

    out = translate_reporting(translator, sentences, lambda d, t: reports.append((d, t)), step=4)

    assert out == [s.upper() for s in sentences]
    assert reports == [(0, 10), (4, 10), (8, 10), (10, 10)]
    # Each step holds sentences of similar length (sorted longest first).
    lengths = [len(s) for call in translator.calls for s in call]
    assert lengths == sorted(lengths, reverse=True)


def test_no_sentences_reports_zero_of_zero() -> None:
    reports: list[tuple[int, int]] = []
    assert translate_reporting(Upper(), [], lambda d, t: reports.append((d, t))) == []
    assert reports == [(0, 0)]
