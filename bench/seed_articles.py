"""Seconds per seed article on a model of opus-mt-id-en's real size, both backends,
greedy and beam 4.

    python bench/seed_articles.py [--model var/same-shape/opus-mt-id-en] [--repeats 2]

Builds the same-shape model (real configuration and tokenizer from
../shared/models/opus-mt-id-en, random weights) when the folder is missing. Random weights
never emit </s>, so every sentence decodes to its full budget (1.5 × source tokens + 10):
these times are an upper bound on what the real weights take for the same text.
Prints a table; a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import torch

from ringkas.models import ct2
from ringkas.models.build import build_same_shape_marian
from ringkas.models.loading import load_model
from ringkas.models.pipeline import ArticleRequest, process_article
from ringkas.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "var/same-shape/opus-mt-id-en")
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared/models/opus-mt-id-en")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if not (args.model / "config.json").is_file():
        print(f"building the same-shape model in {args.model} …")
        build_same_shape_marian(args.source, args.model)

    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    rows = []
    for backend, beams in [(b, n) for b in ("transformers", "ctranslate2") for n in (1, 4)]:
        settings = Settings(
            model_translate_id_en=str(args.model), num_beams=beams, translate_backend=backend
        )
        if backend == "ctranslate2":
            ct2.convert("translate:id-en", settings.pipeline_options().models)
        tokenizer = load_model("translate:id-en", settings.pipeline_options().models).tokenizer
        for seed in seeds:
            title, body = seed.read_text(encoding="utf-8").split("\n", 1)
            request = ArticleRequest(text=body, title=title, source_lang="id", tasks=("translate",))
            process_article(
                request, settings.pipeline_options()
            )  # warm-up: load, first-call overheads
            times = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                result = process_article(request, settings.pipeline_options())
                times.append(time.perf_counter() - started)
            out_tokens = len(tokenizer(result["translation"], verbose=False).input_ids)
            seconds = statistics.median(times)
            rows.append(
                {
                    "seed": seed.name,
                    "backend": backend,
                    "beams": beams,
                    "sentences": result["sentences"],
                    "seconds": round(seconds, 2),
                    "output_tokens": out_tokens,
                    "output_tokens_per_s": round(out_tokens / seconds, 1),
                }
            )
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"torch {torch.__version__}, threads {torch.get_num_threads()}"
    )
    print(
        f"{'seed':<28}{'backend':>13}{'beams':>6}{'sentences':>10}{'seconds':>9}"
        f"{'out tok':>9}{'tok/s':>8}"
    )
    for r in rows:
        print(
            f"{r['seed']:<28}{r['backend']:>13}{r['beams']:>6}{r['sentences']:>10}"
            f"{r['seconds']:>9}{r['output_tokens']:>9}{r['output_tokens_per_s']:>8}"
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
