"""Markdown from results: per article a heading, the brief, warnings and the translation.

Used by ``ringkas batch --markdown`` and by the API's ``GET /v1/jobs/{id}/markdown`` (the web
page's "Copy / Download Markdown"), so both write the same document.

Everything that comes from a user or a model (ids, titles, errors, briefs, translations,
warnings; entities decoded from HTML input included) is escaped with `md_text` or
`md_line`, so it reads as the text it is in any CommonMark or GitHub renderer: never a
heading, list, link, image, table, code, or raw HTML such as ``<script>``. No library
escapes Markdown (renderers parse it; they do not write it), so the rules are here, checked
against a real CommonMark parser (markdown-it-py) in the tests.

Random-weight demo models write gibberish by design; every article they produced says so
in a line no reader can miss, so nobody takes the text for a (bad) real translation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

DEMO_LABEL = "Output of random-weight demo models: gibberish by design"

# Special anywhere in a line: escapes, code, emphasis, links and images, raw HTML and
# autolinks, GFM tables and strikethrough, ATX heading closers.
_INLINE = re.compile(r"([\\`*_\[\]<>|~#])")
# Entity and numeric character references ("&lt;", "&#60;") would be decoded.
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Special at the start of a line: block quotes, lists, setext underlines, thematic breaks;
# ordered list markers ("2024. …", "1) …").
_LINE_START = re.compile(r"^([>+=-])")
_ORDERED = re.compile(r"^(\d{1,9})([.)])")


def _escape_line(line: str) -> str:
    # Leading spaces would make an indented code block: they carry no meaning in news text.
    line = _ENTITY.sub("&amp;", _INLINE.sub(r"\\\1", line.strip()))
    return _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", line))


def md_text(text: object) -> str:
    """``text`` as Markdown that renders as exactly that text; its lines stay lines."""
    return "\n".join(_escape_line(line) for line in str(text).splitlines())


def md_line(text: object) -> str:
    """``text`` on one line (a heading, a label), escaped like `md_text`."""
    return _escape_line(" ".join(str(text).split()))


def _warning_text(warning: object) -> str:
    if isinstance(warning, dict):
        return str(warning.get("message") or warning.get("detail") or warning)
    return str(warning)


def article_markdown(record: dict[str, Any]) -> str:
    """One article's section."""
    title = record.get("title") or record["id"]
    status = md_line(record["status"])
    lines = [f"## {md_line(title)}", "", f"id: {md_line(record['id'])} · status: **{status}**", ""]
    if record["status"] != "succeeded":
        error = record.get("error") or {}
        detail = error.get("detail", error) if isinstance(error, dict) else error
        lines += [f"**Failed:** {md_line(detail)}", ""]
        return "\n".join(lines)
    result: dict[str, Any] = record.get("result") or {}
    if result.get("demo_models"):
        lines += [f"> **⚠ {DEMO_LABEL.upper()}.**", ""]
    target, source = md_line(result.get("target_lang")), md_line(result.get("source_lang"))
    if result.get("title_translation"):
        lines += [f"**Title ({target}):** {md_line(result['title_translation'])}", ""]
    if result.get("brief"):
        lines += ["### Brief", "", md_text(result["brief"]), ""]
    if result.get("brief_id"):
        lines += ["### Ringkasan (brief in Indonesian)", "", md_text(result["brief_id"]), ""]
    lines += _adequacy_lines(result)
    warnings = result.get("warnings")
    if isinstance(warnings, list) and warnings:
        lines += ["### Warnings", "", *(f"- {md_line(_warning_text(w))}" for w in warnings), ""]
    if result.get("translation"):
        lines += [f"### Translation ({source} → {target})", "", md_text(result["translation"]), ""]
    return "\n".join(lines)


def _adequacy_lines(result: dict[str, Any]) -> list[str]:
    """The adequacy summary and the sentences it flagged (task adequacy), if any."""
    summary = result.get("adequacy")
    if not isinstance(summary, dict):
        return []
    threshold = summary["threshold"]
    lines = [
        "### Adequacy",
        "",
        f"Mean {summary['mean']:.2f}, lowest {summary['min']:.2f}: {summary['flagged']} of "
        f"{summary['sentences']} sentences may not match their source (adequacy below "
        f"{threshold}, {md_line(summary['model'])}).",
        "",
    ]
    details = [*(result.get("sentences_detail") or []), result.get("title_detail")]
    flagged = [
        d for d in details if d and d.get("adequacy") is not None and d["adequacy"] < threshold
    ]
    for d in flagged:
        lines.append(
            f"- **{d['adequacy']:.2f}** {md_line(d['translation'])} (source: "
            f"{md_line(d['source'])})"
        )
    return [*lines, ""] if flagged else lines


def markdown_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "# Ringkas results\n\n"
    for record in records:
        yield article_markdown(record) + "\n"


def markdown_document(records: Iterable[dict[str, Any]]) -> str:
    """The whole document, as `write_markdown` writes it."""
    return "".join(markdown_lines(records))


def write_markdown(records: Iterable[dict[str, Any]], path: Path) -> None:
    """Writes the results as Markdown (replacing ``path``), one record at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.writelines(markdown_lines(records))
    tmp.replace(path)  # a reader never sees half a file
