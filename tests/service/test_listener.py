"""The shared pub/sub listener on a Redis of its own: one connection for every watcher,
messages to the watchers of their channel only, and a Redis restart survived."""

from __future__ import annotations

import asyncio

import pytest
import redis
import redis.asyncio
from own_redis import OwnRedis

from ringkas.service.listener import Listener

PATTERNS = ["ringkas:job:*:finished", "celery-task-meta-*"]


def pubsub_connections(url: str) -> int:
    with redis.Redis.from_url(url) as client:
        return sum(1 for c in client.client_list() if int(c["sub"]) or int(c["psub"]))


def test_watchers_share_one_connection_and_get_their_own_messages(own_redis: OwnRedis) -> None:
    async def scenario() -> tuple[list[bytes | None], list[bytes | None], int]:
        listener = Listener(own_redis.url, PATTERNS)
        publisher = redis.asyncio.Redis.from_url(own_redis.url)
        try:
            async with (
                listener.watch("ringkas:job:a:finished") as a1,
                listener.watch("ringkas:job:a:finished") as a2,
                listener.watch("celery-task-meta-t1") as t1,
            ):
                connections = await asyncio.to_thread(pubsub_connections, own_redis.url)
                await publisher.publish("ringkas:job:a:finished", "0")
                await publisher.publish("celery-task-meta-t1", "answer")
                await publisher.publish("ringkas:job:b:finished", "0")  # nobody watches it
                got_a = [await a1.next(5), await a2.next(5)]
                got_t = [await t1.next(5), await t1.next(0.2)]
            return got_a, got_t, connections
        finally:
            await listener.close()
            await publisher.aclose()

    got_a, got_t, connections = asyncio.run(scenario())

    assert connections == 1
    assert got_a == [b"0", b"0"]
    assert got_t == [b"answer", None]  # one message, then the wait runs out


def test_a_redis_restart_fails_the_watchers_then_the_listener_reconnects(
    own_redis: OwnRedis,
) -> None:
    async def scenario() -> tuple[type[BaseException] | None, bytes | None, int]:
        listener = Listener(own_redis.url, PATTERNS)
        try:
            failure: type[BaseException] | None = None
            async with listener.watch("ringkas:job:a:finished") as inbox:
                await asyncio.to_thread(own_redis.stop)
                try:
                    await inbox.next(10)
                except redis.exceptions.ConnectionError as exc:
                    failure = type(exc)
            await asyncio.to_thread(own_redis.start)
            publisher = redis.asyncio.Redis.from_url(own_redis.url)
            async with listener.watch("ringkas:job:a:finished") as inbox:
                await publisher.publish("ringkas:job:a:finished", "3")
                message = await inbox.next(5)
            await publisher.aclose()
            return failure, message, listener.connections_made
        finally:
            await listener.close()

    failure, message, connections_made = asyncio.run(scenario())

    assert failure is not None and issubclass(failure, redis.exceptions.ConnectionError)
    assert message == b"3"
    assert connections_made == 2


def test_watching_with_redis_down_raises_connection_error() -> None:
    async def scenario() -> None:
        listener = Listener("redis://127.0.0.1:1/0", PATTERNS)
        try:
            async with listener.watch("ringkas:job:a:finished"):
                pass
        finally:
            await listener.close()

    with pytest.raises(redis.exceptions.ConnectionError):
        asyncio.run(scenario())
