"""Long polling: a request that waits for its job to finish, woken by the job store.

``JobStore`` publishes on the job's channel each time one of its articles finishes. A waiting
request watches that channel through the process's shared `Listener` (one Redis connection
for all of them) first, and reads the job's status after that and after every message, so
a finish that lands between watching and reading cannot be missed, and Redis is read once
per finished article rather than on a timer.
"""

from __future__ import annotations

import asyncio

from fastapi.concurrency import run_in_threadpool

from ringkas.jobstore import FINISHED, JobStore
from ringkas.service.listener import Listener


async def wait_until_finished(
    store: JobStore, listener: Listener, job_id: str, seconds: float
) -> None:
    """Returns once the job has finished, or after ``seconds``.

    Raises:
        JobNotFound: the job is unknown or has expired.
        redis.exceptions.ConnectionError: Redis is unreachable.
    """
    if seconds <= 0:
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    async with listener.watch(JobStore.finish_channel(job_id)) as inbox:
        while await run_in_threadpool(store.status, job_id) not in FINISHED:
            left = deadline - loop.time()
            if left <= 0:
                return
            await inbox.next(left)
