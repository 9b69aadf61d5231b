"""Who is calling: API keys (``Authorization: Bearer …``), job ownership and per-key limits.

Two modes, one setting (``RINGKAS_AUTH_REQUIRED``):

- open (the default, for local use and the demo): no key needed, no per-key limits, every
  job visible to every caller — logged loudly at start-up;
- keys: every ``/v1`` request needs a key from ``ringkas keys create``; a key sees only
  its own jobs (404 for others', the same answer as for a job that does not exist, so ids
  cannot be probed); per-key request rate and unfinished-job quota answer 429.

The key is checked, and the request counted against its rate, by `KeyCheck`, a middleware
in front of the routes: a request without a valid key is answered 401 before its body is
read or parsed (an unauthenticated client cannot make the API parse 8 MB of JSON).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

import redis
from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Receive, Scope, Send

from ringkas.jobstore import JobNotFound, JobStore
from ringkas.keys import KeyStore
from ringkas.service.errors import ApiError, envelope, store_unavailable
from ringkas.service.ratelimit import RateLimiter
from ringkas.settings import Settings

KEY_SCOPE = "ringkas_key_id"  # where KeyCheck leaves the caller's key id in the scope
PROTECTED_PREFIX = "/v1/"

logger = logging.getLogger("ringkas.auth")

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `ringkas keys create`; required when "
    "RINGKAS_AUTH_REQUIRED is true, ignored in open mode.",
)


def install_access(app: FastAPI, settings: Settings) -> None:
    """Puts the key store and the rate limiter on ``app.state``, adds `KeyCheck` in key
    mode; says which mode is on."""
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    app.state.keys = KeyStore(client)
    app.state.limiter = RateLimiter(client)
    if settings.auth_required:
        app.add_middleware(
            KeyCheck, keys=app.state.keys, limiter=app.state.limiter, settings=settings
        )
        logger.info(
            "API keys required: %d requests/min and %d unfinished jobs per key",
            settings.rate_limit_per_minute,
            settings.max_active_jobs_per_key,
        )
    else:
        logger.warning(
            "OPEN MODE: no API key required, every caller can read every job, no per-key "
            "limits. For local use only; set RINGKAS_AUTH_REQUIRED=true to require keys."
        )


def _unauthorized(detail: str) -> ApiError:
    return ApiError(401, "unauthorized", detail, headers={"WWW-Authenticate": "Bearer"})


@dataclass(frozen=True)
class Access:
    """The caller: a key id, or None in open mode; with what it may do."""

    key_id: str | None
    settings: Settings
    limiter: RateLimiter

    def reserve_job(self, store: JobStore, job_id: str) -> None:
        """Counts the created job against the key's quota of unfinished jobs, atomically;
        raises a 429 when the key already has its quota."""
        if self.key_id is not None:
            settings = self.settings
            self.limiter.reserve_active_job(
                self.key_id, job_id, settings.max_active_jobs_per_key, settings.job_ttl_s, store
            )

    def release_job(self, job_id: str) -> None:
        """Gives back the place of a job that was withdrawn before it was queued."""
        if self.key_id is not None:
            self.limiter.release_active_job(self.key_id, job_id)

    def check_can_read(self, store: JobStore, job_id: str) -> None:
        """Raises `JobNotFound` (404) for another key's job."""
        if self.key_id is not None and store.owner(job_id) != self.key_id:
            raise JobNotFound(job_id)


def bearer_token(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


class KeyCheck:
    """Key mode: authenticates every ``/v1`` request before the route reads its body, and
    counts it against the key's rate; the key id goes on in the scope."""

    def __init__(
        self, app: ASGIApp, keys: KeyStore, limiter: RateLimiter, settings: Settings
    ) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PROTECTED_PREFIX):
            await self.app(scope, receive, send)
            return
        try:
            key_id = await self._authenticate(scope)
        except ApiError as exc:
            response = envelope(exc.status, exc.code, exc.detail, exc.errors, exc.headers)
            await response(scope, receive, send)
            return
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
            await store_unavailable(exc)(scope, receive, send)
            return
        await self.app({**scope, KEY_SCOPE: key_id}, receive, send)

    async def _authenticate(self, scope: Scope) -> str:
        token = bearer_token(scope)
        if token is None:
            raise _unauthorized("an API key is required: send `Authorization: Bearer <key>`")
        key = await run_in_threadpool(self.keys.find, token)
        if key is None:
            raise _unauthorized("the API key is not valid (unknown or revoked)")
        await run_in_threadpool(self.limiter.hit, key.id, self.settings.rate_limit_per_minute)
        return key.id


def access(
    request: Request,
    # Unused here (KeyCheck reads the header): it puts the Bearer scheme in the OpenAPI docs.
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Access:
    """The caller, as `KeyCheck` authenticated it (key mode), or open mode."""
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = request.app.state.limiter
    if not settings.auth_required:
        return Access(None, settings, limiter)
    key_id = request.scope.get(KEY_SCOPE)
    if key_id is None:  # a route outside /v1 that asks for a caller
        raise _unauthorized("an API key is required: send `Authorization: Bearer <key>`")
    return Access(str(key_id), settings, limiter)


AccessDep = Annotated[Access, Depends(access)]
