"""Bytes per article in the job store, before and after compact results (issue 17).

    python bench/result_store.py [--redis-url URL] [--results FILE.jsonl]

On the seeds and the dev articles (../shared/data/news-dev.jsonl): each article's result as
the pipeline shapes it (real cleaning and segmentation; see below for the translations),
stored by the job store in a Redis of the caller's choice (default: RINGKAS_TEST_REDIS_URL),
one job of all the articles. Prints per article, and in all:

- ``src+tr``: UTF-8 bytes of the article's text plus its translation (the yardstick);
- ``before``: the result as the store kept it before (JSON, every text three times) plus
  the article's text, as bytes of JSON;
- ``blob``: the stored result now (``ringkas/resultcodec.py``: each text once, zstd);
- ``redis``: Redis's ``MEMORY USAGE`` of the job's hash per article now, everything it
  holds (meta, labels, state, sentence count, result), with the Redis result store; and
  the same with the PostgreSQL result store (what stays in Redis);
- ``redis before``: the same hash written the old way (full JSON result and input text).

No real model weights can be had here, and random-weight demo models write gibberish,
which compresses nothing like English. So each sentence's "translation" is a real English
sentence (FLORES dev, ../shared/data/flores-dev.en) of about the source sentence's length,
each used once. ``--results FILE`` measures results written by the pipeline instead (one
JSON object a line, ``{"text", "title", "result"}``), e.g. with the demo models.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # result_samples: the pipeline's shape, no model

from result_samples import dev_articles, shaped_result  # noqa: E402

from ringkas import resultcodec  # noqa: E402
from ringkas.jobstore import ArticleInput, JobStore  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


class EnglishStandIn:
    """Real English sentences, each handed out once, the nearest in length first."""

    def __init__(self, path: Path) -> None:
        lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
        self._pool = sorted(lines, key=len)
        self._lengths = [len(s) for s in self._pool]

    def __call__(self, source: str) -> str:
        if not self._pool:
            return source
        i = min(bisect.bisect_left(self._lengths, len(source)), len(self._pool) - 1)
        self._lengths.pop(i)
        return self._pool.pop(i)


def articles() -> list[dict[str, str]]:
    found = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        title, body = path.read_text(encoding="utf-8").split("\n", 1)
        found.append({"id": path.stem, "title": title.strip(), "text": body.strip()})
    found += [{"id": a["id"], "title": a["title"], "text": a["text"]} for a in dev_articles()]
    return found


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def store_job(
    client: redis.Redis, rows: list[dict[str, Any]], results: Any = None
) -> tuple[str, int]:
    """One job of all the rows, every article finished; (its id, MEMORY USAGE of its hash)."""
    store = JobStore(client, 3600, results=results)
    inputs = [ArticleInput(text=r["text"], source_lang="id", title=r["title"]) for r in rows]
    job_id = store.create(inputs, ["translate", "brief"])
    for i, row in enumerate(rows):
        store.start(job_id, i)
        store.report_sentences(job_id, i, row["result"]["sentences"], row["result"]["sentences"])
        store.succeed(job_id, i, row["result"])
    assert [a.state.result for a in store.get(job_id).articles] == [r["result"] for r in rows]
    return job_id, int(client.memory_usage(store.key(job_id), samples=0) or 0)


def _names_values(client: redis.Redis, key: str) -> tuple[list[str], list[str]]:
    names = [str(k) for k in client.hkeys(key)]
    text = [n for n in names if not n.startswith("result:")]
    return text, list(client.hmget(key, text))


def old_hash(client: redis.Redis, job_id: str, rows: list[dict[str, Any]]) -> int:
    """The same job as the store wrote it before: full JSON result, the input's text kept."""
    key = f"bench:before:{job_id}"
    fields = {
        k: v
        for k, v in zip(*_names_values(client, JobStore.key(job_id)), strict=True)
        if not k.startswith("result:")
    }
    for i, row in enumerate(rows):
        fields[f"result:{i}"] = dumps(row["result"])
        labels = json.loads(fields[f"input:{i}"])
        fields[f"input:{i}"] = dumps({**labels, "text": row["text"]})
    client.hset(key, mapping=fields)
    size = int(client.memory_usage(key, samples=0) or 0)
    client.delete(key)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_url = os.environ.get("RINGKAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    parser.add_argument("--redis-url", default=default_url)
    parser.add_argument("--database-url", help="also measure the PostgreSQL result store")
    parser.add_argument("--results", type=Path, help="results written by the pipeline")
    args = parser.parse_args()

    if args.results:
        rows = [json.loads(line) for line in args.results.read_text().splitlines() if line]
    else:
        english = EnglishStandIn(SHARED / "flores-dev.en")
        rows = [{**a, "result": shaped_result(a["text"], a["title"], english)} for a in articles()]
    print(f"{'article':<28} {'src+tr':>7} {'before':>7} {'blob':>6} {'blob/src+tr':>11}")
    yardstick = []
    for row in rows:
        result = row["result"]
        src_tr = len(row["text"].encode()) + len((result.get("translation") or "").encode())
        before = len(dumps(result)) + len(row["text"].encode())
        blob = len(resultcodec.encode(result))
        assert resultcodec.decode(resultcodec.encode(result)) == result
        yardstick.append((src_tr, before, blob))
        name = (row.get("id") or row.get("title") or "?")[:28]
        print(f"{name:<28} {src_tr:>7} {before:>7} {blob:>6} {blob / src_tr:>11.2f}")
    total_src = sum(y[0] for y in yardstick)
    n = len(rows)
    print(
        f"{'all ' + str(n) + ' articles, per article':<28} {total_src / n:>7.0f} "
        f"{sum(y[1] for y in yardstick) / n:>7.0f} {sum(y[2] for y in yardstick) / n:>6.0f} "
        f"{sum(y[2] for y in yardstick) / total_src:>11.2f}"
    )
    print(
        f"blob/src+tr: median {statistics.median(y[2] / y[0] for y in yardstick):.2f}, "
        f"worst {max(y[2] / y[0] for y in yardstick):.2f}"
    )

    client = redis.Redis.from_url(args.redis_url, decode_responses=True)
    job_id, now = store_job(client, rows)
    before = old_hash(client, job_id, rows)
    client.delete(JobStore.key(job_id))
    print(
        f"Redis per article, Redis result store: {now / n:.0f} B now, {before / n:.0f} B "
        f"before ({now / total_src:.2f} and {before / total_src:.2f} x src+tr)"
    )
    if args.database_url:
        from ringkas.resultstore import PostgresResults

        pg = PostgresResults(args.database_url)
        job_id, kept = store_job(client, rows, pg)
        client.delete(JobStore.key(job_id))
        pg.delete(job_id)
        pg.close()
        print(f"Redis per article, PostgreSQL result store: {kept / n:.0f} B")


if __name__ == "__main__":
    main()
