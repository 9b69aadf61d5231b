"""Input normalisation: HTML to text, control characters and invalid Unicode out, NFC."""

from __future__ import annotations

import pytest

from ringkas.service.textnorm import clean_text, looks_like_html, normalise_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Harga\x00 beras\x07 naik.\x1b", "Harga beras naik."),
        ("C1\x85 and DEL\x7f gone", "C1 and DEL gone"),
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


@pytest.mark.parametrize("text", ["a < b dan c > d", "x <3 y", "Skor 2<3", "tanpa tag"])
def test_text_without_tags_is_not_html(text: str) -> None:
    assert not looks_like_html(text)
    assert normalise_text(text) == text
