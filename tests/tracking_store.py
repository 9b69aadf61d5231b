"""Job-store helpers for tests: a store that remembers the jobs it created, and the writes a
worker makes when a job's articles finish."""

from __future__ import annotations

from collections.abc import Sequence

from ringkas.jobstore import ArticleInput, JobStore
from ringkas.models.result import ArticleResult

# Each way a job of two articles can finish: the job's status → its articles' outcomes.
FINISHED_JOBS = {
    "succeeded": ("succeeded", "succeeded"),
    "failed": ("failed", "failed"),
    "partial": ("succeeded", "failed"),
}


class TrackingJobStore(JobStore):
    """Remembers the jobs it created, so the test deletes exactly those."""

    created: list[str]

    def create(
        self,
        articles: Sequence[ArticleInput],
        tasks: Sequence[str],
        owner: str | None = None,
        callback_url: str | None = None,
    ) -> str:
        job_id = super().create(articles, tasks, owner, callback_url)
        self.created.append(job_id)
        return job_id


# A worker's result of a brief-only article, as JSON.
A_BRIEF = ArticleResult(
    source_lang="id", target_lang="en", sentences=1, brief="A brief.", brief_method="extractive"
).model_dump(mode="json")


def finish_articles(store: JobStore, job_id: str, outcomes: Sequence[str]) -> None:
    """What a worker writes: article ``i`` started, then succeeded or failed as
    ``outcomes[i]`` says."""
    for index, outcome in enumerate(outcomes):
        store.start(job_id, index)
        if outcome == "succeeded":
            store.succeed(job_id, index, A_BRIEF)
        else:
            store.fail(job_id, index, "model is missing")
