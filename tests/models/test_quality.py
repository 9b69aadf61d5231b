"""The quality harness: exact scores on a tiny file, and the CLI on the shared dev sets."""

import json
import os
from pathlib import Path

import pytest
import sacrebleu
from typer.testing import CliRunner

from ringkas.cli import app
from ringkas.models.quality import evaluate_translation, rouge_scores, translation_scores
from ringkas.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def shared_data() -> Path:
    """../shared/data beside the repository (or its worktree folder)."""
    candidates = [ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data"]
    for folder in candidates:
        if (folder / "flores-dev.id").is_file():
            return folder
    pytest.fail(f"shared/data is missing; looked in {', '.join(map(str, candidates))}")


SOURCES = ["Harga naik 2,7 juta.", "Pengguna naik 36 persen.", "Kantor dibuka di Jakarta."]
HYPOTHESES = ["Prices rose 2.7 million.", "Users rose 63 percent.", "The office opened in Jakarta."]
REFERENCES = [
    "The price rose by 2.7 million.",
    "Users grew by 36 percent.",
    "An office opened in Jakarta.",
]


def test_scores_match_sacrebleu_on_the_same_strings() -> None:
    scores = translation_scores(HYPOTHESES, REFERENCES, SOURCES, "id", "en")
    chrf = sacrebleu.corpus_chrf(HYPOTHESES, [REFERENCES]).score
    bleu = sacrebleu.corpus_bleu(HYPOTHESES, [REFERENCES]).score
    assert scores["chrf"] == pytest.approx(chrf, abs=0.005)
    assert scores["bleu"] == pytest.approx(bleu, abs=0.005)
    assert 0 < scores["bleu"] < scores["chrf"] < 100
    # 2 numbers in the sources, "36 persen" became "63 percent": half kept
    assert (scores["numbers"], scores["number_fidelity"]) == (2, 50.0)
    perfect = translation_scores(REFERENCES, REFERENCES, SOURCES, "id", "en")
    assert (perfect["chrf"], perfect["bleu"]) == (100.0, 100.0)


def test_rouge_on_known_strings() -> None:
    same = rouge_scores(["kantor dibuka di jakarta"], ["kantor dibuka di jakarta"])
    assert same == {"rouge1": 100.0, "rouge2": 100.0, "rougeL": 100.0}
    # 2 of 4 unigrams shared both ways: F1 50; one shared bigram of 3: F1 33.33
    half = rouge_scores(["kantor dibuka di bandung"], ["kantor ditutup di jakarta"])
    assert half["rouge1"] == 50.0
    assert rouge_scores(["a b c"], ["x y z"])["rougeL"] == 0.0


def test_evaluate_translation_on_a_tiny_file(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "t.id").write_text("\n".join(SOURCES) + "\n")
    (tmp_path / "t.en").write_text("\n".join(REFERENCES) + "\n")
    report = evaluate_translation(
        tmp_path / "t.id", tmp_path / "t.en", "id", settings.pipeline_options()
    )
    assert report["lines"] == 3 and report["demo_model"] is True
    # numbers pass through placeholders, so even random weights keep them
    assert report["number_fidelity"] == 100.0


@pytest.mark.slow
def test_quality_command_on_the_shared_dev_sets(demo_env: dict[str, str], tmp_path: Path) -> None:
    data = shared_data()
    out = tmp_path / "report.json"
    env = {**os.environ, **demo_env, "RINGKAS_NUM_BEAMS": "1", "RINGKAS_BRIEF_NUM_BEAMS": "1"}
    from ringkas.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app,
            [
                "quality",
                *("--src", str(data / "flores-dev.id"), "--ref", str(data / "flores-dev.en")),
                *("--news", str(data / "news-dev.jsonl"), "--limit", "25", "--news-limit", "3"),
                *("--out", str(out)),
            ],
            env=env,
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "| translate:id-en |" in result.output and "| lead-3 (id) |" in result.output
    report = json.loads(out.read_text())
    [translation] = report["translation"]
    assert translation["lines"] == 25 and 0 <= translation["chrf"] <= 100
    assert report["brief"]["articles"] == 3
    # lead-3 of the article itself shares words with a human summary of it
    assert report["brief"]["systems"]["lead-3 (id)"]["rouge1"] > 20
