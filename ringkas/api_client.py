"""The batch script through the HTTP API: submit articles as jobs, poll, yield results.

Articles go in chunks of ``chunk_size`` per job (the service batches all sentences of a job
together, so bigger chunks translate faster), with up to ``jobs_in_flight`` jobs submitted
at once so the worker's queue does not run dry between chunks. Each article's record is
yielded as soon as a poll shows it finished, not when its whole job does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import httpx

from ringkas.batch import Article, Processor, Record, failed, succeeded
from ringkas.jobstore import ARTICLE_FINISHED, FINISHED

# Answers worth retrying: the server or a proxy in front of it is busy or restarting.
RETRY_STATUS = (429, 502, 503, 504)
# A job the API refuses with one of these is about its articles (too long, empty, …):
# the chunk is split so only the offending article fails.
REJECT_STATUS = (400, 413, 422)


class ApiError(Exception):
    """The API cannot be used (unreachable, not ready, unexpected answer); the run stops."""


def describe(response: httpx.Response) -> str:
    """A one-line account of an error answer, from the ``{"code","detail","errors"}`` body."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    if isinstance(body, dict) and "detail" in body:
        text = f"HTTP {response.status_code} {body.get('code', '')}: {body['detail']}"
        if body.get("errors"):
            text += f" {body['errors']}"
        return text
    return f"HTTP {response.status_code}: {body}"


def request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    retries: int = 5,
    sleep: Callable[[float], None] = time.sleep,
    **kwargs: Any,
) -> httpx.Response:
    """Sends a request, retrying connection errors and 429/5xx-busy answers with backoff.

    Raises:
        ApiError: still failing after ``retries`` retries.
    """
    problem = ""
    for attempt in range(retries + 1):
        delay = min(2.0**attempt, 10.0)
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code not in RETRY_STATUS:
                return response
            problem = describe(response)
            retry_after = response.headers.get("Retry-After", "")
            if retry_after.isdigit():
                delay = float(retry_after)
        if attempt < retries:
            sleep(delay)
    raise ApiError(f"{method} {client.base_url.join(url)} failed: {problem}")


def check_ready(client: httpx.Client) -> None:
    """Fails fast when the API cannot process jobs, instead of polling a job no one runs.

    Raises:
        ApiError: ``/readyz`` does not answer 200 (no Redis, or no worker).
    """
    response = request(client, "GET", "/readyz", retries=2)
    if response.status_code != 200:
        raise ApiError(
            f"the API at {client.base_url} is not ready to process jobs: {describe(response)}"
        )


@dataclass
class _Job:
    id: str
    status_url: str
    articles: list[Article]
    written: set[int] = field(default_factory=set)


def api_processor(
    client: httpx.Client,
    tasks: Sequence[str],
    *,
    chunk_size: int,
    poll_interval_s: float = 1.0,
    jobs_in_flight: int = 2,
    brief_mode: str = "full",
    stall_timeout_s: float = 900.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Processor:
    """A ``Processor`` that runs articles through ``POST /v1/jobs`` and ``GET /v1/jobs/{id}``.

    ``stall_timeout_s``: stop (with ApiError) when no article finishes for this long, e.g.
    because the worker died; what finished is already written, and a rerun resumes.
    """

    def submit(chunk: list[Article]) -> tuple[list[_Job], list[Record]]:
        body = {
            "articles": [_article_body(a) for a in chunk],
            "tasks": list(tasks),
            # Only when not the default, so an API without brief modes takes the job.
            **({"brief_mode": brief_mode} if brief_mode != "full" else {}),
        }
        response = request(client, "POST", "/v1/jobs", json=body, sleep=sleep)
        if response.status_code == 202:
            answer = response.json()
            job_id = str(answer["job_id"])
            return [_Job(job_id, answer.get("status_url") or f"/v1/jobs/{job_id}", chunk)], []
        if response.status_code in REJECT_STATUS:
            if len(chunk) == 1:
                return [], [failed(chunk[0], "rejected", describe(response))]
            jobs: list[_Job] = []
            records: list[Record] = []
            for article in chunk:  # find which article the API objects to
                more_jobs, more_records = submit([article])
                jobs += more_jobs
                records += more_records
            return jobs, records
        raise ApiError(f"POST /v1/jobs: {describe(response)}")

    def get(job: _Job, results: bool) -> dict[str, Any]:
        params = {} if results else {"results": "false"}
        response = request(client, "GET", job.status_url, sleep=sleep, params=params)
        if response.status_code != 200:
            raise ApiError(f"GET {job.status_url}: {describe(response)}")
        answer: dict[str, Any] = response.json()
        return answer

    def poll(job: _Job) -> Iterator[Record]:
        # A light poll first; the results are read only when there are new ones to write.
        light = get(job, results=False)
        new = any(
            item["status"] in ARTICLE_FINISHED and int(item["index"]) not in job.written
            for item in light["articles"]
        )
        if not new and light["status"] not in FINISHED:
            return
        answer = get(job, results=True)
        for item in answer["articles"]:
            index = int(item["index"])
            if item["status"] in ARTICLE_FINISHED and index not in job.written:
                job.written.add(index)
                yield _record(job.articles[index], item)
        if answer["status"] in FINISHED:
            # A finished job whose article is not finished would be a service bug; record
            # it rather than wait forever.
            for index, article in enumerate(job.articles):
                if index not in job.written:
                    job.written.add(index)
                    yield failed(
                        article, "unfinished", f"job {job.id} ended {answer['status']} without it"
                    )

    def process(articles: Iterable[Article]) -> Iterator[Record]:
        source = iter(articles)
        pending: list[_Job] = []
        exhausted = False
        last_progress = clock()
        while True:
            while not exhausted and len(pending) < jobs_in_flight:
                chunk = list(islice(source, chunk_size))
                if not chunk:
                    exhausted = True
                    break
                jobs, rejected = submit(chunk)
                pending += jobs
                yield from rejected
            if not pending:
                return
            sleep(poll_interval_s)
            for job in list(pending):
                for rec in poll(job):
                    last_progress = clock()
                    yield rec
                if len(job.written) == len(job.articles):
                    pending.remove(job)
            if clock() - last_progress > stall_timeout_s:
                raise ApiError(
                    f"no article finished for {stall_timeout_s:.0f} s (jobs "
                    f"{', '.join(j.id for j in pending)}); is a worker running? Results so "
                    f"far are written; rerun to resume."
                )

    return process


def _article_body(article: Article) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": article.text,
        "id": article.id,
        "source_lang": article.source_lang,
    }
    if article.title is not None:
        body["title"] = article.title
    if article.format != "text":
        body["format"] = article.format
    return body


def _record(article: Article, item: dict[str, Any]) -> Record:
    if item["status"] == "succeeded":
        return succeeded(article, item["result"])
    if item["status"] == "cancelled":
        return failed(article, "cancelled", "the job was cancelled (DELETE /v1/jobs/{id})")
    error = item.get("error")
    if isinstance(error, dict):
        return failed(article, str(error.get("code", "failed")), str(error.get("detail", error)))
    return failed(article, "failed", str(error))
