"""``ringkas batch``: options checked, the right processor chosen, a summary printed.

Kept apart from ``ringkas.cli`` so ``ringkas demo`` runs the very same code, and apart
from ``ringkas.batch`` so the core stays free of printing and exit codes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import typer

from ringkas.api_client import ApiError, api_processor, check_ready
from ringkas.batch import (
    LANGUAGES,
    BatchSummary,
    InputError,
    Processor,
    count_articles,
    done_ids,
    expand_inputs,
    iter_articles,
    latest_records,
    local_processor,
    parse_tasks,
    run_batch,
)
from ringkas.models.errors import ModelError  # light: no torch
from ringkas.report import write_markdown
from ringkas.settings import Settings, get_settings

DEFAULT_CHUNK_SIZE = 16
EXIT_FAILED_ARTICLES = 1
EXIT_ERROR = 1
EXIT_USAGE = 2
AUTO = "auto"  # --source-lang auto: each article's language is detected
BRIEF_MODES = ("full", "triage")  # models.result.BriefMode

Echo = Callable[..., Any]


@dataclass(frozen=True)
class BatchOptions:
    inputs: list[Path]
    out: Path
    markdown: Path | None = None
    api: str | None = None
    local: bool = False
    source_lang: str = "id"
    tasks: str = "translate,brief"
    chunk_size: int | None = None
    poll_interval_s: float = 1.0
    jobs_in_flight: int = 2
    progress: bool = True
    brief_mode: str = "full"


class UsageError(Exception):
    """A bad option value; the message says which and what is allowed."""


def run_batch_command(
    opts: BatchOptions, settings: Settings | None = None, echo: Echo = typer.echo
) -> int:
    """Runs a batch and returns the exit code: 0 all done, 1 failures or errors, 2 bad usage."""
    settings = settings or get_settings()
    try:
        tasks = parse_tasks(opts.tasks)
        chunk_size = _chunk_size(opts.chunk_size, settings.max_articles_per_job)
        if opts.source_lang not in (*LANGUAGES, AUTO):
            raise UsageError(f"--source-lang must be one of: {', '.join((*LANGUAGES, AUTO))}")
        default_lang = None if opts.source_lang == AUTO else opts.source_lang
        if opts.brief_mode not in BRIEF_MODES:
            raise UsageError(f"--brief-mode must be one of: {', '.join(BRIEF_MODES)}")
        files = expand_inputs(opts.inputs)
    except (InputError, UsageError, ValueError) as exc:
        echo(f"Error: {exc}", err=True)
        return EXIT_USAGE

    already = len(done_ids(opts.out))
    if already:
        echo(f"{opts.out}: {already} article(s) already done there; they are skipped.")
    try:
        with _processor(opts, settings, tasks, chunk_size, echo) as processor:
            summary = run_batch(
                iter_articles(files, default_lang),
                opts.out,
                processor,
                max_chars=settings.max_article_chars,
                total=count_articles(files),
                progress=opts.progress,
            )
    except InputError as exc:
        echo(f"Error: {exc}. Results so far are in {opts.out}; rerun to resume.", err=True)
        return EXIT_USAGE
    except ApiError as exc:
        echo(f"Error: {exc}", err=True)
        return EXIT_ERROR
    except ModelError as exc:  # only with --local: e.g. a model neither local nor on the hub
        echo(f"Error: {exc}", err=True)
        return EXIT_ERROR
    finally:
        # Also after an error or Ctrl-C: the Markdown then shows what was done so far.
        if opts.markdown is not None and opts.out.exists():
            write_markdown(latest_records(opts.out), opts.markdown)

    _print_summary(summary, opts, echo)
    return EXIT_FAILED_ARTICLES if summary.failed else 0


def _chunk_size(given: int | None, limit: int) -> int:
    if given is None:
        return min(DEFAULT_CHUNK_SIZE, limit)
    if given > limit:
        raise UsageError(
            f"--chunk-size {given} is over the API's limit of {limit} articles per job "
            f"(RINGKAS_MAX_ARTICLES_PER_JOB)"
        )
    return given


@contextlib.contextmanager
def _processor(
    opts: BatchOptions, settings: Settings, tasks: tuple[str, ...], chunk_size: int, echo: Echo
) -> Iterator[Processor]:
    if opts.local:
        echo("Running the models in this process (--local).")
        yield local_processor(settings, tasks, opts.brief_mode)
        return
    base_url = opts.api or settings.api_url
    echo(f"Sending jobs to {base_url}.")
    # Polls are small and quick; a job POST with 100 long articles is the slowest call.
    with httpx.Client(base_url=base_url, timeout=httpx.Timeout(60.0, connect=5.0)) as client:
        check_ready(client)
        yield api_processor(
            client,
            tasks,
            chunk_size=chunk_size,
            poll_interval_s=opts.poll_interval_s,
            jobs_in_flight=opts.jobs_in_flight,
            brief_mode=opts.brief_mode,
        )


def _print_summary(summary: BatchSummary, opts: BatchOptions, echo: Echo) -> None:
    parts = [f"{summary.succeeded} succeeded", f"{summary.failed} failed"]
    if summary.skipped:
        parts.append(f"{summary.skipped} skipped (already done)")
    if summary.duplicates:
        parts.append(f"{summary.duplicates} duplicate ids ignored")
    echo("Done: " + ", ".join(parts) + ".")
    if summary.failed_ids:
        more = "…" if summary.failed > len(summary.failed_ids) else ""
        echo(f"Failed ids: {', '.join(summary.failed_ids)}{more} (rerun to retry them)")
    echo(f"Results: {opts.out}")
    if opts.markdown is not None:
        echo(f"Markdown: {opts.markdown}")
