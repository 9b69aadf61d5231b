"""A worker process's side of article leases (``ringkas.leases``): hold, renew, sweep.

Each pool process runs one daemon thread, the keeper, from its start
(``worker_process_init``): every third of ``RINGKAS_LEASE_S`` it renews the leases of the
articles its task is working on, and every ``RINGKAS_LEASE_SWEEP_INTERVAL_S`` it tries to
be the one sweeper across all workers (a Redis lock) that hands articles with an expired
lease to tasks of their own. A dead worker's articles therefore run again within about
``lease_s + sweep_interval_s`` of its death, whatever the broker's visibility timeout.

Everything here is best effort on a non-retrying Redis client: while Redis is down,
renewals and sweeps fail fast and are tried again on the next tick. After Redis comes
back, the sweeper waits one renewal interval before it sweeps, so live workers renew the
leases that ran out during the outage before anyone takes them for dead.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from functools import lru_cache

import redis

from ringkas.jobstore import JobNotFound, JobStore
from ringkas.leases import ArticleRef, LeaseStore
from ringkas.settings import get_settings

logger = logging.getLogger("ringkas.worker")

# The non-retrying clients' socket timeouts: a renewal or a progress report must never
# hold up the model loop for long.
QUICK_TIMEOUT_S = 2.0


def quick_client() -> redis.Redis:
    """A Redis client that fails at once (no retries, short timeouts) when Redis is down."""
    return redis.Redis.from_url(
        get_settings().redis_url,
        decode_responses=True,
        socket_timeout=QUICK_TIMEOUT_S,
        socket_connect_timeout=QUICK_TIMEOUT_S,
        retry_on_timeout=False,
    )


@lru_cache(maxsize=4)
def _per_process(pid: int) -> tuple[str, LeaseStore, JobStore]:
    settings = get_settings()
    client = quick_client()
    owner = f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:8]}"
    return owner, LeaseStore(client, settings.lease_s), JobStore(client, settings.job_ttl_s)


def owner_id() -> str:
    """This process's lease owner id (a new one in each forked pool process)."""
    return _per_process(os.getpid())[0]


def lease_store() -> LeaseStore:
    return _per_process(os.getpid())[1]


def quick_store() -> JobStore:
    """The job store on the non-retrying client: for progress reports and the sweep."""
    return _per_process(os.getpid())[2]


Requeue = Callable[[ArticleRef], bool]


def sweep(leases: LeaseStore, store: JobStore, requeue: Requeue) -> list[ArticleRef]:
    """Hands every article whose lease ran out to a task of its own; returns those."""
    requeued = []
    for ref in leases.expired():
        if leases.holder(ref) is not None:
            continue  # renewed since (its index entry is refreshed on the next renewal)
        try:
            finished = store.is_finished(ref.job_id, ref.index)
        except (JobNotFound, IndexError):
            finished = True
        if finished:
            leases.forget(ref)
        elif requeue(ref):
            requeued.append(ref)
    if requeued:
        logger.warning(
            "handed %d articles with an expired lease to new tasks",
            len(requeued),
            extra={"articles": [r.member for r in requeued]},
        )
    return requeued


class Keeper:
    """Renews the leases this process holds and sweeps now and then (a daemon thread)."""

    def __init__(self, requeue: Requeue) -> None:
        settings = get_settings()
        self.renew_s = max(0.2, settings.lease_s / 3)
        self.sweep_s = float(settings.lease_sweep_interval_s)
        self._requeue = requeue
        self._held: set[ArticleRef] = set()
        self._lock = threading.Lock()
        self._healthy_since: float | None = None
        self._next_sweep = 0.0
        self._thread = threading.Thread(target=self._loop, name="ringkas-leases", daemon=True)
        self._thread.start()

    def hold(self, ref: ArticleRef) -> None:
        with self._lock:
            self._held.add(ref)

    def drop(self, ref: ArticleRef) -> None:
        """Stops renewing (the lease then runs out unless released)."""
        with self._lock:
            self._held.discard(ref)

    def held(self) -> list[ArticleRef]:
        with self._lock:
            return list(self._held)

    def tick(self) -> None:
        """One round: renew, then sweep when it is time and the lock is ours."""
        leases, owner = lease_store(), owner_id()
        try:
            for ref in self.held():
                leases.claim(ref, owner)
            now = time.monotonic()
            if self._healthy_since is None:
                self._healthy_since = now
            # Fresh from an outage: give the live workers a round to renew first.
            if now - self._healthy_since < self.renew_s or now < self._next_sweep:
                return
            self._next_sweep = now + self.sweep_s
            if leases.sweep_lock(owner, int(self.sweep_s * 1000)):
                sweep(leases, quick_store(), self._requeue)
        except redis.exceptions.RedisError as exc:
            self._healthy_since = None
            logger.info("lease renewal or sweep skipped: %s", exc)
        except Exception:  # the thread must outlive any bug in one round
            logger.exception("lease keeper round failed")

    def _loop(self) -> None:
        while True:
            self.tick()
            time.sleep(min(self.renew_s, self.sweep_s))
