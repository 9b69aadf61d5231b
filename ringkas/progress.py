"""A job's progress in sentences and its estimated time to finish, from what the store holds.

The estimate is the simplest honest one: the fraction done so far, measured in articles
(a running article counts by its share of translated sentences), extrapolated linearly
from the time since the first article started. It needs no per-model speed table, adapts
to the hardware it runs on, and says nothing (None) until there is something to go by.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ringkas.jobstore import FINISHED, JobView

# A running article whose sentences are all translated still has its brief to write: count
# it as not quite done, so the ETA never reaches 0 while work remains.
RUNNING_CAP = 0.9


@dataclass(frozen=True)
class JobEstimate:
    sentences_done: int
    sentences_total: int  # of the articles a worker has started (the others are unsplit)
    fraction: float  # 0..1 of the job's articles, partial articles counted by sentences
    elapsed_s: float | None  # since the first article started
    eta_s: float | None  # seconds until the job should finish; None until it can be told


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def estimate(job: JobView, now: datetime) -> JobEstimate:
    """Sentences done, fraction done and an ETA for ``job`` at time ``now`` (aware, UTC)."""
    done_sentences = total_sentences = 0
    done_units = 0.0
    for article in job.articles:
        state, sentences = article.state, article.sentences
        if sentences is not None:
            total_sentences += sentences.total
            done_sentences += sentences.total if state.finished else sentences.done
        if state.finished:
            done_units += 1.0
        elif state.status == "running" and sentences is not None and sentences.total:
            done_units += RUNNING_CAP * sentences.done / sentences.total
    total = len(job.articles)
    fraction = done_units / total if total else 1.0
    starts = [_parse(a.state.started_at) for a in job.articles if a.state.started_at]
    elapsed = (now - min(starts)).total_seconds() if starts else None
    if job.status in FINISHED:
        ends = [_parse(a.state.finished_at) for a in job.articles if a.state.finished_at]
        if starts and ends:
            elapsed = (max(ends) - min(starts)).total_seconds()
        eta: float | None = 0.0
    elif elapsed is None or fraction <= 0:
        eta = None
    else:
        eta = elapsed * (1 - fraction) / fraction
    return JobEstimate(
        sentences_done=done_sentences,
        sentences_total=total_sentences,
        fraction=round(fraction, 4),
        elapsed_s=None if elapsed is None else round(max(elapsed, 0.0), 3),
        eta_s=None if eta is None else round(max(eta, 0.0), 1),
    )
