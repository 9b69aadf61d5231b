"""Soak: N clients on loopback for T seconds, each submitting a job and polling it to the end.

    python bench/soak.py --api http://127.0.0.1:8000 --clients 8 --duration 300
    python bench/soak.py --start-stack --redis-url redis://127.0.0.1:6390/0 --duration 300

``--start-stack`` runs a local API and one Celery worker with the demo models (as the tests
do) on the given Redis. After ``--duration`` no new job is submitted and the jobs in flight
get ``--drain`` seconds to finish: one whose id stops answering is **lost**, one still
queued or running when the drain ends is **unfinished** (a backlog, not a loss). Prints
jobs accepted / refused / completed (succeeded, partial, failed) / lost, and p50/p95 of the
job latency (202 to the poll that saw it finished) and of the HTTP calls. A benchmark, not
a test: the exit code is 1 when a job was lost or left unfinished.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FINISHED = {"succeeded", "failed", "partial"}
ARTICLES = [
    "Harga beras di pasar tradisional Jakarta naik untuk ketiga kalinya bulan ini.",
    "Presiden meresmikan jembatan baru yang menghubungkan dua provinsi di Kalimantan.\n"
    "Jembatan itu dibangun selama tiga tahun.",
    "Timnas Indonesia menang dua gol tanpa balas atas Vietnam di Stadion Utama Gelora Bung "
    "Karno, Jakarta, Selasa malam.",
]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter[str] = field(default_factory=Counter)
    job_latency_s: list[float] = field(default_factory=list)
    http_latency_s: list[float] = field(default_factory=list)

    def add(self, outcome: str, latency_s: float | None = None) -> None:
        with self.lock:
            self.counts[outcome] += 1
            if latency_s is not None:
                self.job_latency_s.append(latency_s)

    def http(self, seconds: float) -> None:
        with self.lock:
            self.http_latency_s.append(seconds)


def timed(tally: Tally, call: httpx.Client, method: str, url: str, **kw: object) -> httpx.Response:
    start = time.monotonic()
    try:
        return call.request(method, url, **kw)  # type: ignore[arg-type]
    finally:
        tally.http(time.monotonic() - start)


def client_loop(
    number: int,
    api: str,
    token: str | None,
    stop_at: float,
    drain_until: float,
    args: argparse.Namespace,
    tally: Tally,
) -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with httpx.Client(base_url=api, timeout=30, headers=headers) as http:
        job_number = 0
        while time.monotonic() < stop_at:
            job_number += 1
            count = 1 + (number + job_number) % args.max_articles
            articles = [
                {
                    "id": f"c{number}-j{job_number}-a{i}",
                    "text": ARTICLES[(number + i) % len(ARTICLES)],
                }
                for i in range(count)
            ]
            try:
                response = timed(
                    tally,
                    http,
                    "POST",
                    "/v1/jobs",
                    json={"articles": articles, "tasks": ["translate"]},
                )
            except httpx.HTTPError:
                tally.add("submit_error")
                time.sleep(1)
                continue
            if response.status_code != 202:
                tally.add(f"refused_{response.status_code}")
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            tally.add("accepted")
            accepted_at = time.monotonic()
            status_url = response.json()["status_url"]
            outcome = "unfinished"
            while time.monotonic() < drain_until:
                time.sleep(args.poll_interval)
                try:
                    polled = timed(tally, http, "GET", status_url)
                except httpx.HTTPError:
                    continue  # the API may be busy; keep polling until the drain ends
                if polled.status_code == 404:
                    outcome = "lost"  # the job vanished
                    break
                if polled.status_code == 200 and polled.json()["status"] in FINISHED:
                    outcome = polled.json()["status"]
                    break
            latency = time.monotonic() - accepted_at if outcome in FINISHED else None
            tally.add(outcome, latency)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]  # type: ignore[index]


@contextlib.contextmanager
def local_stack(redis_url: str) -> Iterator[str]:
    from ringkas.models.build import build_demo_models, demo_model_env
    from ringkas.stack import running_stack

    models = ROOT / "var" / "demo-models"
    build_demo_models(models)
    env = {
        **os.environ,
        **demo_model_env(models),
        "RINGKAS_REDIS_URL": redis_url,
        "REDIS_URL": redis_url,
        "PYTHONUNBUFFERED": "1",
    }
    log_dir = Path(tempfile.mkdtemp(prefix="ringkas-soak-"))
    print(f"starting a local stack on {redis_url}; logs in {log_dir}", flush=True)
    with running_stack(env, log_dir, cwd=ROOT) as stack:
        yield stack.base_url


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--start-stack", action="store_true", help="Start a local API + worker.")
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/0", help="With --start-stack."
    )
    parser.add_argument(
        "--token", default=os.environ.get("RINGKAS_API_KEY"), help="API key, if required."
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=300, help="Seconds of submitting.")
    parser.add_argument(
        "--drain", type=float, default=120, help="Seconds for jobs in flight after."
    )
    parser.add_argument("--poll-interval", type=float, default=0.5)
    parser.add_argument("--max-articles", type=int, default=3, help="Articles per job: 1..this.")
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        api = stack.enter_context(local_stack(args.redis_url)) if args.start_stack else args.api
        tally = Tally()
        started = time.monotonic()
        stop_at, drain_until = started + args.duration, started + args.duration + args.drain
        threads = [
            threading.Thread(
                target=client_loop,
                args=(n, api, args.token, stop_at, drain_until, args, tally),
                daemon=True,
            )
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

    c = tally.counts
    refused = {k: v for k, v in c.items() if k.startswith("refused_") or k == "submit_error"}
    completed = c["succeeded"] + c["partial"] + c["failed"]
    jobs = tally.job_latency_s
    print(f"soak: {args.clients} clients, {args.duration:.0f} s submitting, {elapsed:.0f} s in all")
    print(f"jobs accepted  {c['accepted']}")
    print(f"jobs refused   {sum(refused.values())} {dict(refused) if refused else ''}".rstrip())
    outcomes = ", ".join(f"{k} {c[k]}" for k in ("succeeded", "partial", "failed"))
    print(f"jobs completed {completed} ({outcomes})")
    print(f"jobs lost      {c['lost']} (accepted, then unknown to the API)")
    print(f"jobs unfinished {c['unfinished']} (still queued or running when the drain ended)")
    print(f"throughput     {completed / elapsed:.3f} jobs/s")
    p50, p95 = percentile(jobs, 50), percentile(jobs, 95)
    print(f"job latency    p50 {p50:.2f} s  p95 {p95:.2f} s  (202 → seen finished)")
    http = tally.http_latency_s
    p50, p95 = percentile(http, 50) * 1000, percentile(http, 95) * 1000
    print(f"HTTP latency   p50 {p50:.1f} ms  p95 {p95:.1f} ms  ({len(http)} calls)")
    return 1 if c["lost"] or c["unfinished"] else 0


if __name__ == "__main__":
    sys.exit(main())
