"""The translation memory in the test Redis, under the demo models: the same outputs with
and without it, hits counted, bounded in number and time, keyed by the decoding options."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from ringkas.models import ct2
from ringkas.models.memory import MemoryTranslator
from ringkas.models.options import PipelineOptions
from ringkas.models.pipeline import ArticleRequest, process_articles, translate_text
from ringkas.models.result import ArticleResult
from ringkas.models.translator import Translation
from ringkas.settings import Settings
from ringkas.translation_memory import RedisTranslationMemory

SHARED = [
    "Presiden Joko Widodo meresmikan jalan tol baru di Jawa Tengah pada hari Senin.",
    "Jalan tol itu diharapkan mempercepat distribusi barang ke pelabuhan.",
    "Kunjungi https://contoh.id/berita untuk informasi lebih lanjut.",
]


PLACES = ["Sukamaju", "Cibodas", "Karangrejo", "Tanjungsari"]


def article(number: int) -> ArticleRequest:
    place = PLACES[number]
    own = [
        f"Warga desa {place} menyambut kedatangan rombongan dengan tarian adat.",
        f"Pemerintah {place} menyiapkan bus untuk para tamu undangan.",
    ]
    # Half shared, half its own, in one paragraph each.
    body = "\n".join(f"{mine} {shared}" for mine, shared in zip(own, SHARED, strict=False))
    return ArticleRequest(
        text=body + "\n" + SHARED[2], source_lang="id", title=SHARED[0], tasks=("translate",)
    )


@pytest.fixture
def client(test_redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(test_redis_url, decode_responses=True)
    yield client
    client.close()


@pytest.fixture
def memory(client: redis.Redis) -> Iterator[RedisTranslationMemory]:
    prefix = f"ringkas:tm-test:{uuid.uuid4().hex}:"
    yield RedisTranslationMemory(client, ttl_s=3600, max_entries=1000, prefix=prefix)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


def translations(results: list[ArticleResult]) -> list[object]:
    return [
        (r.title_translation, r.translation, [s.model_dump() for s in r.sentences_detail or []])
        for r in results
    ]


def run(requests: list[ArticleRequest], options: PipelineOptions) -> list[ArticleResult]:
    outcomes = process_articles(requests, options)
    assert all(isinstance(o, ArticleResult) for o in outcomes), outcomes
    return outcomes  # type: ignore[return-value]


def test_outputs_are_the_same_with_and_without_the_memory_and_hits_are_counted(
    settings: Settings, memory: RedisTranslationMemory
) -> None:
    requests = [article(n) for n in range(4)]
    off = settings.pipeline_options()
    on = replace(off, translation_memory=memory)

    without = run(requests, off)
    first = run(requests, on)
    again = run(requests, on)

    assert translations(first) == translations(without)
    assert translations(again) == translations(without)
    assert all(r.timings.tm_hits is None and r.timings.tm_sentences is None for r in without)
    # 5 sentences + the title each, 3 of them shared; the title repeats the first shared
    # one. In the first call each distinct sentence is translated once, for the first
    # article that has it.
    assert [r.timings.tm_sentences for r in first] == [6, 6, 6, 6]
    assert [r.timings.tm_hits for r in first] == [1, 4, 4, 4]
    # Everything was remembered by the first call.
    assert [r.timings.tm_hits for r in again] == [6, 6, 6, 6]
    assert memory.size() == 3 + 4 * 2


def test_batch_invariant_ctranslate2_outputs_are_identical_with_and_without_the_memory(
    settings: Settings, memory: RedisTranslationMemory, tmp_path: Path
) -> None:
    """The production backend, int8: the memory changes which sentences share a batch, and
    batch invariance keeps that from changing any output."""
    invariant = settings.model_copy(
        update={
            "ct2_dir": str(tmp_path),
            "ct2_quantization": "int8",
            "translate_backend": "ctranslate2",
            "batch_invariant": True,
        }
    )
    ct2.convert("translate:id-en", invariant.pipeline_options().models)
    off = invariant.pipeline_options()
    on = replace(off, translation_memory=memory)
    requests = [article(n) for n in range(4)]
    without = run(requests, off)
    assert all(r.translate_backend == "ctranslate2" for r in without)
    first = run(requests, on)
    again = run(requests[::-1], on)[::-1]  # another order, all from the memory
    assert [r.timings.tm_hits for r in first] == [1, 4, 4, 4]
    assert translations(first) == translations(without)
    assert translations(again) == translations(without)


def test_the_sync_path_uses_the_memory_too(
    settings: Settings, memory: RedisTranslationMemory
) -> None:
    on = replace(settings.pipeline_options(), translation_memory=memory)
    text = " ".join(SHARED)
    plain = translate_text(text, "id", settings.pipeline_options())
    for _ in range(2):  # filling the memory, then served from it
        remembered = translate_text(text, "id", on)
        assert remembered.sentences_detail == plain.sentences_detail
        assert memory.size() == 3  # the URL sentence's protected form is remembered


def test_the_key_includes_the_decoding_options(
    settings: Settings, memory: RedisTranslationMemory
) -> None:
    on = replace(settings.pipeline_options(), translation_memory=memory)
    requests = [article(0)]
    run(requests, on)
    greedy = replace(on, decoding=replace(on.decoding, num_beams=1))
    [result] = run(requests, greedy)
    assert result.timings.tm_hits == 1  # only the title, a repeat within the call
    [result] = run(requests, on)
    assert result.timings.tm_hits == result.timings.tm_sentences == 6


def test_entries_expire_with_the_ttl(client: redis.Redis) -> None:
    prefix = f"ringkas:tm-test:{uuid.uuid4().hex}:"
    memory = RedisTranslationMemory(client, ttl_s=120, max_entries=10, prefix=prefix)
    try:
        memory.put_many({"a": Translation("A", -0.5)})
        assert 0 < client.ttl(f"{prefix}e:a") <= 120
        assert memory.get_many(["a", "b"]) == [Translation("A", -0.5), None]
        # An entry past its TTL is gone, and leaves the index at the next write.
        client.delete(f"{prefix}e:a")
        client.zadd(f"{prefix}lru", {"a": 1.0})  # written long ago
        memory.put_many({"b": Translation("B", -0.1)})
        assert memory.get_many(["a"]) == [None]
        assert client.zrange(f"{prefix}lru", 0, -1) == ["b"]
    finally:
        client.delete(f"{prefix}e:a", f"{prefix}e:b", f"{prefix}lru")


def test_the_least_recently_used_entries_go_past_the_bound(client: redis.Redis) -> None:
    prefix = f"ringkas:tm-test:{uuid.uuid4().hex}:"
    memory = RedisTranslationMemory(client, ttl_s=3600, max_entries=3, prefix=prefix)
    try:
        for name in "abc":
            memory.put_many({name: Translation(name.upper(), -1.0)})
        memory.get_many(["a"])  # a is used again: b is now the oldest
        memory.put_many({"d": Translation("D", -1.0), "e": Translation("E", -1.0)})
        assert memory.size() == 3  # b and c went: the least recently used
        found = memory.get_many(["a", "b", "c", "d", "e"])
        assert [t.text if t else None for t in found] == ["A", None, None, "D", "E"]
        assert client.exists(f"{prefix}e:b", f"{prefix}e:c") == 0
    finally:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)


def test_an_unreachable_memory_is_all_misses(settings: Settings) -> None:
    memory = RedisTranslationMemory.from_url("redis://127.0.0.1:1/0", ttl_s=60, max_entries=10)
    started = time.monotonic()
    assert memory.get_many(["a"]) == [None]
    assert time.monotonic() - started < 1  # a miss at once, not after retries
    memory.put_many({"a": Translation("A", -1.0)})  # lost, without raising
    on = replace(settings.pipeline_options(), translation_memory=memory)
    [result] = run([article(1)], on)
    [plain] = run([article(1)], settings.pipeline_options())
    assert result.translation == plain.translation
    assert result.timings.tm_hits == 1  # the title, a repeat within the call


class CountingMemory:
    """An in-process memory that records what was asked of it."""

    def __init__(self) -> None:
        self.entries: dict[str, Translation] = {}
        self.lookups = 0

    def get_many(self, keys: list[str]) -> list[Translation | None]:
        self.lookups += len(keys)
        return [self.entries.get(k) for k in keys]

    def put_many(self, entries: dict[str, Translation]) -> None:
        self.entries.update(entries)


def test_served_sentences_are_reported_finished(settings: Settings) -> None:
    from ringkas.models.pipeline import translator_for

    memory = CountingMemory()
    translator = MemoryTranslator(
        translator_for("id", "en", settings.pipeline_options()), memory, "id>en"
    )
    sentences = [SHARED[0], SHARED[1], SHARED[0], ""]
    translator.translate_scored(sentences[:1])
    finished: list[int] = []
    out = translator.translate_scored(sentences, finished.extend)
    assert sorted(finished) == [0, 1, 2, 3]
    assert out[0] == out[2]
    assert translator.stats.hits == {0, 2}  # remembered by the first call
