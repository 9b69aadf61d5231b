"""One article in, its translation and brief out: the model layer's entry point.

The workers, the batch script (``--local``) and the tests call these two functions. Both
return plain JSON-able dicts, so a Celery task can store them as they are.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from models.boilerplate import CleanArticle, clean_article, load_rules
from models.errors import ModelError, ModelNotConverted, UnsupportedLanguage
from models.extractive import extractive_brief
from models.guard import guarded_translate, stricter
from models.language import detect_source_language
from models.loading import load_model
from models.numbers import check_numbers
from models.protect import load_glossary, protect, restore
from models.registry import model_spec, translation_key
from models.segment import split_paragraphs, split_sentences
from models.summarizer import BriefOptions, Summarizer, TransformersSummarizer, trim_brief
from models.translator import (
    DecodingOptions,
    ProgressCallback,
    TransformersTranslator,
    Translator,
)
from ringkas.settings import Settings

Task = Literal["translate", "brief", "brief_id"]
LANGUAGES = ("id", "en")
TASKS: tuple[Task, ...] = ("translate", "brief", "brief_id")
DEFAULT_TASKS: tuple[Task, ...] = ("translate", "brief")


@dataclass(frozen=True)
class ArticleRequest:
    """An article as the user sent it.

    Attributes:
        text: The body; paragraphs separated by blank lines or single newlines.
        source_lang: ``"id"`` or ``"en"`` (the target is the other one); ``None`` detects
            it (``models.language``).
        title: Optional headline, translated too.
        tasks: ``"translate"``, ``"brief"`` (an English brief) and/or ``"brief_id"`` (the
            English brief translated into Indonesian, for Indonesian readers).
        glossary: Term → translation for this article (a term mapped to itself is kept
            untranslated); added to the deployment's glossary, overriding it.
    """

    text: str
    source_lang: str | None = None
    title: str | None = None
    tasks: tuple[Task, ...] = DEFAULT_TASKS
    glossary: Mapping[str, str] | None = field(default=None, hash=False)


def process_article(
    request: ArticleRequest, settings: Settings, on_progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Cleans, translates and/or briefs one article.

    ``on_progress``, when given, hears ``(sentences_done, sentences_total)`` of the
    translation (title included) after each batch.

    Boilerplate (dateline, bylines, captions, footers) is separated from the body first
    (``models.boilerplate``); the language is detected when not given. Each sentence's
    URLs, e-mails, @handles, #hashtags, glossary terms and numbers pass through
    placeholders (``models.protect``); looping or echoed sentences are retried
    (``models.guard``); numbers are checked (``models.numbers``). The brief is always
    English: of the translation for Indonesian articles, of the text itself for English
    ones; when the summarizer is unavailable, fails or says nothing, an extractive brief
    takes its place (``models.extractive``).

    Returns:
        ``{"source_lang", "target_lang", "detected_lang", "title", "dateline", "bylines",
        "captions", "removed", "title_translation", "translation",
        "paragraphs": [{"source", "translation"}], "sentences",
        "sentences_detail": [{"paragraph", "source", "translation", "confidence",
        "warnings"}], "title_detail", "warnings", "brief", "brief_method",
        "brief_backend", "brief_fallback_reason", "timings": {"translate_s", "brief_s"},
        "models": {...}, "demo_models"}``. ``confidence`` is the mean log-probability of
        the sentence's tokens (≤ 0); ``warnings`` (article level) lists every sentence's
        warnings, each prefixed with where it is. ``brief_backend`` is the summarizer's
        backend (``"transformers"`` or ``"ctranslate2"``), ``None`` for an extractive
        brief. Values of a task not asked for are ``None``.

    Raises:
        ValueError: empty text or no task.
        UnsupportedLanguage: a source language other than ``id`` or ``en``, given or
            detected.
        ModelUnavailable: a translation model that cannot be loaded.
    """
    if not request.text.strip():
        raise ValueError("the article has no text")
    if not request.tasks:
        raise ValueError("no task asked for")
    if settings.clean_boilerplate:
        rules = (
            load_rules(settings.boilerplate_rules_path) if settings.boilerplate_rules_path else None
        )
        clean = clean_article(request.text, request.title, rules)
    else:
        clean = CleanArticle(title=request.title, dateline=None, body=request.text)
    source_lang, detected = _source_language(request.source_lang, clean.body, clean.title)
    target_lang = target_of(source_lang)
    paragraphs = split_paragraphs(clean.body)
    sentences = [split_sentences(p, source_lang) for p in paragraphs]
    result: dict[str, Any] = {
        "source_lang": source_lang,
        "target_lang": target_lang,
        "detected_lang": detected,
        "title": clean.title,
        "dateline": clean.dateline,
        "bylines": clean.bylines,
        "captions": clean.captions,
        "removed": clean.removed,
        "title_translation": None,
        "translation": None,
        "paragraphs": None,
        "sentences": sum(len(s) for s in sentences),
        "sentences_detail": None,
        "title_detail": None,
        "warnings": [],
        "brief": None,
        "brief_id": None,
        "brief_method": None,
        "brief_backend": None,
        "brief_fallback_reason": None,
        "timings": {"translate_s": None, "brief_s": None},
        "models": {},
        "translate_backend": None,
        "demo_models": False,
    }

    english = clean.body
    if "translate" in request.tasks or source_lang != "en":
        translator = translator_for(source_lang, target_lang, settings)
        started = time.perf_counter()
        title = [clean.title] if clean.title and clean.title.strip() else []
        flat = [s for para in sentences for s in para] + title
        glossary = _glossary(settings, request.glossary)
        details = iter(
            translate_sentences(translator, flat, source_lang, settings, glossary, on_progress)
        )
        # Sentences come back in order: take each paragraph's share, then the title.
        per_paragraph = [[next(details) for _ in para] for para in sentences]
        title_detail = next(details, None)
        paragraph_texts = [" ".join(d["translation"] for d in para) for para in per_paragraph]
        result["timings"]["translate_s"] = round(time.perf_counter() - started, 3)
        result["models"]["translate"] = translator.model_id
        result["translate_backend"] = translator.backend
        result["demo_models"] |= translator.is_demo
        if source_lang == "id":
            english = "\n".join(paragraph_texts)
        if "translate" in request.tasks:
            result["title_translation"] = title_detail["translation"] if title_detail else None
            result["title_detail"] = title_detail
            result["translation"] = "\n\n".join(paragraph_texts)
            result["paragraphs"] = [
                {"source": source, "translation": text}
                for source, text in zip(paragraphs, paragraph_texts, strict=True)
            ]
            result["sentences_detail"] = [
                {"paragraph": p, **detail}
                for p, para in enumerate(per_paragraph)
                for detail in para
            ]
            result["warnings"] = _article_warnings(per_paragraph, title_detail)

    if "brief" in request.tasks or "brief_id" in request.tasks:
        started = time.perf_counter()
        result.update(_brief(english, settings, result))
        if "brief_id" in request.tasks and result["brief"]:
            brief_translator = translator_for("en", "id", settings)
            result["brief_id"] = " ".join(
                brief_translator.translate_batch(split_sentences(result["brief"], "en"))
            )
            result["models"]["brief_id"] = brief_translator.model_id
        result["timings"]["brief_s"] = round(time.perf_counter() - started, 3)
    return result


def translate_text(
    text: str,
    source_lang: str | None,
    settings: Settings,
    glossary: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Translates a short text (the synchronous path), keeping its paragraphs.

    No boilerplate is removed: a short text is taken as it is.

    Returns:
        ``{"source_lang", "target_lang", "detected_lang", "translation", "sentences",
        "sentences_detail", "warnings", "model", "demo_model", "timing_s"}``.

    Raises:
        ValueError: empty text.
        UnsupportedLanguage: a language other than ``id`` or ``en``, given or detected.
    """
    if not text.strip():
        raise ValueError("the text is empty")
    source_lang, detected = _source_language(source_lang, text, None)
    target_lang = target_of(source_lang)
    translator = translator_for(source_lang, target_lang, settings)
    sentences = [split_sentences(p, source_lang) for p in split_paragraphs(text)]
    started = time.perf_counter()
    flat = [s for para in sentences for s in para]
    merged = _glossary(settings, glossary)
    details = iter(translate_sentences(translator, flat, source_lang, settings, merged))
    per_paragraph = [[next(details) for _ in para] for para in sentences]
    return {
        "source_lang": source_lang,
        "target_lang": target_lang,
        "detected_lang": detected,
        "translation": "\n\n".join(
            " ".join(d["translation"] for d in para) for para in per_paragraph
        ),
        "sentences": len(flat),
        "sentences_detail": [
            {"paragraph": p, **d} for p, para in enumerate(per_paragraph) for d in para
        ],
        "warnings": _article_warnings(per_paragraph, None),
        "model": translator.model_id,
        "backend": translator.backend,
        "demo_model": translator.is_demo,
        "timing_s": round(time.perf_counter() - started, 3),
    }


def translate_sentences(
    translator: Translator,
    sentences: Sequence[str],
    source_lang: str,
    settings: Settings,
    glossary: Mapping[str, str] | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[dict[str, Any]]:
    """Translates sentences with protected spans, the loop/echo guard and number checks.

    Returns:
        Per sentence, in order: ``{"source", "translation", "confidence", "warnings"}``.
    """
    target_lang = target_of(source_lang)
    numbers = (source_lang, target_lang) if settings.protect_numbers else None
    protected = [protect(s, glossary, numbers) for s in sentences]
    retry = translator.with_options(stricter(translator.options))
    results = guarded_translate(
        translator,
        [p.text for p in protected],
        retry,
        settings.guard_max_retry_share,
        on_progress,
    )
    details: list[dict[str, Any]] = []
    for sentence, prot, translation in zip(sentences, protected, results, strict=True):
        text, lost = restore(translation.text, prot)
        warnings = [*translation.warnings, *lost]
        warnings += check_numbers(sentence, text, source_lang, target_lang)
        confidence = translation.confidence
        if confidence is not None and confidence < settings.low_confidence:
            warnings.append(
                f"low confidence: mean token log-probability {confidence:.2f} is below "
                f"{settings.low_confidence} (RINGKAS_LOW_CONFIDENCE)"
            )
        details.append(
            {
                "source": sentence,
                "translation": text,
                "confidence": confidence,
                "warnings": warnings,
            }
        )
    return details


def target_of(source_lang: str) -> str:
    """The other language of the pair."""
    return "en" if source_lang == "id" else "id"


def _check_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise UnsupportedLanguage(
            f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}"
        )


def _source_language(
    given: str | None, body: str, title: str | None
) -> tuple[str, dict[str, Any] | None]:
    """The given language, checked; or the detected one with its probability."""
    if given is not None:
        _check_language(given)
        return given, None
    detection = detect_source_language(f"{title or ''}\n{body}")
    return detection.lang, {"lang": detection.lang, "probability": detection.probability}


def _glossary(settings: Settings, extra: Mapping[str, str] | None) -> dict[str, str]:
    terms = dict(_deployment_glossary(settings.glossary_path)) if settings.glossary_path else {}
    terms.update(extra or {})
    return terms


@lru_cache(maxsize=4)
def _deployment_glossary(path: Path) -> dict[str, str]:
    return load_glossary(path)


def _article_warnings(
    paragraphs: list[list[dict[str, Any]]], title: dict[str, Any] | None
) -> list[str]:
    warnings = [f"title: {w}" for w in (title or {}).get("warnings", [])]
    for p, para in enumerate(paragraphs, start=1):
        for s, detail in enumerate(para, start=1):
            warnings += [f"paragraph {p}, sentence {s}: {w}" for w in detail["warnings"]]
    return warnings


def _brief(english: str, settings: Settings, result: dict[str, Any]) -> dict[str, Any]:
    """The brief, abstractive if the summarizer gives one, else extractive."""
    options = _brief_options(settings)
    reason: str | None = None
    try:
        summarizer = summarizer_for(settings, options)
        result["models"]["brief"] = summarizer.model_id
        result["demo_models"] |= summarizer.is_demo
        brief = trim_brief(summarizer.summarize(english), options.max_sentences, options.max_words)
        if brief.strip():
            return {
                "brief": brief,
                "brief_method": "abstractive",
                "brief_backend": summarizer.backend,
                "brief_fallback_reason": None,
            }
        reason = "the summarizer returned an empty summary"
    # ModelError: missing model; the others: what torch and transformers raise when a model
    # fails on an input (out of memory, a bad shape). Not Exception: Celery's time limit
    # is one, and must stop the task.
    except (ModelError, RuntimeError, ValueError, OSError, IndexError) as exc:
        reason = f"the summarizer failed: {exc}"
    brief = trim_brief(
        extractive_brief(english, options.max_sentences), options.max_sentences, options.max_words
    )
    return {
        "brief": brief,
        "brief_method": "extractive",
        "brief_backend": None,
        "brief_fallback_reason": reason,
    }


def summarizer_for(settings: Settings, options: BriefOptions) -> Summarizer:
    """The summarizer on the configured backend (RINGKAS_BRIEF_BACKEND).

    Raises:
        ModelNotConverted: backend ``ctranslate2`` and the summarizer is not converted.
        ModelUnavailable: a summarizer that cannot be loaded.
    """
    from models import ct2

    engine = ct2.engine_for("brief:en", settings, settings.brief_backend)
    if engine is not None:
        return ct2.CTranslate2Summarizer(engine, options)
    return TransformersSummarizer(load_model("brief:en", settings), options)


def translator_for(source_lang: str, target_lang: str, settings: Settings) -> Translator:
    """The translator of a direction on the configured backend (RINGKAS_TRANSLATE_BACKEND),
    with the deployment's decoding settings."""
    key = translation_key(source_lang, target_lang)
    options = DecodingOptions(
        num_beams=settings.num_beams,
        max_batch_tokens=settings.max_batch_tokens,
        no_repeat_ngram_size=settings.no_repeat_ngram_size,
        repetition_penalty=settings.repetition_penalty,
        fixed_output_tokens=settings.bench_fixed_output_tokens,
    )
    if settings.translate_backend != "transformers":
        from models import ct2

        engine = ct2.load_engine(key, settings)
        if engine is not None:
            return ct2.CTranslate2Translator(engine, options)
        if settings.translate_backend == "ctranslate2":
            spec = model_spec(key, settings)
            folder = ct2.converted_dir(spec, settings.ct2_quantization, settings)
            raise ModelNotConverted(key, spec, str(folder))
    return TransformersTranslator(load_model(key, settings), options)


def _brief_options(settings: Settings) -> BriefOptions:
    return BriefOptions(
        max_sentences=settings.brief_max_sentences,
        max_words=settings.brief_max_words,
        num_beams=settings.brief_num_beams,
    )
