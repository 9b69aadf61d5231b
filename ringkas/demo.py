"""``ringkas demo``, the main job: the seed articles through API → Redis → Celery worker → models.

Everything runs for real and is set up here: the demo models (built once, unless the user
points RINGKAS_MODEL_* elsewhere), Redis (the configured one, or an embedded one when it
does not answer), a uvicorn serving ``ringkas.service.app:app`` and a Celery worker, both child
processes logging to ``out/demo/``. The articles then go through ``ringkas batch``'s own
code over HTTP. Whatever happens (an error, Ctrl-C, SIGTERM), the children and the embedded
Redis are stopped before the command returns.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import redis
import typer

from ringkas.api_client import ApiError
from ringkas.batch import InputError, expand_inputs, latest_records
from ringkas.batch_command import BatchOptions, run_batch_command
from ringkas.embedded_redis import resolve_redis
from ringkas.processes import ChildExited, ManagedProcess, free_port, wait_for
from ringkas.settings import Settings
from ringkas.stack import readyz_check, start_services

DEMO_OUTPUT_LABEL = "random-weight demo model output (gibberish by design)"
TRANSLATION_PREVIEW_LINES = 4
PREVIEW_CHARS = 300

Echo = Callable[..., Any]


@dataclass(frozen=True)
class DemoOptions:
    inputs: list[Path] = field(default_factory=lambda: [Path("seeds")])
    out_dir: Path = Path("out/demo")
    models_dir: Path = Path("var/demo-models")
    ready_timeout_s: float = 180.0
    poll_interval_s: float = 0.5


def demo_model_overrides(
    settings: Settings, models_dir: Path, echo: Echo = typer.echo
) -> dict[str, str]:
    """Environment for the children's models: the real ones where the hub answers, else the
    random-weight demo models for every model the user has not set.

    A model setting given in the environment is kept as it is (a folder, or a hub id the
    user means). Where the model hub answers (``ringkas.hub_models``), every hub id is
    downloaded into the hub cache and converted for CTranslate2, and the children load
    them from there, offline. Where it does not, the models left at their hub-id defaults
    are pointed at the demo models, which are built first if they are not there yet.
    """
    from ringkas.hub_models import prepare_hub_models
    from ringkas.models.build import DEMO_ENV, build_demo_models, demo_model_env
    from ringkas.models.registry import model_spec

    user_set = {
        env_name
        for env_name in DEMO_ENV.values()
        if env_name.removeprefix("RINGKAS_").lower() in settings.model_fields_set
    }
    for env_name in sorted(user_set):
        value = getattr(settings, env_name.removeprefix("RINGKAS_").lower())
        kind = "folder" if Path(value).is_dir() else "not a folder: a hub id"
        echo(f"Models: {env_name}={value} (yours, {kind})")
    if len(user_set) == len(DEMO_ENV):
        return {}
    models = settings.pipeline_options().models
    from_hub = [key for key in DEMO_ENV if not Path(model_spec(key, models)).expanduser().is_dir()]
    if prepare_hub_models(settings, from_hub, echo):
        # In the cache now: the worker must not wait on the hub again.
        return {"HF_HUB_OFFLINE": "1", "RINGKAS_HUB_OFFLINE": "true"}
    started = time.monotonic()
    echo(f"Models: random-weight demo models in {models_dir} (built now if missing) …")
    build_demo_models(models_dir)
    overrides = {k: v for k, v in demo_model_env(models_dir).items() if k not in user_set}
    for name, value in overrides.items():
        echo(f"Models: {name}={value} (random-weight demo model)")
    echo(f"Models ready in {time.monotonic() - started:.1f} s.")
    return overrides


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turns SIGTERM into SystemExit, so ``finally`` blocks stop the children then too."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_demo(opts: DemoOptions, settings: Settings, echo: Echo = typer.echo) -> int:
    """Runs the main job; returns the exit code (0: every article succeeded)."""
    t0 = time.monotonic()
    try:
        expand_inputs(opts.inputs)  # before starting anything: a wrong path fails at once
    except InputError as exc:
        echo(f"Error: {exc} (run `ringkas demo` in the repository's root folder)", err=True)
        return 2
    out_dir = opts.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    results, markdown = out_dir / "results.jsonl", out_dir / "results.md"
    processes: list[ManagedProcess] = []
    with contextlib.ExitStack() as stack:
        stack.enter_context(_sigterm_as_exit())
        try:
            env = {**os.environ, **demo_model_overrides(settings, opts.models_dir, echo)}
            redis_choice = stack.enter_context(resolve_redis(settings.redis_url, echo))
            # Both names: the settings read RINGKAS_REDIS_URL first, but a child might
            # look at REDIS_URL, and it must not find the unreachable one.
            env.update(
                RINGKAS_REDIS_URL=redis_choice.url,
                REDIS_URL=redis_choice.url,
                PYTHONUNBUFFERED="1",  # logs appear as they happen
            )
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            t_start = time.monotonic()
            for proc in start_services(port, env, out_dir):
                processes.append(proc)
                stack.callback(proc.stop)  # stopped in reverse: worker first, then the API
            api, worker = processes
            echo(f"API {base_url} (pid {api.pid}, log {api.log})")
            echo(f"Worker: Celery, 1 process (pid {worker.pid}, log {worker.log})")
            echo("Waiting for the API and the worker to be ready …")
            wait_for(readyz_check(base_url), processes, opts.ready_timeout_s)
            echo(f"Ready in {time.monotonic() - t_start:.1f} s.")

            # A fresh run each time: the demo shows the pipeline working now, with the
            # models of now, not results left from an earlier run.
            results.unlink(missing_ok=True)
            t_batch = time.monotonic()
            code = run_batch_command(
                BatchOptions(
                    inputs=opts.inputs,
                    out=results,
                    markdown=markdown,
                    api=base_url,
                    poll_interval_s=opts.poll_interval_s,
                ),
                settings=settings,
                echo=echo,
            )
            batch_s = time.monotonic() - t_batch
            _print_results(results, echo)
            total_s = time.monotonic() - t0
            echo(f"Batch through the API: {batch_s:.1f} s; whole demo: {total_s:.1f} s.")
            echo(f"Results written to {results} and {markdown}.")
            if code != 0:
                _print_logs(processes, echo)
            return code
        except (ChildExited, TimeoutError, ApiError, redis.RedisError) as exc:
            echo(f"Error: {exc}", err=True)
            _print_logs(processes, echo)
            return 1
        except KeyboardInterrupt:
            echo("Interrupted: stopping the worker, the API and Redis …", err=True)
            return 130
        finally:
            if processes:
                echo("Stopping the worker and the API …")


def _print_results(results: Path, echo: Echo) -> None:
    for record in latest_records(results):
        echo("")
        echo(f"=== {record.get('title') or record['id']}  [{record['id']}: {record['status']}]")
        if record["status"] != "succeeded":
            echo(f"    error: {record.get('error')}")
            continue
        result: dict[str, Any] = record["result"]
        if result.get("demo_models"):
            echo(f"    ({DEMO_OUTPUT_LABEL.upper()})")
        if result.get("title_translation"):
            echo(f"    Title:  {_clip(result['title_translation'])}")
        if result.get("brief"):
            echo(f"    Brief:  {_clip(result['brief'])}")
        translation = str(result.get("translation") or "")
        lines = [line for line in translation.splitlines() if line.strip()]
        if lines:
            echo(f"    Translation ({result.get('source_lang')}→{result.get('target_lang')}):")
            for line in lines[:TRANSLATION_PREVIEW_LINES]:
                echo(f"      {_clip(line)}")
            if len(lines) > TRANSLATION_PREVIEW_LINES:
                echo(f"      … {len(lines) - TRANSLATION_PREVIEW_LINES} more paragraph(s)")
        timings = {
            k: v for k, v in (result.get("timings") or {}).items() if isinstance(v, int | float)
        }
        if timings:
            # Seconds with two decimals; counts (batch_articles, tm_hits) as they are.
            shown = (
                f"{k} {v}" if isinstance(v, int) else f"{k} {v:.2f}" for k, v in timings.items()
            )
            echo("    Timings: " + ", ".join(shown))


def _clip(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def _print_logs(processes: list[ManagedProcess], echo: Echo) -> None:
    for proc in processes:
        echo(f"--- last lines of {proc.log} ({proc.name}) ---", err=True)
        echo(proc.tail(), err=True)
