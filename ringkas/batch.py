"""The batch script's core: read articles, skip those already done, process, append results.

Inputs stream: files are read one at a time, JSONL line by line; only ids are held (the
resume set and the duplicate check). Processing is a ``Processor``: a function that takes
an iterable of articles and yields one result record per article as each finishes, in any
order. Two exist: ``local_processor`` (the model layer in this process) and
``ringkas.api_client.api_processor`` (through the HTTP API). The typer command in
``ringkas.cli`` only wires options to these functions.

A result record is one JSON object per line:
``{"id", "title", "status": "succeeded", "result": {...}}`` or
``{"id", "title", "status": "failed", "error": {"code", "detail"}}``.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from tqdm import tqdm

from ringkas.settings import Settings

# The same names as models.pipeline.LANGUAGES / TASKS; repeated here so that the API path
# of the batch script never imports the model layer (and with it torch).
LANGUAGES = ("id", "en")
TASKS = ("translate", "brief", "brief_id", "adequacy")
HTML_SUFFIXES = (".html", ".htm")
INPUT_SUFFIXES = (".txt", ".jsonl", *HTML_SUFFIXES)

Record = dict[str, Any]
Processor = Callable[[Iterable["Article"]], Iterator[Record]]


class InputError(Exception):
    """An input the batch script cannot read; the message names the file (and line)."""


@dataclass(frozen=True)
class Article:
    """One article to process, and where it came from (for messages)."""

    id: str
    text: str
    source_lang: str | None  # None: detected, per article, by the model layer
    title: str | None
    origin: str
    format: str = "text"  # "html": an HTML file, translated with its markup kept


# --- reading inputs ------------------------------------------------------------------------


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """The files to read: files as given, folders as their *.txt, *.jsonl and *.html
    (*.htm), sorted.

    Checked before anything is processed, so a wrong path or file type stops the run
    before it starts rather than halfway through.

    Raises:
        InputError: a path does not exist, or is a file that is neither .txt nor .jsonl.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix in INPUT_SUFFIXES)
            )
        elif path.is_file():
            if path.suffix not in INPUT_SUFFIXES:
                raise InputError(
                    f"{path}: unsupported file type {path.suffix or '(none)'!r}; "
                    f"give .txt files (first line = title), .jsonl files, .html files or "
                    "folders"
                )
            files.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return files


def text_id(text: str) -> str:
    """A stable id for an article without one: the start of the SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_txt(path: Path, source_lang: str | None) -> Article:
    """A .txt article: the first non-empty line is the title, the rest the body."""
    content = _read_text(path)
    lines = content.splitlines()
    title: str | None = None
    body_start = len(lines)
    for i, line in enumerate(lines):
        if line.strip():
            title, body_start = line.strip(), i + 1
            break
    body = "\n".join(lines[body_start:]).strip()
    return Article(path.stem, body, source_lang, title, str(path))


def read_html(path: Path, source_lang: str | None) -> Article:
    """An .html file: one article, translated with its markup (``"format": "html"``)."""
    return Article(path.stem, _read_text(path).strip(), source_lang, None, str(path), "html")


def iter_jsonl(path: Path, source_lang: str | None) -> Iterator[Article]:
    """Articles of a JSONL file: objects with ``text``, optional ``id``, ``title``, ``source_lang``.

    Raises:
        InputError: a line is not a JSON object, or ``text`` (etc.) has the wrong type.
    """
    try:
        with path.open(encoding="utf-8-sig") as lines:
            for number, line in enumerate(lines, start=1):
                if line.strip():
                    yield _jsonl_article(line, f"{path}:{number}", source_lang)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from exc


def _jsonl_article(line: str, origin: str, source_lang: str | None) -> Article:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{origin}: not valid JSON ({exc.msg})") from exc
    if not isinstance(obj, dict):
        raise InputError(f"{origin}: expected a JSON object, got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        raise InputError(f"{origin}: 'text' must be a string")
    given_id = obj.get("id")
    if given_id is not None and not isinstance(given_id, str | int):
        raise InputError(f"{origin}: 'id' must be a string or an integer")
    for key in ("title", "source_lang"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise InputError(f"{origin}: {key!r} must be a string")
    if obj.get("format", "text") not in ("text", "html"):
        raise InputError(f'{origin}: \'format\' must be "text" or "html"')
    return Article(
        id=str(given_id) if given_id is not None else text_id(text),
        text=text,
        source_lang=obj.get("source_lang") or source_lang,
        title=obj.get("title"),
        origin=origin,
        format=obj.get("format", "text"),
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # -sig: files saved with a BOM
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc})") from exc


def iter_articles(files: Iterable[Path], source_lang: str | None) -> Iterator[Article]:
    """Every article of ``files`` (from ``expand_inputs``), one at a time."""
    for path in files:
        if path.suffix == ".jsonl":
            yield from iter_jsonl(path, source_lang)
        elif path.suffix in HTML_SUFFIXES:
            yield read_html(path, source_lang)
        else:
            yield read_txt(path, source_lang)


def count_articles(files: Iterable[Path]) -> int:
    """How many articles ``iter_articles`` will yield: the progress bar's total (keeps nothing)."""
    total = 0
    for path in files:
        if path.suffix == ".jsonl":
            with path.open("rb") as lines:
                total += sum(1 for line in lines if line.strip())
        else:
            total += 1
    return total


def article_problem(article: Article, max_chars: int) -> str | None:
    """Why an article cannot be processed (one line), or None. Checked before sending it."""
    if article.source_lang is not None and article.source_lang not in LANGUAGES:
        return f"source_lang {article.source_lang!r} is not supported; use one of: id, en"
    if not article.text.strip():
        return "the article has no text"
    if len(article.text) > max_chars:
        return (
            f"the text is {len(article.text)} characters; the limit is {max_chars} "
            f"(RINGKAS_MAX_ARTICLE_CHARS)"
        )
    return None


# --- results: records, resume, writer ------------------------------------------------------


def succeeded(article: Article, result: dict[str, Any]) -> Record:
    return {"id": article.id, "title": article.title, "status": "succeeded", "result": result}


def failed(article: Article, code: str, detail: str) -> Record:
    return {
        "id": article.id,
        "title": article.title,
        "status": "failed",
        "error": {"code": code, "detail": detail},
    }


def _parse_record(line: bytes) -> Record | None:
    try:
        record = json.loads(line)
    except ValueError:  # a line cut short by an interrupted run (or not UTF-8)
        return None
    return record if isinstance(record, dict) and "id" in record else None


def iter_records(path: Path) -> Iterator[Record]:
    """Records of a results file. A line cut short by an interrupted run is ignored."""
    if not path.exists():
        return
    with path.open("rb") as lines:
        for line in lines:
            record = _parse_record(line)
            if record is not None:
                yield record


def done_ids(path: Path) -> set[str]:
    """Ids whose latest record in ``path`` succeeded: a rerun skips them."""
    latest: dict[str, bool] = {}
    for record in iter_records(path):
        latest[str(record["id"])] = record.get("status") == "succeeded"
    return {article_id for article_id, ok in latest.items() if ok}


def latest_records(path: Path) -> Iterator[Record]:
    """The latest record of each id, in the order the ids first appear in ``path``.

    Holds only the file offset of each id's latest line, not the results.
    """
    if not path.exists():
        return
    offsets: dict[str, int] = {}  # insertion order = first appearance
    with path.open("rb") as lines:
        offset = 0
        for line in lines:
            record = _parse_record(line)
            if record is not None:
                offsets[str(record["id"])] = offset
            offset += len(line)
        for offset in offsets.values():
            lines.seek(offset)
            record = _parse_record(lines.readline())
            assert record is not None  # parsed the first time
            yield record


class ResultWriter:
    """Appends records to a JSONL file, one flushed line each, so an interrupted run keeps them."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO | None = None

    def __enter__(self) -> ResultWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A run killed mid-write leaves a line without its newline; start on a fresh line
        # so the next record is not glued to the broken one.
        needs_newline = False
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as existing:
                existing.seek(-1, 2)
                needs_newline = existing.read(1) != b"\n"
        self._file = self.path.open("a", encoding="utf-8")
        if needs_newline:
            self._file.write("\n")
        return self

    def write(self, record: Record) -> None:
        assert self._file is not None, "use ResultWriter as a context manager"
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._file.flush()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


# --- the run -------------------------------------------------------------------------------


@dataclass
class BatchSummary:
    succeeded: int = 0
    failed: int = 0
    skipped: int = 0  # already done in an earlier run
    duplicates: int = 0  # an id seen earlier in this run
    failed_ids: list[str] = field(default_factory=list)
    sentences: int = 0  # translated in this run, for the bar's throughput
    tokens: int = 0  # whitespace tokens of the sources translated in this run


def work_of(result: dict[str, Any]) -> tuple[int, int]:
    """(sentences, whitespace tokens) translated for one result; (0, 0) without a translation."""
    paragraphs = result.get("paragraphs") or []
    if not paragraphs:
        return 0, 0
    tokens = sum(len(str(p.get("source", "")).split()) for p in paragraphs)
    return int(result.get("sentences") or 0), tokens


def run_batch(
    articles: Iterable[Article],
    out: Path,
    processor: Processor,
    *,
    max_chars: int,
    total: int | None = None,
    progress: bool = True,
) -> BatchSummary:
    """Processes every article not already done in ``out``, appending a record for each."""
    summary = BatchSummary()
    skip = done_ids(out)
    seen: set[str] = set()
    # One bar for the whole batch: articles done of all, plus the translation throughput.
    bar = tqdm(total=total, unit="article", disable=not progress, dynamic_ncols=True)
    started = time.monotonic()

    with ResultWriter(out) as writer:

        def record(rec: Record) -> None:
            writer.write(rec)
            if rec["status"] == "succeeded":
                summary.succeeded += 1
                sentences, tokens = work_of(rec.get("result") or {})
                summary.sentences += sentences
                summary.tokens += tokens
            else:
                summary.failed += 1
                if len(summary.failed_ids) < 20:  # enough to name in the summary
                    summary.failed_ids.append(rec["id"])
            bar.update(1)
            elapsed = max(time.monotonic() - started, 1e-9)
            bar.set_postfix(
                ok=summary.succeeded,
                failed=summary.failed,
                skipped=summary.skipped,
                sent_s=f"{summary.sentences / elapsed:.1f}",
                tok_s=f"{summary.tokens / elapsed:.0f}",
            )

        def to_process() -> Iterator[Article]:
            # Runs lazily inside the processor's loop: skipped and invalid articles are
            # accounted for as they stream past, never collected.
            for article in articles:
                if article.id in seen:
                    summary.duplicates += 1
                    bar.update(1)
                    tqdm.write(f"duplicate id {article.id!r} at {article.origin}: skipped")
                    continue
                seen.add(article.id)
                if article.id in skip:
                    summary.skipped += 1
                    bar.update(1)
                    continue
                problem = article_problem(article, max_chars)
                if problem is not None:
                    record(failed(article, "invalid_article", problem))
                    continue
                yield article

        try:
            for rec in processor(to_process()):
                record(rec)
        finally:
            bar.close()
    return summary


def local_processor(
    settings: Settings, tasks: Sequence[str], brief_mode: str = "full"
) -> Processor:
    """Runs the model layer in this process (``--local``), ``RINGKAS_TASK_MAX_ARTICLES``
    articles at a time, their sentences batched together as a worker batches them.
    ``brief_mode``: ``"full"`` or ``"triage"`` (``models.pipeline.ArticleRequest``)."""

    def process(articles: Iterable[Article]) -> Iterator[Record]:
        # Imported here: loading the model layer pulls in torch and transformers.
        from ringkas.models.errors import EncoderUnavailable, ModelUnavailable, UnknownModel
        from ringkas.models.pipeline import ArticleOutcome, ArticleRequest, process_articles

        options = settings.pipeline_options()

        def alone(request: ArticleRequest) -> ArticleOutcome | Exception:
            try:
                return process_articles([request], options)[0]
            except Exception as exc:
                return exc

        stream = iter(articles)
        while group := list(islice(stream, settings.task_max_articles)):
            requests = [
                ArticleRequest(
                    text=article.text,
                    source_lang=article.source_lang,
                    title=article.title,
                    tasks=tuple(tasks),  # type: ignore[arg-type]  # checked against TASKS
                    format="html" if article.format == "html" else "text",
                    brief_mode="triage" if brief_mode == "triage" else "full",
                )
                for article in group
            ]
            outcomes: list[ArticleOutcome | Exception]
            try:
                outcomes = list(process_articles(requests, options))
            except Exception:
                # Something no single article can be blamed for: each one alone, so that
                # one bad article does not end a batch of thousands.
                outcomes = [alone(request) for request in requests]
            for article, outcome in zip(group, outcomes, strict=True):
                if isinstance(outcome, ModelUnavailable | UnknownModel | EncoderUnavailable):
                    raise outcome  # would fail every article alike: stop with its message
                if isinstance(outcome, Exception):
                    # Recorded; a rerun retries it.
                    yield failed(article, type(outcome).__name__, str(outcome))
                else:
                    yield succeeded(article, outcome.model_dump(mode="json"))

    return process


def parse_tasks(value: str) -> tuple[str, ...]:
    """``"translate,brief"`` → ``("translate", "brief")``; raises ValueError on unknown ones."""
    tasks = tuple(dict.fromkeys(t.strip() for t in value.split(",") if t.strip()))
    unknown = [t for t in tasks if t not in TASKS]
    if not tasks or unknown:
        raise ValueError(
            f"unknown task(s) {', '.join(unknown) or '(none given)'}; choose from: "
            f"{', '.join(TASKS)}"
        )
    if "adequacy" in tasks and "translate" not in tasks:
        raise ValueError("the adequacy task checks the translation: ask for translate too")
    return tasks
