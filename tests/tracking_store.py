"""A job store that remembers the jobs it created, so a test deletes exactly those."""

from __future__ import annotations

from collections.abc import Sequence

from ringkas.jobstore import ArticleInput, JobStore


class TrackingJobStore(JobStore):
    """Remembers the jobs it created, so the test deletes exactly those."""

    created: list[str]

    def create(
        self, articles: Sequence[ArticleInput], tasks: Sequence[str], owner: str | None = None
    ) -> str:
        job_id = super().create(articles, tasks, owner)
        self.created.append(job_id)
        return job_id
