"""The batch script's --brief-mode: a folder's triage briefs first, on real dev articles."""

import json
from pathlib import Path

import pytest

from ringkas.batch import latest_records
from ringkas.batch_command import BatchOptions, run_batch_command
from ringkas.settings import Settings
from tests.models.test_quality import shared_data


def test_brief_mode_must_be_full_or_triage(tmp_path: Path, settings: Settings) -> None:
    seed = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))[0]
    opts = BatchOptions(inputs=[seed], out=tmp_path / "o.jsonl", local=True, brief_mode="fast")
    printed: list[str] = []
    assert run_batch_command(opts, settings, echo=lambda t, **_: printed.append(t)) == 2
    assert printed == ["Error: --brief-mode must be one of: full, triage"]


@pytest.mark.slow
def test_local_triage_briefs_of_a_folder(settings: Settings, tmp_path: Path) -> None:
    lines = (shared_data() / "news-dev.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dev.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "briefs.jsonl"
    opts = BatchOptions(
        inputs=[folder], out=out, local=True, tasks="brief", brief_mode="triage", progress=False
    )
    assert run_batch_command(opts, settings, echo=lambda *a, **k: None) == 0
    records = list(latest_records(out))
    assert [r["id"] for r in records] == [json.loads(line)["id"] for line in lines]
    for record in records:
        result = record["result"]
        assert result["brief_mode"] == "triage" and result["brief"].strip()
        assert result["translation"] is None
