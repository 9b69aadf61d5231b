"""One article in, its translation and brief out: the model layer's entry point.

The workers, the batch script (``--local``) and the tests call these two functions. Both
return plain JSON-able dicts, so a Celery task can store them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from ringkas.settings import Settings

Task = Literal["translate", "brief"]
LANGUAGES = ("id", "en")
TASKS: tuple[Task, ...] = ("translate", "brief")


@dataclass(frozen=True)
class ArticleRequest:
    """An article as the user sent it.

    Attributes:
        text: The body; paragraphs separated by blank lines or single newlines.
        source_lang: ``"id"`` or ``"en"``; the target is the other one.
        title: Optional headline, translated too.
        tasks: ``"translate"`` and/or ``"brief"`` (an English brief).
    """

    text: str
    source_lang: str
    title: str | None = None
    tasks: tuple[Task, ...] = TASKS


def process_article(request: ArticleRequest, settings: Settings) -> dict[str, Any]:
    """Translates and/or briefs one article.

    Returns:
        ``{"source_lang", "target_lang", "title_translation", "translation",
        "paragraphs": [{"source", "translation"}], "sentences", "brief",
        "timings": {"translate_s", "brief_s"}, "models": {...}, "demo_models"}``;
        keys of a task not asked for are ``None``.
    """
    raise NotImplementedError


def translate_text(text: str, source_lang: str, settings: Settings) -> dict[str, Any]:
    """Translates a short text (the synchronous path).

    Returns:
        ``{"source_lang", "target_lang", "translation", "sentences", "model",
        "demo_model", "timing_s"}``.
    """
    raise NotImplementedError


def target_of(source_lang: str) -> str:
    """The other language of the pair."""
    return "en" if source_lang == "id" else "id"
