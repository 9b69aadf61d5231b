"""The extractive brief (lead sentences to the word budget) and the lead baseline."""

import json

from ringkas.models.boilerplate import clean_article
from ringkas.models.extractive import brief_sentences, extractive_brief, lead_brief
from tests.models.test_quality import shared_data

ARTICLE = (
    "Twitter will open an office in Jakarta in the coming months.\n"
    "The weather in Jakarta was sunny on Tuesday.\n"
    "The Jakarta office of Twitter will work with media and advertisers.\n"
    "Twitter says Indonesia has 2.7 million followers of one traffic account.\n"
    "Cats are popular pets."
)


def words(n: int, word: str = "kata") -> str:
    return " ".join([word] * (n - 1)) + " akhir."


def test_lead_sentences_fill_the_word_budget() -> None:
    sentences = [words(20, "a"), words(20, "b"), words(20, "c"), words(20, "d")]
    assert brief_sentences(sentences, max_sentences=5, max_words=60) == [0, 1, 2]
    assert brief_sentences(sentences, max_sentences=2, max_words=60) == [0, 1]


def test_the_sentence_crossing_the_budget_stays_only_when_nearer() -> None:
    # 40 + 30 = 70: 10 over, against 20 short without it: kept
    assert brief_sentences([words(40), words(30, "x")], 3, 60) == [0, 1]
    # 40 + 50 = 90: 30 over, against 20 short: dropped
    assert brief_sentences([words(40), words(50, "x")], 3, 60) == [0]
    # the first sentence is kept whatever its length
    assert brief_sentences([words(90)], 3, 60) == [0]


def test_repeated_sentences_count_once_and_order_is_kept() -> None:
    text = "Satu dua tiga.\nSatu dua tiga.\nEmpat lima enam."
    assert extractive_brief(text, 3, "id") == "Satu dua tiga. Empat lima enam."
    brief = extractive_brief(ARTICLE, max_sentences=3)
    assert brief == " ".join(ARTICLE.split("\n")[:3])


def test_short_and_empty_texts() -> None:
    assert extractive_brief("One sentence.", 3) == "One sentence."
    assert extractive_brief("", 3) == ""


def test_lead() -> None:
    assert lead_brief(ARTICLE, 2) == " ".join(ARTICLE.split("\n")[:2])


def test_no_site_noise_in_briefs_of_real_dev_articles() -> None:
    """Datelines ("Jakarta, CNN Indonesia --", "Suara.com -") and footers ("Baca juga: …")
    of the dev articles never reach their briefs, which come from the cleaned body."""
    lines = (shared_data() / "news-dev.jsonl").read_text(encoding="utf-8").splitlines()
    noisy = leaks_from_raw = 0
    for line in lines:
        article = json.loads(line)
        clean = clean_article(article["text"], article.get("title"))
        # a budget that reaches the footers
        brief = extractive_brief(clean.body, 100, "id", max_words=2000)
        raw = extractive_brief(article["text"], 100, "id", max_words=2000)
        noise = [p for p in [clean.dateline, *clean.removed, *clean.bylines] if p]
        noisy += bool(noise)
        leaks_from_raw += any(part in raw for part in noise)
        for part in noise:
            assert part not in brief, (article["id"], part)
        assert brief and brief.split()[0] in clean.body
    # the check ran on articles whose raw text would have put the noise in
    assert noisy >= 5 and leaks_from_raw >= 5
