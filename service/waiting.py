"""Long polling: a request that waits for its job to finish, woken by the job store.

``JobStore`` publishes on the job's channel each time one of its articles finishes. A waiting
request subscribes first and reads the job's status after that and after every message, so a
finish that lands between subscribing and reading cannot be missed, and Redis is read once per
finished article rather than on a timer.
"""

from __future__ import annotations

import asyncio

import redis.asyncio
from fastapi.concurrency import run_in_threadpool

from ringkas.jobstore import FINISHED, JobStore


async def wait_until_finished(store: JobStore, redis_url: str, job_id: str, seconds: float) -> None:
    """Returns once the job has finished, or after ``seconds``.

    Raises:
        JobNotFound: the job is unknown or has expired.
        redis.exceptions.ConnectionError: Redis is unreachable.
    """
    if seconds <= 0:
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    # A connection of its own per waiting request: a pub/sub connection cannot be shared,
    # and a pool made outside this event loop could not be used inside it.
    async with redis.asyncio.Redis.from_url(redis_url) as client, client.pubsub() as pubsub:
        await pubsub.subscribe(JobStore.finish_channel(job_id))
        while await run_in_threadpool(store.status, job_id) not in FINISHED:
            left = deadline - loop.time()
            if left <= 0:
                return
            await pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
