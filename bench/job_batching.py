"""Many small jobs: what batching across jobs would buy, and what a worker layout buys.

    python bench/job_batching.py [--articles 20] [--tokens 48] [--repeats 2]

A worker batches the sentences of all the articles of a task (up to 32 articles of one
job), never those of two jobs: one-article jobs arriving together are translated one
article per call. On the same-shape model with the CTranslate2 translator the workers use
(greedy, every output forced to --tokens tokens), this prints:

1. the translator on the sentences of --articles seed articles in one call, and in one
   call per article: the share of its speed a worker keeps when every job has one article
   (what batching across jobs would win back);
2. the service (HTTP → Redis → Celery → poll) in two layouts of the same cores: one worker
   process whose CTranslate2 runs one replica per core (the default), and one process per
   core with one thread each (``RINGKAS_WORKER_CONCURRENCY`` = cores,
   ``RINGKAS_TORCH_THREADS=1``); each on one job of --articles articles and on --articles
   one-article jobs submitted at once, with the worker's memory (all its processes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from engines import (  # bench/ is the script's path
    ROOT,
    ensure_same_shape_model,
    seed_articles,
    sentences_of,
    settings_from_env,
    submit_job,
    wait_for_job,
)

from ringkas.models import ct2
from ringkas.models.pipeline import translator_for
from ringkas.settings import Settings
from ringkas.stack import running_stack


def translator_runs(
    settings: Settings, articles: list[dict[str, str]], tokens: int, repeats: int
) -> list[dict[str, float]]:
    """The translator on all the articles' sentences in one call, then one call per article."""
    per_article = [sentences_of([article]) for article in articles]
    together = [s for sentences in per_article for s in sentences]
    translator = translator_for("id", "en", settings.pipeline_options())
    translator.translate_scored(per_article[0])  # warm-up
    runs = []
    for _ in range(repeats):  # alternating, so that drift touches both alike
        started = time.perf_counter()
        translator.translate_scored(together)
        one_call = len(together) * tokens / (time.perf_counter() - started)
        started = time.perf_counter()
        for sentences in per_article:
            translator.translate_scored(sentences)
        per_call = len(together) * tokens / (time.perf_counter() - started)
        runs.append({"one_call_tps": one_call, "per_article_tps": per_call})
        print(f"translator: one call {one_call:.0f} tok/s, one call per article {per_call:.0f}")
    return runs


def service_run(
    env: dict[str, str], articles: list[dict[str, str]], tokens: int, log_dir: Path
) -> dict[str, float]:
    """One job of all ``articles``, then one job per article submitted at once (tokens/s)."""
    total = len(sentences_of(articles)) * tokens
    with running_stack(env, log_dir) as stack, httpx.Client(base_url=stack.base_url) as http:
        # Warm-up: enough one-article jobs at once that every pool process loads its model.
        for job_id in [submit_job(http, articles[:1]) for _ in range(4)]:
            wait_for_job(http, job_id)
        started = time.perf_counter()
        wait_for_job(http, submit_job(http, articles))
        one_job = total / (time.perf_counter() - started)
        started = time.perf_counter()
        for job_id in [submit_job(http, [article]) for article in articles]:
            wait_for_job(http, job_id)
        one_per_article = total / (time.perf_counter() - started)
        rss = group_rss_mb(stack.worker.pid)
    return {"one_job_tps": one_job, "one_article_jobs_tps": one_per_article, "worker_rss_mb": rss}


def group_rss_mb(group: int) -> float:
    """Resident memory of every process in the process group (a worker and its pool)."""
    total_kb = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # after the name: state, ppid, pgrp
                status = (stat.parent / "status").read_text()
                total_kb += int(status.split("VmRSS:")[1].split()[0])
        except (OSError, IndexError, ValueError):
            continue  # a process that ended while being read
    return total_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "var/same-shape/opus-mt-id-en")
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each; medians count")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/job_batching.json")
    args = parser.parse_args()
    ensure_same_shape_model(args.model)

    cores = os.cpu_count() or 1
    env = {
        "RINGKAS_MODEL_TRANSLATE_ID_EN": str(args.model.resolve()),
        "RINGKAS_CT2_DIR": str((ROOT / "var/ct2").resolve()),
        "RINGKAS_TRANSLATE_BACKEND": "ctranslate2",
        "RINGKAS_NUM_BEAMS": "1",
        "RINGKAS_BENCH_FIXED_OUTPUT_TOKENS": str(args.tokens),
        "RINGKAS_JOB_TTL_S": "600",
        "HF_HUB_OFFLINE": "1",
    }
    settings = settings_from_env(env)
    ct2.convert("translate:id-en", settings.pipeline_options().models)
    articles = seed_articles(args.articles)

    runs = translator_runs(settings, articles, args.tokens, args.repeats)
    figures: dict[str, Any] = {
        "cores": cores,
        "articles": args.articles,
        "sentences": len(sentences_of(articles)),
        "tokens_per_sentence": args.tokens,
        "translator_runs": runs,
        "per_article_to_one_call": statistics.median(
            r["per_article_tps"] / r["one_call_tps"] for r in runs
        ),
    }
    layouts = {
        f"1 process x {cores} threads": {"RINGKAS_WORKER_CONCURRENCY": "1"},
        f"{cores} processes x 1 thread": {
            "RINGKAS_WORKER_CONCURRENCY": str(cores),
            "RINGKAS_TORCH_THREADS": "1",
        },
    }
    service: dict[str, list[dict[str, float]]] = {name: [] for name in layouts}
    with tempfile.TemporaryDirectory() as logs:
        for _ in range(args.repeats):
            for name, layout in layouts.items():
                run = service_run(
                    {**os.environ, **env, **layout}, articles, args.tokens, Path(logs)
                )
                service[name].append(run)
                print(f"service, {name}: {json.dumps(run)}", flush=True)
    figures["service_runs"] = service
    figures["service"] = {
        name: {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        for name, runs in service.items()
    }

    print(
        f"\none article per call keeps {figures['per_article_to_one_call']:.2f} of the "
        "translator's speed in one call (median)"
    )
    for name, f in figures["service"].items():
        print(
            f"| service, {name} | one job: {f['one_job_tps']:.0f} tok/s | "
            f"{args.articles} one-article jobs: {f['one_article_jobs_tps']:.0f} tok/s | "
            f"worker RSS {f['worker_rss_mb']:.0f} MB |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
