"""Boilerplate on the 70 real dev articles: each expected removal, nothing else.

``tests/fixtures/boilerplate-dev.json`` lists, per article id, every dateline, credit,
"baca/simak juga" line, source line and caption that cleaning must take out (checked by
hand); a body sentence removed shows up as unexpected. FLORES sentences taken as opening
paragraphs must lose nothing.
"""

import json
from pathlib import Path

import pytest

from ringkas.models.boilerplate import clean_article
from ringkas.models.evaluation import boilerplate

DATA = Path("../shared/data")
FIXTURE = Path(__file__).parents[1] / "fixtures" / "boilerplate-dev.json"
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="needs ../shared/data")


@pytest.mark.parametrize("name", ["news-dev.jsonl", "news-dev-more.jsonl"])
def test_every_expected_removal_and_nothing_else(name: str) -> None:
    report = boilerplate.run(DATA / name)
    assert report["checked_against_fixture"] == report["articles"]
    assert report["missed"] == {}
    assert report["unexpected"] == {}


def test_the_fixture_covers_all_70_articles_and_each_kind() -> None:
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert len(expected) == 70
    flat = [t for texts in expected.values() for t in texts]
    for example in ("Jakarta, CNN Indonesia", "Rimanews", "JAKARTA", "TURIN, JUARA.net"):
        assert example in flat  # datelines
    for example in ("(den/asa)", "[idr]", "(Antara)", "(Wandi/tri)"):
        assert example in flat  # credits
    assert any(t.startswith("SIMAK JUGA") for t in flat)
    assert any(t.startswith("Sumber: ") for t in flat)


@pytest.mark.parametrize("name", ["flores-dev.id", "flores-dev.en"])
def test_flores_sentences_as_openings_lose_nothing(name: str) -> None:
    assert boilerplate.run(DATA / name)["removals"] == 0


@pytest.mark.parametrize(
    ("text", "dateline", "body_start"),
    [
        ("PUBLISHER.NET, JAKARTA - Harga naik.", "PUBLISHER.NET, JAKARTA", "Harga naik."),
        ("Beritasatu.com - Harga naik.", "Beritasatu.com", "Harga naik."),
        ("TEMPO.CO, Jakarta - Harga naik.", "TEMPO.CO, Jakarta", "Harga naik."),
        ("Bisnis.com, JAKARTA - Harga naik.", "Bisnis.com, JAKARTA", "Harga naik."),
        ("JAKARTA, Kompas.com - Harga naik.", "JAKARTA, Kompas.com", "Harga naik."),
        ("Kabarnews - Harga naik.", "Kabarnews", "Harga naik."),
        ("MEDAN – Harga naik.", "MEDAN", "Harga naik."),
        ("BANDA ACEH - Harga naik.", "BANDA ACEH", "Harga naik."),
    ],
)
def test_dateline_shapes(text: str, dateline: str, body_start: str) -> None:
    clean = clean_article(text + "\nParagraf kedua.")
    assert clean.dateline == dateline
    assert clean.body.startswith(body_start)


@pytest.mark.parametrize(
    "lead",
    [
        "KPK, Polri dan Kejaksaan sepakat memperkuat koordinasi.",
        "PDIP mengusung calon baru di Pilkada.",
        "OJK mencatat kredit tumbuh 9 persen.",
        "Jakarta - Bandung ditempuh tiga jam.",
    ],
)
def test_real_leads_stay(lead: str) -> None:
    clean = clean_article(lead + "\nParagraf kedua.")
    assert clean.dateline is None
    assert clean.body.splitlines()[0] == lead


@pytest.mark.parametrize(
    ("paragraph", "credit"),
    [
        ("Harga naik, katanya. (adji/mb)", "(adji/mb)"),
        ("Harga naik. (rsa)", "(rsa)"),
        ("The price rose. (end)", "(end)"),
        ('"Harga naik," katanya. [noe]', "[noe]"),
    ],
)
def test_end_of_paragraph_credits(paragraph: str, credit: str) -> None:
    clean = clean_article("Paragraf pertama.\n" + paragraph)
    assert credit in clean.removed
    assert credit not in clean.body


def test_not_credits() -> None:
    body = "Data dari Organisasi Kesehatan Dunia (WHO)\nHarga naik (lagi)."
    assert clean_article(body).removed == []


@pytest.mark.parametrize(
    "line",
    [
        "SIMAK JUGA - Inilah Peserta Piala Dunia 2018",
        "Simak juga: Harga naik",
        "baca juga: Harga naik",
        "Sumber: Reuters.",
    ],
)
def test_see_also_and_source_lines(line: str) -> None:
    clean = clean_article(f"Paragraf pertama.\n{line}\nParagraf ketiga.")
    assert clean.removed == [line]


@pytest.mark.parametrize(
    "sentence",
    [
        "Sumber di kepolisian mengatakan tersangka sudah ditahan sejak Senin.",
        "Sumber Kompas mengatakan ia ditahan.",
        "Via Twitter, ia menulis pesan.",
        "Via Twitter ia menulis pesan yang panjang sekali.",
    ],
)
def test_sentences_starting_like_a_source_line_stay(sentence: str) -> None:
    assert clean_article(f"Paragraf pertama.\n{sentence}").removed == []


def test_interview_lines_stay_in_the_body() -> None:
    seed = Path(__file__).parents[2] / "seeds" / "000_1b270c60e0edda55.txt"
    body = clean_article(seed.read_text(encoding="utf-8")).body
    assert "KONTAN: Bagaimana penilaian Anda terhadap pengguna Twitter di Indonesia?" in body
    assert "KONTAN: Ada lagi rencana yang lain?" in body
    related = clean_article("Paragraf pertama.\nPIALA AFF: Kapan Piala AFF 2016 Digelar?\nAkhir.")
    assert related.removed == ["PIALA AFF: Kapan Piala AFF 2016 Digelar?"]
