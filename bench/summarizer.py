"""Seconds per brief on a summarizer of distilbart-cnn-12-6's real shape, both backends,
greedy and beam 2.

    python bench/summarizer.py [--model var/same-shape/distilbart-cnn-12-6] [--tokens 72]
        [--repeats 2] [--out bench/results/summarizer.json]

The model has distilbart-cnn-12-6's configuration (306M parameters) and random weights
(``build_summarizer_of_real_shape`` in bench/engines.py; its tokenizer padded to the
model's vocabulary, see ``with_full_vocabulary``), decoding with BART's CNN/DailyMail
settings (n-gram blocking 3, length penalty 2.0). Random weights rarely say </s>, so every
summary is forced to --tokens new tokens (72: about 55 words) to take the time a real
one takes. The inputs are English texts as long as the two seed articles' translations
would be: FLORES dev sentences, up to the seed's length in BART tokens, estimated from its
Indonesian words (see ``english_tokens``). Each brief goes through the summarizers'
``summarize``, as in the service. Prints a table; a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import ctranslate2
import torch
from engines import build_summarizer_of_real_shape, with_full_vocabulary

from ringkas.models import ct2
from ringkas.models.boilerplate import clean_article
from ringkas.models.loading import load_model
from ringkas.models.summarizer import BriefOptions, Seq2SeqSummarizer, TransformersSummarizer
from ringkas.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FLORES = ROOT.parent / "shared" / "data" / "flores-dev"
# GPT-2/BART byte-level BPE splits English news into about 1.3 tokens per word.
BART_TOKENS_PER_WORD = 1.3
# What BART's CNN/DailyMail summarizers decode with (besides beam 4 and their lengths).
CNN_DECODING = {"no_repeat_ngram_size": 3, "length_penalty": 2.0}
RUNS = [("transformers", 1), ("transformers", 2), ("ctranslate2", 1), ("ctranslate2", 2)]


def english_tokens(seed: Path) -> int:
    """BART tokens of the seed's English translation, estimated: its Indonesian words (without
    boilerplate) × FLORES's English/Indonesian word ratio × BPE tokens per English word."""
    title, body = seed.read_text(encoding="utf-8").split("\n", 1)
    words = len(clean_article(body, title).body.split())
    english = len(FLORES.with_suffix(".en").read_text(encoding="utf-8").split())
    indonesian = len(FLORES.with_suffix(".id").read_text(encoding="utf-8").split())
    return round(words * english / indonesian * BART_TOKENS_PER_WORD)


def english_input(tokenizer: Any, tokens: int, start: int) -> str:
    """Consecutive FLORES English sentences from line ``start``, at most ``tokens`` tokens."""
    lines = FLORES.with_suffix(".en").read_text(encoding="utf-8").splitlines()[start:]
    taken: list[str] = []
    for line in lines:
        if len(tokenizer("\n".join([*taken, line])).input_ids) > tokens:
            break
        taken.append(line)
    return "\n".join(taken)


def summarizer(settings: Settings, backend: str, options: BriefOptions) -> Seq2SeqSummarizer:
    """The summarizer of a backend, decoding as BART's CNN summarizers do. Set in memory:
    the folder keeps BartConfig's defaults, and bench/engines.py shares it."""
    if backend == "transformers":
        loaded = load_model("brief:en", settings.pipeline_options().models)
        loaded.model.generation_config.update(**CNN_DECODING)
        return TransformersSummarizer(loaded, options)
    engine = ct2.load_engine("brief:en", settings.pipeline_options().models)
    assert engine is not None
    engine.generation_config.update(**CNN_DECODING)
    return ct2.CTranslate2Summarizer(engine, options)


def summary_tokens(model: Seq2SeqSummarizer, text: str) -> int:
    """New tokens of ``text``'s summary, counted as ``generate`` counts them."""
    [ids] = model._generate_ids([text])
    # transformers returns the decoder start token too; CTranslate2 leaves out the </s>
    return len(ids) - 1 if model.backend == "transformers" else len(ids) + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "var/same-shape/distilbart-cnn-12-6")
    parser.add_argument("--tokens", type=int, default=72, help="new tokens of every summary")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/summarizer.json")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    if not (args.model / "config.json").is_file():
        print(f"building the same-shape summarizer in {args.model} …", flush=True)
        build_summarizer_of_real_shape(args.model)
    model = with_full_vocabulary(args.model, args.model.with_name(f"{args.model.name}-vocab"))
    threads = os.cpu_count() or 1
    settings = Settings(
        model_brief_en=str(model.resolve()),
        ct2_dir=str((ROOT / "var/ct2").resolve()),
        ct2_quantization="int8",
        device="cpu",
        torch_threads=threads,
    )
    ct2.convert("brief:en", settings.pipeline_options().models)

    tokenizer = load_model("brief:en", settings.pipeline_options().models).tokenizer
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    inputs = {
        seed.name: english_input(tokenizer, english_tokens(seed), start=200 * i)
        for i, seed in enumerate(seeds)
    }
    input_tokens = {name: len(tokenizer(text).input_ids) for name, text in inputs.items()}
    rows = []
    for backend, beams in RUNS:
        options = BriefOptions(num_beams=beams, fixed_new_tokens=args.tokens)
        brief_model = summarizer(settings, backend, options)
        first = next(iter(inputs.values()))
        assert summary_tokens(brief_model, first) == args.tokens  # also the warm-up
        seconds = {}
        for name, text in inputs.items():
            times = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                brief_model.summarize(text)
                times.append(time.perf_counter() - started)
            seconds[name] = round(statistics.median(times), 2)
        rows.append({"backend": backend, "beams": beams, "seconds_per_brief": seconds})
        print(f"{backend} beam {beams}: {seconds}", flush=True)

    figures = {
        "machine": f"{platform.machine()}, {threads} cores, {platform.platform()}",
        "load_average": {"start": round(load, 2), "end": round(os.getloadavg()[0], 2)},
        "versions": {"torch": torch.__version__, "ctranslate2": ctranslate2.__version__},
        "threads": threads,
        "model": str(model),
        "new_tokens": args.tokens,
        "input_tokens": input_tokens,
        "repeats": args.repeats,
        "runs": rows,
    }
    print_table(figures)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")


def print_table(figures: dict[str, Any]) -> None:
    tokens = figures["input_tokens"]
    print(
        f"machine: {figures['machine']}, load average {figures['load_average']}, "
        f"torch {figures['versions']['torch']}, CTranslate2 "
        f"{figures['versions']['ctranslate2']}, {figures['threads']} threads"
    )
    print(f"seconds per brief, {figures['new_tokens']} new tokens, median of {figures['repeats']}")
    print(f"{'':<28}" + "".join(f"{name[:3]} ({tokens[name]} tok)".rjust(18) for name in tokens))
    seconds = {(r["backend"], r["beams"]): r["seconds_per_brief"] for r in figures["runs"]}
    for (backend, beams), per_seed in seconds.items():
        label = "transformers" if backend == "transformers" else "CTranslate2 int8"
        label += ", greedy" if beams == 1 else f", beam {beams}"
        cells = "".join(f"{per_seed[name]:.2f} s".rjust(18) for name in tokens)
        speedup = "".join(
            f"{seconds['transformers', beams][name] / per_seed[name]:.1f}×".rjust(8)
            for name in tokens
        )
        print(
            f"{label:<28}{cells}"
            + (f"   vs transformers:{speedup}" if backend != "transformers" else "")
        )


if __name__ == "__main__":
    main()
