"""Protected spans: text the model must not change, swapped for placeholders and restored.

URLs, e-mail addresses, @handles, #hashtags, glossary terms and (optionally) numbers are
replaced by ``{0}``, ``{1}``, … before translation and put back afterwards.

Why ``{N}``: with the opus-mt-id-en SentencePiece model, ``{0}`` is one piece, ``{1}`` two
(``▁``, ``{1}``) and ``{12}`` three (``▁{``, ``12``, ``}``), never ``<unk>``; ``{0}`` and
``{1}`` being whole vocabulary entries suggests such placeholders were frequent in the OPUS
training data (software-localisation corpora copy them verbatim). ``⟨1⟩`` and ``⟦1⟧``
become ``<unk>``, and ``XX1XX`` takes five pieces that the model may "translate".

Only ``{0}`` and ``{1}`` are whole pieces, and ``{0}`` splits into ``{`` ``0}`` when glued to
what stands before it ("({0}/…"). So a placeholder glued on its left gets a space before it
(taken away again on restore), and numbers take a placeholder only when the target writes
them differently (separators, scale or percent word: "2,7 juta" → "2.7 million") and one of
the first two is free; a date such as "8/9/2017", a year or a time needs no conversion and
stays in the text, where the number check (``models.numbers``) still watches it.

A placeholder the model dropped is put back at the end of its sentence and reported, so a
protected span is never lost, whatever the model does.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from ringkas.models.numbers import find_numbers, needs_conversion, render

_URL = r"(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_HANDLE = r"(?<![\w@/])@\w{1,50}"
_HASHTAG = r"(?<![\w&#/])#(?=\w*[^\W\d])\w{1,100}"
_LITERAL_PLACEHOLDER = r"\{\d+\}"  # text that already looks like a placeholder
PATTERNS: dict[str, re.Pattern[str]] = {
    "url": re.compile(_URL),
    "email": re.compile(_EMAIL),
    "handle": re.compile(_HANDLE),
    "hashtag": re.compile(_HASHTAG),
    "literal": re.compile(_LITERAL_PLACEHOLDER),
}
_PLACEHOLDER = re.compile(r"(\s*)\{\s*(\d+)\s*\}")
# Placeholders that are one SentencePiece piece (after an optional "▁") in both opus-mt models.
WHOLE_PIECE_PLACEHOLDERS = 2


@dataclass(frozen=True)
class Span:
    """One protected span.

    Attributes:
        kind: ``url``, ``email``, ``handle``, ``hashtag``, ``literal``, ``glossary`` or
            ``number``.
        source: The text as the source wrote it.
        target: What the translation gets in its place.
        glued: The character the source had right before it (no space between), else
            ``""``: a space was put before its placeholder (so that it stays one piece),
            taken away on restore where the output has that character before it too.
    """

    kind: str
    source: str
    target: str
    glued: str = ""


@dataclass(frozen=True)
class Protected:
    """A sentence with its protected spans replaced by ``{0}``, ``{1}``, …"""

    text: str
    spans: list[Span] = field(default_factory=list)


def protect(
    text: str,
    glossary: Mapping[str, str] | None = None,
    numbers: tuple[str, str] | None = None,
) -> Protected:
    """Replaces the protected spans of ``text`` by placeholders.

    Args:
        text: One sentence.
        glossary: Term → its translation; a term mapped to itself is kept as is
            (do-not-translate). Terms match whole words, case-sensitively, longest first.
        numbers: ``(source_lang, target_lang)`` to protect numbers too, each restored in
            the target's convention ("2,7 juta" → "2.7 million"); ``None`` leaves numbers
            to the model.

    Returns:
        The text with placeholders, and the spans in placeholder order.
    """
    found: list[tuple[int, int, Span]] = []

    def claim(start: int, end: int, span: Span) -> None:
        if all(end <= s or start >= e for s, e, _ in found):
            found.append((start, end, span))

    # Order matters: an e-mail holds an "@handle", a URL may hold anything.
    for kind in ("literal", "url", "email", "handle", "hashtag"):
        for match in PATTERNS[kind].finditer(text):
            claim(match.start(), match.end(), Span(kind, match.group(), match.group()))
    for term in sorted(glossary or {}, key=len, reverse=True):
        if not term.strip():
            continue
        pattern = r"(?<!\w)" + re.escape(term) + r"(?!\w)"
        for match in re.finditer(pattern, text):
            claim(match.start(), match.end(), Span("glossary", term, (glossary or {})[term]))
    found.sort(key=lambda item: item[0])
    if numbers is not None:
        source_lang, target_lang = numbers
        for number in find_numbers(text, source_lang):
            if len(found) < WHOLE_PIECE_PLACEHOLDERS and needs_conversion(
                number, source_lang, target_lang
            ):
                target = render(number, source_lang, target_lang)
                claim(number.start, number.end, Span("number", number.text, target))
    # Indices by order of claim (other spans first), so numbers get the whole-piece ones.
    order = {id(span): index for index, (_, _, span) in enumerate(found)}
    found.sort(key=lambda item: item[0])
    pieces: list[str] = []
    spans: list[Span | None] = [None] * len(found)
    position = 0
    for start, end, span in found:
        before = text[position:start]
        glued = text[start - 1] if start > 0 and not text[start - 1].isspace() else ""
        pieces.append(f"{before} " if glued else before)
        pieces.append(f"{{{order[id(span)]}}}")
        spans[order[id(span)]] = replace(span, glued=glued)
        position = end
    pieces.append(text[position:])
    return Protected("".join(pieces), [span for span in spans if span is not None])


def restore(output: str, protected: Protected) -> tuple[str, list[str]]:
    """Puts the protected spans back into a translation of ``protected.text``.

    A placeholder the model dropped is appended to the sentence; one it repeated is
    restored once and the copies removed; an index it made up is removed.

    Returns:
        The restored text and a warning for each placeholder the model mishandled.
    """
    warnings: list[str] = []
    seen: set[int] = set()

    def put_back(match: re.Match[str]) -> str:
        space, index = match.group(1), int(match.group(2))
        if index >= len(protected.spans) or index in seen:
            return space
        seen.add(index)
        span = protected.spans[index]
        rejoin = span.glued and output[: match.start()].endswith(span.glued)
        return span.target if rejoin else space + span.target

    text = _PLACEHOLDER.sub(put_back, output)
    missing = [i for i in range(len(protected.spans)) if i not in seen]
    for index in missing:
        span = protected.spans[index]
        text = f"{text.rstrip()} {span.target}"
        warnings.append(
            f"protected {span.kind} {span.source!r} was dropped by the model; "
            "re-inserted at the end of the sentence"
        )
    return " ".join(text.split()), warnings


def load_glossary(path: Path) -> dict[str, str]:
    """Reads a deployment glossary from a JSON or TOML file.

    The file holds ``translations`` (a table of term → translation) and/or
    ``do_not_translate`` (a list of terms kept as they are), for example in TOML::

        do_not_translate = ["Tbk", "KONTAN"]
        [translations]
        "Dewan Perwakilan Rakyat" = "House of Representatives"

    Raises:
        ValueError: the file is not JSON or TOML of that shape.
    """
    raw = path.read_text(encoding="utf-8")
    try:
        data = json.loads(raw) if path.suffix == ".json" else tomllib.loads(raw)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"glossary {path}: {exc}") from None
    return parse_glossary(data, str(path))


def parse_glossary(data: object, where: str = "glossary") -> dict[str, str]:
    """Validates a glossary's data (see ``load_glossary``) into term → translation."""
    if not isinstance(data, dict) or set(data) - {"translations", "do_not_translate"}:
        raise ValueError(f"{where}: expected keys 'translations' and/or 'do_not_translate'")
    terms: dict[str, str] = {}
    keep = data.get("do_not_translate", [])
    if not isinstance(keep, list) or not all(isinstance(t, str) for t in keep):
        raise ValueError(f"{where}: 'do_not_translate' must be a list of strings")
    terms.update({t: t for t in keep})
    forced = data.get("translations", {})
    if not isinstance(forced, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in forced.items()
    ):
        raise ValueError(f"{where}: 'translations' must map strings to strings")
    terms.update(forced)
    return terms
