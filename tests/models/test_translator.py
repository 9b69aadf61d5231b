"""The Marian translator on the demo model: structure, never wording (random weights).

A random-weight model never says ``</s>``, so its outputs run to their token budget, which
depends on the longest sentence of the batch. Tests that compare outputs across batches
fix the budget (``fixed_output_tokens``), as the benchmarks do.
"""

from pathlib import Path

import pytest

from ringkas.models.batching import INVARIANT_WIDTH_STEP
from ringkas.models.loading import load_model
from ringkas.models.segment import split_paragraphs, split_sentences
from ringkas.models.translator import Decoded, DecodingOptions, TransformersTranslator
from ringkas.settings import Settings

SEED = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))[0]


def seed_sentences() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    sentences = [s for p in split_paragraphs(text) for s in split_sentences(p, "id")]
    return list(dict.fromkeys(sentences))  # the seed repeats its title


def greedy(
    settings: Settings, max_batch_tokens: int, fixed: int | None = 24
) -> TransformersTranslator:
    options = DecodingOptions(
        num_beams=1, max_batch_tokens=max_batch_tokens, fixed_output_tokens=fixed
    )
    return TransformersTranslator(
        load_model("translate:id-en", settings.pipeline_options().models), options
    )


def test_one_output_per_sentence_in_order(settings: Settings) -> None:
    translator = greedy(settings, max_batch_tokens=100_000)  # one batch
    sentences = seed_sentences()[:10]
    outputs = translator.translate_batch(sentences)
    assert len(outputs) == len(sentences)
    assert all(isinstance(o, str) and o for o in outputs)
    assert len(set(outputs)) == len(outputs)  # distinct inputs, distinct outputs here
    for sentence, output in zip(sentences, outputs, strict=True):
        assert translator.translate_batch([sentence]) == [output]


def test_batching_does_not_change_results(settings: Settings) -> None:
    sentences = seed_sentences()[:8]
    many = greedy(settings, max_batch_tokens=1)  # a batch per sentence
    one = greedy(settings, max_batch_tokens=100_000)
    assert one.translate_batch(sentences) == many.translate_batch(sentences)


@pytest.mark.parametrize("width_step", [INVARIANT_WIDTH_STEP, 0])
def test_batch_invariant_texts_do_not_depend_on_the_batch(
    settings: Settings, width_step: int
) -> None:
    options = DecodingOptions(num_beams=1, width_step=width_step)  # the budget follows the width
    translator = TransformersTranslator(
        load_model("translate:id-en", settings.pipeline_options().models), options
    )
    sentences = seed_sentences()[:12]
    together = translator.translate_scored(sentences)
    alone = [translator.translate_scored([s])[0] for s in sentences]
    if width_step:
        assert [t.text for t in alone] == [t.text for t in together]
        # torch's CPU matrix products are not bitwise batch-invariant (CTranslate2's are,
        # tests/models/test_ct2.py): the scores agree to rounding.
        for a, b in zip(alone, together, strict=True):
            assert a.confidence == pytest.approx(b.confidence, abs=1e-3)
    else:
        assert [t.text for t in alone] != [t.text for t in together]


def test_empty_sentences_give_empty_translations(settings: Settings) -> None:
    translator = greedy(settings, max_batch_tokens=256)
    assert translator.translate_batch(["", "  ", "Halo."])[:2] == ["", ""]
    assert translator.translate_batch([]) == []


def test_over_long_sentence_is_split_and_bounded(settings: Settings) -> None:
    translator = greedy(settings, max_batch_tokens=256, fixed=None)
    tokenizer = load_model("translate:id-en", settings.pipeline_options().models).tokenizer
    long = " ".join(seed_sentences()[:15])
    positions = 128  # the demo model's max_position_embeddings
    assert len(tokenizer(long, verbose=False).input_ids) > 2 * positions

    pieces, owners = translator._pieces(["", long])
    assert len(pieces) >= 3 and set(owners) == {1}
    assert all(len(ids) <= positions for ids in pieces)
    text = tokenizer.batch_decode(pieces, skip_special_tokens=True)
    assert " ".join(text).split() == long.split()

    [output] = translator.translate_batch([long])
    assert output
    # each piece's output is at most max_new_tokens ≤ positions tokens, so as many words
    assert len(output.split()) <= len(pieces) * positions


@pytest.mark.parametrize("beams", [1, 3])
def test_scored_translations_carry_a_confidence(settings: Settings, beams: int) -> None:
    options = DecodingOptions(num_beams=beams, max_batch_tokens=256)
    translator = TransformersTranslator(
        load_model("translate:id-en", settings.pipeline_options().models), options
    )
    sentences = seed_sentences()[:5]
    scored = translator.translate_scored(["", *sentences])
    assert scored[0].text == "" and scored[0].confidence is None
    assert all(isinstance(t.confidence, float) and t.confidence <= 0 for t in scored[1:])
    assert len({t.confidence for t in scored[1:]}) > 1  # a score per sentence, not one
    # the same texts as translate_batch, in the same order
    assert [t.text for t in scored[1:]] == translator.translate_batch(sentences)


def test_each_batch_reports_the_sentences_it_finished(settings: Settings) -> None:
    translator = greedy(settings, max_batch_tokens=64)  # several batches
    sentences = ["", *seed_sentences()[:6]]
    heard: list[list[int]] = []
    translator.translate_scored(sentences, lambda finished: heard.append(list(finished)))
    assert len(heard) > 1
    assert 0 in heard[0]  # the empty sentence has nothing to wait for
    # every sentence exactly once; batches go longest first, not in input order
    assert sorted(i for batch in heard for i in batch) == list(range(len(sentences)))


class CountingTranslator(TransformersTranslator):
    """Counts the batches it has generated."""

    generated = 0

    def _generate(self, batch: list[list[int]], least: int, most: int, width: int) -> list[Decoded]:
        self.generated += 1
        return super()._generate(batch, least, most, width)


def test_transformers_reports_each_batch_before_generating_the_next(settings: Settings) -> None:
    options = DecodingOptions(num_beams=1, max_batch_tokens=64, fixed_output_tokens=24)
    translator = CountingTranslator(
        load_model("translate:id-en", settings.pipeline_options().models), options
    )
    seen: list[int] = []
    translator.translate_scored(seed_sentences()[:6], lambda _: seen.append(translator.generated))
    # It decodes in the calling thread: holding a batch back would only delay its progress.
    assert seen == list(range(1, translator.generated + 1))
    assert translator.generated > 1  # several batches
