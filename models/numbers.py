"""Numbers in Indonesian and English news: find them, write them in the other convention,
and check that a translation kept every number of its source.

Indonesian writes a decimal comma and a thousands dot ("2,7", "2.500"), English the
reverse ("2.7", "2,500"). Scale words ("2,7 juta" = "2.7 million"), percentages ("36
persen" = "36 percent" = "36%") and rupiah ("Rp 2.500" = "Rp 2,500") are part of the number.

What the check accepts as the same number (tuned on FLORES dev, where human references
drew a warning on one sentence in five before):

- a figure glued to a suffix or unit: "1960-an" / "1960s", "ke-8" / "8th", "35 mm" /
  "35mm", "2.4GHz" (the suffix is not part of the value);
- the number in words, cardinal or ordinal, in the target language ("12" / "twelve",
  "ke-18" / "kedelapan belas", "2 juta" / "two million"), from ``num2words``;
- times by their clock reading: "pukul 20.08" / "8:08 p.m.", "9:30 am" / "9.30";
- a digit sequence that is no number of the language ("Gambar 1.1", race times "4:41.30")
  by its digit groups, whatever the separators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from num2words import num2words

SCALES = {
    "id": {"ribu": 1e3, "juta": 1e6, "miliar": 1e9, "milyar": 1e9, "triliun": 1e12},
    "en": {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12},
}
SCALE_WORDS = {
    "id": {1e3: "ribu", 1e6: "juta", 1e9: "miliar", 1e12: "triliun"},
    "en": {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"},
}
PERCENT_WORDS = {"id": ("persen",), "en": ("percent", "per cent")}
# A figure: grouped thousands (three digits a group) with optional decimals, or plain
# digits with optional decimals. The separators are passed in per language.
_FIGURE = r"\d{{1,3}}(?:{thousands}\d{{3}})+(?:{decimal}\d+)?|\d+(?:{decimal}\d+)?"
# Letters glued to a figure ("1960s", "8th", "35mm", "2.4GHz", "5am"): kept outside the value.
_SUFFIX = r"(?P<suffix>[A-Za-z]{1,4}(?![A-Za-z]))?"
_PATTERNS = {
    lang: re.compile(
        r"(?:(?P<rp>\bRp\.?\s?)|(?<![\w.,:]))(?P<figure>"
        + _FIGURE.format(thousands=re.escape(th), decimal=re.escape(dec))
        + r")(?![.,:]?\d)"
        + _SUFFIX
        + r"(?:\s?(?P<pct>%)|\s(?P<word>"
        + "|".join(sorted([*SCALES[lang], *PERCENT_WORDS[lang]], key=len, reverse=True))
        + r")\b)?",
        re.IGNORECASE,
    )
    for lang, th, dec in (("id", ".", ","), ("en", ",", "."))
}
# Clock times: "pukul 20.08", "12.00 WIB" (Indonesian); "10:08 p.m.", "12.00 GMT" (English).
_TIMES = {
    "id": re.compile(
        r"(?:(?<=pukul )|(?<=jam ))(?P<h>[01]?\d|2[0-4])[.:](?P<m>[0-5]\d)(?![.,:]?\d)"
        r"|(?<![\w.,:])(?P<h2>[01]?\d|2[0-4])[.:](?P<m2>[0-5]\d)(?=\s?(?:WIB|WITA|WIT|GMT|UTC)\b)"
    ),
    "en": re.compile(
        r"(?<![\w.,:])(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?![.,:]?\d)"
        r"(?:\s?(?P<ampm>[ap]\.?m\b\.?))?"
        r"|(?<![\w.,:])(?P<h2>[01]?\d|2[0-4])\.(?P<m2>[0-5]\d)(?=\s?(?:GMT|UTC|hours?)\b)"
    ),
}
# Any run of digit groups joined by separators that is none of the above: "1.1", "4:41.30".
_DIGITS = re.compile(r"(?<![\w.,:])\d+(?:[.,:]\d+)+(?![\w.,:]*\d)")


@dataclass(frozen=True)
class Number:
    """A number found in a text.

    Attributes:
        start: Offset of its first character.
        end: Offset after its last character (scale word, "%" or "persen" included; a
            glued suffix such as "th" or "mm" not).
        text: As written.
        figure: The digits as written, separators included ("2,7").
        value: Its value, scale applied (2,7 juta → 2_700_000.0).
        scale: The scale word's factor (1.0 when none).
        percent: Whether it is a percentage.
        currency: ``"Rp"`` when the figure is in rupiah, else ``""``.
        kind: ``number``, ``time`` (a clock reading) or ``digits`` (a code such as "1.1"
            that is no number of the language: its value is meaningless).
        keys: What a translation may match it by (value, clock reading, digit groups).
    """

    start: int
    end: int
    text: str
    figure: str
    value: float
    scale: float = 1.0
    percent: bool = False
    currency: str = ""
    kind: str = "number"
    keys: frozenset[object] = field(default_factory=frozenset)


def find_numbers(text: str, lang: str) -> list[Number]:
    """Numbers written in digits in ``text``, in the convention of ``lang`` (``id``/``en``)."""
    found: list[Number] = [*_times(text, lang)]
    taken = [(n.start, n.end) for n in found]

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    thousands, decimal = (".", ",") if lang == "id" else (",", ".")
    for match in _PATTERNS[lang].finditer(text):
        start = match.start("rp") if match.group("rp") else match.start("figure")
        if not free(start, match.end()):
            continue
        figure = match.group("figure")
        value = float(figure.replace(thousands, "").replace(decimal, "."))
        word = (match.group("word") or "").lower()
        scale = SCALES[lang].get(word, 1.0)
        end = match.end() if (word or match.group("pct")) else match.end("figure")
        keys: set[object] = {round(value * scale, 6)}
        if scale != 1.0:
            keys.add(("figure", round(value, 6), scale))
        if re.fullmatch(r"\d+\.\d+", figure):  # "1.1" may be a section number
            keys.add(_digit_key(figure))
        found.append(
            Number(
                start=start,
                end=end,
                text=text[start:end],
                figure=figure,
                value=value * scale,
                scale=scale,
                percent=bool(match.group("pct")) or word in PERCENT_WORDS[lang],
                currency="Rp" if match.group("rp") else "",
                keys=frozenset(keys),
            )
        )
        taken.append((start, end))
    for match in _DIGITS.finditer(text):
        if free(match.start(), match.end()):
            figure = match.group()
            found.append(
                Number(
                    start=match.start(),
                    end=match.end(),
                    text=figure,
                    figure=figure,
                    value=0.0,
                    kind="digits",
                    keys=frozenset({_digit_key(figure)}),
                )
            )
    return sorted(found, key=lambda n: n.start)


def _times(text: str, lang: str) -> Iterable[Number]:
    for match in _TIMES[lang].finditer(text):
        hour = int(match.group("h") or match.group("h2"))
        minute = int(match.group("m") or match.group("m2"))
        figure = match.group()
        yield Number(
            start=match.start(),
            end=match.end(),
            text=figure,
            figure=figure,
            value=hour + minute / 100,
            kind="time",
            keys=frozenset({("time", hour % 12, minute), ("digits", str(hour), str(minute))}),
        )


def _digit_key(figure: str) -> tuple[str, ...]:
    return ("digits", *(group.lstrip("0") or "0" for group in re.split(r"[.,:]", figure)))


def render(number: Number, source_lang: str, target_lang: str) -> str:
    """``number`` written the way ``target_lang`` writes it ("2,7 juta" → "2.7 million")."""
    if number.kind == "digits" or (source_lang == target_lang and number.kind == "time"):
        return number.text
    if number.kind == "time":
        hour, minute = (int(g) for g in re.findall(r"\d+", number.text)[:2])
        if target_lang == "id":
            if re.search(r"p\.?m", number.text, re.IGNORECASE) and hour < 12:
                hour += 12
            return f"{hour:02d}.{minute:02d}"
        return f"{hour}:{minute:02d}"
    figure = number.figure
    if source_lang != target_lang:
        figure = figure.translate(str.maketrans(".,", ",."))
    parts = [f"{number.currency} {figure}" if number.currency else figure]
    if number.scale != 1.0:
        parts.append(SCALE_WORDS[target_lang][number.scale])
    if number.percent:
        if "%" in number.text:
            return " ".join(parts) + "%"
        parts.append(PERCENT_WORDS[target_lang][0])
    return " ".join(parts)


def needs_conversion(number: Number, source_lang: str, target_lang: str) -> bool:
    """Whether the target writes ``number`` differently from the source (separators, scale
    or percent word). Times and codes are left to the model either way."""
    return number.kind == "number" and render(number, source_lang, target_lang) != number.text


@lru_cache(maxsize=4096)
def number_words(value: int, lang: str) -> tuple[str, ...]:
    """``value`` in words in ``lang``, cardinal and ordinal, lower case, hyphens as spaces
    ("twenty one", "twenty first"; "kedelapan belas")."""
    forms = []
    for to in ("cardinal", "ordinal"):
        try:
            forms.append(num2words(value, lang=lang, to=to))
        except (NotImplementedError, OverflowError, TypeError):  # pragma: no cover - lib gaps
            continue
    return tuple(_words(form) for form in forms)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[-‐–,]", " ", text.lower()).split())


def _in_words(number: Number, target: str, lang: str) -> bool:
    value = number.value
    if number.kind != "number" or value != int(value) or not 0 <= value < 1e13:
        return False
    padded = f" {target} "
    return any(f" {form} " in padded for form in number_words(int(value), lang) if form)


def check_numbers(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    """Warnings for each number of ``source`` that ``target`` lacks in its own convention.

    Returns:
        One message per missing or changed number, naming it as the source wrote it and as
        the target should write it; empty when every number is there.
    """
    have = find_numbers(target, target_lang)
    words = _words(re.sub(r"[^\w\s-]", " ", target))
    warnings: list[str] = []
    for number in find_numbers(source, source_lang):
        match = next((n for n in have if n.keys & number.keys), None)
        if match is not None:
            have.remove(match)
            continue
        if _in_words(number, words, target_lang):
            continue
        expected = render(number, source_lang, target_lang)
        warnings.append(
            f"number {number.text!r} is missing or changed in the translation "
            f"(expected {expected!r})"
        )
    return warnings
