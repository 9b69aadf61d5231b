"""Results shaped as the pipeline shapes them, without running a model: the real cleaning and
segmentation of a real article, each sentence "translated" by a stand-in. For the store
tests that need many results (1,000 articles) and the bench (bench/result_store.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ringkas.models.boilerplate import clean_article
from ringkas.models.result import (
    ArticleResult,
    BodySentence,
    ParagraphTranslation,
    SentenceTranslation,
)
from ringkas.models.segment import split_paragraphs, split_sentences

ROOT = Path(__file__).resolve().parents[1]
DEV_ARTICLES = ROOT.parent / "shared" / "data" / "news-dev.jsonl"


def dev_articles(path: Path = DEV_ARTICLES) -> list[dict[str, Any]]:
    """The dev articles (``{"id", "title", "text", …}``), in file order."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def shaped_result(text: str, title: str | None, translate: Any = None) -> dict[str, Any]:
    """An ``ArticleResult`` as JSON for ``text``; ``translate(sentence) -> str`` stands in
    for the model (default: the sentence reversed word by word)."""
    translate = translate or (lambda s: " ".join(reversed(s.split())))
    clean = clean_article(text, title)
    paragraphs = split_paragraphs(clean.body)
    sentences: list[BodySentence] = []
    for p, paragraph in enumerate(paragraphs):
        for s in split_sentences(paragraph, "id"):
            warnings = ["low confidence (-1.62)"] if len(sentences) % 7 == 3 else []
            sentences.append(
                BodySentence(
                    source=s,
                    translation=translate(s),
                    confidence=-0.4,
                    warnings=warnings,
                    paragraph=p,
                )
            )
    translated = [
        " ".join(s.translation for s in sentences if s.paragraph == p)
        for p in range(len(paragraphs))
    ]
    title_detail = (
        SentenceTranslation(
            source=title, translation=translate(title), confidence=-0.2, warnings=[]
        )
        if title
        else None
    )
    warnings = [
        f"paragraph {s.paragraph + 1}, sentence "
        f"{[x for x in sentences if x.paragraph == s.paragraph].index(s) + 1}: {w}"
        for s in sentences
        for w in s.warnings
    ]
    result = ArticleResult(
        source_lang="id",
        target_lang="en",
        title=title,
        dateline=clean.dateline,
        bylines=clean.bylines,
        captions=clean.captions,
        removed=clean.removed,
        title_translation=title_detail.translation if title_detail else None,
        translation="\n\n".join(translated),
        paragraphs=[
            ParagraphTranslation(source=src, translation=tr)
            for src, tr in zip(paragraphs, translated, strict=True)
        ],
        sentences=len(sentences),
        sentences_detail=sentences,
        title_detail=title_detail,
        warnings=warnings,
        brief=" ".join(s.translation for s in sentences[:2]),
        brief_method="extractive",
    )
    return result.model_dump(mode="json")
