"""Extractive briefs: the article's most central sentences, when no summarizer can write one.

Centrality is TF-IDF cosine similarity (``scikit-learn``): each sentence scores the mean
similarity to the others (LexRank's degree centrality without the graph walk), the lead
sentence gets a bonus because news puts who/what/numbers first, and the best sentences are
returned in article order. TF-IDF rather than the offline MiniLM embedding model: it needs
no model (the fallback runs precisely when models fail), adds no memory to a worker, and
takes milliseconds; on 3-sentence news briefs, lead-biased TF-IDF centrality is a strong
baseline.
"""

from __future__ import annotations

from ringkas.models.segment import split_paragraphs, split_sentences

LEAD_BONUS = 0.2


def extractive_brief(text: str, max_sentences: int = 3, lang: str = "en") -> str:
    """The ``max_sentences`` most central sentences of ``text``, in their article order.

    Args:
        text: The article; paragraphs on separate lines.
        max_sentences: How many sentences at most.
        lang: Language of ``text`` (for sentence splitting).

    Returns:
        The sentences joined with spaces; ``""`` for a text without sentences.
    """
    sentences = [s for p in split_paragraphs(text) for s in split_sentences(p, lang)]
    sentences = list(dict.fromkeys(sentences))  # a repeated line counts once
    if len(sentences) <= max_sentences:
        return " ".join(sentences)
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    try:
        matrix = TfidfVectorizer(lowercase=True).fit_transform(sentences)
    except ValueError:  # no word at all (only numbers or punctuation)
        return " ".join(sentences[:max_sentences])
    similarity = cosine_similarity(matrix)
    count = len(sentences)
    scores = [(similarity[i].sum() - similarity[i, i]) / (count - 1) for i in range(count)]
    scores[0] += LEAD_BONUS
    best = sorted(range(count), key=lambda i: (-scores[i], i))[:max_sentences]
    return " ".join(sentences[i] for i in sorted(best))


def lead_brief(text: str, max_sentences: int = 3, lang: str = "en") -> str:
    """The first ``max_sentences`` sentences: the lead-3 baseline of news summarization."""
    sentences = [s for p in split_paragraphs(text) for s in split_sentences(p, lang)]
    return " ".join(sentences[:max_sentences])
