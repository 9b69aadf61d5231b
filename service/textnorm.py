"""Input text normalisation, applied to every text the API accepts before any limit is checked.

- HTML is stripped to text: a text with a tag in it (``<p>``, ``<br/>``, ``</div>``,
  ``<!-- -->``) is parsed as HTML; block elements become line breaks (the API's paragraph
  separator), ``script``/``style`` content is dropped, entities are decoded. Newsroom CMS
  exports are HTML more often than not, and the models would translate the markup
  otherwise. A plain text with a stray ``<`` (``a < b``) has no tag and is left alone.
- Control characters are removed: C0 and C1 except tab and newline; CR and CRLF become
  newlines. They carry no meaning in news text and confuse tokenizers.
- Invalid Unicode is removed: lone surrogates (JSON can carry ``"\\ud800"``; they cannot
  even be stored as UTF-8), the byte-order mark and the non-characters U+FFFE/U+FFFF.
- NFC: composed characters, so "é" typed two ways is one string to the models and limits.

Cleaning rather than rejecting: a client pasting from a CMS should not have to scrub the
text itself; what is left is what gets translated, and a text left empty is refused.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|!--)", re.ASCII)
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section table td th tr ul".split()
)
_SKIPPED_TAGS = frozenset("script style noscript template".split())


def looks_like_html(text: str) -> bool:
    return _TAG.search(text) is not None


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
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
    """Newlines unified, controls and invalid code points removed, NFC."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", _UNWANTED.sub("", text))


def normalise_text(text: str) -> str:
    """`clean_text`, after stripping HTML when the text has tags."""
    text = clean_text(text)
    if looks_like_html(text):
        text = html_to_text(text)
    return text


def normalise_field(value: object) -> object:
    """A pydantic before-validator: normalises strings, leaves other types to the schema."""
    return normalise_text(value) if isinstance(value, str) else value


def clean_field(value: object) -> object:
    """A pydantic before-validator for labels (ids): `clean_text`, no HTML stripping."""
    return clean_text(value) if isinstance(value, str) else value
