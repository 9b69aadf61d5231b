"""The whole model layer on the seeds, with the demo models."""

from pathlib import Path

import pytest

from models.errors import UnsupportedLanguage
from models.pipeline import ArticleRequest, process_article, translate_text
from models.segment import split_paragraphs
from ringkas.settings import Settings

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


def read_seed(path: Path) -> tuple[str, str]:
    title, body = path.read_text(encoding="utf-8").split("\n", 1)
    return title, body


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_is_translated_and_briefed(seed: Path, settings: Settings) -> None:
    title, body = read_seed(seed)
    result = process_article(ArticleRequest(text=body, title=title, source_lang="id"), settings)

    paragraphs = split_paragraphs(body)
    assert result["source_lang"] == "id"
    assert result["target_lang"] == "en"
    assert [p["source"] for p in result["paragraphs"]] == paragraphs
    assert all(p["translation"] for p in result["paragraphs"])
    assert result["translation"] == "\n\n".join(p["translation"] for p in result["paragraphs"])
    assert result["title_translation"]
    assert result["sentences"] >= len(paragraphs)
    brief_words = len(result["brief"].rstrip("…").split())
    assert 0 < brief_words <= settings.brief_max_words
    assert result["timings"]["translate_s"] > 0
    assert result["timings"]["brief_s"] > 0
    assert result["models"] == {
        "translate": settings.model_translate_id_en,
        "brief": settings.model_brief_en,
    }
    assert result["demo_models"] is True


def test_only_the_tasks_asked_for(settings: Settings) -> None:
    _title, body = read_seed(SEEDS[0])
    only_translation = process_article(
        ArticleRequest(text=body, source_lang="id", tasks=("translate",)), settings
    )
    assert only_translation["brief"] is None
    assert only_translation["title_translation"] is None
    assert only_translation["translation"]

    only_brief = process_article(
        ArticleRequest(text=body, source_lang="id", tasks=("brief",)), settings
    )
    assert only_brief["translation"] is None
    assert only_brief["brief"]
    # an Indonesian article is translated to English to be briefed
    assert only_brief["models"]["translate"] == settings.model_translate_id_en


def test_english_article_goes_to_indonesian_and_gets_an_english_brief(settings: Settings) -> None:
    text = "Twitter will open an office in Jakarta.\nIt has 2.7 million users there."
    result = process_article(ArticleRequest(text=text, source_lang="en"), settings)
    assert result["target_lang"] == "id"
    assert len(result["paragraphs"]) == 2
    assert result["models"] == {
        "translate": settings.model_translate_en_id,
        "brief": settings.model_brief_en,
    }
    assert result["brief"]


def test_bad_requests(settings: Settings) -> None:
    with pytest.raises(UnsupportedLanguage, match="unsupported language 'fr'; supported: id, en"):
        process_article(ArticleRequest(text="Bonjour.", source_lang="fr"), settings)
    with pytest.raises(ValueError, match="the article has no text"):
        process_article(ArticleRequest(text=" \n ", source_lang="id"), settings)


def test_translate_text_keeps_paragraphs(settings: Settings) -> None:
    result = translate_text("Satu kalimat.\n\nDua kalimat. Tiga kalimat.", "id", settings)
    assert result["translation"].count("\n\n") == 1
    assert result["sentences"] == 3
    assert result["demo_model"] is True
    assert result["model"] == settings.model_translate_id_en
