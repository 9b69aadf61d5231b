import itertools
from dataclasses import replace

import pytest

from ringkas.models.loading import load_model
from ringkas.models.summarizer import BriefOptions, TransformersSummarizer, trim_brief
from ringkas.settings import Settings


def test_trim_keeps_whole_sentences_within_limits() -> None:
    summary = "One two three. Four five six seven. Eight nine. Ten eleven."
    assert trim_brief(summary, max_sentences=3, max_words=9) == (
        "One two three. Four five six seven. Eight nine."
    )
    assert (
        trim_brief(summary, max_sentences=2, max_words=60) == "One two three. Four five six seven."
    )
    assert trim_brief(summary, max_sentences=3, max_words=6) == "One two three."


def test_trim_cuts_an_over_long_first_sentence() -> None:
    assert trim_brief("a b c d e f g h", max_sentences=3, max_words=5) == "a b c d e…"


def test_trim_of_nothing_is_nothing() -> None:
    assert trim_brief("", 3, 60) == ""


@pytest.fixture(scope="module")
def summarizer(settings: Settings) -> TransformersSummarizer:
    return TransformersSummarizer(
        load_model("brief:en", settings.pipeline_options().models), BriefOptions(num_beams=1)
    )


@pytest.fixture(scope="module")
def short_summarizer(settings: Settings) -> TransformersSummarizer:
    """The demo summarizer made to take 128 tokens at most, so articles need chunking."""
    loaded = replace(
        load_model("brief:en", settings.pipeline_options().models), max_source_tokens=128
    )
    return TransformersSummarizer(loaded, BriefOptions(num_beams=1, max_words=20))


def test_summary_of_a_short_text(summarizer: TransformersSummarizer) -> None:
    summary = summarizer.summarize(
        "Twitter will open an office in Jakarta. It has 2.7 million users."
    )
    assert isinstance(summary, str)
    assert summary.strip()


def test_long_article_is_chunked_then_reduced(short_summarizer: TransformersSummarizer) -> None:
    summarizer = short_summarizer
    sentence = "The company said revenue grew 36 percent in the third quarter of the year."
    article = "\n".join([sentence] * 40)  # about 700 tokens
    calls: list[int] = []
    generate = summarizer._generate

    def counting(chunks: list[str]) -> list[str]:
        calls.append(len(chunks))
        return generate(chunks)

    summarizer._generate = counting  # type: ignore[method-assign]
    try:
        summary = summarizer.summarize(article)
    finally:
        del summarizer._generate
    assert summary.strip()
    assert calls[0] >= 4  # map over the chunks
    assert calls[-1] == 1  # then reduce to one summary
    assert all(later < earlier for earlier, later in itertools.pairwise(calls))
