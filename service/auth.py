"""Who is calling: API keys (``Authorization: Bearer …``), job ownership and per-key limits.

Two modes, one setting (``RINGKAS_AUTH_REQUIRED``):

- open (the default, for local use and the demo): no key needed, no per-key limits, every
  job visible to every caller — logged loudly at start-up;
- keys: every ``/v1`` request needs a key from ``ringkas keys create``; a key sees only
  its own jobs (404 for others', the same answer as for a job that does not exist, so ids
  cannot be probed); per-key request rate and unfinished-job quota answer 429.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

import redis
from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ringkas.jobstore import JobNotFound, JobStore
from ringkas.keys import KeyStore
from ringkas.service.errors import ApiError
from ringkas.service.ratelimit import RateLimiter
from ringkas.settings import Settings

logger = logging.getLogger("ringkas.auth")

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `ringkas keys create`; required when "
    "RINGKAS_AUTH_REQUIRED is true, ignored in open mode.",
)


def install_access(app: FastAPI, settings: Settings) -> None:
    """Puts the key store and the rate limiter on ``app.state``; says which mode is on."""
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    app.state.keys = KeyStore(client)
    app.state.limiter = RateLimiter(client)
    if settings.auth_required:
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


def access(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Access:
    """Authenticates the request (in key mode) and counts it against the key's rate."""
    settings: Settings = request.app.state.settings
    limiter: RateLimiter = request.app.state.limiter
    if not settings.auth_required:
        return Access(None, settings, limiter)
    if credentials is None:
        raise _unauthorized("an API key is required: send `Authorization: Bearer <key>`")
    keys: KeyStore = request.app.state.keys
    key = keys.find(credentials.credentials)
    if key is None:
        raise _unauthorized("the API key is not valid (unknown or revoked)")
    limiter.hit(key.id, settings.rate_limit_per_minute)
    return Access(key.id, settings, limiter)


AccessDep = Annotated[Access, Depends(access)]
