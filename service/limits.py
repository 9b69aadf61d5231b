"""The deployment's request limits (settings), checked after the schema's ceilings.

They are settings, not schema constants, so they are checked here, with the limit in
every message, and answered like any other field error (422 ``invalid_request``).
"""

from __future__ import annotations

from typing import Any

from ringkas.service.errors import ApiError
from ringkas.service.schemas import JobRequest, TranslateRequest
from ringkas.settings import Settings
from ringkas.webhook_targets import UnsafeTarget, check_target


def _too_long(loc: str, length: int, limit: int, hint: str = "") -> dict[str, Any]:
    msg = f"text is {length} characters; the limit is {limit}{hint}"
    return {"loc": loc, "msg": msg, "type": "text_too_long"}


def _reject(errors: list[dict[str, Any]]) -> ApiError:
    detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors)
    return ApiError(422, "invalid_request", detail, errors)


def check_job(body: JobRequest, settings: Settings) -> None:
    """Raises a 422 listing every article over the limits, and a too-long article list."""
    errors: list[dict[str, Any]] = []
    count, max_count = len(body.articles), settings.max_articles_per_job
    if count > max_count:
        errors.append(
            {
                "loc": "articles",
                "msg": f"a job takes at most {max_count} articles; got {count}",
                "type": "too_many_articles",
            }
        )
    for i, article in enumerate(body.articles):
        if len(article.text) > settings.max_article_chars:
            errors.append(
                _too_long(f"articles[{i}].text", len(article.text), settings.max_article_chars)
            )
    if errors:
        raise _reject(errors)


def check_translate(body: TranslateRequest, settings: Settings) -> None:
    """Raises a 422 when the text is over the synchronous path's limit."""
    if len(body.text) > settings.max_sync_chars:
        hint = "; send longer texts as a job to POST /v1/jobs"
        raise _reject([_too_long("text", len(body.text), settings.max_sync_chars, hint)])


def limits_text(settings: Settings) -> str:
    """The deployment's limits, for the OpenAPI description (they are settings)."""
    rows = [
        ("request body", f"{settings.max_body_bytes} bytes", "MAX_BODY_BYTES", "413"),
        ("articles per job", settings.max_articles_per_job, "MAX_ARTICLES_PER_JOB", "422"),
        ("characters per article", settings.max_article_chars, "MAX_ARTICLE_CHARS", "422"),
        ("characters per sync request", settings.max_sync_chars, "MAX_SYNC_CHARS", "422"),
        (
            "sync requests waiting at once, per API process",
            settings.max_sync_in_flight,
            "MAX_SYNC_IN_FLIGHT",
            "503 + Retry-After",
        ),
    ]
    if settings.auth_required:
        rows += [
            (
                "requests per minute per key",
                settings.rate_limit_per_minute,
                "RATE_LIMIT_PER_MINUTE",
                "429",
            ),
            (
                "unfinished jobs per key",
                settings.max_active_jobs_per_key,
                "MAX_ACTIVE_JOBS_PER_KEY",
                "429",
            ),
            (
                "sync requests waiting at once, per key",
                settings.max_sync_in_flight_per_key,
                "MAX_SYNC_IN_FLIGHT_PER_KEY",
                "429 + Retry-After",
            ),
            (
                "characters per key per UTC day (a key may have its own)",
                settings.chars_per_day_per_key or "none",
                "CHARS_PER_DAY_PER_KEY",
                "429 + Retry-After",
            ),
        ]
    table = "\n".join(
        f"| {what} | {value} | `RINGKAS_{name}` | {status} |" for what, value, name, status in rows
    )
    auth = (
        "API keys are required: `Authorization: Bearer <key>`."
        if settings.auth_required
        else "Open mode: no API key is required (RINGKAS_AUTH_REQUIRED=false)."
    )
    return (
        "\n## Limits of this deployment\n\n| limit | value | setting | over it |\n"
        f"|---|---|---|---|\n{table}\n\nText is normalised first: a text that is HTML "
        "(closed or void elements, comments) stripped to text, control characters made "
        "spaces or removed, invalid Unicode removed, NFC; a text with nothing visible left "
        f"is refused as empty.\n\n{auth}\n"
    )


def check_callback(body: JobRequest, settings: Settings) -> None:
    """Raises a 422 for a ``callback_url`` the service may not call (``webhook_targets``)."""
    if body.callback_url is None:
        return
    try:
        check_target(body.callback_url, settings.webhook_allowed_networks)
    except UnsafeTarget as exc:
        error = {"loc": "callback_url", "msg": str(exc), "type": "unsafe_callback_url"}
        raise _reject([error]) from None
