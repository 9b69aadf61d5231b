"""The job estimate: sentences, fraction and a linear ETA from the stored states."""

from __future__ import annotations

from datetime import UTC, datetime

from ringkas.jobstore import (
    ArticleInput,
    ArticleState,
    ArticleView,
    JobView,
    SentenceProgress,
    derive_status,
    progress_of,
)
from ringkas.progress import RUNNING_CAP, estimate

T0 = "2026-01-01T00:00:00.000Z"
NOW = datetime(2026, 1, 1, 0, 0, 10, tzinfo=UTC)  # 10 s after T0


def job(*articles: tuple[ArticleState, SentenceProgress | None]) -> JobView:
    views = [
        ArticleView(i, ArticleInput(text="x", source_lang="id"), state, sentences)
        for i, (state, sentences) in enumerate(articles)
    ]
    states = [v.state for v in views]
    return JobView("j", T0, ["translate"], derive_status(states), progress_of(states), views)


def test_a_queued_job_has_no_eta() -> None:
    e = estimate(job((ArticleState(), None)), NOW)
    assert (e.fraction, e.elapsed_s, e.eta_s, e.sentences_total) == (0, None, None, 0)


def test_a_half_translated_article_of_two_extrapolates_linearly() -> None:
    running = ArticleState(status="running", attempts=1, started_at=T0)
    e = estimate(job((running, SentenceProgress(5, 10)), (ArticleState(), None)), NOW)
    fraction = RUNNING_CAP * 0.5 / 2
    assert e.fraction == round(fraction, 4)
    assert e.elapsed_s == 10
    assert e.eta_s == round(10 * (1 - fraction) / fraction, 1)
    assert (e.sentences_done, e.sentences_total) == (5, 10)


def test_a_finished_job_reports_its_duration_and_no_time_left() -> None:
    done = ArticleState(
        status="succeeded", attempts=1, started_at=T0, finished_at="2026-01-01T00:00:04.500Z"
    )
    e = estimate(job((done, SentenceProgress(7, 7))), NOW)
    assert (e.fraction, e.elapsed_s, e.eta_s) == (1, 4.5, 0)
    assert (e.sentences_done, e.sentences_total) == (7, 7)
