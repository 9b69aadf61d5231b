"""The FastAPI application: ``uvicorn service.app:app``.

``create_app(settings)`` builds an app around one set of settings (tests pass their own);
the module-level ``app`` uses the environment's. Nothing here imports torch or the model
layer: articles go to the Celery workers through the queue.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from importlib.metadata import PackageNotFoundError, version

import redis
from fastapi import FastAPI

from ringkas.joblist import JobIndex
from ringkas.jobstore import JobStore
from ringkas.keys import KeyStore
from ringkas.logs import configure_logging
from ringkas.metrics import MetricsStore
from ringkas.redismemory import MemoryGuard
from ringkas.resultstore import make_result_store
from ringkas.service import docs, jobs_api, metrics, web
from ringkas.service.auth import install_access
from ringkas.service.bodylimit import BodySizeLimit
from ringkas.service.deps import make_listener
from ringkas.service.errors import install_error_handlers
from ringkas.service.headers import HeadAsGet, SecurityHeaders
from ringkas.service.limits import limits_text
from ringkas.service.queue import TaskQueue
from ringkas.service.routes import router
from ringkas.service.syncslots import SyncSlots, hold_for
from ringkas.service.usagegate import UsageGate
from ringkas.settings import Settings, get_settings
from ringkas.signing import SecretStore
from ringkas.usage import UsageStore

DESCRIPTION = """\
Indonesian ↔ English news translation and short English briefs.

Submit articles with `POST /v1/jobs`, then poll `GET /v1/jobs/{job_id}` until the job is
`succeeded`, `failed`, `partial` or `cancelled` (or give a `callback_url`: a signed
webhook is POSTed when it has finished). `GET /v1/jobs` lists your jobs,
`DELETE /v1/jobs/{job_id}` cancels one (`?purge=true` deletes it), `GET /v1/usage` shows
your characters per day. Short texts can be translated at once with
`POST /v1/translate`. Every error answers `{"code", "detail", "errors"}`.

**Webhooks.** A job's `callback_url` is POSTed the job's status (JSON: `job_id`, `status`,
`progress`, per-article `status` and `error`; no texts) once it has finished, with the
headers `Ringkas-Timestamp` (Unix seconds), `Ringkas-Signature`
(`sha256=` + hex HMAC-SHA256 of `{timestamp}.{raw body}` under your key's secret, from
`GET /v1/webhooks/secret`) and `Ringkas-Delivery` (the job id, the same on each retry).
Anything but a 2xx is retried with doubling waits; every attempt is listed in the job's
`deliveries`. Private, loopback and link-local targets are refused (422).
"""


def _version() -> str:
    try:
        return version("ringkas")
    except PackageNotFoundError:
        return "0.0.0"


@contextlib.asynccontextmanager
async def listening(app: FastAPI) -> AsyncIterator[None]:
    """The process's shared pub/sub `Listener`, for its event loop's lifetime (it connects
    on first use, so the API starts while Redis is down)."""
    app.state.listener = make_listener(app.state.settings, app.state.queue)
    try:
        yield
    finally:
        await app.state.listener.close()
        app.state.listener = None


def create_app(settings: Settings | None = None) -> FastAPI:
    """An app bound to ``settings`` (the environment's when None)."""
    settings = settings or get_settings()
    app = FastAPI(
        lifespan=listening,
        title="Ringkas",
        description=DESCRIPTION + limits_text(settings),
        version=_version(),
        # /docs comes from the package (service/docs.py); FastAPI's would use a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = JobStore.from_url(
        settings.redis_url, settings.job_ttl_s, results=make_result_store(settings)
    )
    app.state.queue = TaskQueue.from_settings(settings)
    app.state.sync_slots = SyncSlots(
        redis.Redis.from_url(settings.redis_url, decode_responses=True),
        per_process=settings.max_sync_in_flight,
        per_key=settings.max_sync_in_flight_per_key,
        hold_s=hold_for(settings.sync_timeout_s),
    )
    app.state.metrics = MetricsStore.from_url(settings.redis_url)
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    app.state.job_index = JobIndex(client, settings.job_ttl_s)
    app.state.usage_gate = UsageGate(
        UsageStore(client, settings.usage_retention_days),
        KeyStore(client),
        settings.chars_per_day_per_key,
    )
    app.state.webhook_secrets = SecretStore(client, settings.webhook_secret)
    app.state.memory_guard = MemoryGuard.from_url(
        settings.redis_url, settings.redis_submit_memory_share
    )
    app.state.metrics_registry = metrics.make_registry(app.state.metrics.client, app.state.queue)
    configure_logging(settings.log_format)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Outside the body limit: a request without a valid key is refused before anything else.
    install_access(app, settings)
    # Added last, so they wrap everything else: every answer gets the headers, and HEAD.
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(jobs_api.router)
    app.include_router(metrics.router)
    web.mount(app)
    docs.mount(app)
    return app


app = create_app()
