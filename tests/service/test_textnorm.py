"""Input normalisation: HTML to text, control characters and invalid Unicode out, NFC."""

from __future__ import annotations

import pytest

from ringkas.service.textnorm import clean_text, is_blank, looks_like_html, normalise_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Harga\x00 beras\x07 naik.\x1b", "Harga beras naik."),
        ("C1\x85 and DEL\x7f gone", "C1 and DEL gone"),
        # Between two words a control is a separator: the words stay apart.
        ("Halo\x00dunia", "Halo dunia"),
        ("Halo\x85dunia", "Halo dunia"),  # NEL, "next line"
        ("satu\x00\x1f\x7fdua\x0btiga", "satu dua tiga"),
        ("tab\tand\nnewline stay", "tab\tand\nnewline stay"),
        ("windows\r\nline\rends", "windows\nline\nends"),
        ("lone \ud800surrogate\udfff", "lone surrogate"),
        ("\ufeffBOM and \uffff non-character", "BOM and  non-character"),
        ("Cafe\u0301 decomposed", "Café decomposed"),  # NFD → NFC
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_html_becomes_lines_of_text() -> None:
    html = (
        "<html><head><style>p {color: red}</style><script>alert(1)</script></head><body>"
        "<h1>Judul &amp; berita</h1><p>Paragraf <b>satu</b>.</p><p>Paragraf\n   dua.<br/>"
        "Baris tiga.</p><!-- komentar --><ul><li>satu</li><li>dua</li></ul></body></html>"
    )

    assert normalise_text(html) == (
        "Judul & berita\nParagraf satu.\nParagraf dua.\nBaris tiga.\nsatu\ndua"
    )


@pytest.mark.parametrize(
    "text",
    [
        "a < b dan c > d",
        "x <3 y",
        "Skor 2<3",
        "tanpa tag",
        # Angle brackets around a word are not HTML: nothing is lost, paragraphs stay.
        "Reporter <Budi> melaporkan dari Jakarta.\nParagraf kedua <Ani>.",
        "a<b dan c>d",  # <b> never closed, attributes without values
        "Kode <div> dan <p> disebut dalam teks.",  # known tags, never closed
        "Rumus: <x, y> dan <Tag attr>.",
        "<![foo bar",  # a malformed marked section (html.parser raises on it)
    ],
)
def test_text_without_html_is_kept_as_it_is(text: str) -> None:
    assert not looks_like_html(text)
    assert normalise_text(text) == text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("Harga <b>naik</b> lagi.", "Harga naik lagi."),
        ("Baris satu<br>baris dua", "Baris satu\nbaris dua"),
        ("Baris satu<br/>baris dua", "Baris satu\nbaris dua"),
        ('<p class="lead">Paragraf satu', "Paragraf satu"),
        ("Paragraf satu.</p>", "Paragraf satu."),
        ("<!-- cms -->Teks", "Teks"),
        ("<!DOCTYPE html><title>Judul</title>Isi", "JudulIsi"),
        ('<a href="https://x.id">tautan</a> &amp; teks', "tautan & teks"),
        ("<p>satu</p><![foo bar", "satu\n<![foo bar"),
        # Once a text is HTML, a word in angle brackets is an unknown tag, as in a browser.
        ("<p>Reporter <Budi> melaporkan</p>", "Reporter melaporkan"),
    ],
)
def test_html_is_recognised_and_converted(html: str, expected: str) -> None:
    assert looks_like_html(html)
    assert normalise_text(html) == expected


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("", True),
        (" \n\t", True),
        ("\u200b\u200c\u200d\u2060\u00ad\u200e", True),  # zero-width, joiners, SHY, LRM
        ("\u200bHalo\u200b", False),
        ("é", False),
    ],
)
def test_blank_means_nothing_visible(text: str, blank: bool) -> None:
    assert is_blank(text) is blank
