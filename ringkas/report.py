"""Markdown from batch results: per article a heading, the brief and the translation.

Random-weight demo models write gibberish by design; every article they produced says so
in a line no reader can miss, so nobody takes the text for a (bad) real translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

DEMO_LABEL = "Output of random-weight demo models: gibberish by design"


def article_markdown(record: dict[str, Any]) -> str:
    """One article's section."""
    title = record.get("title") or record["id"]
    lines = [f"## {title}", "", f"`id: {record['id']}` · status: **{record['status']}**", ""]
    if record["status"] != "succeeded":
        error = record.get("error") or {}
        detail = error.get("detail", error) if isinstance(error, dict) else error
        lines += [f"**Failed:** {detail}", ""]
        return "\n".join(lines)
    result: dict[str, Any] = record.get("result") or {}
    if result.get("demo_models"):
        lines += [f"> **⚠ {DEMO_LABEL.upper()}.**", ""]
    if result.get("title_translation"):
        lines += [f"**Title ({result.get('target_lang')}):** {result['title_translation']}", ""]
    if result.get("brief"):
        lines += ["### Brief", "", str(result["brief"]), ""]
    if result.get("brief_id"):
        lines += ["### Ringkasan (brief in Indonesian)", "", str(result["brief_id"]), ""]
    if result.get("translation"):
        lang = f" ({result['source_lang']} → {result['target_lang']})"
        lines += [f"### Translation{lang}", "", str(result["translation"]), ""]
    return "\n".join(lines)


def markdown_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "# Ringkas results\n\n"
    for record in records:
        yield article_markdown(record) + "\n"


def write_markdown(records: Iterable[dict[str, Any]], path: Path) -> None:
    """Writes the results as Markdown (replacing ``path``), one record at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.writelines(markdown_lines(records))
    tmp.replace(path)  # a reader never sees half a file
