"""The wheel installs one top-level package, ``ringkas``, and sits beside other projects'
``models``, ``service`` and ``workers`` packages without taking their names."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    return next(out.glob("ringkas-*.whl"))


def test_the_wheel_has_one_top_level_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"ringkas"}
    for layer in ("models/pipeline.py", "service/app.py", "workers/tasks.py"):
        assert f"ringkas/{layer}" in names
    assert "ringkas/models/boilerplate_rules.toml" in names
    assert "ringkas/models/punkt_id.json" in names  # the sentence splitter's parameters
    assert "ringkas/service/static/index.html" in names


@pytest.mark.slow
def test_installed_beside_a_foreign_models_package(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    purelib = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # Another project's top-level packages with Ringkas's folder names.
    for name in ("models", "service", "workers"):
        (purelib / name).mkdir()
        (purelib / name / "__init__.py").write_text(f"OWNER = 'other project: {name}'\n")
    # Ringkas's own dependencies come from this test's environment (a plain path entry:
    # its editable install of Ringkas is not activated there).
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    code = (
        "import models, service, workers\n"
        "import ringkas.models.segment, ringkas.service.schemas, ringkas.workers.errors\n"
        "assert models.OWNER == 'other project: models', models.OWNER\n"
        "assert service.OWNER == 'other project: service'\n"
        "assert workers.OWNER == 'other project: workers'\n"
        f"assert ringkas.models.segment.__file__.startswith({str(purelib)!r})\n"
        "print(ringkas.models.segment.split_sentences('Satu. Dua.', 'id'))\n"
    )
    out = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['Satu.', 'Dua.']"
