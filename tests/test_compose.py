"""docker-compose.yml: valid, the API and Flower published on loopback unless told otherwise,
and Flower refuses to start without a password. Read through ``docker-compose config`` (the
file as Compose itself resolves it); Flower's start-up gate is run with ``sh`` as its
container would run it, with a stand-in ``celery`` that prints its arguments."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = shutil.which("docker-compose")
pytestmark = pytest.mark.skipif(
    COMPOSE is None and not os.environ.get("CI"), reason="docker-compose is not installed"
)


def compose(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None, "docker-compose is required in CI (.ci/run installs it)"
    return subprocess.run(
        [COMPOSE, "--profile", "flower", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},  # nothing else of this shell's settings
        capture_output=True,
        text=True,
        timeout=120,
    )


@functools.cache
def _config(env: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    out = compose("config", **dict(env))
    assert out.returncode == 0, out.stderr
    config: dict[str, Any] = yaml.safe_load(out.stdout)
    return config


def compose_config(**env: str) -> dict[str, Any]:
    """The resolved configuration (every profile), with only ``env`` set."""
    return _config(tuple(sorted(env.items())))


def test_the_file_is_valid() -> None:
    result = compose("config", "-q")
    assert result.returncode == 0, result.stderr


def published(config: dict[str, Any], service: str) -> list[str]:
    return [str(port) for port in config["services"][service]["ports"]]


def test_the_api_and_flower_listen_on_loopback_by_default() -> None:
    config = compose_config()

    assert published(config, "api") == ["127.0.0.1:8000:8000/tcp"]
    assert published(config, "flower") == ["127.0.0.1:5555:5555/tcp"]


def test_publishing_elsewhere_is_said_explicitly() -> None:
    config = compose_config(
        RINGKAS_API_BIND="0.0.0.0", RINGKAS_API_PORT="8080", RINGKAS_AUTH_REQUIRED="true"
    )

    assert published(config, "api") == ["0.0.0.0:8080:8000/tcp"]
    assert config["services"]["api"]["environment"]["RINGKAS_AUTH_REQUIRED"] == "true"


def test_flower_gets_the_password_from_ringkas_flower_basic_auth() -> None:
    flower = compose_config(RINGKAS_FLOWER_BASIC_AUTH="admin:s3cret")["services"]["flower"]

    assert flower["environment"]["FLOWER_BASIC_AUTH"] == "admin:s3cret"
    assert compose_config()["services"]["flower"]["environment"]["FLOWER_BASIC_AUTH"] == ""


def run_flower_gate(tmp_path: Path, basic_auth: str | None) -> subprocess.CompletedProcess[str]:
    """Flower's command as its container runs it, FLOWER_BASIC_AUTH set to ``basic_auth``."""
    flower = compose_config()["services"]["flower"]
    assert flower["entrypoint"] == ["/bin/sh", "-c"]
    script = flower["command"][0].replace("$$", "$")  # Compose's escape, undone as it runs
    fake = tmp_path / "bin" / "celery"
    fake.parent.mkdir(exist_ok=True)
    fake.write_text('#!/bin/sh\necho "celery $*"\n')
    fake.chmod(0o755)
    container_env = {"PATH": f"{fake.parent}:/usr/bin:/bin"}
    if basic_auth is not None:
        container_env["FLOWER_BASIC_AUTH"] = basic_auth
    return subprocess.run(
        ["/bin/sh", "-c", script], env=container_env, capture_output=True, text=True, timeout=30
    )


@pytest.mark.parametrize("basic_auth", [None, "", "admin", "admin:", ":secret"])
def test_flower_refuses_to_start_without_a_password(tmp_path: Path, basic_auth: str | None) -> None:
    result = run_flower_gate(tmp_path, basic_auth)

    assert result.returncode == 1
    assert "Flower needs a password: set RINGKAS_FLOWER_BASIC_AUTH=user:password" in result.stderr
    assert result.stdout == ""  # celery never ran


def test_flower_starts_with_basic_auth(tmp_path: Path) -> None:
    result = run_flower_gate(tmp_path, "admin:s3cret")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "celery --broker=redis://redis:6379/0 flower --port=5555 --basic-auth=admin:s3cret"
    )


def test_the_worker_gets_time_to_finish_its_task_on_stop() -> None:
    from ringkas.settings import Settings

    config = compose_config()

    # `docker compose config` writes durations in Go's format, e.g. "11m30s".
    grace = str(config["services"]["worker"]["stop_grace_period"])
    minutes, _, seconds = grace.removesuffix("s").partition("m")
    assert int(minutes) * 60 + int(seconds or 0) > Settings().task_time_limit_s


def test_redis_is_bounded_and_never_evicts_job_state() -> None:
    command = compose_config()["services"]["redis"]["command"]
    assert command[command.index("--maxmemory") + 1] == "2gb"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    resized = compose_config(RINGKAS_REDIS_MAXMEMORY="8gb")["services"]["redis"]["command"]
    assert resized[resized.index("--maxmemory") + 1] == "8gb"


def test_the_result_store_is_redis_unless_postgresql_is_chosen() -> None:
    api = compose_config()["services"]["api"]["environment"]
    assert api["RINGKAS_RESULT_STORE"] == "redis"
    assert api["RINGKAS_DATABASE_URL"] == "postgresql://ringkas:ringkas@postgres:5432/ringkas"
    chosen = compose_config(RINGKAS_RESULT_STORE="postgresql")["services"]["worker"]
    assert chosen["environment"]["RINGKAS_RESULT_STORE"] == "postgresql"
