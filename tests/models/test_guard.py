"""The degenerate output guard, with translators at the unit's edge that loop or echo."""

from collections.abc import Sequence

import pytest

from ringkas.models.guard import guarded_translate, is_echo, is_looping, stricter
from ringkas.models.translator import DecodingOptions, FinishedCallback, Translation


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry I'm sorry I'm sorry I'm sorry",
        "pre-pre-pre-processing",
        "the the the",
        "mbuka (2rtikelrtikelrtikelrtikel online",
        "a b c d a b c e a b c d a b c e a b c d",
    ],
)
def test_loops(text: str) -> None:
    assert is_looping(text)


@pytest.mark.parametrize(
    "text",
    ["I am sorry, I was late.", "Twitter will open an office in Jakarta.", "Very, very good."],
)
def test_not_loops(text: str) -> None:
    assert not is_looping(text)


def test_echo() -> None:
    source = "Twitter akan membuka kantor di Jakarta."
    assert is_echo(source, source)
    assert is_echo(source, "Twitter akan membuka kantor di Jakarta!")
    assert not is_echo(source, "Twitter will open an office in Jakarta.")
    assert not is_echo("Editor: Yudho Winarto", "Editor: Yudho Winarto")  # too short


class Scripted:
    """A translator that answers from a script, recording what it was asked."""

    model_id = "scripted"
    is_demo = True

    def __init__(self, answer: dict[str, str]) -> None:
        self.answer = answer
        self.calls: list[list[str]] = []

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        return [t.text for t in self.translate_scored(sentences)]

    def translate_scored(
        self, sentences: Sequence[str], on_finished: FinishedCallback | None = None
    ) -> list[Translation]:
        self.calls.append(list(sentences))
        return [Translation(self.answer.get(s, f"EN {s}"), -0.5) for s in sentences]


SORRY = "Maaf saya terlambat hari ini."
LOOP = "I'm sorry I'm sorry I'm sorry I'm sorry"
GOOD = ["Satu kalimat biasa.", "Dua kalimat biasa.", "Tiga kalimat biasa.", "Empat."]


def test_a_forced_loop_is_retried_and_fixed() -> None:
    loops = Scripted({SORRY: LOOP})
    strict = Scripted({SORRY: "Sorry I am late today."})
    results = guarded_translate(loops, [*GOOD, SORRY], retry=strict)
    assert strict.calls == [[SORRY]]  # only the bad one is retried
    assert results[-1].text == "Sorry I am late today."
    assert results[-1].warnings == ("looping output, retried with stricter decoding settings",)
    assert all(r.warnings == () for r in results[:-1])


def test_a_loop_that_stays_is_flagged() -> None:
    loops = Scripted({SORRY: LOOP})
    results = guarded_translate(loops, [*GOOD, SORRY], retry=loops)
    assert results[-1].text == LOOP
    assert results[-1].warnings == (
        "translation repeats itself (decoder loop); "
        "the retry with stricter decoding settings did not fix it",
    )


def test_an_echo_is_flagged_without_retry() -> None:
    echo = Scripted({SORRY: SORRY})
    [result] = guarded_translate(echo, [SORRY])
    assert result.warnings == ("translation echoes the source; no retry available",)


def test_too_many_bad_sentences_are_flagged_not_retried() -> None:
    loops = Scripted({s: LOOP for s in GOOD})
    strict = Scripted({})
    results = guarded_translate(loops, GOOD, retry=strict, max_retry_share=0.25)
    assert strict.calls == []
    assert all("not retried: 4 of 4 sentences were bad" in r.warnings[0] for r in results)


def test_stricter_settings() -> None:
    options = stricter(DecodingOptions(num_beams=1, no_repeat_ngram_size=0))
    assert (options.num_beams, options.no_repeat_ngram_size) == (4, 3)
    assert options.repetition_penalty >= 1.3
