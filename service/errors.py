"""Every error the API answers, in one envelope: ``{"code", "detail", "errors"}``.

Status codes, chosen once:

- 400 ``malformed_json``: the body is not JSON at all (``service/jsonbody.py``: also not
  UTF-8, NaN, nested too deeply, a number too long).
- 422 ``invalid_request``: JSON, but a field is wrong — missing, empty, unknown language
  or task, too long, too many articles. Limits from settings are 422 too (not 413), so a
  client handles every field problem in one place; the message names the limit.
- 404 ``job_not_found``; other 404/405 from routing keep their HTTP meaning.
- 401 ``unauthorized``: no or an invalid API key (key mode, ``service/auth.py``).
- 413 ``body_too_large``: the body is over ``RINGKAS_MAX_BODY_BYTES`` (``service/bodylimit.py``).
- 429 ``rate_limited``: a key's request rate or unfinished-job quota, with ``Retry-After``.
- 503 ``queue_unavailable`` / ``store_unavailable`` / ``model_error``: the broker or Redis
  is down, or the worker has no usable model; the request may succeed later.
- 503 ``store_full`` (with ``Retry-After``): Redis is at its maxmemory, new jobs are refused
  (``ringkas/redismemory.py``); ``result_store_unavailable``: PostgreSQL is down.
- 504 ``worker_timeout``: no worker answered the synchronous path in time.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import redis.exceptions
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ringkas.jobstore import JobNotFound
from ringkas.redismemory import STORE_FULL_HINT, StoreFull
from ringkas.resultstore import ResultStoreUnavailable
from ringkas.service.jsonbody import MalformedJson
from ringkas.workers.errors import SyncTaskError

logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An error a handler raises to answer with the envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        errors: Sequence[dict[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers


def envelope(
    status: int,
    code: str,
    detail: str,
    errors: Sequence[dict[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content={"code": code, "detail": detail, "errors": list(errors)},
        headers=headers,
    )


def format_loc(loc: Sequence[str | int]) -> str:
    """``("body", "articles", 0, "text")`` → ``"articles[0].text"``."""
    out = ""
    for part in loc[1:] if loc and loc[0] == "body" else loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def _message(error: dict[str, Any]) -> str:
    msg = str(error.get("msg", "invalid value"))
    value = error.get("input")
    # "Input should be 'id' or 'en'" is clearer with what was sent.
    if (
        error.get("type") == "literal_error"
        and isinstance(value, str | int)
        and len(str(value)) <= 50
    ):
        msg = f"{msg}, got {value!r}"
    return msg


def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    bad_json = next((e for e in raw if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        reason = (bad_json.get("ctx") or {}).get("error", "decode error")
        position = bad_json["loc"][-1] if bad_json.get("loc") else None
        where = f" (at character {position})" if isinstance(position, int) else ""
        return envelope(400, "malformed_json", f"request body is not valid JSON: {reason}{where}")
    errors = [
        {"loc": format_loc(e.get("loc", ())), "msg": _message(e), "type": e.get("type", "")}
        for e in raw
    ]
    detail = "; ".join(f"{e['loc']}: {e['msg']}" for e in errors)
    return envelope(422, "invalid_request", detail, errors)


def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return envelope(exc.status, exc.code, exc.detail, exc.errors, exc.headers)


def _on_job_not_found(request: Request, exc: Exception) -> JSONResponse:
    return envelope(404, "job_not_found", str(exc))


def _on_sync_task_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SyncTaskError)
    if exc.kind == "invalid_input":
        return envelope(422, "invalid_request", exc.message)
    return envelope(503, "model_error", exc.message)


def store_unavailable(exc: Exception) -> JSONResponse:
    logger.warning("Redis unreachable: %s", exc)
    return envelope(503, "store_unavailable", f"the job store (Redis) is unreachable: {exc}")


def _on_redis_down(request: Request, exc: Exception) -> JSONResponse:
    return store_unavailable(exc)


def _on_store_full(request: Request, exc: Exception) -> JSONResponse:
    # StoreFull says how full; Redis refusing a write (OOM) is the same condition.
    if isinstance(exc, redis.exceptions.OutOfMemoryError):
        detail = (
            f"the job store (Redis) is at its maxmemory and refused the write; {STORE_FULL_HINT}"
        )
    else:
        detail = str(exc)
    logger.warning("Redis is full: %s", exc)
    return envelope(503, "store_full", detail, headers={"Retry-After": "60"})


def _on_result_store_down(request: Request, exc: Exception) -> JSONResponse:
    logger.warning("result store unreachable: %s", exc)
    return envelope(503, "result_store_unavailable", str(exc))


def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc, MalformedJson):
        return envelope(400, "malformed_json", str(exc.detail))
    code = {404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
        exc.status_code, "http_error"
    )
    return envelope(exc.status_code, code, str(exc.detail), headers=exc.headers)


def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # Starlette logs the traceback after this answers; the client gets the same envelope.
    return envelope(500, "internal_error", "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Routes every error to the envelope."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(JobNotFound, _on_job_not_found)
    app.add_exception_handler(SyncTaskError, _on_sync_task_error)
    app.add_exception_handler(redis.exceptions.ConnectionError, _on_redis_down)
    app.add_exception_handler(redis.exceptions.TimeoutError, _on_redis_down)
    app.add_exception_handler(redis.exceptions.OutOfMemoryError, _on_store_full)
    app.add_exception_handler(StoreFull, _on_store_full)
    app.add_exception_handler(ResultStoreUnavailable, _on_result_store_down)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
