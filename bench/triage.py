"""Seconds per article: the triage brief against translate + abstractive brief.

    python bench/triage.py [--dev 10] [--tokens 48] [--brief-tokens 72] [--beams 4]
        [--out bench/results/triage.json]

Both run ``models.pipeline.process_article`` with task ``brief`` on an Indonesian article,
on the models of the real shapes with random weights (opus-mt-id-en, 72.7M parameters,
``ringkas models build-same-shape``; distilbart-cnn-12-6, 306M, bench/engines.py), both on
CTranslate2 int8 as the workers run them:

- full: the whole article translated id→en, then the summarizer's brief;
- triage: the brief's sentences chosen on the Indonesian body (``models.extractive``), only
  those translated.

Random weights never end a sentence, so every translated sentence is forced to --tokens
target tokens and every summary to --brief-tokens new tokens, the time real outputs take
(48 tokens ≈ a 35-word sentence; 72 ≈ 55 words). Articles: the seeds and the first --dev
articles of ../shared/data/news-dev.jsonl. Each article runs once per mode after a warm-up;
prints a table; a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from engines import (
    build_summarizer_of_real_shape,
    ensure_same_shape_model,
    settings_from_env,
    with_full_vocabulary,
)

from ringkas.models import ct2
from ringkas.models.options import PipelineOptions
from ringkas.models.pipeline import ArticleRequest, process_article

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "news-dev.jsonl"


def articles(dev: int) -> list[dict[str, str]]:
    """The seeds (title on the first line) and the first ``dev`` dev articles."""
    found = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        title, body = seed.read_text(encoding="utf-8").split("\n", 1)
        found.append({"name": seed.name, "set": "seeds", "title": title, "text": body})
    lines = DEV.read_text(encoding="utf-8").splitlines()[:dev]
    for line in lines:
        article = json.loads(line)
        found.append({"name": article["id"][:40], "set": "dev", **article})
    return found


def seconds(article: dict[str, str], options: PipelineOptions, mode: str) -> dict[str, Any]:
    request = ArticleRequest(
        text=article["text"],
        title=article.get("title"),
        source_lang="id",
        tasks=("brief",),
        brief_mode=mode,  # type: ignore[arg-type]  # "full" or "triage"
    )
    started = time.perf_counter()
    result = process_article(request, options)
    elapsed = time.perf_counter() - started
    assert result.brief_mode == mode and result.brief
    return {"seconds": round(elapsed, 3), "sentences": result.sentences}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev", type=int, default=10, help="dev articles besides the seeds")
    parser.add_argument("--tokens", type=int, default=48, help="tokens of every translation")
    parser.add_argument("--brief-tokens", type=int, default=72, help="tokens of every summary")
    parser.add_argument("--beams", type=int, default=4, help="translation beams (default 4)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/triage.json")
    args = parser.parse_args()

    translator = ROOT / "var/same-shape/opus-mt-id-en"
    ensure_same_shape_model(translator)
    summarizer = ROOT / "var/same-shape/distilbart-cnn-12-6"
    build_summarizer_of_real_shape(summarizer)
    summarizer = with_full_vocabulary(summarizer, summarizer.with_name(f"{summarizer.name}-vocab"))
    threads = os.cpu_count() or 1
    settings = settings_from_env(
        {
            "RINGKAS_MODEL_TRANSLATE_ID_EN": str(translator.resolve()),
            "RINGKAS_MODEL_TRANSLATE_EN_ID": str(translator.resolve()),
            "RINGKAS_MODEL_BRIEF_EN": str(summarizer.resolve()),
            "RINGKAS_CT2_DIR": str((ROOT / "var/ct2").resolve()),
            "RINGKAS_TRANSLATE_BACKEND": "ctranslate2",
            "RINGKAS_BRIEF_BACKEND": "ctranslate2",
            "RINGKAS_DEVICE": "cpu",
            "RINGKAS_TORCH_THREADS": str(threads),
            "RINGKAS_NUM_BEAMS": str(args.beams),
            "RINGKAS_BENCH_FIXED_OUTPUT_TOKENS": str(args.tokens),
        }
    )
    base = settings.pipeline_options()
    for key in ("translate:id-en", "brief:en"):
        ct2.convert(key, base.models)
    options = dataclasses.replace(
        base, brief=dataclasses.replace(base.brief, fixed_new_tokens=args.brief_tokens)
    )

    load = os.getloadavg()[0]
    chosen = articles(args.dev)
    seconds(chosen[0], options, "full")  # warm-up: loads both engines
    rows = []
    for article in chosen:
        full = seconds(article, options, "full")
        triage = seconds(article, options, "triage")
        row = {
            "article": article["name"],
            "set": article["set"],
            "sentences": full["sentences"],
            "full_s": full["seconds"],
            "triage_s": triage["seconds"],
            "speedup": round(full["seconds"] / triage["seconds"], 1),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    summary = {}
    for name in ("seeds", "dev"):
        mine = [r for r in rows if r["set"] == name]
        if mine:
            summary[name] = {
                "articles": len(mine),
                "median_full_s": round(statistics.median(r["full_s"] for r in mine), 2),
                "median_triage_s": round(statistics.median(r["triage_s"] for r in mine), 3),
                "median_speedup": round(statistics.median(r["speedup"] for r in mine), 1),
                "min_speedup": min(r["speedup"] for r in mine),
            }
    figures = {
        "machine": f"{platform.machine()}, {threads} cores, {platform.platform()}",
        "load_average": {"start": round(load, 2), "end": round(os.getloadavg()[0], 2)},
        "tokens": args.tokens,
        "brief_tokens": args.brief_tokens,
        "beams": args.beams,
        "rows": rows,
        "summary": summary,
    }
    print(
        "| set | articles | full (translate + abstractive), median s | triage, median s "
        "| speed-up, median (min) |"
    )
    print("|---|---|---|---|---|")
    for name, s in summary.items():
        print(
            f"| {name} | {s['articles']} | {s['median_full_s']:.2f} | "
            f"{s['median_triage_s']:.3f} | {s['median_speedup']:.1f}× ({s['min_speedup']:.1f}×) |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
