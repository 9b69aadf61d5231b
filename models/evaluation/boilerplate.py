"""Quality stage ``boilerplate``: what ``clean_article`` takes out of real articles.

On a JSONL of articles (``id``, ``text``, optional ``title``): per article, every removal
(dateline, bylines, captions, footers, credits), counted by kind; with ``expected`` (a
JSON of article id → expected removals, such as ``tests/fixtures/boilerplate-dev.json``)
also the removals missed and those not expected. On an aligned text file (FLORES lines),
each line is taken as an article's opening paragraph, where nothing should be removed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ringkas.models.boilerplate import CleanArticle, clean_article
from ringkas.models.evaluation.harness import read_jsonl, table

DEFAULT_DATA = ("news-dev.jsonl", "news-dev-more.jsonl", "flores-dev.id")
EXPECTED = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "boilerplate-dev.json"


def removals(clean: CleanArticle) -> list[dict[str, str]]:
    """Everything cleaning took out of an article, with its kind, in a stable order."""
    found = [{"kind": "dateline", "text": clean.dateline}] if clean.dateline else []
    found += [{"kind": "byline", "text": t} for t in clean.bylines]
    found += [{"kind": "caption", "text": t} for t in clean.captions]
    found += [{"kind": "removed", "text": t} for t in clean.removed]
    return found


def run(path: Path, limit: int | None = None) -> dict[str, Any]:
    """The stage's report on ``path`` (a JSONL of articles or a text file of sentences)."""
    if path.suffix != ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()[:limit]
        # each line opens an article whose second paragraph is plain body text
        touched = [
            {"line": n, "removed": removals(clean_article(f"{line}\nBadan artikel."))}
            for n, line in enumerate(lines, 1)
        ]
        touched = [t for t in touched if t["removed"]]
        return {"openings": len(lines), "removals": len(touched), "touched": touched}
    articles = read_jsonl(path, limit)
    expected = _expected()
    by_kind: Counter[str] = Counter()
    per_article: dict[str, list[dict[str, str]]] = {}
    missed: dict[str, list[str]] = {}
    unexpected: dict[str, list[str]] = {}
    for article in articles:
        found = removals(clean_article(article["text"], article.get("title")))
        by_kind.update(r["kind"] for r in found)
        per_article[article["id"]] = found
        if article["id"] in expected:
            texts = [r["text"] for r in found]
            want = expected[article["id"]]
            if gone := [t for t in want if t not in texts]:
                missed[article["id"]] = gone
            if extra := [t for t in texts if t not in want]:
                unexpected[article["id"]] = extra
    return {
        "articles": len(articles),
        "removals": sum(by_kind.values()),
        "by_kind": dict(by_kind),
        "checked_against_fixture": sum(a["id"] in expected for a in articles),
        "missed": missed,
        "unexpected": unexpected,
        "per_article": per_article,
    }


def _expected() -> dict[str, list[str]]:
    if not EXPECTED.is_file():
        return {}
    data: dict[str, list[str]] = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return data


def format_report(report: dict[str, Any]) -> str:
    """The report as a table."""
    if "openings" in report:
        return table(
            ["opening paragraphs", "with a removal"], [[report["openings"], report["removals"]]]
        )
    kinds = report["by_kind"]
    header = ["articles", "removals", *sorted(kinds), "checked", "missed", "unexpected"]
    row = [
        report["articles"],
        report["removals"],
        *(kinds[k] for k in sorted(kinds)),
        report["checked_against_fixture"],
        sum(len(v) for v in report["missed"].values()),
        sum(len(v) for v in report["unexpected"].values()),
    ]
    return table(header, [row])
