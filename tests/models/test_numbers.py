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
