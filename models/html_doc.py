"""HTML documents: translated block by block, inline markup carried through as placeholders.

An HTML article (``"format": "html"``) is parsed with lxml (libxml2's HTML parser, which
reads any tag soup a CMS exports) into a tree. Scripts, styles, comments and the like are
dropped. Every run of text and inline elements in a block (a heading, a paragraph, a list
item, a quote, a caption, a table cell, the loose text of a ``div``) becomes one
*segment*: a paragraph of the article, translated like any other, sentence by sentence and
batched with the rest.

Inline elements (links, emphasis, ``span``…) travel inside the segment as placeholders, an
opening and a closing one around the text they mark: ``Presiden <a href="…">Joko
Widodo</a> berkata`` is translated as ``Presiden {1000}Joko Widodo{1001} berkata``.
``models.protect`` takes ``{N}`` in a sentence for a protected literal, so the model sees
``{0}``/``{1}`` (placeholders it copies; see that module) and every marker comes back,
re-inserted at the end of its sentence when the model dropped it. The placeholders follow
the words they wrap when the model reorders a phrase, which mapping tags by position or by
sentence could not; the translation then decides where a link's words are. Rebuilding is
forgiving, so the output is always well-formed: a closing marker before its opening one
is ignored (the element then runs to the end of its segment), and an element whose
markers end up around nothing gets its source text back, so a link never vanishes.
Elements whose content must not change (``code``, ``br``, ``img``, ``kbd``…) are one
placeholder each, copied as they were; ``pre``, ``textarea``, ``svg`` and ``math`` blocks
are kept untranslated. Attributes are kept; ``alt`` and ``title`` texts are not translated.

Markers are numbered from above every ``{N}`` the document's own text holds, so such text
is never taken for markup.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

import lxml.etree
import lxml.html

DROPPED = frozenset("script style noscript template iframe object embed link meta".split())
KEPT_BLOCKS = frozenset("pre textarea svg math".split())  # copied untranslated
INLINE = frozenset(
    "a abbr b bdi bdo big cite data del dfn em font i ins label mark q s small span "
    "strike strong sub sup time tt u".split()
)
ATOMIC = frozenset("br code img input kbd samp var wbr".split())  # one placeholder each
_MARKER = re.compile(r"\{(\d+)\}")
_LITERAL_WARNING = re.compile(r"protected literal '\{(\d+)\}' was dropped")
_NO_SPACE = frozenset(".,;:!?)]}»”’")
_DOCUMENT = re.compile(r"^\s*(<!doctype|<html[\s>])", re.IGNORECASE)


@dataclass
class _Marker:
    kind: str  # "atom", "open", "close"
    element: lxml.html.HtmlElement | None = None  # atom: the copy; open: tag + attributes
    opens: int | None = None  # close: the id of its opening marker
    source_text: str = ""  # open: the text it wrapped in the source


@dataclass
class Segment:
    """One run of text and inline elements: a paragraph to translate.

    Attributes:
        text: The run's text, inline elements as ``{N}`` markers, whitespace collapsed.
        plain: The same without markers: what the article's paragraph shows.
    """

    text: str
    plain: str
    leading_space: bool = False
    trailing_space: bool = False


@dataclass
class HtmlDocument:
    """A parsed HTML article: its segments to translate, and how to put it back together."""

    root: lxml.html.HtmlElement
    is_document: bool
    segments: list[Segment] = field(default_factory=list)
    markers: dict[int, _Marker] = field(default_factory=dict)
    # The layout, in document order: a segment (its index) or a block to rebuild.
    _next_marker: int = 0

    def plain(self, text: str) -> str:
        """``text`` (a segment, a sentence or its translation) without the markers."""
        stripped = _MARKER.sub(lambda m: "" if int(m.group(1)) in self.markers else m.group(), text)
        return " ".join(stripped.split())

    def describe(self, warning: str) -> str:
        """A sentence warning about a marker, in terms of the markup it stands for."""
        match = _LITERAL_WARNING.search(warning)
        marker = self.markers.get(int(match.group(1))) if match else None
        if marker is None:
            return warning
        tag = self._tag_of(marker)
        return (
            f"the model dropped the place of the inline <{tag}> tag; it was re-inserted at "
            "the end of the sentence"
        )

    def _tag_of(self, marker: _Marker) -> str:
        if marker.kind == "close" and marker.opens is not None:
            marker = self.markers[marker.opens]
        return str(marker.element.tag) if marker.element is not None else "?"

    def render(self, translations: list[str]) -> str:
        """The document with each segment replaced by its translation (markers in it)."""
        if len(translations) != len(self.segments):
            raise ValueError("one translation per segment is needed")
        out = _Rebuilder(self, translations).block(self.root)
        if self.is_document:
            return lxml.html.tostring(out, doctype="<!DOCTYPE html>", encoding="unicode")
        # A fragment was parsed inside a <div> of ours: give back its content only.
        parts = [out.text or ""] + [lxml.html.tostring(child, encoding="unicode") for child in out]
        return "".join(parts)


def parse_html(html: str) -> HtmlDocument:
    """Parses an HTML page or fragment into its segments.

    Raises:
        ValueError: the HTML has no text to translate.
    """
    is_document = bool(_DOCUMENT.match(html))
    try:
        if is_document:
            root = lxml.html.document_fromstring(html)
        else:
            root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ValueError(f"the HTML could not be read: {exc}") from None
    _drop_unwanted(root)
    literal = [int(n) for n in _MARKER.findall(root.text_content())]
    base = max(literal, default=-1) + 1
    # Round up, so markers read as markers ({1000}, not {7}) in results and logs.
    document = HtmlDocument(root, is_document, _next_marker=max(1000, -(-base // 1000) * 1000))
    _Segmenter(document).block(root)
    if not any(s.plain for s in document.segments):
        raise ValueError("the HTML has no text to translate")
    return document


def _drop_unwanted(root: lxml.html.HtmlElement) -> None:
    for node in list(root.iter(lxml.etree.Comment, lxml.etree.ProcessingInstruction)):
        _remove_keeping_tail(node)
    for node in list(root.iter(*DROPPED)):
        _remove_keeping_tail(node)


def _remove_keeping_tail(node: lxml.etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    tail = node.tail or ""
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(node)


def _is_inline(node: lxml.html.HtmlElement) -> bool:
    """An element that can travel inside a segment: inline, with only inline content."""
    if not isinstance(node.tag, str):
        return False
    if node.tag in ATOMIC:
        return True
    return node.tag in INLINE and all(_is_inline(child) for child in node)


Item: TypeAlias = "str | lxml.html.HtmlElement"


def _content(element: lxml.html.HtmlElement) -> Iterator[Item]:
    """An element's content in order: texts and child elements."""
    if element.text:
        yield element.text
    for child in element:
        yield child
        if child.tail:
            yield child.tail


def _runs(element: lxml.html.HtmlElement) -> Iterator[list[Item] | lxml.html.HtmlElement]:
    """An element's content as runs of text and inline elements, and its block children."""
    run: list[Item] = []
    for item in _content(element):
        if isinstance(item, str) or _is_inline(item):
            run.append(item)
            continue
        if run:
            yield run
            run = []
        yield item
    if run:
        yield run


class _Segmenter:
    """Walks the tree and records its segments, in document order."""

    def __init__(self, document: HtmlDocument) -> None:
        self.document = document

    def block(self, element: lxml.html.HtmlElement) -> None:
        if element.tag in KEPT_BLOCKS:
            return
        for part in _runs(element):
            if isinstance(part, list):
                self._run(part)
            else:
                self.block(part)

    def _run(self, run: list[Item]) -> None:
        if not _has_text(run):
            return  # whitespace, an image between blocks: kept as they are
        raw = "".join(self._flatten(run))
        text = " ".join(raw.split())
        self.document.segments.append(
            Segment(
                text=text,
                plain=self.document.plain(text),
                leading_space=raw[:1].isspace(),
                trailing_space=raw[-1:].isspace(),
            )
        )

    def _flatten(self, items: list[Item]) -> Iterator[str]:
        for item in items:
            if isinstance(item, str):
                yield item
            elif item.tag in ATOMIC or not item.text_content().strip():
                shell = copy.deepcopy(item)
                shell.tail = None
                yield self._marker(_Marker("atom", shell))
            else:
                shell = lxml.html.Element(item.tag, dict(item.attrib))
                opening = self._marker(
                    _Marker("open", shell, source_text=" ".join(item.text_content().split()))
                )
                yield opening
                yield from self._flatten(list(_content(item)))
                yield self._marker(_Marker("close", opens=int(opening[1:-1])))

    def _marker(self, marker: _Marker) -> str:
        number = self.document._next_marker
        self.document._next_marker += 1
        self.document.markers[number] = marker
        return f"{{{number}}}"


class _Rebuilder:
    """Builds the translated tree: blocks copied, each segment's run replaced."""

    def __init__(self, document: HtmlDocument, translations: list[str]) -> None:
        self.document = document
        self.translations = iter(translations)
        self.segments = iter(document.segments)

    def block(self, element: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
        if element.tag in KEPT_BLOCKS:
            kept = copy.deepcopy(element)
            kept.tail = None
            return kept
        out = lxml.html.Element(element.tag, dict(element.attrib))
        for part in _runs(element):
            if isinstance(part, list):
                self._run(out, part)
            else:
                _append(out, self.block(part))
        return out

    def _run(self, out: lxml.html.HtmlElement, run: list[Item]) -> None:
        if not _has_text(run):
            for item in run:  # no segment: copied as it was
                if isinstance(item, str):
                    _append_text(out, item)
                else:
                    _append(out, copy.deepcopy(item))
            return
        segment = next(self.segments)
        translation = next(self.translations)
        if segment.leading_space:
            _append_text(out, " ")
        _Builder(self.document, out).build(translation)
        if segment.trailing_space:
            _append_text(out, " ")


class _Builder:
    """Turns one translated segment (text with markers) into nodes appended to ``out``."""

    def __init__(self, document: HtmlDocument, out: lxml.html.HtmlElement) -> None:
        self.document = document
        self.stack: list[tuple[int | None, lxml.html.HtmlElement]] = [(None, out)]
        self.opened: list[tuple[int, lxml.html.HtmlElement]] = []

    def build(self, translation: str) -> None:
        for token in self._tidy(list(self._tokens(translation))):
            if isinstance(token, str):
                _append_text(self.stack[-1][1], token)
                continue
            marker = self.document.markers[token]
            if marker.kind == "atom" and marker.element is not None:
                _append(self.stack[-1][1], copy.deepcopy(marker.element))
            elif marker.kind == "open" and marker.element is not None:
                element = copy.deepcopy(marker.element)
                _append(self.stack[-1][1], element)
                self.stack.append((token, element))
                self.opened.append((token, element))
            elif marker.kind == "close" and any(i == marker.opens for i, _ in self.stack):
                while self.stack[-1][0] != marker.opens:
                    self.stack.pop()
                self.stack.pop()
            # else: a close before its opening: ignored, the element runs on
        for number, element in self.opened:
            if not element.text_content().strip():
                # Its markers came back around nothing: the source words keep it visible.
                element.text = self.document.markers[number].source_text

    def _is(self, token: str | int | None, kind: str) -> bool:
        return isinstance(token, int) and self.document.markers[token].kind == kind

    def _tidy(self, tokens: list[str | int]) -> list[str | int]:
        """Moves the spaces just inside an element's markers outside them: ``a {1} b {2}
        c`` reads ``a <x>b</x> c``, not ``a <x> b </x>c``."""
        # A pair the model put the wrong way round wraps what is between its markers.
        where = {t: i for i, t in enumerate(tokens) if isinstance(t, int)}
        for number, position in where.items():
            marker = self.document.markers[number]
            opening = where.get(marker.opens) if marker.opens is not None else None
            if marker.kind == "close" and opening is not None and position < opening:
                tokens[position], tokens[opening] = tokens[opening], tokens[position]
        out: list[str | int] = []
        for index, token in enumerate(tokens):
            if not isinstance(token, str):
                out.append(token)
                continue
            before = tokens[index - 1] if index else None
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            if self._is(before, "open") and token[:1].isspace():
                token = token.lstrip()
                out.insert(len(out) - 1, " ")
            space_after = self._is(after, "close") and token[-1:].isspace()
            if space_after:
                token = token.rstrip()
            if token:
                out.append(token)
            if space_after:
                following = tokens[index + 2] if index + 2 < len(tokens) else ""
                # The close marker, then the space, unless punctuation follows.
                space = "" if isinstance(following, str) and following[:1] in _NO_SPACE else " "
                out += [tokens[index + 1], space]
                tokens[index + 1] = ""  # taken
        return [t for t in out if t != ""]

    def _tokens(self, translation: str) -> Iterator[str | int]:
        position = 0
        for match in _MARKER.finditer(translation):
            number = int(match.group(1))
            if number not in self.document.markers:
                continue
            if match.start() > position:
                yield translation[position : match.start()]
            yield number
            position = match.end()
        if position < len(translation):
            yield translation[position:]


def _append(parent: lxml.html.HtmlElement, child: lxml.html.HtmlElement) -> None:
    child.tail = None
    parent.append(child)


def _append_text(parent: lxml.html.HtmlElement, text: str | None) -> None:
    if not text:
        return
    before = (parent[-1].tail if len(parent) else parent.text) or ""
    if text[:1].isspace() and (before[-1:].isspace() or (not before and not len(parent))):
        text = text.lstrip()  # one space where two pieces meet; none at the start
    if len(parent):
        parent[-1].tail = before + text
    else:
        parent.text = before + text


def _has_text(run: list[Item]) -> bool:
    """Whether a run has words to translate (atoms such as images are no words)."""
    return any(
        item.strip()
        if isinstance(item, str)
        else item.tag not in ATOMIC and item.text_content().strip()
        for item in run
    )
