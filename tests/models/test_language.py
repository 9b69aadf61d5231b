"""Language detection on Indonesian, English and other text, short titles included."""

import pytest

from ringkas.models.errors import UnsupportedLanguage
from ringkas.models.language import (
    article_language,
    detect,
    detect_source_language,
    paragraph_languages,
)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Twitter: Kami hadir bukan hanya untuk jualan", "id"),
        ("ketua mpr mustahil transportasi tradisional dan online bersaing bebas", "id"),
        ("Presiden meresmikan jembatan baru.", "id"),  # Malay by a nose: counted as id
        ("Jakarta banjir lagi", "id"),
        # issue 12: short real text that py3langid alone took for Javanese
        ("Breaking news: gempa M 5,2 guncang Sukabumi.", "id"),
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


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Aku arep lunga menyang pasar karo ibuku sesuk esuk.", "jv"),
        ("Bocah-bocah lagi dolanan ing latar omah.", "jv"),
        ("Magandang umaga sa inyong lahat, maraming salamat po.", "tl"),
        ("Le président a inauguré un nouveau pont à Paris.", "fr"),
        ("El presidente inauguró un nuevo puente en Madrid.", "es"),
    ],
)
def test_the_prior_for_id_and_en_does_not_swallow_real_sentences(text: str, lang: str) -> None:
    assert detect(text).lang == lang
    with pytest.raises(UnsupportedLanguage):
        detect_source_language(text)


def test_text_without_letters_is_refused_clearly() -> None:
    with pytest.raises(UnsupportedLanguage, match="no words"):
        detect_source_language("12.500 - 3,5 %")


INDONESIAN = [
    "Presiden Joko Widodo meresmikan jembatan baru di Sukabumi pada Senin pagi.",
    "Jembatan sepanjang 120 meter itu menghubungkan dua kecamatan yang terpisah sungai.",
    "Warga menyambut peresmian itu dengan gembira karena jarak tempuh menjadi lebih pendek.",
]
LONG_ENGLISH_QUOTE = (
    "“We are very pleased to see this bridge finally open to the public, because it connects "
    "communities that have been separated by the river for decades, and it will make trade, "
    "schooling and access to health care much easier for thousands of families who live on "
    "both banks,” the ambassador said in a statement released by the embassy on Monday."
)


def test_article_language_is_decided_by_the_body_as_a_whole() -> None:
    # The English quote has more characters than the Indonesian paragraphs together.
    assert len(LONG_ENGLISH_QUOTE) > sum(map(len, INDONESIAN))
    text = "\n".join([INDONESIAN[0], LONG_ENGLISH_QUOTE, *INDONESIAN[1:]])
    assert detect(text).lang == "en"  # detected whole, the quote swings it
    assert article_language(text).lang == "id"
    assert article_language(text).probability == 0.75  # 3 of 4 paragraph votes
    marks = paragraph_languages([INDONESIAN[0], LONG_ENGLISH_QUOTE, *INDONESIAN[1:]], "id")
    assert marks == [None, "en", None, None]


def test_short_paragraphs_are_never_marked_as_the_other_language() -> None:
    # Under six words detection is not sure enough to leave a paragraph untranslated.
    assert paragraph_languages(["Breaking news today", "Jakarta banjir lagi"], "id") == [
        None,
        None,
    ]
    assert paragraph_languages(["The central bank kept its rate unchanged."], "en") == [None]


def test_an_article_with_no_paragraph_in_id_or_en_is_refused() -> None:
    with pytest.raises(UnsupportedLanguage, match="'fr'"):
        article_language("Le président a inauguré un nouveau pont à Paris.\nIl fait beau.")
