"""Sentence segmentation measured on paragraphs built from one-sentence-per-line text.

Consecutive lines of an aligned file (FLORES dev: one sentence a line) are grouped into
paragraphs of 3, 4, … 8 sentences in turn (deterministic), joined by a space, and split by
``models.segment.split_sentences``. A boundary is the character offset where a sentence
starts (after the first); precision, recall and F1 count boundaries over all paragraphs,
and ``exact`` is the share of paragraphs split with no false or missed boundary.

About one FLORES line in ten holds two sentences ("... di ajang terpenting ini. Saya datang
..."), so a split inside a line is not always wrong. A split inside a line after a sentence
end (``.``/``!``/``?``, closing quotes or brackets around it, then a capital, or an opening
quote or bracket and a capital) is left out of the counts (reported as ``inside_line_ends``)
unless the word before the stop is a single letter (an initial or a unit), a dotted acronym
("U.S.") or one of CHECKED_ABBREVIATIONS ("PT.", "Rp.", "Dr."): those are false boundaries.
The language is the file's suffix (``.en`` → English, anything else Indonesian).
"""

from __future__ import annotations

import re
from itertools import cycle
from pathlib import Path
from typing import Any

from ringkas.models.segment import split_sentences

DEFAULT_DATA = ("flores-dev.id", "flores-dev.en")
GROUP_SIZES = (3, 4, 5, 6, 7, 8)
MAX_MISSES = 20  # misses kept in the report, to read
_STOP_BEFORE = re.compile(r"(\S+?)[\"'”’)]*[.!?][\"'”’]*\s*$")
# Abbreviations that stand before a capital inside a sentence ("PT. Mandom", "Dr. Budi").
CHECKED_ABBREVIATIONS = frozenset(
    "pt rp jl jln tbk cv kab kec dr drs ir prof hj mr mrs ms jr sr st no vs".split()
)
_NEW_START = re.compile(r"^[\"“‘(]?[A-Z]")


def paragraphs_of(lines: list[str]) -> list[list[str]]:
    """``lines`` cut into consecutive groups of 3, 4, … 8, 3, 4, … (the last may be shorter)."""
    groups: list[list[str]] = []
    start = 0
    for size in cycle(GROUP_SIZES):
        if start >= len(lines):
            return groups
        groups.append(lines[start : start + size])
        start += size
    return groups  # pragma: no cover (cycle never ends)


def _starts(sentences: list[str], paragraph: str) -> set[int]:
    """Offsets in ``paragraph`` where each sentence after the first begins."""
    starts: set[int] = set()
    position = 0
    for index, sentence in enumerate(sentences):
        found = paragraph.find(sentence, position)
        if found < 0:  # the splitter changed the text: place it after the last one
            found = position
        if index:
            starts.add(found)
        position = found + len(sentence)
    return starts


def _plain_end(text: str) -> bool:
    """Whether ``text`` ends with a sentence end that is not an abbreviation or initial."""
    match = _STOP_BEFORE.search(text)
    if match is None:
        return False
    word = match.group(1).lstrip("\"'“‘(")
    return not (len(word) <= 1 or "." in word or word.lower() in CHECKED_ABBREVIATIONS)


def run(path: Path, limit: int | None = None) -> dict[str, Any]:
    """Boundary P/R/F1 and the exact-paragraph share on ``path`` (its first ``limit`` lines)."""
    lang = "en" if path.suffix == ".en" else "id"
    lines = [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line][:limit]
    true_positives = predicted = expected = exact = inside_line_ends = 0
    misses: list[dict[str, Any]] = []
    groups = paragraphs_of(lines)
    for group in groups:
        paragraph = " ".join(group)
        sentences = split_sentences(paragraph, lang)
        gold, found = _starts(group, paragraph), _starts(sentences, paragraph)
        plain = {
            start
            for start in found - gold
            if _plain_end(paragraph[:start]) and _NEW_START.match(paragraph[start:])
        }
        inside_line_ends += len(plain)
        found -= plain
        true_positives += len(gold & found)
        predicted += len(found)
        expected += len(gold)
        if found == gold:
            exact += 1
        elif len(misses) < MAX_MISSES:
            misses.append({"expected": group, "got": sentences})
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "stage": "segmentation",
        "data": str(path),
        "lang": lang,
        "paragraphs": len(groups),
        "sentences": len(lines),
        "precision": round(100 * precision, 2),
        "recall": round(100 * recall, 2),
        "f1": round(100 * f1, 2),
        "exact": round(100 * exact / len(groups), 2) if groups else 0.0,
        "inside_line_ends": inside_line_ends,
        "misses": misses,
    }


def format_report(report: dict[str, Any]) -> str:
    """The report as a small table."""
    header = f"{'data':<28} {'lang':<4} {'paras':>6} {'P':>6} {'R':>6} {'F1':>6} {'exact%':>7}"
    row = (
        f"{Path(report['data']).name:<28} {report['lang']:<4} {report['paragraphs']:>6} "
        f"{report['precision']:>6.2f} {report['recall']:>6.2f} {report['f1']:>6.2f} "
        f"{report['exact']:>7.2f}"
    )
    return f"Sentence segmentation\n{header}\n{row}"
