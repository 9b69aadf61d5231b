"""The Marian translator on the demo model: structure, never wording (random weights).

A random-weight model never says ``</s>``, so every output runs to ``max_new_tokens``, which
depends on the longest sentence of its batch. Tests that compare outputs across batches add
one long "anchor" sentence to each call so that every batch gets the same output budget, and
compare the first words only: with random weights, logits are near-ties everywhere, and the
last digits of float sums, which change with the batch's shape, can flip a late token.
"""

from pathlib import Path

import pytest

from models.loading import load_model
from models.segment import split_paragraphs, split_sentences
from models.translator import DecodingOptions, TransformersTranslator
from ringkas.settings import Settings

SEED = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))[0]


def seed_sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    sentences = [s for p in split_paragraphs(text) for s in split_sentences(p, "id")]
    return list(dict.fromkeys(sentences))  # the seed repeats its title


def greedy(settings: Settings, max_batch_tokens: int) -> TransformersTranslator:
    options = DecodingOptions(num_beams=1, max_batch_tokens=max_batch_tokens)
    return TransformersTranslator(load_model("translate:id-en", settings), options)


def first_words(text: str) -> str:
    return " ".join(text.split()[:6])


@pytest.fixture(scope="module")
def anchor() -> str:
    return max(seed_sentences(), key=len)


def test_one_output_per_sentence_in_order(settings: Settings, anchor: str) -> None:
    translator = greedy(settings, max_batch_tokens=100_000)  # one batch
    sentences = [s for s in seed_sentences()[:10] if s != anchor]
    outputs = translator.translate_batch([*sentences, anchor])
    assert len(outputs) == len(sentences) + 1
    assert all(isinstance(o, str) and o for o in outputs)
    starts = [first_words(o) for o in outputs]
    assert len(set(starts)) == len(starts)  # distinct inputs start distinct outputs here
    for sentence, start in zip(sentences, starts, strict=False):
        assert first_words(translator.translate_batch([sentence, anchor])[0]) == start


def test_batching_does_not_change_results(settings: Settings, anchor: str) -> None:
    sentences = [s for s in seed_sentences()[:8] if s != anchor]
    many = greedy(settings, max_batch_tokens=1)  # a batch per sentence
    one = greedy(settings, max_batch_tokens=100_000)
    per_sentence = [first_words(many.translate_batch([s, anchor])[0]) for s in sentences]
    together = one.translate_batch([*sentences, anchor])[:-1]
    assert [first_words(o) for o in together] == per_sentence


def test_empty_sentences_give_empty_translations(settings: Settings) -> None:
    translator = greedy(settings, max_batch_tokens=256)
    assert translator.translate_batch(["", "  ", "Halo."])[:2] == ["", ""]
    assert translator.translate_batch([]) == []


def test_over_long_sentence_is_split_and_bounded(settings: Settings) -> None:
    translator = greedy(settings, max_batch_tokens=256)
    tokenizer = load_model("translate:id-en", settings).tokenizer
    long = " ".join(seed_sentences()[:15])
    positions = 128  # the demo model's max_position_embeddings
    assert len(tokenizer(long, verbose=False).input_ids) > 2 * positions

    pieces = translator._fit(long)
    assert len(pieces) >= 3
    assert all(len(tokenizer(p, verbose=False).input_ids) <= positions for p in pieces)
    assert " ".join(pieces).split() == long.split()

    [output] = translator.translate_batch([long])
    assert output
    # each piece's output is at most max_new_tokens ≤ positions long
    assert len(tokenizer(output, verbose=False).input_ids) <= len(pieces) * positions


@pytest.mark.parametrize("beams", [1, 3])
def test_scored_translations_carry_a_confidence(settings: Settings, beams: int) -> None:
    options = DecodingOptions(num_beams=beams, max_batch_tokens=256)
    translator = TransformersTranslator(load_model("translate:id-en", settings), options)
    sentences = seed_sentences()[:5]
    scored = translator.translate_scored(["", *sentences])
    assert scored[0].text == "" and scored[0].confidence is None
    assert all(isinstance(t.confidence, float) and t.confidence <= 0 for t in scored[1:])
    assert len({t.confidence for t in scored[1:]}) > 1  # a score per sentence, not one
    # the same texts as translate_batch, in the same order
    assert [t.text for t in scored[1:]] == translator.translate_batch(sentences)
