"""Triage briefs through the pipeline with the demo models, on a real dev article."""

import json

import pytest

from ringkas.models import pipeline
from ringkas.models.boilerplate import clean_article
from ringkas.models.extractive import extractive_brief
from ringkas.models.pipeline import ArticleRequest, process_article
from ringkas.models.segment import split_sentences
from ringkas.settings import Settings
from tests.models.test_quality import shared_data


def dev_article(index: int) -> dict[str, str]:
    lines = (shared_data() / "news-dev.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(lines[index])


@pytest.fixture
def translated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many sentences each call of ``translate_sentences`` got (calls go through)."""
    calls: list[int] = []
    real = pipeline.translate_sentences

    def counting(translator, sentences, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(sentences))
        return real(translator, sentences, *args, **kwargs)

    monkeypatch.setattr(pipeline, "translate_sentences", counting)
    return calls


def test_triage_translates_only_the_briefs_sentences(
    settings: Settings, translated: list[int]
) -> None:
    article = dev_article(4)  # "Jakarta, CNN Indonesia -- …": a dateline to keep out
    request = ArticleRequest(
        text=article["text"],
        title=article["title"],
        source_lang="id",
        tasks=("brief", "brief_id"),
        brief_mode="triage",
    )
    result = process_article(request, settings.pipeline_options())

    clean = clean_article(article["text"], article["title"])
    expected_id = extractive_brief(clean.body, 3, "id", settings.brief_max_words)
    assert result.brief_id == expected_id  # the chosen source sentences, no round trip
    assert "CNN Indonesia" not in result.brief_id and clean.dateline == "Jakarta, CNN Indonesia"
    chosen = len(split_sentences(expected_id, "id"))
    assert translated == [chosen] and chosen < result.sentences  # the brief's sentences only
    assert result.brief and result.brief_mode == "triage" and result.brief_method == "extractive"
    assert result.translation is None and result.timings.translate_s is None
    assert result.models.translate and result.models.brief is None
    assert result.demo_models


def test_triage_with_translate_reuses_the_translation(
    settings: Settings, translated: list[int]
) -> None:
    text = (
        "Presiden meresmikan jembatan baru di Surabaya pada Senin.\n"
        "Jembatan itu menghubungkan dua kecamatan.\n"
        "Warga menyambut gembira.\nHujan turun sore harinya."
    )
    request = ArticleRequest(
        text=text, source_lang="id", tasks=("translate", "brief"), brief_mode="triage"
    )
    result = process_article(request, settings.pipeline_options())
    assert translated == [4]  # the article once; nothing translated again for the brief
    details = result.sentences_detail or []
    assert result.brief == " ".join(d.translation for d in details[:3])
    assert result.brief_mode == "triage"


def test_full_mode_says_so(settings: Settings) -> None:
    text = "Twitter will open an office in Jakarta.\nThe office will work with media."
    request = ArticleRequest(text=text, source_lang="en", tasks=("brief",))
    result = process_article(request, settings.pipeline_options())
    assert result.brief_mode == "full" and result.brief


def test_english_article_triage_translates_the_brief_only(
    settings: Settings, translated: list[int]
) -> None:
    text = (
        "Twitter will open an office in Jakarta.\nThe office will work with media.\n"
        "Twitter has 2.7 million followers on one account.\nCats are pets."
    )
    request = ArticleRequest(
        text=text, source_lang="en", tasks=("brief", "brief_id"), brief_mode="triage"
    )
    result = process_article(request, settings.pipeline_options())
    assert result.brief == " ".join(text.split("\n")[:3])  # 3 sentences at most
    assert translated == [3] and result.brief_id
    assert result.models.brief_id and result.translation is None
