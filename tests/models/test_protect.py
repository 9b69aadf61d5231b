"""Protected spans: each kind, the glossary, and restoration whatever the model does."""

import json
from pathlib import Path

import pytest

from ringkas.models.protect import Span, load_glossary, parse_glossary, protect, restore


@pytest.mark.parametrize(
    ("text", "kind", "span"),
    [
        (
            "Lihat https://kontan.co.id/news/twitter?id=3, lalu baca.",
            "url",
            "https://kontan.co.id/news/twitter?id=3",
        ),
        ("Kunjungi www.kompas.com.", "url", "www.kompas.com"),
        ("Kirim ke redaksi@kontan.co.id sekarang.", "email", "redaksi@kontan.co.id"),
        ("Jumlah pengikut akun @tmcpolda besar.", "handle", "@tmcpolda"),
        ("Tagar #IndonesiaMaju ramai.", "hashtag", "#IndonesiaMaju"),
        ("Teks {3} aneh.", "literal", "{3}"),
    ],
)
def test_each_kind_becomes_a_placeholder_and_comes_back(text: str, kind: str, span: str) -> None:
    protected = protect(text)
    assert protected.spans == [Span(kind, span, span)]
    assert span not in protected.text
    assert "{0}" in protected.text
    restored, warnings = restore(protected.text, protected)
    assert restored == text
    assert warnings == []


def test_not_protected_look_alikes() -> None:
    # an e-mail's "@domain" is not a handle, "#1" is not a hashtag, a bare word no URL
    protected = protect("Nomor #1 dari a@b.com dan kata www biasa.")
    assert [s.kind for s in protected.spans] == ["email"]


def test_glossary_keeps_and_forces_terms_longest_first() -> None:
    glossary = {
        "Tbk": "Tbk",
        "Dewan Perwakilan Rakyat": "House of Representatives",
        "Dewan": "Council",
    }
    protected = protect("PT Mandom Tbk hadir di Dewan Perwakilan Rakyat dan Dewan Kota.", glossary)
    assert [(s.source, s.target) for s in protected.spans] == [
        ("Tbk", "Tbk"),
        ("Dewan Perwakilan Rakyat", "House of Representatives"),
        ("Dewan", "Council"),
    ]
    restored, _ = restore("PT Mandom {0} is at the {1} and the {2} City.", protected)
    assert restored == "PT Mandom Tbk is at the House of Representatives and the Council City."
    # whole words only
    assert protect("Tbkx dan xTbk", glossary).spans == []


def test_numbers_are_restored_in_the_target_convention() -> None:
    protected = protect("Pengikut 2,7 juta, naik 36 persen, harga Rp 2.500.", numbers=("id", "en"))
    # only {0} and {1} are whole pieces: the third number is left to the model (and the check)
    assert [s.target for s in protected.spans] == ["2.7 million", "36 percent"]
    assert protected.text == "Pengikut {0}, naik {1}, harga Rp 2.500."
    restored, _ = restore("Followers {0}, up {1}, price Rp 2,500.", protected)
    assert restored == "Followers 2.7 million, up 36 percent, price Rp 2,500."


def test_a_dropped_placeholder_is_reinserted_and_flagged() -> None:
    protected = protect("Akun @tmcpolda dan #macet di https://x.id/a.")
    restored, warnings = restore("The account {0} and {0} {7}.", protected)
    # {0} once, the copy and the made-up {7} removed; {1} and {2} appended
    assert restored == "The account @tmcpolda and . #macet https://x.id/a"
    assert len(warnings) == 2
    assert "'#macet' was dropped by the model; re-inserted" in warnings[0]
    assert "hashtag" in warnings[0] and "url" in warnings[1]


def test_placeholder_with_spaces_inside_is_recognised() -> None:
    protected = protect("Akun @tmcpolda.")
    assert restore("Account { 0 }.", protected) == ("Account @tmcpolda.", [])


def test_glossary_files(tmp_path: Path) -> None:
    toml = tmp_path / "g.toml"
    toml.write_text('do_not_translate = ["KONTAN"]\n[translations]\n"Ketua MPR" = "MPR Speaker"\n')
    assert load_glossary(toml) == {"KONTAN": "KONTAN", "Ketua MPR": "MPR Speaker"}
    js = tmp_path / "g.json"
    js.write_text(json.dumps({"translations": {"juta": "million"}}))
    assert load_glossary(js) == {"juta": "million"}
    with pytest.raises(ValueError, match="expected keys 'translations' and/or 'do_not_translate'"):
        parse_glossary({"terms": []})
    with pytest.raises(ValueError, match="'do_not_translate' must be a list of strings"):
        parse_glossary({"do_not_translate": "KONTAN"})


# --- issue 12: numbers in placeholders, cut by the real SentencePiece models ---
SPM = Path("../shared/models/opus-mt-id-en")


@pytest.mark.parametrize(
    ("text", "lang", "protected_text", "targets"),
    [
        ("Lahir (8/9/2017) di sana.", "id", "Lahir (8/9/2017) di sana.", []),
        ("The match starts at 12.00 GMT.", "en", "The match starts at 12.00 GMT.", []),
        ("Dimulai pukul 20.08 WIB.", "id", "Dimulai pukul 20.08 WIB.", []),
        ("It ended at 10:08 p.m. today.", "en", "It ended at 10:08 p.m. today.", []),
        ("the 1,000th visitor", "en", "the {0}th visitor", ["1.000"]),
        ("a 2.4Ghz chip", "en", "a {0}Ghz chip", ["2,4"]),
        ("in 4:41.30 flat", "en", "in 4:41.30 flat", []),
        ("harga (Rp 2.500/kg)", "id", "harga ( {0}/kg)", ["Rp 2,500"]),
    ],
)
def test_number_placeholders(text: str, lang: str, protected_text: str, targets: list[str]) -> None:
    protected = protect(text, numbers=(lang, "en" if lang == "id" else "id"))
    assert protected.text == protected_text
    assert [s.target for s in protected.spans] == targets


def test_a_glued_placeholder_gets_its_space_back_on_restore() -> None:
    protected = protect("harga (Rp 2.500/kg)", numbers=("id", "en"))
    assert restore("price ( {0}/kg)", protected)[0] == "price (Rp 2,500/kg)"
    assert restore("price ({0}/kg)", protected)[0] == "price (Rp 2,500/kg)"
    assert restore("{0} a kilo", protected)[0] == "Rp 2,500 a kilo"
    assert restore("the {0} price", protected)[0] == "the Rp 2,500 price"


@pytest.mark.skipif(not SPM.is_dir(), reason="needs ../shared/models")
@pytest.mark.parametrize(
    "text",
    [
        "Nilainya (2,7 juta) naik.",
        'Ia berkata "2,5 persen" saja.',
        "Harga naik ke-2,5 persen/tahun dan Rp 1.500.000,-",
        "Akun @tmcpolda menulis:2,7 juta.",
    ],
)
def test_every_placeholder_stays_one_piece_with_the_real_models(text: str) -> None:
    import sentencepiece

    for lang, model in (("id", "source.spm"), ("en", "target.spm")):
        processor = sentencepiece.SentencePieceProcessor(model_file=str(SPM / model))
        protected = protect(text, numbers=(lang, "en" if lang == "id" else "id"))
        pieces = processor.encode(protected.text, out_type=str)
        for index in range(len(protected.spans)):
            assert f"{{{index}}}" in [p.lstrip("▁") for p in pieces], (lang, pieces)
