"""Site boilerplate: split an article into headline, dateline, bylines, captions and body.

News pages come wrapped in a dateline ("Kamis, 23 Oktober 2014 | 10:07 WIB", "JAKARTA.",
"Jakarta, CNN Indonesia --"), bylines ("Reporter: …", "Editor: …"), photo captions
("ILUSTRASI. …") and footers ("Cek Berita dan Artikel yang lain di Google News", "Baca
juga: …", "Terbaru…", "Sign up for our newsletter"). Translating them wastes time and puts
noise in the brief. The rules are regular expressions in ``boilerplate_rules.toml``, one
list per kind, so a site is added by adding a line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ringkas.models.segment import split_paragraphs

RULES_FILE = Path(__file__).with_name("boilerplate_rules.toml")
KINDS = ("dateline_prefix", "byline", "caption", "footer", "footer_cut", "credit_suffix")


@dataclass(frozen=True)
class Rules:
    """Compiled boilerplate rules, one list per kind (see ``boilerplate_rules.toml``)."""

    dateline_prefix: list[re.Pattern[str]]
    byline: list[re.Pattern[str]]
    caption: list[re.Pattern[str]]
    footer: list[re.Pattern[str]]
    footer_cut: list[re.Pattern[str]]
    credit_suffix: list[re.Pattern[str]]


@dataclass
class CleanArticle:
    """An article split into its parts.

    Attributes:
        title: The headline (the one given, else one found at the top), or ``None``.
        dateline: Date and/or place line, e.g. ``"Kamis, 23 Oktober 2014 | 10:07 WIB"``.
        bylines: "Reporter: …", "Editor: …" lines.
        captions: Photo captions.
        body: The body's paragraphs, joined with newlines.
        removed: Footer paragraphs and end-of-paragraph credits ("(adji/mb)") dropped from
            the body, in order.
    """

    title: str | None
    dateline: str | None
    body: str
    bylines: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def load_rules(path: Path = RULES_FILE) -> Rules:
    """Reads and compiles a rules file.

    Raises:
        ValueError: a kind is missing or unknown, or a pattern does not compile.
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if set(data) != set(KINDS):
        raise ValueError(f"{path}: expected exactly the lists {', '.join(KINDS)}")
    try:
        compiled = {kind: [re.compile(p) for p in data[kind]] for kind in KINDS}
    except re.error as exc:
        raise ValueError(f"{path}: bad pattern {exc.pattern!r}: {exc}") from None
    return Rules(**compiled)


@lru_cache(maxsize=8)
def _rules(path: Path) -> Rules:
    return load_rules(path)


def clean_article(text: str, title: str | None = None, rules: Rules | None = None) -> CleanArticle:
    """Separates the body of an article from the site's boilerplate.

    Args:
        text: The article as scraped; paragraphs on separate lines.
        title: The headline, when known; a copy of it at the top of the text is dropped.
            When ``None``, no headline is guessed: a first line without final punctuation
            is as often a standfirst (see the second seed) as a headline.
        rules: Rules to apply; default: ``models/boilerplate_rules.toml``.

    Returns:
        The parts. If every paragraph looks like boilerplate, the body is the text as it
        was (a cleaner must never leave nothing to translate).
    """
    rules = rules or _rules(RULES_FILE)
    paragraphs = split_paragraphs(text)
    result = CleanArticle(
        title=title.strip() if title and title.strip() else None, dateline=None, body=""
    )
    body: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        paragraph = _take_credit(paragraph, rules, result)
        if not paragraph:
            continue
        if any(p.search(paragraph) for p in rules.footer_cut):
            result.removed.extend(paragraphs[index:])
            break
        if any(p.search(paragraph) for p in rules.footer):
            result.removed.append(paragraph)
            continue
        if any(p.search(paragraph) for p in rules.caption):
            result.captions.append(paragraph)
            continue
        if any(p.search(paragraph) for p in rules.byline):
            result.bylines.append(paragraph)
            continue
        if not body:
            paragraph = _take_dateline(paragraph, rules, result)
            if not paragraph:
                continue
            if result.title is not None and _same(paragraph, result.title):
                continue  # the page repeats its headline
        body.append(paragraph)
    result.body = "\n".join(body) if body else "\n".join(paragraphs)
    return result


def _take_credit(paragraph: str, rules: Rules, result: CleanArticle) -> str:
    """Cuts a credit ("(adji/mb)", "[noe]") off the end of a paragraph."""
    for pattern in rules.credit_suffix:
        match = pattern.search(paragraph)
        if match:
            result.removed.append(match.groupdict().get("credit") or match.group().strip())
            return paragraph[: match.start()].rstrip()
    return paragraph


def _take_dateline(paragraph: str, rules: Rules, result: CleanArticle) -> str:
    """Cuts leading datelines off the first body paragraph; a byline may follow one."""
    changed = True
    while changed and paragraph:
        changed = False
        for pattern in rules.dateline_prefix:
            match = pattern.search(paragraph)
            if match:
                found = match.groupdict().get("dateline") or match.group().strip()
                result.dateline = f"{result.dateline} | {found}" if result.dateline else found
                paragraph = paragraph[match.end() :].strip()
                changed = True
                break
        if any(p.search(paragraph) for p in rules.byline):
            result.bylines.append(paragraph)
            return ""
    return paragraph


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _looks_like_headline(paragraph: str, rest: list[str]) -> bool:
    return (
        bool(rest)
        and len(paragraph.split()) <= 20
        and not paragraph.rstrip().endswith((".", "!", "?", '"', "”", ":"))
    )
