"""Language detection measured by text length, as the service calls it.

On a one-sentence-per-line file (FLORES dev) each line is cut to its first 3 and 6 words and
also taken whole, and each text goes through ``models.language.detect_source_language``, the
call the service makes when a request gives no ``source_lang``: a refusal (an unsupported
language) counts as wrong. The expected language is the file's suffix (``.id`` / ``.en``).
On a JSONL file of articles (``text``, and ``lang`` when not Indonesian) each article's body
is detected whole (``models.language.article_language``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ringkas.models.errors import UnsupportedLanguage
from ringkas.models.language import article_language, detect_source_language

DEFAULT_DATA = ("flores-dev.id", "flores-dev.en", "news-dev.jsonl", "news-dev-more.jsonl")
WORD_COUNTS = (3, 6)
MAX_MISSES = 20


def _detected(text: str) -> str:
    try:
        return detect_source_language(text).lang
    except UnsupportedLanguage as error:
        return f"refused ({error.args[0].split(chr(39))[1]})"  # the language it looked like


def _score(texts: list[str], expected: str, detect: Callable[[str], str]) -> dict[str, Any]:
    answers = [detect(text) for text in texts]
    wrong = [
        (text, answer) for text, answer in zip(texts, answers, strict=True) if answer != expected
    ]
    return {
        "texts": len(texts),
        "accuracy": round(100 * (len(texts) - len(wrong)) / len(texts), 2) if texts else 0.0,
        "answers": dict(Counter(answers).most_common()),
        "misses": [{"text": text, "got": answer} for text, answer in wrong[:MAX_MISSES]],
    }


def run(path: Path, limit: int | None = None) -> dict[str, Any]:
    """Accuracy by length on an aligned file, or per article on a JSONL file of articles."""
    if path.suffix == ".jsonl":
        articles = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        articles = [article for article in articles if article][:limit]
        by_lang: dict[str, list[str]] = {}
        for article in articles:
            by_lang.setdefault(article.get("lang", "id"), []).append(article["text"])
        rows = {
            f"articles ({lang})": _score(texts, lang, lambda text: _article(text))
            for lang, texts in by_lang.items()
        }
        return {"stage": "language", "data": str(path), "lang": "/".join(by_lang), "rows": rows}
    lang = path.suffix.lstrip(".")
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line][:limit]
    rows = {
        f"first {count} words": _score(
            [" ".join(line.split()[:count]) for line in lines], lang, _detected
        )
        for count in WORD_COUNTS
    }
    rows["whole line"] = _score(lines, lang, _detected)
    return {"stage": "language", "data": str(path), "lang": lang, "rows": rows}


def _article(text: str) -> str:
    try:
        return article_language(text).lang
    except UnsupportedLanguage:
        return "refused"


def format_report(report: dict[str, Any]) -> str:
    """The report as a small table: accuracy for each text length."""
    lines = [f"Language detection: {Path(report['data']).name} (expected {report['lang']})"]
    lines.append(f"{'texts':<18} {'n':>6} {'accuracy%':>10}  answers")
    for name, row in report["rows"].items():
        answers = ", ".join(f"{lang} {count}" for lang, count in row["answers"].items())
        lines.append(f"{name:<18} {row['texts']:>6} {row['accuracy']:>10.2f}  {answers}")
    return "\n".join(lines)
