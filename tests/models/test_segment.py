from pathlib import Path

import pytest

from ringkas.models.segment import split_paragraphs, split_sentences

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "Harga saham PT. Mandom naik Rp. 2.500 per lembar. Hal ini disampaikan Jl. Sudirman.",
            [
                "Harga saham PT. Mandom naik Rp. 2.500 per lembar.",
                "Hal ini disampaikan Jl. Sudirman.",
            ],
        ),
        (
            "Reporter: Oginawa R. Prayogo dan Budi, S.H. menulis. Berita lain.",
            ["Reporter: Oginawa R. Prayogo dan Budi, S.H. menulis.", "Berita lain."],
        ),
        (
            "Ia membeli buku, pena, dll. lalu pergi. Keenam industri naik 36 persen.",
            ["Ia membeli buku, pena, dll. lalu pergi.", "Keenam industri naik 36 persen."],
        ),
        (
            "Jumlah pengikut akun @tmcpolda sebanyak 2,7 juta pengguna. Itu sangat mengagumkan.",
            [
                "Jumlah pengikut akun @tmcpolda sebanyak 2,7 juta pengguna.",
                "Itu sangat mengagumkan.",
            ],
        ),
        (
            "Roy menjelaskan, “Kami hadir.” Lalu ia pergi. Inflasi 2,7 persen vs. 3,1 persen.",
            [
                "Roy menjelaskan, “Kami hadir.”",
                "Lalu ia pergi.",
                "Inflasi 2,7 persen vs. 3,1 persen.",
            ],
        ),
        # "hal" is a word that ends sentences, not only the abbreviation of "halaman".
        (
            "Twitter memenuhi berbagai macam hal. Contohnya, lalu lintas.",
            ["Twitter memenuhi berbagai macam hal.", "Contohnya, lalu lintas."],
        ),
    ],
)
def test_indonesian_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph, "id") == expected


def test_english_sentences() -> None:
    text = "Mr. Smith went to Washington. The U.S. economy grew 2.5 percent. He left."
    assert split_sentences(text, "en") == [
        "Mr. Smith went to Washington.",
        "The U.S. economy grew 2.5 percent.",
        "He left.",
    ]


def test_paragraphs_are_non_empty_lines() -> None:
    assert split_paragraphs("  Satu  dua.\n\n\nTiga.\r\n  \nEmpat ") == [
        "Satu dua.",
        "Tiga.",
        "Empat",
    ]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_seed_sentences_rejoin_to_their_paragraph(seed: Path) -> None:
    for paragraph in split_paragraphs(seed.read_text(encoding="utf-8")):
        sentences = split_sentences(paragraph, "id")
        assert sentences, paragraph
        assert " ".join(sentences).split() == paragraph.split()
