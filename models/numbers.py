"""Numbers in Indonesian and English news: find them, write them in the other convention,
and check that a translation kept every number of its source.

Indonesian writes a decimal comma and a thousands dot ("2,7", "2.500"), English the
reverse ("2.7", "2,500"). Scale words ("2,7 juta" = "2.7 million"), percentages ("36
persen" = "36 percent" = "36%") and rupiah ("Rp 2.500" = "Rp 2,500") are part of the number.
Small numbers written as words ("enam", "six") count as numbers in the check, so a model
that writes "six industries" for "enam industri" is not flagged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

SCALES = {
    "id": {"ribu": 1e3, "juta": 1e6, "miliar": 1e9, "milyar": 1e9, "triliun": 1e12},
    "en": {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12},
}
SCALE_WORDS = {
    "id": {1e3: "ribu", 1e6: "juta", 1e9: "miliar", 1e12: "triliun"},
    "en": {1e3: "thousand", 1e6: "million", 1e9: "billion", 1e12: "trillion"},
}
PERCENT_WORDS = {"id": ("persen",), "en": ("percent", "per cent")}
WORD_NUMBERS = {
    "id": dict(
        zip(
            "nol satu dua tiga empat lima enam tujuh delapan sembilan sepuluh".split(),
            range(11),
            strict=True,
        )
    ),
    "en": dict(
        zip(
            "zero one two three four five six seven eight nine ten".split(),
            range(11),
            strict=True,
        )
    ),
}
# A figure: grouped thousands (three digits a group) with optional decimals, or plain
# digits with optional decimals. The separators are passed in per language.
_FIGURE = r"\d{{1,3}}(?:{thousands}\d{{3}})+(?:{decimal}\d+)?|\d+(?:{decimal}\d+)?"
_PATTERNS = {
    lang: re.compile(
        r"(?:(?P<rp>\bRp\.?\s?)|(?<![\w.,]))(?P<figure>"
        + _FIGURE.format(thousands=re.escape(th), decimal=re.escape(dec))
        + r")(?![\w])"
        + r"(?:\s?(?P<pct>%)|\s(?P<word>"
        + "|".join(sorted([*SCALES[lang], *PERCENT_WORDS[lang]], key=len, reverse=True))
        + r")\b)?",
        re.IGNORECASE,
    )
    for lang, th, dec in (("id", ".", ","), ("en", ",", "."))
}


@dataclass(frozen=True)
class Number:
    """A number found in a text.

    Attributes:
        start: Offset of its first character.
        end: Offset after its last character (scale word, "%" or "persen" included).
        text: As written.
        figure: The digits as written, separators included ("2,7").
        value: Its value, scale applied (2,7 juta → 2_700_000.0).
        scale: The scale word's factor (1.0 when none).
        percent: Whether it is a percentage.
        currency: ``"Rp"`` when the figure is in rupiah, else ``""``.
    """

    start: int
    end: int
    text: str
    figure: str
    value: float
    scale: float = 1.0
    percent: bool = False
    currency: str = ""


def find_numbers(text: str, lang: str) -> list[Number]:
    """Numbers written in digits in ``text``, in the convention of ``lang`` (``id``/``en``)."""
    numbers: list[Number] = []
    thousands, decimal = (".", ",") if lang == "id" else (",", ".")
    for match in _PATTERNS[lang].finditer(text):
        figure = match.group("figure")
        value = float(figure.replace(thousands, "").replace(decimal, "."))
        word = (match.group("word") or "").lower()
        scale = SCALES[lang].get(word, 1.0)
        percent = bool(match.group("pct")) or word in PERCENT_WORDS[lang]
        start = match.start("rp") if match.group("rp") else match.start("figure")
        numbers.append(
            Number(
                start=start,
                end=match.end(),
                text=text[start : match.end()],
                figure=figure,
                value=value * scale,
                scale=scale,
                percent=percent,
                currency="Rp" if match.group("rp") else "",
            )
        )
    return numbers


def render(number: Number, source_lang: str, target_lang: str) -> str:
    """``number`` written the way ``target_lang`` writes it ("2,7 juta" → "2.7 million")."""
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


def values(text: str, lang: str) -> Counter[float]:
    """The multiset of number values in ``text``: digits (scale applied) and number words."""
    found: Counter[float] = Counter(round(n.value, 6) for n in find_numbers(text, lang))
    for word in re.findall(r"[^\W\d_]+", text.lower()):
        if word in WORD_NUMBERS[lang]:
            found[float(WORD_NUMBERS[lang][word])] += 1
    return found


def check_numbers(source: str, target: str, source_lang: str, target_lang: str) -> list[str]:
    """Warnings for each number of ``source`` that ``target`` lacks in its own convention.

    Returns:
        One message per missing or changed number, naming it as the source wrote it and as
        the target should write it; empty when every number is there.
    """
    have = values(target, target_lang)
    warnings: list[str] = []
    for number in find_numbers(source, source_lang):
        key = round(number.value, 6)
        if have[key] > 0:
            have[key] -= 1
            continue
        expected = render(number, source_lang, target_lang)
        warnings.append(
            f"number {number.text!r} is missing or changed in the translation "
            f"(expected {expected!r})"
        )
    return warnings
