"""``ringkas demo`` with a model hub: the real model ids downloaded, converted and run where
the hub answers (a local stand-in of it here), the demo models within seconds where not."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hub_standin import HubStandIn, serving

from ringkas.hub_models import HUB_CHECK_TIMEOUT_S
from ringkas.models.build import DEMO_ENV, demo_model_env
from ringkas.processes import free_port
from ringkas.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def hub_ids() -> dict[str, str]:
    """Env var → the real hub id it defaults to."""
    fields = Settings.model_fields
    return {
        env: str(fields[env.removeprefix("RINGKAS_").lower()].default) for env in DEMO_ENV.values()
    }


def env_with_hub(endpoint: str, home: Path) -> dict[str, str]:
    """The user's environment, no model settings and no offline flag, the hub at ``endpoint``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RINGKAS_MODEL_")
        and k not in ("HF_HUB_OFFLINE", "RINGKAS_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    }
    return {**env, "HF_ENDPOINT": endpoint, "HF_HOME": str(home / "hf"),
            "RINGKAS_CT2_DIR": str(home / "ct2")}  # fmt: skip


@pytest.fixture
def hub(demo_models_dir: Path, tmp_path: Path) -> Iterator[HubStandIn]:
    """The self-built models, served under the real ids."""
    root = tmp_path / "hub"
    built = demo_model_env(demo_models_dir)
    for env_name, repo in hub_ids().items():
        shutil.copytree(built[env_name], root / repo)
    with serving(root) as server:
        yield server


OVERRIDES = (
    "import sys, json\n"
    "from ringkas.demo import demo_model_overrides\n"
    "from ringkas.settings import Settings\n"
    "print(json.dumps(demo_model_overrides(Settings(), __import__('pathlib').Path(sys.argv[1]),"
    " echo=lambda *a, **k: print(*a, file=sys.stderr))))\n"
)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (a hub behind a black hole)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_an_unreachable_hub_gives_the_demo_models_within_seconds(
    kind: str, silent_port: int, demo_models_dir: Path, tmp_path: Path
) -> None:
    port = free_port() if kind == "refused" else silent_port
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-c", OVERRIDES, str(demo_models_dir)],
        env=env_with_hub(f"http://127.0.0.1:{port}", tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == demo_model_env(demo_models_dir)
    said = [line for line in run.stderr.splitlines() if "not downloading the real models" in line]
    assert len(said) == 1 and f"http://127.0.0.1:{port}" in said[0], run.stderr
    # The question is bounded by its timeout, however the hub fails; the rest of the run
    # (starting Python, loading the demo models) is not the hub's wait.
    waited = re.search(r"did not answer in ([\d.]+) s", said[0])
    assert waited and float(waited.group(1)) < HUB_CHECK_TIMEOUT_S + 7, said[0]
    print(f"{kind}: fell back after {waited.group(1)} s ({elapsed:.1f} s in all): {said[0]}")


def test_the_offline_settings_skip_the_hub_check(demo_models_dir: Path, tmp_path: Path) -> None:
    env = {**env_with_hub("http://127.0.0.1:1", tmp_path), "RINGKAS_HUB_OFFLINE": "true"}
    run = subprocess.run(
        [sys.executable, "-c", OVERRIDES, str(demo_models_dir)],
        env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "(RINGKAS_HUB_OFFLINE is set)" in run.stderr
    assert json.loads(run.stdout) == demo_model_env(demo_models_dir)


@pytest.mark.slow
def test_the_demo_downloads_converts_and_runs_the_real_ids(hub: HubStandIn, tmp_path: Path) -> None:
    out_dir = tmp_path / "demo"
    env = {**env_with_hub(hub.url, tmp_path), "REDIS_URL": "redis://127.0.0.1:1/0"}
    run = subprocess.run(
        [sys.executable, "-m", "ringkas", "demo", "--out-dir", str(out_dir),
         "--models-dir", str(tmp_path / "no-demo-models")],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    ids = hub_ids()
    for repo in ids.values():
        assert f"Models: {repo} (" in run.stdout
        # The files arrived in the hub's normal cache, fetched from the stand-in.
        cached = list(
            (tmp_path / "hf" / "hub").glob(f"models--{repo.replace('/', '--')}/snapshots/*")
        )
        assert len(cached) == 1 and (cached[0] / "config.json").is_file(), repo
        assert any(
            method == "GET"
            and path.startswith(f"/{repo}/resolve/")
            and path.endswith("/config.json")
            for method, path in hub.requests
        ), hub.requests
    assert not (tmp_path / "no-demo-models").exists()  # the demo models were not needed
    assert len(list((tmp_path / "ct2").iterdir())) == len(ids)  # converted once each

    results = [json.loads(line) for line in (out_dir / "results.jsonl").read_text().splitlines()]
    assert [(r["id"], r["status"]) for r in results] == [(p.stem, "succeeded") for p in SEEDS]
    for record in results:
        result = record["result"]
        assert result["models"]["translate"] == ids["RINGKAS_MODEL_TRANSLATE_ID_EN"]
        assert result["models"]["brief"] == ids["RINGKAS_MODEL_BRIEF_EN"]
        assert result["translate_backend"] == "ctranslate2"
        # The stand-in serves random-weight models, and they still say so.
        assert result["demo_models"] is True
