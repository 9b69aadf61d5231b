"""Number extraction in both conventions and the translation check."""

import pytest

from ringkas.models.numbers import check_numbers, find_numbers, render


@pytest.mark.parametrize(
    ("text", "lang", "value", "percent"),
    [
        ("2,7 juta pengguna", "id", 2_700_000, False),
        ("harga Rp 2.500 per", "id", 2500, False),
        ("naik 60,7 persen", "id", 60.7, True),
        ("87% pengguna", "id", 87, True),
        ("Rp1,5 triliun", "id", 1.5e12, False),
        ("2.7 million users", "en", 2_700_000, False),
        ("2,500 rupiah", "en", 2500, False),
        ("36 percent", "en", 36, True),
        ("60.7 per cent", "en", 60.7, True),
    ],
)
def test_values(text: str, lang: str, value: float, percent: bool) -> None:
    [number] = find_numbers(text, lang)
    assert number.value == pytest.approx(value)
    assert number.percent is percent


def test_render_both_ways() -> None:
    [n] = find_numbers("2,7 juta", "id")
    assert render(n, "id", "en") == "2.7 million"
    [n] = find_numbers("2.5 billion", "en")
    assert render(n, "en", "id") == "2,5 miliar"
    [n] = find_numbers("87%", "id")
    assert render(n, "id", "en") == "87%"


def test_check_passes_when_every_number_is_there() -> None:
    source = "Pengikut @tmcpolda 2,7 juta, naik 36 persen sejak 2013, enam industri."
    target = "Followers of @tmcpolda: 2.7 million, up 36% since 2013, six industries."
    assert check_numbers(source, target, "id", "en") == []
    assert check_numbers(target, source, "en", "id") == []


def test_check_flags_missing_and_wrong_convention() -> None:
    warnings = check_numbers(
        "Naik 2,7 juta dan 36 persen.", "Up 2,7 juta and 63 percent.", "id", "en"
    )
    assert warnings == [
        "number '2,7 juta' is missing or changed in the translation (expected '2.7 million')",
        "number '36 persen' is missing or changed in the translation (expected '36 percent')",
    ]


def test_a_number_counts_once() -> None:
    assert len(check_numbers("5 dan 5.", "5 and five.", "id", "en")) == 0
    assert len(check_numbers("5 dan 5 dan 5.", "5 and 5.", "id", "en")) == 1


# --- issue 12: human references that used to draw a warning (FLORES dev shapes) ---
@pytest.mark.parametrize(
    ("source", "target", "source_lang"),
    [
        ("sejak tahun 1960-an", "since the 1960s", "id"),
        ("pada abad ke-8", "in the 8th century", "id"),
        ("lensa 35 mm", "a 35mm lens", "id"),
        ("a 35mm lens", "lensa 35 mm", "en"),
        ("selama sekitar 12 menit", "for just over twelve minutes", "id"),
        ("oleh sekitar 30 orang", "by up to thirty people", "id"),
        ("di lubang ke-18", "on the eighteenth", "id"),
        ("usia 2 juta sampai 3 juta tahun", "two million to three million years", "id"),
        ("peringkat ke-190", "ranked 190th", "id"),
        ("pada tanggal 1 Januari", "on January 1st", "id"),
        ("sekitar pukul 5 pagi", "at about 5am", "id"),
        ("Eighteen holes", "18 lubang", "en"),
        ("at 10:08 p.m.", "pukul 22.08", "en"),
        ("around 9:30 am local time", "sekitar pukul 9.30 waktu setempat", "en"),
        ("pukul 20.08 WIB", "at 8:08 p.m. local time", "id"),
        ("at 12.00 GMT", "pukul 12.00 GMT", "en"),
        ("the 1,000th visitor", "pengunjung ke-1.000", "en"),
        ("a 2.4Ghz chip", "cip 2,4Ghz", "en"),
        ("a time of 4:41.30", "waktu 4:41,30", "en"),
        ("see Figure 1.1.", "lihat Gambar 1.1.", "en"),
        ("Rekor 7â€“2.", "The record is 7–2.", "id"),
    ],
)
def test_correct_references_draw_no_warning(source: str, target: str, source_lang: str) -> None:
    target_lang = "en" if source_lang == "id" else "id"
    assert check_numbers(source, target, source_lang, target_lang) == []


@pytest.mark.parametrize(
    ("source", "target", "source_lang"),
    [
        ("sejak tahun 1960-an", "since the 1970s", "id"),
        ("selama 12 menit", "for thirteen minutes", "id"),
        ("at 10:08 p.m.", "pukul 22.18", "en"),
        ("the 1,000th visitor", "pengunjung ke-1", "en"),
    ],
)
def test_changed_numbers_still_warn(source: str, target: str, source_lang: str) -> None:
    target_lang = "en" if source_lang == "id" else "id"
    assert len(check_numbers(source, target, source_lang, target_lang)) == 1


@pytest.mark.parametrize(
    ("text", "lang", "target", "rendered"),
    [
        ("12.00 GMT", "en", "id", "12.00"),
        ("pukul 20.08", "id", "en", "20:08"),
        ("10:08 p.m.", "en", "id", "22.08"),
        ("1,000th", "en", "id", "1.000"),
        ("2.4Ghz", "en", "id", "2,4"),
        ("4:41.30", "en", "id", "4:41.30"),
    ],
)
def test_each_rendering_is_one_number(text: str, lang: str, target: str, rendered: str) -> None:
    [number] = find_numbers(text, lang)
    assert render(number, lang, target) == rendered
