"""Input text normalisation, applied to every text the API accepts before any limit is checked.

- HTML is stripped to text, but only when the text really is HTML (`looks_like_html`): an
  HTML parser reads it, and it counts as HTML only with markup no plain text carries: a known
  HTML element closed by its end tag (``<b>…</b>``, ``</p>``), a void element (``<br>``,
  ``<img src="…">``), a known element with ``name="value"`` attributes
  (``<p class="lead">``), a comment or a doctype. ``Reporter <Budi> melaporkan`` (not an
  HTML element) and ``a<b dan c>d`` (``<b>`` never closed, attributes without values) are
  plain text and kept as they are. Then block elements become line breaks (the API's
  paragraph separator), ``script``/``style`` content is dropped, entities are decoded.
  Newsroom CMS exports are HTML more often than not, and the models would translate the
  markup otherwise.
- Control characters (C0 and C1 except tab and newline, DEL) separate words: between two
  visible characters they become one space ("Halo\\0dunia" → "Halo dunia"), elsewhere they
  are dropped; CR and CRLF become newlines. They carry no meaning in news text and confuse
  tokenizers.
- Invalid Unicode is removed: lone surrogates (JSON can carry ``"\\ud800"``; they cannot
  even be stored as UTF-8), the byte-order mark and the non-characters U+FFFE/U+FFFF.
- NFC: composed characters, so "é" typed two ways is one string to the models and limits.

Cleaning rather than rejecting: a client pasting from a CMS should not have to scrub the
text itself; what is left is what gets translated, and a text left blank (`is_blank`:
nothing but whitespace and invisible format characters such as U+200B) is refused.

The parser is the standard library's ``html.parser``: a tokenizer that never needs the
input to be well formed, which is what both the detection (it reports each tag with its
attributes, as written) and the conversion need.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

_INVALID = re.compile("[\ud800-\udfff\ufeff\ufffe\uffff]")
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# A run of controls between two visible characters stands for a separator; Python counts
# some controls (\x1c-\x1f, \x85) as whitespace, so "visible" is spelt out here.
_VISIBLE = f"[^\\s{_CONTROLS}]"
_SEPARATING_CONTROLS = re.compile(f"(?<={_VISIBLE})[{_CONTROLS}]+(?={_VISIBLE})")
_OTHER_CONTROLS = re.compile(f"[{_CONTROLS}]+")
_SPACES = re.compile(r"\s+")

# The elements of the HTML standard, and a few obsolete ones CMS exports still carry.
HTML_ELEMENTS = frozenset(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button "
    "canvas caption cite code col colgroup data datalist dd del details dfn dialog div dl "
    "dt em embed fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header "
    "hgroup hr html i iframe img input ins kbd label legend li link main map mark menu "
    "meta meter nav noscript object ol optgroup option output p param picture pre "
    "progress q rp rt ruby s samp script search section select slot small source span "
    "strong style sub summary sup table tbody td template textarea tfoot th thead time "
    "title tr track u ul var video wbr "
    "big center font strike tt".split()
)
VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table td th tr ul".split()
)
_SKIPPED_TAGS = frozenset("script style noscript template".split())

Attrs = list[tuple[str, str | None]]


class _TolerantParser(HTMLParser):
    """``HTMLParser`` that reads any string: Python 3.11 raises AssertionError on a
    malformed ``<![…`` section, which is kept as text here instead."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data(self.rawdata[i : i + 3])
            return i + 3


class _HtmlEvidence(_TolerantParser):
    """Notes whether the text has markup that only HTML carries."""

    def __init__(self) -> None:
        super().__init__()
        self.found = False

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        if tag not in HTML_ELEMENTS or any(value is None for _, value in attrs):
            return  # "<Budi>", "<b dan c>": not HTML as anyone writes it
        if tag in VOID_ELEMENTS or attrs:
            self.found = True

    def handle_startendtag(self, tag: str, attrs: Attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in HTML_ELEMENTS:
            self.found = True

    def handle_comment(self, data: str) -> None:
        self.found = True

    def handle_decl(self, decl: str) -> None:
        if decl.lower().startswith("doctype"):
            self.found = True


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is HTML (a page or a fragment), by the rules in the module doc.

    The plain-text path strips HTML only when this says so; an input that declares
    itself HTML would not need to ask.
    """
    if "<" not in text:
        return False
    parser = _HtmlEvidence()
    parser.feed(text)
    parser.close()
    return parser.found


class _TextExtractor(_TolerantParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: Attrs) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # In HTML a newline in text is a space; only blocks make lines.
            self.parts.append(_SPACES.sub(" ", data))


def html_to_text(html: str) -> str:
    """The text of an HTML fragment or page: one line per block, spaces collapsed."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def clean_text(text: str) -> str:
    """Newlines unified, invalid code points removed, controls made separators, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVALID.sub("", text)
    text = _OTHER_CONTROLS.sub("", _SEPARATING_CONTROLS.sub(" ", text))
    return unicodedata.normalize("NFC", text)


def normalise_text(text: str) -> str:
    """`clean_text`, after stripping HTML when the text is HTML."""
    text = clean_text(text)
    if looks_like_html(text):
        text = html_to_text(text)
    return text


def is_blank(text: str) -> bool:
    """Nothing to read: only whitespace and invisible format characters (category Cf:
    zero-width space and joiners, word joiner, soft hyphen…)."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def normalise_field(value: object) -> object:
    """A pydantic before-validator: normalises strings, leaves other types to the schema."""
    return normalise_text(value) if isinstance(value, str) else value


def clean_field(value: object) -> object:
    """A pydantic before-validator for labels (ids): `clean_text`, no HTML stripping."""
    return clean_text(value) if isinstance(value, str) else value
