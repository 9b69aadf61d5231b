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


# The misses quoted in issue 12 (sentencex before Punkt), each in a paragraph of its own shape.
@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (  # a sentence that starts with a figure
            "Ia mencetak gol pertamanya. 36 dari 116 pemain lolos ke babak berikutnya.",
            ["Ia mencetak gol pertamanya.", "36 dari 116 pemain lolos ke babak berikutnya."],
        ),
        (  # a unit before a capital
            "Jalan itu selebar 3,50 m. Ruang di sisinya untuk pejalan kaki.",
            ["Jalan itu selebar 3,50 m.", "Ruang di sisinya untuk pejalan kaki."],
        ),
        (  # "dll." before a capital
            "Pasar menjual beras, gula, minyak, dll. Harga naik sejak Senin.",
            ["Pasar menjual beras, gula, minyak, dll.", "Harga naik sejak Senin."],
        ),
        (  # the closing quote stays with its sentence
            'Ia berkata, "Itu yang saya katakan." "Kami akan datang," kata Budi.',
            ['Ia berkata, "Itu yang saya katakan."', '"Kami akan datang," kata Budi.'],
        ),
        (  # one stray quote mark does not stop the splits after it
            '"Hujan turun sejak pagi. Sungai meluap. Warga mengungsi. Jalan ditutup.',
            ['"Hujan turun sejak pagi.', "Sungai meluap.", "Warga mengungsi.", "Jalan ditutup."],
        ),
        (  # a full stop inside a closing bracket
            "Ia membawa alat (kamera, lampu, dll.) Desain panggung dibuat ulang.",
            ["Ia membawa alat (kamera, lampu, dll.)", "Desain panggung dibuat ulang."],
        ),
        (  # news abbreviations and initials before capitals stay inside the sentence
            "Saham PT. Bank Central Asia Tbk. naik. Kantornya di Jl. Merdeka No. 5 dipimpin "
            "Dr. H. R. Soedirman. Ia tiba.",
            [
                "Saham PT. Bank Central Asia Tbk. naik.",
                "Kantornya di Jl. Merdeka No. 5 dipimpin Dr. H. R. Soedirman.",
                "Ia tiba.",
            ],
        ),
        (  # a figure after "Rp." is not a sentence
            "Harganya Rp. 2.500 per lembar. 12 orang membeli.",
            ["Harganya Rp. 2.500 per lembar.", "12 orang membeli."],
        ),
    ],
)
def test_issue_12_misses(paragraph: str, expected: list[str]) -> None:
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
