"""The ``ringkas`` command line: ``models …``, ``keys …``, ``results …``, ``batch``, ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ringkas.keys import KeyStore

app = typer.Typer(no_args_is_help=True, help="Ringkas: Indonesian-English news translation.")
models_app = typer.Typer(no_args_is_help=True, help="Build or inspect models.")
app.add_typer(models_app, name="models")
keys_app = typer.Typer(no_args_is_help=True, help="API keys (in the Redis of RINGKAS_REDIS_URL).")
app.add_typer(keys_app, name="keys")


@models_app.command("build-demo")
def build_demo(
    out: Annotated[Path, typer.Option(help="Folder to write the demo models into.")] = Path(
        "var/demo-models"
    ),
    force: Annotated[bool, typer.Option(help="Rebuild even if the folder is complete.")] = False,
) -> None:
    """Build tiny random-weight models (id→en, en→id, brief) that run without a model hub."""
    from ringkas.models.build import build_demo_models, demo_model_env

    build_demo_models(out, force=force)
    typer.echo(f"Demo models (random weights, output is gibberish) in {out}. To use them:")
    for name, value in demo_model_env(out).items():
        typer.echo(f"  export {name}={value}")


@models_app.command("convert")
def convert(
    force: Annotated[bool, typer.Option(help="Convert again even if cached.")] = False,
) -> None:
    """Convert the translation and summarizer models to CTranslate2 (RINGKAS_CT2_QUANTIZATION)."""
    from ringkas.models import ct2
    from ringkas.models.errors import ModelError
    from ringkas.models.registry import REGISTRY
    from ringkas.settings import get_settings

    settings = get_settings()
    for key in REGISTRY:
        try:
            folder = ct2.convert(key, settings.pipeline_options().models, force=force)
        except ModelError as exc:
            typer.echo(f"{key}: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"{key}: {folder}")


@models_app.command("build-same-shape")
def build_same_shape(
    source: Annotated[
        Path, typer.Option(help="Folder with a Marian config.json and tokenizer files.")
    ] = Path("../shared/models/opus-mt-id-en"),
    out: Annotated[Path, typer.Option(help="Folder to write the model into.")] = Path(
        "var/same-shape/opus-mt-id-en"
    ),
) -> None:
    """Build a random-weight Marian model of a real model's size, for benchmarks."""
    from ringkas.models.build import build_same_shape_marian

    build_same_shape_marian(source, out)
    typer.echo(f"Same-shape model (random weights) in {out}")


@app.command("batch")
def batch(
    inputs: Annotated[
        list[Path],
        typer.Argument(help=".txt files (first line = title), .jsonl files, or folders of them."),
    ],
    out: Annotated[
        Path, typer.Option(help="JSONL results, appended; a rerun skips ids done there.")
    ] = Path("out/batch/results.jsonl"),
    markdown: Annotated[
        Path | None, typer.Option(help="Also write the results as Markdown here.")
    ] = None,
    api: Annotated[
        str | None,
        typer.Option(
            "--api",
            "--api-url",
            help="API base URL; default: setting RINGKAS_API_URL (http://127.0.0.1:8000).",
        ),
    ] = None,
    local: Annotated[
        bool, typer.Option("--local", help="Run the models in this process; no API or Redis.")
    ] = False,
    source_lang: Annotated[
        str,
        typer.Option(
            help="Language of articles that do not say: id, en, or auto (detected per article)."
        ),
    ] = "id",
    tasks: Annotated[
        str,
        typer.Option(
            help="Comma-separated: translate, brief, brief_id, adequacy (scores each "
            "sentence against its source; slower)."
        ),
    ] = "translate,brief",
    chunk_size: Annotated[
        int | None,
        typer.Option(
            min=1, help="Articles per job; default 16, at most RINGKAS_MAX_ARTICLES_PER_JOB."
        ),
    ] = None,
    poll_interval: Annotated[float, typer.Option(min=0.05, help="Seconds between polls.")] = 1.0,
    jobs_in_flight: Annotated[int, typer.Option(min=1, help="Jobs submitted at once.")] = 2,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    brief_mode: Annotated[
        str,
        typer.Option(
            help="full, or triage: briefs from sentences chosen on the source, only those "
            "translated (e.g. --tasks brief --brief-mode triage: a folder's briefs first)."
        ),
    ] = "full",
) -> None:
    """Translate and brief many articles, through the API (default) or locally (--local)."""
    from ringkas.batch_command import BatchOptions, run_batch_command

    code = run_batch_command(
        BatchOptions(
            inputs=inputs,
            out=out,
            markdown=markdown,
            api=api,
            local=local,
            source_lang=source_lang,
            tasks=tasks,
            chunk_size=chunk_size,
            poll_interval_s=poll_interval,
            jobs_in_flight=jobs_in_flight,
            progress=progress,
            brief_mode=brief_mode,
        ),
        echo=typer.echo,
    )
    raise typer.Exit(code)


SHARED_DATA = Path("../shared/data")


@app.command("quality")
def quality(
    src: Annotated[Path, typer.Option(help="Source side of a line-aligned test set.")] = (
        SHARED_DATA / "flores-dev.id"
    ),
    ref: Annotated[Path, typer.Option(help="Reference side, line-aligned with --src.")] = (
        SHARED_DATA / "flores-dev.en"
    ),
    src_lang: Annotated[str, typer.Option(help="Language of --src: id or en.")] = "id",
    news: Annotated[
        Path | None,
        typer.Option(help="JSONL of articles with human summaries (text, summary, title)."),
    ] = SHARED_DATA / "news-dev.jsonl",
    limit: Annotated[int | None, typer.Option(min=1, help="Score the first N lines only.")] = None,
    news_limit: Annotated[
        int | None, typer.Option(min=1, help="Score the first N articles only.")
    ] = None,
    out: Annotated[Path, typer.Option(help="Where the JSON report goes.")] = Path(
        "out/quality/report.json"
    ),
    stage: Annotated[
        list[str] | None,
        typer.Option(
            help="Report on one stage instead (repeatable): numbers, boilerplate, ... "
            "(models/evaluation); no model is loaded."
        ),
    ] = None,
    data: Annotated[
        list[Path] | None,
        typer.Option(
            help="Data for --stage (repeatable): an aligned .id/.en file or a JSONL of "
            "articles [default: each stage's dev files in ../shared/data]."
        ),
    ] = None,
) -> None:
    """Score the translation model (chrF, BLEU, number fidelity) and the briefs (ROUGE)."""
    import json

    if stage:
        _quality_stages(stage, data, limit, out)
        return

    from ringkas.models.quality import evaluate_briefs, evaluate_translation, format_report
    from ringkas.settings import get_settings

    settings = get_settings()
    report: dict[str, object] = {
        "translation": [
            evaluate_translation(src, ref, src_lang, settings.pipeline_options(), limit)
        ],
    }
    if news is not None:
        report["brief"] = evaluate_briefs(news, settings.pipeline_options(), news_limit)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    typer.echo(format_report(report))
    typer.echo(f"\nJSON report: {out}")


def _quality_stages(
    stages: list[str], data: list[Path] | None, limit: int | None, out: Path
) -> None:
    import json

    from ringkas.models.evaluation.harness import default_data, format_stages, run_stages

    try:
        files = {name: data or default_data(name, SHARED_DATA) for name in stages}
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--stage") from None
    for path in {p for paths in files.values() for p in paths}:
        if not path.is_file():
            raise typer.BadParameter(f"{path}: no such file", param_hint="--data")
    try:
        report = run_stages(stages, files, limit)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--data") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    typer.echo(format_stages(report))
    typer.echo(f"\nJSON report: {out}")


@app.command("demo")
def demo(
    inputs: Annotated[
        list[Path] | None, typer.Argument(help="Articles to run [default: seeds/].")
    ] = None,
    out_dir: Annotated[
        Path, typer.Option(help="Where results.jsonl, results.md and the logs go.")
    ] = Path("out/demo"),
    models_dir: Annotated[
        Path, typer.Option(help="Where the demo models are built, when used.")
    ] = Path("var/demo-models"),
    ready_timeout: Annotated[
        float, typer.Option(min=1, help="Seconds to wait for the API and the worker.")
    ] = 180.0,
) -> None:
    """The main job: the seeds through API → Redis → Celery worker → models, printed and saved."""
    from ringkas.demo import DemoOptions, run_demo
    from ringkas.settings import get_settings

    options = DemoOptions(
        inputs=inputs or [Path("seeds")],
        out_dir=out_dir,
        models_dir=models_dir,
        ready_timeout_s=ready_timeout,
    )
    raise typer.Exit(run_demo(options, get_settings()))


def _key_store() -> KeyStore:
    from ringkas.keys import KeyStore
    from ringkas.settings import get_settings

    return KeyStore.from_url(get_settings().redis_url)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who the key is for, e.g. a newsroom.")],
) -> None:
    """Create a key and print its token once (only its SHA-256 is stored)."""
    key, token = _key_store().create(name)
    typer.echo(f"created key {key.id} ({key.name}); its token, shown only now:")
    typer.echo(token)


@keys_app.command("list")
def keys_list(
    days: Annotated[int, typer.Option(min=1, max=90, help="Days of usage to sum.")] = 1,
) -> None:
    """List keys: id, creation time, name, daily limit and usage (tokens are not stored).

    Usage: characters submitted / translated and articles submitted / translated over the
    last DAYS UTC days (default: today), as GET /v1/usage shows them.
    """
    from ringkas.settings import get_settings
    from ringkas.usage import UsageStore

    settings = get_settings()
    store = _key_store()
    usage = UsageStore.from_url(settings.redis_url, settings.usage_retention_days)
    typer.echo("id\tcreated_at\tname\tchars/day limit\tchars sub/tr\tarticles sub/tr")
    for key in store.list():
        limit = store.daily_limit(key.id, settings.chars_per_day_per_key)
        total = usage.total(key.id, days)
        typer.echo(
            f"{key.id}\t{key.created_at}\t{key.name}\t{'none' if limit is None else limit}"
            f"\t{total.chars_submitted}/{total.chars_translated}"
            f"\t{total.articles_submitted}/{total.articles_translated}"
        )


@keys_app.command("limit")
def keys_limit(
    key_id: Annotated[str, typer.Argument(help="The key's id, from `list`.")],
    chars_per_day: Annotated[
        int | None,
        typer.Option(min=1, help="Characters the key may submit per UTC day."),
    ] = None,
    unlimited: Annotated[bool, typer.Option(help="No limit for this key.")] = False,
    default: Annotated[
        bool, typer.Option(help="Follow RINGKAS_CHARS_PER_DAY_PER_KEY again.")
    ] = False,
) -> None:
    """Set a key's own characters-per-day limit (429 beyond it)."""
    store = _key_store()
    if not store.exists(key_id):
        typer.echo(f"no key {key_id!r}", err=True)
        raise typer.Exit(1)
    if sum([chars_per_day is not None, unlimited, default]) != 1:
        typer.echo("give exactly one of --chars-per-day N, --unlimited, --default", err=True)
        raise typer.Exit(2)
    if default:
        store.clear_daily_limit(key_id)
        typer.echo(f"{key_id} follows the deployment's default limit")
    else:
        store.set_daily_limit(key_id, chars_per_day)
        shown = "no limit" if chars_per_day is None else f"{chars_per_day} characters per day"
        typer.echo(f"{key_id}: {shown}")


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id, from `list`.")]) -> None:
    """Revoke a key: its token stops working at once."""
    if not _key_store().revoke(key_id):
        typer.echo(f"no key {key_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")


results_app = typer.Typer(
    no_args_is_help=True,
    help="The PostgreSQL result store (RINGKAS_RESULT_STORE=postgresql, RINGKAS_DATABASE_URL).",
)
app.add_typer(results_app, name="results")


def _database_url() -> str:
    from ringkas.settings import get_settings

    url = get_settings().database_url
    if not url:
        typer.echo("RINGKAS_DATABASE_URL is not set", err=True)
        raise typer.Exit(2)
    return url


@results_app.command("migrate")
def results_migrate() -> None:
    """Apply the pending schema migrations (the API and workers also do on first use)."""
    import psycopg

    from ringkas.dbschema import apply_migrations

    with psycopg.connect(_database_url(), autocommit=True) as conn:
        applied = apply_migrations(conn)
    typer.echo(f"applied: {', '.join(applied)}" if applied else "the schema is up to date")


@results_app.command("purge")
def results_purge() -> None:
    """Delete the jobs whose retention (RINGKAS_JOB_TTL_S) has ended, with their results."""
    from ringkas.resultstore import PostgresResults

    store = PostgresResults(_database_url())
    try:
        typer.echo(f"deleted {store.purge_expired()} expired jobs")
    finally:
        store.close()
