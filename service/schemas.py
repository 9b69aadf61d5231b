"""Request and response bodies of the HTTP API.

Every field has a bound the OpenAPI schema shows. The schema's bounds are hard ceilings;
the deployment's own, usually tighter limits (``RINGKAS_MAX_ARTICLE_CHARS``,
``RINGKAS_MAX_ARTICLES_PER_JOB``, ``RINGKAS_MAX_SYNC_CHARS``) are settings, so the
handlers check those and name the limit in the message (see ``service/limits.py``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from ringkas.models.result import ArticleResult, BriefMode, TextResult
from ringkas.service.textnorm import (
    clean_field,
    clean_text,
    html_to_text,
    is_blank,
    normalise_field,
)

Language = Literal["id", "en"]
TaskName = Literal["translate", "brief", "brief_id", "adequacy"]
# brief_id (the English brief in Indonesian) only when asked for
ALL_TASKS: tuple[TaskName, ...] = ("translate", "brief")
ArticleStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "partial", "cancelled"]
CALLBACK_URL_MAX_CHARS = 2_000
BRIEF_MODE_DESCRIPTION = (
    "How the brief is written: `full` (default) from the whole translated article, by the "
    "summarizer; `triage` picks the brief's sentences on the source article (lead sentences "
    "to the word budget) and translates only those: an English brief, and with `brief_id` "
    "an Indonesian one, without translating the whole article (7-24× faster per article "
    "in bench/triage.py; bench/README.md). The result's `brief_mode` says which wrote it."
)

# Ceilings no deployment setting may raise: they keep one request's JSON bounded.
TEXT_CEILING = 1_000_000
ARTICLES_CEILING = 10_000
TITLE_MAX_CHARS = 1_000
ARTICLE_ID_MAX_CHARS = 200

LANG_DESCRIPTION = (
    "Language of the text: `id` (Indonesian) or `en` (English); the target is the other. "
    "Omit it to detect the language; a text in neither gets a clear error."
)
GLOSSARY_MAX_TERMS = 500
GLOSSARY_TERM_MAX_CHARS = 200
GlossaryTerm = Annotated[str, Field(min_length=1, max_length=GLOSSARY_TERM_MAX_CHARS)]
Glossary = Annotated[
    dict[GlossaryTerm, GlossaryTerm],
    Field(
        max_length=GLOSSARY_MAX_TERMS,
        description="Term → its translation; map a term to itself to keep it untranslated. "
        "Added to the deployment glossary (RINGKAS_GLOSSARY_PATH), overriding it.",
    ),
]


def _not_blank(value: object) -> object:
    # Runs before the length constraint, so "" and "  " get the same message.
    if isinstance(value, str) and is_blank(value):
        raise PydanticCustomError("blank_text", "text is empty or whitespace only")
    return value


# Before-validators run last-listed first: normalised (service/textnorm.py), then checked
# for blankness, so "<p> </p>" is refused as empty.
NonBlankText = Annotated[str, BeforeValidator(_not_blank), BeforeValidator(normalise_field)]
TitleText = Annotated[str, BeforeValidator(normalise_field)]
ArticleFormat = Literal["text", "html"]


def _article_text(value: object, info: ValidationInfo) -> object:
    """An article's text: normalised (HTML stripped), or, with ``"format": "html"``, kept
    as HTML (only cleaned of controls and invalid Unicode) and refused when it has no text."""
    if not isinstance(value, str) or info.data.get("format") != "html":
        return _not_blank(normalise_field(value))
    html = clean_text(value)
    if is_blank(html_to_text(html)):
        raise PydanticCustomError("blank_text", "the HTML has no text to translate")
    return html


# format is declared before text, so that text's validator can read it.
ArticleText = Annotated[str, BeforeValidator(_article_text)]
LabelText = Annotated[str, BeforeValidator(clean_field)]


class ArticleIn(BaseModel):
    """One article of a job."""

    model_config = ConfigDict(extra="forbid")

    format: ArticleFormat = Field(
        default="text",
        description="`text` (default): HTML in the text is stripped to plain text. `html`: "
        "the text is an HTML page or fragment, translated with its markup kept; the result's "
        "`html` is the translated document (blocks, links and emphasis kept, scripts and "
        "styles dropped), its `translation` the plain text.",
    )
    text: ArticleText = Field(
        min_length=1,
        max_length=TEXT_CEILING,
        description="The article body; paragraphs separated by newlines. At most "
        "RINGKAS_MAX_ARTICLE_CHARS characters (default 20,000), counted after normalisation: "
        "HTML is stripped to text (blocks become lines), control characters and invalid "
        "Unicode are removed, NFC. With `format` `html` the markup is kept and counts.",
    )
    id: LabelText | None = Field(
        default=None,
        max_length=ARTICLE_ID_MAX_CHARS,
        description="Your own id for the article, echoed back.",
    )
    title: TitleText | None = Field(
        default=None,
        max_length=TITLE_MAX_CHARS,
        description="Headline; translated too. Normalised like the text.",
    )
    source_lang: Language | None = Field(default=None, description=LANG_DESCRIPTION)
    glossary: Glossary | None = None
    brief_mode: BriefMode | None = Field(
        default=None, description="This article's brief mode; null: the job's `brief_mode`."
    )


class JobRequest(BaseModel):
    """A job: one or more articles and what to do with each."""

    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(
        min_length=1,
        max_length=ARTICLES_CEILING,
        description="At most RINGKAS_MAX_ARTICLES_PER_JOB articles (default 100).",
    )
    tasks: list[TaskName] = Field(
        default_factory=lambda: list(ALL_TASKS),
        min_length=1,
        # Any non-empty set of the known tasks; duplicates are refused below.
        max_length=len(get_args(TaskName)),
        description="Any of `translate`, `brief` (a short English brief), `brief_id` "
        "(that brief in Indonesian) and `adequacy` (score each translated sentence against "
        "its source and flag those that may not match it; with `translate` only, and it "
        "costs more than translating: see bench/README.md), each at most once; default "
        "`translate` and `brief`.",
    )

    glossary: Glossary | None = Field(
        default=None,
        max_length=GLOSSARY_MAX_TERMS,
        description="A glossary for every article of the job; an article's own overrides it.",
    )
    callback_url: str | None = Field(
        default=None,
        min_length=8,
        max_length=CALLBACK_URL_MAX_CHARS,
        description="A webhook: an http(s) URL POSTed the job's status (no texts) once it "
        "has finished, signed with your key's secret (headers `Ringkas-Timestamp`, "
        "`Ringkas-Signature: sha256=HMAC-SHA256(secret, timestamp + '.' + body)`, "
        "`Ringkas-Delivery`), retried with backoff until it answers 2xx. Private, loopback "
        "and link-local addresses are refused (422).",
    )
    brief_mode: BriefMode = Field(default="full", description=BRIEF_MODE_DESCRIPTION)

    @field_validator("tasks")
    @classmethod
    def _tasks_unique(cls, tasks: list[str]) -> list[str]:
        if len(set(tasks)) != len(tasks):
            raise PydanticCustomError("duplicate_task", "each task may be listed only once")
        if "adequacy" in tasks and "translate" not in tasks:
            raise PydanticCustomError(
                "adequacy_needs_translate",
                "the adequacy task checks the translation: ask for translate too",
            )
        return tasks


class JobAccepted(BaseModel):
    job_id: str = Field(max_length=64)
    status: Literal["queued"] = "queued"
    status_url: str = Field(max_length=100, description="Poll this for progress and results.")
    articles: Annotated[int, Field(ge=1, le=ARTICLES_CEILING)]


class Progress(BaseModel):
    done: Annotated[int, Field(ge=0, description="Articles finished, succeeded or failed.")]
    total: Annotated[int, Field(ge=1)]
    succeeded: Annotated[int, Field(ge=0)]
    failed: Annotated[int, Field(ge=0)]


class ArticleOut(BaseModel):
    index: Annotated[int, Field(ge=0, description="Position in the submitted list.")]
    id: str | None
    title: str | None
    source_lang: Language | None = Field(description="As submitted; null: detected.")
    status: ArticleStatus
    attempts: Annotated[int, Field(ge=0, description="Times a worker started it.")]
    result: ArticleResult | None = Field(
        description="Translation, brief, checks, timings and model ids once succeeded; "
        "always null in a poll with results=false."
    )
    error: str | None = Field(description="Why it failed, once failed.")
    started_at: str | None
    finished_at: str | None
    sentences_done: int | None = Field(
        default=None, ge=0, description="Sentences translated so far; null until started."
    )
    sentences_total: int | None = Field(
        default=None, ge=0, description="Sentences in the article (title included)."
    )


class JobProgressDetail(BaseModel):
    """Sentence-level progress and an estimate of the time left."""

    sentences_done: int = Field(ge=0)
    sentences_total: int = Field(
        ge=0, description="Sentences of the articles started so far (others are not split yet)."
    )
    fraction: float = Field(
        ge=0, le=1, description="Share of the job done; running articles count by sentences."
    )
    elapsed_s: float | None = Field(description="Seconds since the first article started.")
    eta_s: float | None = Field(
        description="Estimated seconds until the job finishes (linear); null until known."
    )


class DeliveryOut(BaseModel):
    """One attempt to deliver the job's webhook."""

    attempt: int = Field(ge=1)
    at: str = Field(description="When the attempt started (UTC).")
    ok: bool = Field(description="The receiver answered 2xx.")
    status_code: int | None = Field(description="The receiver's HTTP status; null: none.")
    error: str | None = Field(description="Why the attempt failed.")
    duration_ms: int | None = None
    final: bool = Field(description="No attempt follows (delivered, or attempts used up).")


class JobOut(BaseModel):
    job_id: str
    status: JobStatus = Field(
        description="queued, running, succeeded (all articles), failed (all), partial, or "
        "cancelled (DELETE /v1/jobs/{id}; articles finished before keep their results)."
    )
    created_at: str
    tasks: list[TaskName]
    progress: Progress
    progress_detail: JobProgressDetail | None = None
    articles: list[ArticleOut]
    callback_url: str | None = Field(default=None, description="The job's webhook, if any.")
    deliveries: list[DeliveryOut] = Field(
        default_factory=list, description="The webhook's delivery attempts so far."
    )


class TranslateRequest(BaseModel):
    """A short text to translate now."""

    model_config = ConfigDict(extra="forbid")

    text: NonBlankText = Field(
        min_length=1,
        max_length=TEXT_CEILING,
        description="At most RINGKAS_MAX_SYNC_CHARS characters (default 2,000); "
        "send longer texts as a job.",
    )
    source_lang: Language | None = Field(default=None, description=LANG_DESCRIPTION)
    glossary: Glossary | None = None
    adequacy: bool = Field(
        default=False,
        description="Score each sentence against its source (`adequacy` per sentence and "
        "in all) and flag those that may not match it; slower (see bench/README.md).",
    )


TranslateOut = TextResult


class ErrorOut(BaseModel):
    """Every 4xx and 5xx answer has this shape."""

    code: str = Field(description="Stable machine-readable reason, e.g. `job_not_found`.")
    detail: str = Field(description="What went wrong, for a person.")
    errors: list[dict[str, Any]] = Field(
        default_factory=list, description="Per-field problems: `loc`, `msg`, `type`."
    )


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ok", "unavailable"]
    checks: dict[str, str] = Field(description="Each check's outcome: `ok` or why not.")
