"""Runs the registered quality stages (``STAGES``) on data files and formats their tables."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from ringkas.models.evaluation import STAGES


def stage_module(name: str) -> ModuleType:
    """The module of stage ``name``.

    Raises:
        ValueError: no stage of that name is registered.
    """
    if name not in STAGES:
        raise ValueError(f"unknown stage {name!r}; known: {', '.join(sorted(STAGES))}")
    return importlib.import_module(STAGES[name])


def default_data(name: str, shared_data: Path) -> list[Path]:
    """The stage's own development files (``DEFAULT_DATA``) inside ``shared_data``."""
    return [shared_data / file for file in getattr(stage_module(name), "DEFAULT_DATA", ())]


def run_stages(
    stages: Sequence[str], data: dict[str, list[Path]], limit: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Each stage's report on each of its data files: stage → one report per file."""
    return {
        name: [{"data": str(path), **stage_module(name).run(path, limit)} for path in data[name]]
        for name in stages
    }


def format_stages(report: dict[str, list[dict[str, Any]]]) -> str:
    """The tables of every stage report, each under a title naming stage and data."""
    return "\n\n".join(_tables(report))


def _tables(report: dict[str, list[dict[str, Any]]]) -> Iterator[str]:
    for name, runs in report.items():
        module = stage_module(name)
        for run in runs:
            yield f"== {name}: {run['data']} ==\n{module.format_report(run)}"


def read_jsonl(path: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """The first ``limit`` objects of a JSONL file (all when ``None``)."""
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table with columns padded to their widest cell."""
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)
