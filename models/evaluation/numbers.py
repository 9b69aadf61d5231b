"""Quality stage ``numbers``: the number check and number rendering on real text.

On an aligned pair (``flores-dev.id`` with its ``flores-dev.en`` beside it), in both
directions, on (source, human reference):

- false alarms: the share of sentences with numbers on which ``check_numbers`` warns,
  overall and on the sentences whose reference keeps its numbers (``REFERENCE_CHANGES``
  lists FLORES dev lines whose reference converts units or drops a number);
- rendering: the share of source numbers whose rendered form (``render``: what a
  placeholder is restored to) is in the reference, spaces aside, or written there in words;
  and the numbers whose rendered form reads back as another value (must be 0);
- placeholders: ``protect(..., numbers=...)`` output cut by the real SentencePiece model of
  the source language; a placeholder is whole when one piece holds it (a lone "▁" before it
  aside). Skipped when the model files are not found.

On a JSONL of articles (``text``, Indonesian), only the placeholder figures (id→en).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ringkas.models.evaluation.harness import read_jsonl, table
from ringkas.models.numbers import Number, check_numbers, find_numbers, number_words, render
from ringkas.models.protect import protect
from ringkas.models.segment import split_paragraphs, split_sentences

DEFAULT_DATA = ("flores-dev.id", "news-dev-more.jsonl")
SPM_DIR = Path("../shared/models/opus-mt-id-en")
SPM_FILES = {"id": "source.spm", "en": "target.spm"}
OTHER = {"id": "en", "en": "id"}
# FLORES dev lines (1-based) whose English reference changes a number of the Indonesian:
# units converted (km → miles), a number dropped or a different one written.
REFERENCE_CHANGES = {
    "flores-dev": {
        140: "149 miles per hour dropped (en→id)",
        157: "28,35 gram dropped",
        189: "17 kilometer → seventy kilometres",
        192: "32-38 derajat → in the 90s (Fahrenheit)",
        203: "16,1 cm → 6.34 inches",
        325: "4.800 km → 3,000 miles",
        375: "90 kg / 16 kg → 200 pounds / 36 pounds",
        813: "1,6 km → a mile",
        904: "160-320 km/jam → 100-200 miles/hour",
    }
}


def run(path: Path, limit: int | None = None) -> dict[str, Any]:
    """The stage's report on ``path`` (an aligned ``.id``/``.en`` file or a JSONL)."""
    if path.suffix == ".jsonl":
        articles = read_jsonl(path, limit)
        sentences = [
            s
            for a in articles
            for p in split_paragraphs(a["text"])
            for s in split_sentences(p, "id")
        ]
        return {"articles": len(articles), "id-en": {"placeholders": placeholders(sentences, "id")}}
    lang = path.suffix.lstrip(".")
    if lang not in OTHER:
        raise ValueError(f"{path}: expected a .id or .en file (with its pair beside it) or .jsonl")
    sides = {
        lang: _lines(path, limit),
        OTHER[lang]: _lines(path.with_suffix("." + OTHER[lang]), limit),
    }
    wrong_refs = REFERENCE_CHANGES.get(path.stem, {})
    report: dict[str, Any] = {"sentences": len(sides[lang])}
    for source_lang in ("id", "en"):
        target_lang = OTHER[source_lang]
        report[f"{source_lang}-{target_lang}"] = {
            **check_report(sides[source_lang], sides[target_lang], source_lang, wrong_refs),
            **render_report(sides[source_lang], sides[target_lang], source_lang),
            "placeholders": placeholders(sides[source_lang], source_lang),
        }
    return report


def check_report(
    sources: Sequence[str], references: Sequence[str], source_lang: str, wrong_refs: dict[int, str]
) -> dict[str, Any]:
    """False alarms of ``check_numbers`` on (source, reference) pairs."""
    target_lang = OTHER[source_lang]
    with_numbers = alarms = kept = kept_alarms = 0
    examples: list[dict[str, Any]] = []
    for line, (source, reference) in enumerate(zip(sources, references, strict=True), 1):
        if not find_numbers(source, source_lang):
            continue
        warnings = check_numbers(source, reference, source_lang, target_lang)
        with_numbers += 1
        alarms += bool(warnings)
        if line not in wrong_refs:
            kept += 1
            kept_alarms += bool(warnings)
        if warnings:
            examples.append({"line": line, "warnings": warnings, "known": wrong_refs.get(line)})
    return {
        "with_numbers": with_numbers,
        "false_alarms": alarms,
        "false_alarm_rate": _pct(alarms, with_numbers),
        "correct_references": kept,
        "false_alarm_rate_correct_refs": _pct(kept_alarms, kept),
        "alarms": examples,
    }


def render_report(
    sources: Sequence[str], references: Sequence[str], source_lang: str
) -> dict[str, Any]:
    """How often a number's rendered form is in the reference, and value changes."""
    target_lang = OTHER[source_lang]
    total = found = changed = 0
    misses: list[dict[str, Any]] = []
    for line, (source, reference) in enumerate(zip(sources, references, strict=True), 1):
        flat = _flat(reference)
        for number in find_numbers(source, source_lang):
            rendered = render(number, source_lang, target_lang)
            total += 1
            context = "pukul " if number.kind == "time" and target_lang == "id" else ""
            back = find_numbers(context + rendered, target_lang)
            if len(back) != 1 or not back[0].keys & number.keys:
                changed += 1
            if (
                _flat(rendered) in flat
                or _in_words(number.value, reference, target_lang)
                or _same_digits(rendered, number, reference, target_lang)
            ):
                found += 1
            else:
                misses.append({"line": line, "number": number.text, "rendered": rendered})
    return {
        "numbers": total,
        "rendered_in_reference": found,
        "render_rate": _pct(found, total),
        "values_changed": changed,
        "render_misses": misses,
    }


def placeholders(sentences: Sequence[str], source_lang: str) -> dict[str, Any]:
    """Placeholders ``protect`` makes, and how many the real SentencePiece model keeps whole."""
    processor = _processor(source_lang)
    if processor is None:
        return {"skipped": f"no SentencePiece model in {SPM_DIR}"}
    total = whole = 0
    most = 0
    for sentence in sentences:
        protected = protect(sentence, numbers=(source_lang, OTHER[source_lang]))
        if not protected.spans:
            continue
        pieces: list[str] = processor.encode(protected.text, out_type=str)
        ends, position = [], 0
        for piece in pieces:
            position += len(piece)
            ends.append(position)
        # placeholders found in the pieces put end to end (the model's normalised text)
        for match in re.finditer(r"\{\d+\}", "".join(pieces)):
            over = [
                p
                for p, e in zip(pieces, ends, strict=True)
                if e - len(p) < match.end() and e > match.start()
            ]
            total += 1
            most = max(most, len(over))
            # whole: one piece holds the placeholder (a lone "▁" piece before it aside)
            text = match.group()
            whole += any(text in p for p in over) and all(p == "▁" or text in p for p in over)
    return {
        "placeholders": total,
        "whole": whole,
        "whole_rate": _pct(whole, total),
        "most_pieces": most,
    }


@lru_cache(maxsize=2)
def _processor(lang: str) -> Any:
    model = SPM_DIR / SPM_FILES[lang]
    if not model.is_file():
        return None
    import sentencepiece

    return sentencepiece.SentencePieceProcessor(model_file=str(model))


def _lines(path: Path, limit: int | None) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return lines[:limit] if limit is not None else lines


def _flat(text: str) -> str:
    return "".join(text.lower().split())


def _same_digits(rendered: str, number: Number, reference: str, lang: str) -> bool:
    """An equivalent in the reference: the same value with the same digits, thousands
    grouped or not ("1,200" / "1200", "09.30" / "9.30")."""
    digits = re.sub(r"\D", "", rendered).lstrip("0")
    return any(
        n.kind != "digits"
        and n.keys & number.keys - {_digits_of(number)}
        and re.sub(r"\D", "", n.text).lstrip("0") == digits
        for n in find_numbers(reference, lang)
    )


def _digits_of(number: Number) -> object:
    return ("digits", *(g.lstrip("0") or "0" for g in re.findall(r"\d+", number.figure)))


def _in_words(value: float, text: str, lang: str) -> bool:
    if value != int(value) or not 0 <= value < 1e13:
        return False
    padded = " " + " ".join(re.sub(r"[^\w]+", " ", text.lower()).split()) + " "
    return any(f" {form} " in padded for form in number_words(int(value), lang))


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def format_report(report: dict[str, Any]) -> str:
    """The report as a table: one row per direction."""
    rows = []
    for direction in ("id-en", "en-id"):
        data = report.get(direction)
        if data is None:
            continue
        holders = data["placeholders"]
        rows.append(
            [
                direction,
                data.get("with_numbers", "-"),
                _cell(data, "false_alarm_rate"),
                _cell(data, "false_alarm_rate_correct_refs"),
                data.get("numbers", "-"),
                _cell(data, "render_rate"),
                data.get("values_changed", "-"),
                holders.get("placeholders", "-"),
                _cell(holders, "whole_rate"),
                holders.get("most_pieces", "-"),
            ]
        )
    header = [
        "direction",
        "sentences w/ numbers",
        "false alarms",
        "on correct refs",
        "numbers",
        "rendered in ref",
        "values changed",
        "placeholders",
        "whole",
        "most pieces",
    ]
    return table(header, rows)


def _cell(data: dict[str, Any], key: str) -> str:
    return f"{data[key]:.1f}%" if key in data else "-"
