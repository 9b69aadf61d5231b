"""`ringkas quality --stage`: per-stage reports on a slice of the real dev data.

Runs the harness CLI the way CI does, on the first lines/articles of ../shared/data, and
checks that tables are printed, the JSON is written with one report per stage and file,
and the figures hold on the slice.
"""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ringkas.cli import app
from ringkas.models.evaluation import STAGES
from ringkas.models.evaluation.harness import stage_module

DATA = Path("../shared/data")
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data")


def test_every_registered_stage_has_the_interface() -> None:
    for name in STAGES:
        module = stage_module(name)
        assert callable(module.run) and callable(module.format_report)


def test_numbers_and_boilerplate_on_a_slice(tmp_path: Path) -> None:
    out = tmp_path / "stages.json"
    args = ["quality", "--stage", "numbers", "--stage", "boilerplate", "--limit", "300"]
    args += ["--data", str(DATA / "flores-dev.id"), "--data", str(DATA / "news-dev.jsonl")]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "== numbers: ../shared/data/flores-dev.id ==" in result.output
    assert "== boilerplate: ../shared/data/news-dev.jsonl ==" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == {"numbers", "boilerplate"}
    flores, news = report["numbers"]
    assert flores["sentences"] == 300
    for direction in ("id-en", "en-id"):
        figures = flores[direction]
        assert figures["with_numbers"] > 30
        assert figures["false_alarm_rate_correct_refs"] <= 3.0
        assert figures["render_rate"] >= 96.0
        assert figures["values_changed"] == 0
        assert figures["placeholders"]["whole_rate"] == 100.0
    assert news["id-en"]["placeholders"]["whole_rate"] == 100.0
    openings, articles = report["boilerplate"]
    assert openings["removals"] == 0
    assert articles["articles"] == 10 and articles["removals"] > 10
    assert articles["missed"] == {} and articles["unexpected"] == {}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--stage", "nope"], "unknown stage 'nope'"),
        (["--stage", "numbers", "--data", "missing.id"], "missing.id: no such file"),
        (["--stage", "numbers", "--data", "pyproject.toml"], "expected a .id or .en file"),
    ],
)
def test_bad_stage_or_data_is_a_clear_error(args: list[str], message: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["quality", *args, "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
