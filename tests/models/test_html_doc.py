"""HTML articles: segments and markers (``models.html_doc``), and whole articles through the
pipeline with the demo models."""

from __future__ import annotations

import lxml.html
import pytest

from ringkas.models.html_doc import parse_html
from ringkas.models.pipeline import ArticleRequest, process_article
from ringkas.settings import Settings

ARTICLE = """
<article>
  <h1>Jalan tol <em>baru</em> diresmikan</h1>
  <script>track("page")</script>
  <style>p { color: red }</style>
  <p>Presiden <a href="https://contoh.id/jokowi">Joko Widodo</a> meresmikan jalan tol di
     Jawa Tengah. Jalan itu <strong>sepanjang</strong> seratus kilometer.</p>
  <!-- iklan -->
  <ul><li>Biaya pembangunan besar.</li><li>Warga <i>menyambut</i> baik.</li></ul>
  <blockquote>Ini jalan untuk rakyat, kata presiden.</blockquote>
  <figure><img src="tol.jpg" alt="Jalan tol"><figcaption>Foto: <b>Antara</b></figcaption></figure>
  <pre>kode   tetap</pre>
</article>
"""
BLOCKS = ("article", "h1", "p", "ul", "li", "blockquote", "figure", "figcaption", "pre")


def block_tags(html: str) -> list[str]:
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return [str(e.tag) for e in tree.iter() if e.tag in BLOCKS]


def test_segments_are_the_blocks_text_with_markers_for_inline_tags() -> None:
    document = parse_html(ARTICLE)
    assert [s.plain for s in document.segments] == [
        "Jalan tol baru diresmikan",
        "Presiden Joko Widodo meresmikan jalan tol di Jawa Tengah. Jalan itu sepanjang "
        "seratus kilometer.",
        "Biaya pembangunan besar.",
        "Warga menyambut baik.",
        "Ini jalan untuk rakyat, kata presiden.",
        "Foto: Antara",
    ]
    assert document.segments[0].text == "Jalan tol {1000}baru{1001} diresmikan"


def test_the_same_text_back_is_the_same_document_without_scripts() -> None:
    document = parse_html(ARTICLE)
    html = document.render([s.text for s in document.segments])
    assert block_tags(html) == block_tags(ARTICLE)
    assert "<script" not in html and "<style" not in html and "iklan" not in html
    assert '<a href="https://contoh.id/jokowi">Joko Widodo</a>' in html
    assert "<pre>kode   tetap</pre>" in html
    assert '<img src="tol.jpg" alt="Jalan tol">' in html


def test_markers_follow_the_words_the_model_moved_them_with() -> None:
    document = parse_html("<p>Kata <a href='u'>Joko Widodo</a> hari ini.</p>")
    [html] = [document.render(["Today {1000} Joko Widodo {1001} said."])]
    assert html == '<p>Today <a href="u">Joko Widodo</a> said.</p>'


def test_broken_markers_still_give_well_formed_html_and_keep_the_link() -> None:
    document = parse_html("<p>Kata <a href='u'>Joko</a> dan <b>Ani</b>.</p>")
    # Reversed pair, and a pair pushed to the end of the sentence around nothing.
    html = document.render(["Said {1001} Joko {1000} and Ani. {1002}{1003}"])
    assert html == '<p>Said <a href="u">Joko</a> and Ani. <b>Ani</b></p>'


def test_text_that_looks_like_a_marker_stays_text() -> None:
    document = parse_html("<p>Kode {1000} dan <b>tebal</b></p>")
    [segment] = document.segments
    assert segment.text == "Kode {1000} dan {2000}tebal{2001}"
    assert document.render(["Code {1000} and {2000}bold{2001}"]) == (
        "<p>Code {1000} and <b>bold</b></p>"
    )


def test_a_whole_page_stays_a_page() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>Berita</title><script>x()</script></head>"
        "<body><p>Halo <a href='u'>dunia</a></p></body></html>"
    )
    document = parse_html(page)
    assert [s.plain for s in document.segments] == ["Berita", "Halo dunia"]
    html = document.render(["News", "Hello {1000}world{1001}"])
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>News</title>" in html and '<a href="u">world</a>' in html
    assert "<script" not in html


@pytest.mark.parametrize("html", ["<script>x()</script>", "<p> </p><!-- c -->", "<img src=a>"])
def test_html_without_text_is_refused(html: str) -> None:
    with pytest.raises(ValueError, match="no text"):
        parse_html(html)


def test_an_html_article_through_the_pipeline_keeps_its_structure(settings: Settings) -> None:
    request = ArticleRequest(text=ARTICLE, source_lang="id", format="html", tasks=("translate",))
    result = process_article(request, settings.pipeline_options())

    assert result.html is not None
    assert block_tags(result.html) == block_tags(ARTICLE)
    assert "<script" not in result.html and "<style" not in result.html
    tree = lxml.html.fragment_fromstring(result.html, create_parent="div")
    [link] = tree.iter("a")
    assert link.get("href") == "https://contoh.id/jokowi" and link.text_content().strip()
    assert [e.tag for e in tree.iter("em", "strong", "i", "b")] == ["em", "strong", "i", "b"]
    # The plain views have no markers, and one paragraph per segment.
    assert result.paragraphs is not None and len(result.paragraphs) == 6
    assert result.paragraphs[0].source == "Jalan tol baru diresmikan"
    assert result.translation and "{10" not in result.translation
    assert all("{10" not in s.source for s in result.sentences_detail or [])
    # Demo models: the words are gibberish, but every block has its translation.
    texts = [" ".join(e.text_content().split()) for e in tree.iter("h1", "li", "figcaption")]
    assert all(texts)


def test_plain_text_is_the_default(settings: Settings) -> None:
    result = process_article(
        ArticleRequest(text="Halo dunia.", source_lang="id", tasks=("translate",)),
        settings.pipeline_options(),
    )
    assert result.html is None
