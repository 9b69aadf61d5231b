"""The extractive brief and the lead baseline."""

from ringkas.models.extractive import extractive_brief, lead_brief

ARTICLE = (
    "Twitter will open an office in Jakarta in the coming months.\n"
    "The weather in Jakarta was sunny on Tuesday.\n"
    "The Jakarta office of Twitter will work with media and advertisers.\n"
    "Twitter says Indonesia has 2.7 million followers of one traffic account.\n"
    "Cats are popular pets."
)


def test_extractive_keeps_the_lead_and_central_sentences_in_order() -> None:
    brief = extractive_brief(ARTICLE, max_sentences=3)
    sentences = ARTICLE.split("\n")
    assert brief.startswith(sentences[0])
    assert "Cats" not in brief
    kept = [s for s in sentences if s in brief]
    assert len(kept) == 3 and kept == sorted(kept, key=sentences.index)


def test_short_and_empty_texts() -> None:
    assert extractive_brief("One sentence.", 3) == "One sentence."
    assert extractive_brief("", 3) == ""
    assert extractive_brief("1. 2. 3. 4. 5.", 2)  # no words: falls back to the lead


def test_lead() -> None:
    assert lead_brief(ARTICLE, 2) == " ".join(ARTICLE.split("\n")[:2])
