"""One article in, its translation and brief out: the model layer's entry point.

The workers, the batch script (``--local``) and the tests call these functions. They return
the typed results of ``models.result``, which a Celery task stores as JSON
(``model_dump(mode="json")``) and the API publishes and validates.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from ringkas.models import adequacy
from ringkas.models.boilerplate import CleanArticle, clean_article, load_rules
from ringkas.models.errors import ModelError, UnsupportedLanguage
from ringkas.models.extractive import extractive_brief
from ringkas.models.guard import guarded_translate, stricter
from ringkas.models.html_doc import HtmlDocument, parse_html
from ringkas.models.language import article_language, paragraph_languages
from ringkas.models.loading import load_model
from ringkas.models.memory import MemoryStats, MemoryTranslator
from ringkas.models.numbers import check_numbers
from ringkas.models.options import ModelOptions, PipelineOptions
from ringkas.models.protect import load_glossary, protect, restore
from ringkas.models.registry import translation_key
from ringkas.models.result import (
    ArticleResult,
    BodySentence,
    BriefMode,
    DetectedLanguage,
    Language,
    ParagraphTranslation,
    SentenceTranslation,
    TextResult,
)
from ringkas.models.segment import split_paragraphs, split_sentences
from ringkas.models.summarizer import BriefOptions, Summarizer, TransformersSummarizer, trim_brief
from ringkas.models.translator import (
    FinishedCallback,
    TransformersTranslator,
    Translator,
)
from ringkas.models.triage import triage_brief

Task = Literal["translate", "brief", "brief_id", "adequacy"]
Format = Literal["text", "html"]
LANGUAGES: tuple[Language, ...] = ("id", "en")
TASKS: tuple[Task, ...] = ("translate", "brief", "brief_id", "adequacy")
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
            English brief translated into Indonesian, for Indonesian readers);
            ``"adequacy"`` scores each translated sentence against its source
            (``models.adequacy``; with ``translate`` only: it costs more than translating).
        glossary: Term → translation for this article (a term mapped to itself is kept
            untranslated); added to the deployment's glossary, overriding it.
        format: ``"html"``: ``text`` is HTML, translated block by block with its markup
            kept (``models.html_doc``; no boilerplate removal: the markup says what is
            what), and the result's ``html`` is the translated document.
        brief_mode: ``"full"`` writes the brief from the whole (translated) article;
            ``"triage"`` chooses its sentences on the source and translates only those
            (``models.triage``), so the brief needs no full translation.
    """

    text: str
    source_lang: str | None = None
    title: str | None = None
    tasks: tuple[Task, ...] = DEFAULT_TASKS
    glossary: Mapping[str, str] | None = field(default=None, hash=False)
    format: Format = "text"
    brief_mode: BriefMode = "full"


ProgressCallback = Callable[[int, int], None]
"""Hears ``(sentences_done, sentences_total)`` of one article's translation."""

ArticleOutcome = ArticleResult | ModelError | ValueError
"""What ``process_articles`` gives for each article: its result, or why it failed."""

OutcomeCallback = Callable[[int, ArticleOutcome], None]
"""Hears ``(position in the requests, outcome)`` as soon as one article's outcome is final."""


def process_article(
    request: ArticleRequest, options: PipelineOptions, on_progress: ProgressCallback | None = None
) -> ArticleResult:
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
        The article's ``ArticleResult`` (``models.result`` describes every field). Values
        of a task not asked for are ``None``. ``timings.translate_s`` is the time of the
        translation batch the article was part of, and ``batch_articles`` how many
        articles shared it (see ``process_articles``).

    Raises:
        ValueError: empty text or no task.
        UnsupportedLanguage: a source language other than ``id`` or ``en``, given or
            detected.
        ModelUnavailable: a translation model that cannot be loaded.
    """
    outcome = process_articles([request], options, [on_progress])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def process_articles(
    requests: Sequence[ArticleRequest],
    options: PipelineOptions,
    on_progress: Sequence[ProgressCallback | None] | None = None,
    on_outcome: OutcomeCallback | None = None,
) -> list[ArticleOutcome]:
    """``process_article`` for several articles at once, their sentences batched together.

    The sentences of all articles in one language are translated in one call, so the
    engine sorts and batches them all by length, in fuller batches than one article
    gives: on the 2-core bench, the service went from 0.53 to 0.88 of the raw engine's
    throughput (bench/README.md). Each article keeps its own glossary, and the
    looping/echo guard decides per article.

    Returns:
        One outcome per request, in order: the ``ArticleResult`` of ``process_article``, or the
        ``ValueError``/``ModelError`` that article raised (the others are not affected).
        Anything else raised stops the whole call: the caller cannot tell which article
        caused it.

    ``on_outcome``, when given, hears each article's outcome as soon as it is final (a
    worker stores it at once, so a time limit later in the call loses nothing finished).
    """
    callbacks = list(on_progress) if on_progress is not None else [None] * len(requests)
    outcomes: list[ArticleOutcome | None] = [None] * len(requests)

    def settle(index: int, outcome: ArticleOutcome) -> None:
        outcomes[index] = outcome
        if on_outcome is not None:
            on_outcome(index, outcome)

    articles: dict[int, _Article] = {}
    for index, request in enumerate(requests):
        try:
            articles[index] = _prepare(request, options)
        except (ValueError, ModelError) as exc:
            settle(index, exc)
    for lang in LANGUAGES:
        group = [i for i, a in articles.items() if a.needs_translation and a.source_lang == lang]
        if not group:
            continue
        try:
            _translate_group([articles[i] for i in group], options, [callbacks[i] for i in group])
        except ModelError as exc:  # the direction's model: every article of the group
            for index in group:
                settle(index, exc)
                del articles[index]
    for index, article in articles.items():
        try:
            brief: ArticleOutcome = _add_brief(article, options)
        except ModelError as exc:
            brief = exc
        settle(index, brief)
    done = [outcome for outcome in outcomes if outcome is not None]
    assert len(done) == len(requests), "every article has an outcome"
    return done


@dataclass
class _Article:
    """An article cleaned and segmented, with its result being filled in."""

    request: ArticleRequest
    clean: CleanArticle
    source_lang: str
    paragraphs: list[str]
    sentences: list[list[str]]  # per paragraph
    result: ArticleResult
    translated_paragraphs: list[str] | None = None
    kept_langs: list[Language | None] | None = None  # per paragraph: kept in this language

    def kept(self, paragraph: int) -> Language | None:
        return self.kept_langs[paragraph] if self.kept_langs else None

    html: HtmlDocument | None = None  # format "html": paragraphs are its segments

    @property
    def needs_translation(self) -> bool:
        # An Indonesian article is translated for its English brief even when only
        # the brief is asked for, unless a triage brief translates its own sentences.
        full_brief = self.request.brief_mode == "full"
        return "translate" in self.request.tasks or (self.source_lang != "en" and full_brief)

    @property
    def title(self) -> list[str]:
        title = self.clean.title
        return [title] if title and title.strip() else []

    @property
    def english(self) -> str:
        """What the brief is written from."""
        if self.source_lang == "id" and self.translated_paragraphs is not None:
            return "\n".join(self.translated_paragraphs)
        return self.clean.body


def _prepare(request: ArticleRequest, options: PipelineOptions) -> _Article:
    if not request.text.strip():
        raise ValueError("the article has no text")
    if not request.tasks:
        raise ValueError("no task asked for")
    if "adequacy" in request.tasks and "translate" not in request.tasks:
        raise ValueError("the adequacy task checks the translation: ask for translate too")
    document: HtmlDocument | None = None
    if request.format == "html":
        document = parse_html(request.text)
        plain = "\n".join(s.plain for s in document.segments)
        clean = CleanArticle(title=request.title, dateline=None, body=plain)
    elif options.clean_boilerplate:
        rules = (
            load_rules(options.boilerplate_rules_path) if options.boilerplate_rules_path else None
        )
        clean = clean_article(request.text, request.title, rules)
    else:
        clean = CleanArticle(title=request.title, dateline=None, body=request.text)
    source_lang, detected = _source_language(request.source_lang, clean.body, clean.title)
    if document is not None:
        paragraphs = [s.text for s in document.segments]  # markers in: they are translated
        kept_langs: list[Language | None] = [None] * len(paragraphs)
    else:
        paragraphs = split_paragraphs(clean.body)
        # Paragraphs plainly in the other language are kept as they are, not translated.
        kept_langs = [_kept_lang(lang) for lang in paragraph_languages(paragraphs, source_lang)]
    sentences = [
        split_sentences(p, lang or source_lang)
        for p, lang in zip(paragraphs, kept_langs, strict=True)
    ]
    result = ArticleResult(
        source_lang=source_lang,
        target_lang=target_of(source_lang),
        detected_lang=detected,
        title=clean.title,
        dateline=clean.dateline,
        bylines=clean.bylines,
        captions=clean.captions,
        removed=clean.removed,
        sentences=sum(len(s) for s in sentences),
    )
    return _Article(
        request,
        clean,
        source_lang,
        paragraphs,
        sentences,
        result,
        kept_langs=kept_langs,
        html=document,
    )


def _kept_lang(lang: str | None) -> Language | None:
    return None if lang is None else _check_language(lang)


def _translate_group(
    articles: list[_Article], options: PipelineOptions, callbacks: list[ProgressCallback | None]
) -> None:
    """Translates the articles (all of one source language) in one call; fills their results."""
    source_lang = articles[0].source_lang
    translator, memory = _remembering(
        translator_for(source_lang, target_of(source_lang), options), source_lang, options
    )
    texts: list[str] = []
    glossaries: list[Mapping[str, str]] = []
    owners: list[int] = []
    for number, article in enumerate(articles):
        glossary = _glossary(options, article.request.glossary)
        to_translate = [
            s for p, para in enumerate(article.sentences) if not article.kept(p) for s in para
        ]
        for text in [*to_translate, *article.title]:
            texts.append(text)
            glossaries.append(glossary)
            owners.append(number)
    progress = _GroupProgress(owners, callbacks)
    started = time.perf_counter()
    details = translate_sentences(
        translator, texts, source_lang, options, glossaries, progress, groups=owners
    )
    progress.finish()
    elapsed = round(time.perf_counter() - started, 3)
    checked = {n for n, a in enumerate(articles) if "adequacy" in a.request.tasks}
    adequacy_s = _score_adequacy(
        [d for d, owner in zip(details, owners, strict=True) if owner in checked],
        source_lang,
        options,
    )
    per_article: list[list[SentenceTranslation]] = [[] for _ in articles]
    for detail, owner in zip(details, owners, strict=True):
        per_article[owner].append(detail)
    for article, mine in zip(articles, per_article, strict=True):
        _fill_translation(article, iter(mine), translator)
        article.result.timings.translate_s = elapsed
        article.result.timings.batch_articles = len(articles)
        if "adequacy" in article.request.tasks:
            article.result.adequacy = adequacy.summarize(mine, options.adequacy)
            article.result.timings.adequacy_s = adequacy_s
    if memory is not None:
        hits = Counter(owners[i] for i in memory.hits)
        for number, article in enumerate(articles):
            article.result.timings.tm_hits = hits[number]
            article.result.timings.tm_sentences = progress.total(number)


def _remembering(
    translator: Translator, source_lang: str, options: PipelineOptions
) -> tuple[Translator, MemoryStats | None]:
    """The translator behind the translation memory, when there is one, and its stats."""
    memory = options.translation_memory
    if memory is None:
        return translator, None
    models = options.models
    weights = (
        f"{models.ct2_quantization}/{models.ct2_compute_type}/{models.device}"
        if translator.backend == "ctranslate2"
        else f"torch/{models.device}"
    )
    direction = f"{source_lang}>{target_of(source_lang)}"
    wrapped = MemoryTranslator(translator, memory, direction, weights)
    return wrapped, wrapped.stats


def _score_adequacy(
    details: list[SentenceTranslation], source_lang: str, options: PipelineOptions
) -> float:
    """Scores the sentences' adequacy in place (``models.adequacy``); returns the seconds."""
    started = time.perf_counter()
    adequacy.score_sentences(
        details, source_lang, target_of(source_lang), options.adequacy, options.models
    )
    return round(time.perf_counter() - started, 3)


class _GroupProgress:
    """Turns the sentences a batch finished into each article's ``(done, total)``."""

    def __init__(self, owners: list[int], callbacks: list[ProgressCallback | None]) -> None:
        self._owners = owners
        self._callbacks = callbacks
        counts = Counter(owners)
        self._totals = [counts[n] for n in range(len(callbacks))]
        self._done = [0] * len(callbacks)

    def __call__(self, finished: list[int]) -> None:
        touched = set()
        for sentence in finished:
            owner = self._owners[sentence]
            self._done[owner] += 1
            touched.add(owner)
        for owner in sorted(touched):
            self._report(owner)

    def total(self, owner: int) -> int:
        return self._totals[owner]

    def finish(self) -> None:
        for owner, total in enumerate(self._totals):
            if self._done[owner] < total:
                self._done[owner] = total
                self._report(owner)

    def _report(self, owner: int) -> None:
        callback = self._callbacks[owner]
        if callback is not None:
            callback(self._done[owner], self._totals[owner])


def _fill_translation(
    article: _Article, details: Iterator[SentenceTranslation], translator: Translator
) -> None:
    """Puts an article's translated sentences (in order, title last) into its result."""
    # Sentences come back in order: take each paragraph's share, then the title.
    per_paragraph = [
        [_passed_through(s) for s in para] if article.kept(p) else [next(details) for _ in para]
        for p, para in enumerate(article.sentences)
    ]
    title_detail = next(details, None)
    paragraph_texts = [" ".join(d.translation for d in para) for para in per_paragraph]
    sources = article.paragraphs
    html: str | None = None
    if article.html is not None:
        # The document gets the translations with their markers; every other view of
        # the article shows the text without them.
        html = article.html.render(paragraph_texts)
        per_paragraph = [[_without_markers(d, article.html) for d in p] for p in per_paragraph]
        paragraph_texts = [" ".join(d.translation for d in para) for para in per_paragraph]
        sources = [s.plain for s in article.html.segments]
    result = article.result
    result.models.translate = translator.model_id
    result.translate_backend = translator.backend
    result.demo_models |= translator.is_demo
    article.translated_paragraphs = paragraph_texts
    if "translate" in article.request.tasks:
        result.paragraphs = [
            ParagraphTranslation(source=source, translation=text, lang=article.kept(p))
            for p, (source, text) in enumerate(zip(sources, paragraph_texts, strict=True))
        ]
        result.html = html
        result.title_translation = title_detail.translation if title_detail else None
        result.title_detail = title_detail
        result.translation = "\n\n".join(paragraph_texts)
        result.sentences_detail = _body_sentences(per_paragraph)
        result.warnings = _article_warnings(per_paragraph, title_detail)


def _passed_through(sentence: str) -> SentenceTranslation:
    """A sentence of a paragraph kept in its own language: its translation is itself."""
    return SentenceTranslation(source=sentence, translation=sentence, confidence=None, warnings=[])


def _without_markers(detail: SentenceTranslation, html: HtmlDocument) -> SentenceTranslation:
    return detail.model_copy(
        update={
            "source": html.plain(detail.source),
            "translation": html.plain(detail.translation),
            "warnings": [html.describe(w) for w in detail.warnings],
        }
    )


def _body_sentences(per_paragraph: list[list[SentenceTranslation]]) -> list[BodySentence]:
    return [
        BodySentence(paragraph=p, **detail.model_dump())
        for p, para in enumerate(per_paragraph)
        for detail in para
    ]


def _add_brief(article: _Article, options: PipelineOptions) -> ArticleResult:
    """The article's result, with its briefs when asked for."""
    result = article.result
    tasks = article.request.tasks
    if article.request.brief_mode == "triage" and ("brief" in tasks or "brief_id" in tasks):
        translated = result.sentences_detail  # set when the article was translated
        triage_brief(
            [s for para in article.sentences for s in para],
            article.source_lang,
            tasks,
            options,
            _glossary(options, article.request.glossary),
            result,
            [d.translation for d in translated] if translated is not None else None,
        )
    elif "brief" in tasks or "brief_id" in tasks:
        started = time.perf_counter()
        _brief(article.english, options, result)
        if "brief_id" in tasks and result.brief:
            brief_translator = translator_for("en", "id", options)
            result.brief_id = " ".join(
                brief_translator.translate_batch(split_sentences(result.brief, "en"))
            )
            result.models.brief_id = brief_translator.model_id
        result.timings.brief_s = round(time.perf_counter() - started, 3)
    return result


def translate_text(
    text: str,
    source_lang: str | None,
    options: PipelineOptions,
    glossary: Mapping[str, str] | None = None,
    check_adequacy: bool = False,
) -> TextResult:
    """Translates a short text (the synchronous path), keeping its paragraphs.

    No boilerplate is removed: a short text is taken as it is. ``check_adequacy`` scores
    each sentence against its source (``models.adequacy``).

    Raises:
        ValueError: empty text.
        UnsupportedLanguage: a language other than ``id`` or ``en``, given or detected.
    """
    if not text.strip():
        raise ValueError("the text is empty")
    source_lang, detected = _source_language(source_lang, text, None)
    target_lang = target_of(source_lang)
    translator, _ = _remembering(
        translator_for(source_lang, target_lang, options), source_lang, options
    )
    sentences = [split_sentences(p, source_lang) for p in split_paragraphs(text)]
    started = time.perf_counter()
    flat = [s for para in sentences for s in para]
    merged = _glossary(options, glossary)
    translated = translate_sentences(translator, flat, source_lang, options, [merged] * len(flat))
    if check_adequacy:
        _score_adequacy(translated, source_lang, options)
    details = iter(translated)
    per_paragraph = [[next(details) for _ in para] for para in sentences]
    return TextResult(
        source_lang=source_lang,
        target_lang=target_lang,
        detected_lang=detected,
        translation="\n\n".join(" ".join(d.translation for d in para) for para in per_paragraph),
        sentences=len(flat),
        sentences_detail=_body_sentences(per_paragraph),
        warnings=_article_warnings(per_paragraph, None),
        adequacy=adequacy.summarize(translated, options.adequacy) if check_adequacy else None,
        model=translator.model_id,
        backend=translator.backend,
        demo_model=translator.is_demo,
        timing_s=round(time.perf_counter() - started, 3),
    )


def translate_sentences(
    translator: Translator,
    sentences: Sequence[str],
    source_lang: str,
    options: PipelineOptions,
    glossaries: Sequence[Mapping[str, str] | None] | None = None,
    on_finished: FinishedCallback | None = None,
    groups: Sequence[int] | None = None,
) -> list[SentenceTranslation]:
    """Translates sentences with protected spans, the loop/echo guard and number checks.

    ``glossaries``, when given, has one glossary per sentence (articles batched together
    each have their own), and ``groups`` the article of each sentence (the guard decides
    per article); ``on_finished`` hears which sentences each batch finished.

    Returns:
        Per sentence, in order, its translation and what the checks found.
    """
    target_lang = target_of(source_lang)
    numbers = (source_lang, target_lang) if options.protect_numbers else None
    terms = glossaries if glossaries is not None else [None] * len(sentences)
    protected = [protect(s, g, numbers) for s, g in zip(sentences, terms, strict=True)]
    retry = translator.with_options(stricter(translator.options))
    results = guarded_translate(
        translator,
        [p.text for p in protected],
        retry,
        options.guard_max_retry_share,
        on_finished,
        groups,
    )
    details: list[SentenceTranslation] = []
    for sentence, prot, translation in zip(sentences, protected, results, strict=True):
        text, lost = restore(translation.text, prot)
        warnings = [*translation.warnings, *lost]
        warnings += check_numbers(sentence, text, source_lang, target_lang)
        confidence = translation.confidence
        if confidence is not None and confidence < options.low_confidence:
            warnings.append(
                f"low confidence: mean token log-probability {confidence:.2f} is below "
                f"{options.low_confidence} (RINGKAS_LOW_CONFIDENCE)"
            )
        details.append(
            SentenceTranslation(
                source=sentence, translation=text, confidence=confidence, warnings=warnings
            )
        )
    return details


def target_of(source_lang: str) -> Language:
    """The other language of the pair."""
    return "en" if source_lang == "id" else "id"


def _check_language(lang: str) -> Language:
    for known in LANGUAGES:
        if lang == known:
            return known
    raise UnsupportedLanguage(f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}")


def _source_language(
    given: str | None, body: str, title: str | None
) -> tuple[Language, DetectedLanguage | None]:
    """The given language, checked; or the detected one with its probability."""
    if given is not None:
        return _check_language(given), None
    detection = article_language(f"{title or ''}\n{body}")  # each paragraph one vote
    lang = _check_language(detection.lang)  # detect_source_language allows only these
    return lang, DetectedLanguage(lang=lang, probability=detection.probability)


def _glossary(options: PipelineOptions, extra: Mapping[str, str] | None) -> dict[str, str]:
    terms = dict(_deployment_glossary(options.glossary_path)) if options.glossary_path else {}
    terms.update(extra or {})
    return terms


@lru_cache(maxsize=4)
def _deployment_glossary(path: Path) -> dict[str, str]:
    return load_glossary(path)


def _article_warnings(
    paragraphs: list[list[SentenceTranslation]], title: SentenceTranslation | None
) -> list[str]:
    warnings = [f"title: {w}" for w in title.warnings] if title else []
    for p, para in enumerate(paragraphs, start=1):
        for s, detail in enumerate(para, start=1):
            warnings += [f"paragraph {p}, sentence {s}: {w}" for w in detail.warnings]
    return warnings


def _brief(english: str, options: PipelineOptions, result: ArticleResult) -> None:
    """Writes the brief into ``result``: abstractive if the summarizer gives one, else
    extractive."""
    brief_options = options.brief
    result.brief_mode = "full"
    reason: str | None = None
    try:
        summarizer = summarizer_for(options.models, brief_options)
        result.models.brief = summarizer.model_id
        result.demo_models |= summarizer.is_demo
        brief = trim_brief(
            summarizer.summarize(english), brief_options.max_sentences, brief_options.max_words
        )
        if brief.strip():
            result.brief = brief
            result.brief_method = "abstractive"
            result.brief_backend = summarizer.backend
            result.brief_fallback_reason = None
            return
        reason = "the summarizer returned an empty summary"
    # ModelError: missing model; the others: what torch and transformers raise when a model
    # fails on an input (out of memory, a bad shape). Not Exception: Celery's time limit
    # is one, and must stop the task.
    except (ModelError, RuntimeError, ValueError, OSError, IndexError) as exc:
        reason = f"the summarizer failed: {exc}"
    result.brief = extractive_brief(
        english, brief_options.max_sentences, "en", brief_options.max_words
    )
    result.brief_method = "extractive"
    result.brief_backend = None
    result.brief_fallback_reason = reason


def summarizer_for(models: ModelOptions, brief: BriefOptions) -> Summarizer:
    """The summarizer on the configured backend (``models.brief_backend``).

    Raises:
        ModelNotConverted: backend ``ctranslate2`` and the summarizer is not converted.
        ModelUnavailable: a summarizer that cannot be loaded.
    """
    from ringkas.models import ct2

    engine = ct2.engine_for("brief:en", models, models.brief_backend)
    if engine is not None:
        return ct2.CTranslate2Summarizer(engine, brief)
    return TransformersSummarizer(load_model("brief:en", models), brief)


def translator_for(source_lang: str, target_lang: str, options: PipelineOptions) -> Translator:
    """The translator of a direction on the configured backend
    (``options.models.translate_backend``), with the options' decoding settings."""
    key = translation_key(source_lang, target_lang)
    from ringkas.models import ct2

    engine = ct2.engine_for(key, options.models, options.models.translate_backend)
    if engine is not None:
        return ct2.CTranslate2Translator(engine, options.decoding)
    return TransformersTranslator(load_model(key, options.models), options.decoding)
