"""The briefs stage of ``ringkas quality``: extractive vs lead-3 on the 70 dev articles."""

import pytest

from ringkas.models.evaluation import STAGES
from ringkas.models.evaluation.briefs import format_report, paired_bootstrap, run
from tests.models.test_quality import shared_data


def test_the_extractive_brief_is_at_least_lead3_on_the_dev_articles() -> None:
    report = run(shared_data())
    assert report["articles"] == 70  # news-dev.jsonl + news-dev-more.jsonl
    extractive, lead = report["systems"]["extractive"], report["systems"]["lead-3"]
    for kind in ("rouge1", "rouge2", "rougeL"):
        assert extractive[kind] >= lead[kind], kind
        difference = report["extractive_minus_lead3"][kind]
        assert difference["low"] <= difference["mean"] <= difference["high"]
        assert difference["mean"] == pytest.approx(extractive[kind] - lead[kind], abs=0.02)
    table = format_report(report)
    assert "| extractive |" in table and "paired bootstrap" in table
    assert STAGES["briefs"] == "ringkas.models.evaluation.briefs"


def test_paired_bootstrap_on_known_differences() -> None:
    constant = paired_bootstrap([3.0] * 10, [1.0] * 10)
    assert constant == {"mean": 2.0, "low": 2.0, "high": 2.0}
    spread = paired_bootstrap([float(i) for i in range(20)], [0.0] * 20)
    assert spread["low"] < spread["mean"] == 9.5 < spread["high"]


def test_one_file_and_a_limit(tmp_path) -> None:
    report = run(shared_data() / "news-dev.jsonl", limit=3)
    assert report["articles"] == 3 and len(report["data"]) == 1
    with pytest.raises(ValueError, match="no article"):
        run(tmp_path)
