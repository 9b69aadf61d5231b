"""One Redis pub/sub connection per API process, shared by every request that waits.

Two kinds of requests wait on Redis messages: long polls (``GET /v1/jobs/{id}?wait=N``,
woken by the job store's message per finished article) and the synchronous path
(``POST /v1/translate``, woken by the Celery result backend, which publishes each result
on its result key as it stores it). A connection per waiting request made 300 long polls
hold 300 connections; here the process holds one, pattern-subscribed to both kinds of
channel once (the subscription is confirmed before anyone watches, so no message published
after `Listener.watch` returns can be missed), and a reader task hands each message to the
requests watching its channel.

Every API process hears every finish message and every synchronous answer (a few KB):
cheaper than one subscription per request, and the reason the patterns are narrow.

When the connection breaks (a Redis restart), every watcher gets the error (the request
answers 503, as any other Redis failure) and the next `watch` connects again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence

import redis.asyncio
import redis.exceptions

CONFIRM_TIMEOUT_S = 5.0


class Inbox:
    """The messages of one channel for one waiting request."""

    def __init__(self) -> None:
        self._messages: asyncio.Queue[bytes] = asyncio.Queue()
        self._error: BaseException | None = None
        self._woken = asyncio.Event()

    def put(self, data: bytes) -> None:
        self._messages.put_nowait(data)
        self._woken.set()

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._woken.set()

    async def next(self, timeout_s: float) -> bytes | None:
        """The next message, or None after ``timeout_s``; raises the connection's error."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._woken.wait(), timeout_s)
        if not self._messages.empty():
            data = self._messages.get_nowait()
            if self._messages.empty() and self._error is None:
                self._woken.clear()
            return data
        if self._error is not None:
            raise self._error
        return None


class Listener:
    """The shared subscription of one API process (of one event loop)."""

    def __init__(self, redis_url: str, patterns: Sequence[str]) -> None:
        self.loop = asyncio.get_running_loop()
        self._url = redis_url
        self._patterns = list(patterns)
        self._watchers: defaultdict[str, set[Inbox]] = defaultdict(set)
        self._lock = asyncio.Lock()
        self._client: redis.asyncio.Redis | None = None
        self._pubsub: redis.asyncio.client.PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self.connections_made = 0  # for tests and logs: 1 unless Redis went away

    @contextlib.asynccontextmanager
    async def watch(self, channel: str) -> AsyncIterator[Inbox]:
        """An inbox for ``channel``'s messages from now on, until the block ends.

        Raises:
            redis.exceptions.ConnectionError: Redis is unreachable.
        """
        await self._connect()
        inbox = Inbox()
        self._watchers[channel].add(inbox)
        try:
            yield inbox
        finally:
            watchers = self._watchers.get(channel)
            if watchers is not None:
                watchers.discard(inbox)
                if not watchers:
                    del self._watchers[channel]

    async def close(self) -> None:
        async with self._lock:
            await self._disconnect()

    async def _connect(self) -> None:
        async with self._lock:
            if self._reader is not None and not self._reader.done():
                return
            await self._disconnect()
            client = redis.asyncio.Redis.from_url(self._url)
            pubsub = client.pubsub()
            try:
                await pubsub.psubscribe(*self._patterns)
                await self._confirmed(pubsub)
            except BaseException:
                await pubsub.aclose()
                await client.aclose()
                raise
            self._client, self._pubsub = client, pubsub
            self.connections_made += 1
            self._reader = asyncio.create_task(self._read(pubsub), name="ringkas-listener")

    async def _confirmed(self, pubsub: redis.asyncio.client.PubSub) -> None:
        """Waits for Redis to confirm every pattern: only then are messages ours."""
        pending = len(self._patterns)
        deadline = self.loop.time() + CONFIRM_TIMEOUT_S
        while pending:
            left = deadline - self.loop.time()
            if left <= 0:
                raise redis.exceptions.ConnectionError("Redis did not confirm the subscription")
            message = await pubsub.get_message(timeout=left)
            if message is not None and message["type"] == "psubscribe":
                pending -= 1

    async def _read(self, pubsub: redis.asyncio.client.PubSub) -> None:
        try:
            async for message in pubsub.listen():
                if message["type"] != "pmessage":
                    continue
                channel = message["channel"]
                name = channel.decode() if isinstance(channel, bytes) else str(channel)
                for inbox in list(self._watchers.get(name, ())):
                    inbox.put(message["data"])
            raise redis.exceptions.ConnectionError("the pub/sub connection was closed")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Every waiter learns at once; the next watch connects again.
            for inboxes in list(self._watchers.values()):
                for inbox in inboxes:
                    inbox.fail(exc)

    async def _disconnect(self) -> None:
        reader, pubsub, client = self._reader, self._pubsub, self._client
        self._reader = self._pubsub = self._client = None
        if reader is not None and not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader
        for closing in (pubsub, client):
            if closing is not None:
                with contextlib.suppress(Exception):
                    await closing.aclose()
