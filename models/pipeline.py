"""One article in, its translation and brief out: the model layer's entry point.

The workers, the batch script (``--local``) and the tests call these two functions. Both
return plain JSON-able dicts, so a Celery task can store them as they are.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from models.errors import UnsupportedLanguage
from models.loading import load_model
from models.progress import ProgressCallback, translate_reporting
from models.registry import translation_key
from models.segment import split_paragraphs, split_sentences
from models.summarizer import BriefOptions, TransformersSummarizer, trim_brief
from models.translator import DecodingOptions, TransformersTranslator, Translator
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


def process_article(
    request: ArticleRequest, settings: Settings, on_progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Translates and/or briefs one article.

    ``on_progress``, when given, hears ``(sentences_done, sentences_total)`` of the
    translation (title included) as it goes.

    The brief is always English: of the translation for Indonesian articles, of the text
    itself for English ones.

    Returns:
        ``{"source_lang", "target_lang", "title_translation", "translation",
        "paragraphs": [{"source", "translation"}], "sentences", "brief",
        "timings": {"translate_s", "brief_s"}, "models": {...}, "demo_models"}``;
        values of a task not asked for are ``None``.

    Raises:
        ValueError: empty text or no task.
        UnsupportedLanguage: a source language other than ``id`` or ``en``.
        ModelUnavailable: a model that cannot be loaded.
    """
    _check_language(request.source_lang)
    if not request.text.strip():
        raise ValueError("the article has no text")
    if not request.tasks:
        raise ValueError("no task asked for")
    target_lang = target_of(request.source_lang)
    paragraphs = split_paragraphs(request.text)
    sentences = [split_sentences(p, request.source_lang) for p in paragraphs]
    result: dict[str, Any] = {
        "source_lang": request.source_lang,
        "target_lang": target_lang,
        "title_translation": None,
        "translation": None,
        "paragraphs": None,
        "sentences": sum(len(s) for s in sentences),
        "brief": None,
        "timings": {"translate_s": None, "brief_s": None},
        "models": {},
        "demo_models": False,
    }

    english = request.text
    if "translate" in request.tasks or request.source_lang != "en":
        translator = _translator(request.source_lang, target_lang, settings)
        started = time.perf_counter()
        title = [request.title] if request.title and request.title.strip() else []
        flat = [s for para in sentences for s in para] + title
        translated = iter(translate_reporting(translator, flat, on_progress))
        # Sentences come back in order: take each paragraph's share, then the title.
        paragraph_texts = [" ".join(next(translated) for _ in para) for para in sentences]
        result["timings"]["translate_s"] = round(time.perf_counter() - started, 3)
        result["models"]["translate"] = translator.model_id
        result["demo_models"] |= translator.is_demo
        if request.source_lang == "id":
            english = "\n".join(paragraph_texts)
        if "translate" in request.tasks:
            result["title_translation"] = next(translated, None)
            result["translation"] = "\n\n".join(paragraph_texts)
            result["paragraphs"] = [
                {"source": source, "translation": text}
                for source, text in zip(paragraphs, paragraph_texts, strict=True)
            ]

    if "brief" in request.tasks:
        options = _brief_options(settings)
        summarizer = TransformersSummarizer(load_model("brief:en", settings), options)
        started = time.perf_counter()
        summary = summarizer.summarize(english)
        result["brief"] = trim_brief(summary, options.max_sentences, options.max_words)
        result["timings"]["brief_s"] = round(time.perf_counter() - started, 3)
        result["models"]["brief"] = summarizer.model_id
        result["demo_models"] |= summarizer.is_demo
    return result


def translate_text(text: str, source_lang: str, settings: Settings) -> dict[str, Any]:
    """Translates a short text (the synchronous path), keeping its paragraphs.

    Returns:
        ``{"source_lang", "target_lang", "translation", "sentences", "model",
        "demo_model", "timing_s"}``.
    """
    _check_language(source_lang)
    if not text.strip():
        raise ValueError("the text is empty")
    target_lang = target_of(source_lang)
    translator = _translator(source_lang, target_lang, settings)
    sentences = [split_sentences(p, source_lang) for p in split_paragraphs(text)]
    started = time.perf_counter()
    translated = iter(translator.translate_batch([s for para in sentences for s in para]))
    paragraphs = [" ".join(next(translated) for _ in para) for para in sentences]
    return {
        "source_lang": source_lang,
        "target_lang": target_lang,
        "translation": "\n\n".join(paragraphs),
        "sentences": sum(len(s) for s in sentences),
        "model": translator.model_id,
        "demo_model": translator.is_demo,
        "timing_s": round(time.perf_counter() - started, 3),
    }


def target_of(source_lang: str) -> str:
    """The other language of the pair."""
    return "en" if source_lang == "id" else "id"


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise UnsupportedLanguage(
            f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}"
        )


def _translator(source_lang: str, target_lang: str, settings: Settings) -> Translator:
    options = DecodingOptions(
        num_beams=settings.num_beams,
        max_batch_tokens=settings.max_batch_tokens,
        no_repeat_ngram_size=settings.no_repeat_ngram_size,
        repetition_penalty=settings.repetition_penalty,
    )
    return TransformersTranslator(
        load_model(translation_key(source_lang, target_lang), settings), options
    )


def _brief_options(settings: Settings) -> BriefOptions:
    return BriefOptions(
        max_sentences=settings.brief_max_sentences,
        max_words=settings.brief_max_words,
        num_beams=settings.brief_num_beams,
    )
