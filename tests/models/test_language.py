"""Language detection on Indonesian, English and other text, short titles included."""

import pytest

from ringkas.models.errors import UnsupportedLanguage
from ringkas.models.language import detect, detect_source_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Twitter: Kami hadir bukan hanya untuk jualan", "id"),
        ("ketua mpr mustahil transportasi tradisional dan online bersaing bebas", "id"),
        ("Presiden meresmikan jembatan baru.", "id"),  # Malay by a nose: counted as id
        ("Jakarta banjir lagi", "id"),
        ("Twitter will open an office in Jakarta", "en"),
        ("The central bank kept its benchmark rate unchanged on Thursday.", "en"),
    ],
)
def test_indonesian_and_english(text: str, lang: str) -> None:
    assert detect_source_language(text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Bonjour, je suis content de vous voir aujourd'hui.", "fr"),
        ("Der Präsident eröffnet eine neue Brücke.", "de"),
    ],
)
def test_other_languages_are_refused_clearly(text: str, lang: str) -> None:
    assert detect(text).lang == lang
    with pytest.raises(UnsupportedLanguage, match=f"the text looks like '{lang}'"):
        detect_source_language(text)
