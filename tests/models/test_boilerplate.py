"""Boilerplate rules: one example per rule of models/boilerplate_rules.toml."""

from pathlib import Path

import pytest

from ringkas.models.boilerplate import RULES_FILE, clean_article, load_rules

BODY = "Dalam beberapa bulan ke depan, Twitter akan membuka kantor di Jakarta."


@pytest.mark.parametrize(
    ("first", "dateline"),
    [
        ("Kamis, 23 Oktober 2014 | 10:07 WIB", "Kamis, 23 Oktober 2014 | 10:07 WIB"),
        ("Senin, 1 Mei 2017", "Senin, 1 Mei 2017"),
        ("JAKARTA.", "JAKARTA"),
        ("Jakarta, CNN Indonesia --", "Jakarta, CNN Indonesia"),
        ("JAKARTA, KOMPAS.com -", "JAKARTA, KOMPAS.com"),
        ("Jakarta (ANTARA News) -", "Jakarta (ANTARA News)"),
        ("Suara.com -", "Suara.com"),
        ("Liputan6.com, Jakarta -", "Liputan6.com, Jakarta"),
    ],
)
def test_datelines(first: str, dateline: str) -> None:
    clean = clean_article(f"{first} {BODY}\nParagraf kedua.")
    assert clean.dateline == dateline
    assert clean.body == f"{BODY}\nParagraf kedua."


def test_dateline_only_on_the_first_paragraph() -> None:
    clean = clean_article(f"{BODY}\nDPR, Senin kemarin, bersidang.")
    assert clean.dateline is None
    assert clean.body.endswith("DPR, Senin kemarin, bersidang.")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("Reporter: Oginawa R Prayogo", "bylines"),
        ("Editor: Yudho Winarto", "bylines"),
        ("Penulis: Budi", "bylines"),
        ("ILUSTRASI. Produk perawatan rambut Gatsby.", "captions"),
        ("Foto: Antara", "captions"),
        ("Cek Berita dan Artikel yang lain di Google News", "removed"),
        ("Baca juga: Setya Novanto: Jangan Sampai Kisruh", "removed"),
        ("Baca_Juga", "removed"),
        ("Lihat juga: Video banjir", "removed"),
        ("(ptr/asa)", "removed"),
    ],
)
def test_paragraph_rules(line: str, field: str) -> None:
    clean = clean_article(f"{BODY}\n{line}\nParagraf kedua.")
    assert getattr(clean, field) == [line]
    assert clean.body == f"{BODY}\nParagraf kedua."


@pytest.mark.parametrize(
    "cut", ["Terbaru", "TerbaruEnam Industri yang Optimasi", "Sign up for our", "Berita Terkait"]
)
def test_footer_cut_drops_everything_after(cut: str) -> None:
    clean = clean_article(f"{BODY}\n{cut}\nArtikel lain.\nnewsletter")
    assert clean.body == BODY
    assert clean.removed == [cut, "Artikel lain.", "newsletter"]


def test_terbaru_in_a_sentence_is_body() -> None:
    clean = clean_article(f"{BODY}\nTerbaru, pemerintah menaikkan tarif.")
    assert clean.removed == []


def test_repeated_title_and_byline_after_dateline() -> None:
    text = (
        "Kamis, 23 Oktober 2014 | 10:07 WIB Reporter: Oginawa R Prayogo\n"
        "Twitter: Kami hadir\nJAKARTA. " + BODY
    )
    clean = clean_article(text, title="Twitter: Kami hadir")
    assert clean.title == "Twitter: Kami hadir"
    assert clean.dateline == "Kamis, 23 Oktober 2014 | 10:07 WIB | JAKARTA"
    assert clean.bylines == ["Reporter: Oginawa R Prayogo"]
    assert clean.body == BODY


def test_nothing_but_boilerplate_keeps_the_text() -> None:
    assert clean_article("Editor: Budi").body == "Editor: Budi"


def test_rules_file_is_checked(tmp_path: Path) -> None:
    assert load_rules(RULES_FILE).footer
    bad = tmp_path / "rules.toml"
    bad.write_text(RULES_FILE.read_text(encoding="utf-8") + "\nextra = []\n")
    with pytest.raises(ValueError, match="expected exactly the lists"):
        load_rules(bad)
    bad.write_text(RULES_FILE.read_text(encoding="utf-8").replace("^Terbaru", "^(Terbaru"))
    with pytest.raises(ValueError, match="bad pattern"):
        load_rules(bad)
