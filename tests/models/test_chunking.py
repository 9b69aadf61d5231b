from ringkas.models.chunking import pack, split_to_fit


def words(text: str) -> int:
    return len(text.split())


def test_text_that_fits_is_kept_whole() -> None:
    assert split_to_fit("satu dua tiga", words, 3) == ["satu dua tiga"]


def test_cuts_at_clauses_first() -> None:
    text = "satu dua tiga, empat lima enam, tujuh delapan"
    assert split_to_fit(text, words, 4) == ["satu dua tiga,", "empat lima enam,", "tujuh delapan"]


def test_cuts_between_words_when_a_clause_is_too_long() -> None:
    text = "a b c d e f g h i j"
    pieces = split_to_fit(text, words, 3)
    assert pieces == ["a b c", "d e f", "g h i", "j"]


def test_cuts_inside_a_word_only_when_it_alone_is_too_long() -> None:
    pieces = split_to_fit("xxxxxxxxxx", len, 4)
    assert pieces == ["xxxx", "xxxx", "xx"]


def test_pack_joins_sentences_up_to_the_budget() -> None:
    sentences = ["a b.", "c d.", "e f g h i.", "j."]
    assert pack(sentences, words, 4) == ["a b. c d.", "e f g h", "i. j."]
