"""A job whose articles share half their sentences, with the translation memory off and on.

    python bench/translation_memory.py [--articles 24] [--sentences 16] [--per-task 32]
        [--tokens 32] [--repeats 3] [--batch-invariant] [--model PATH | --demo]

Each article has --sentences sentences: half of them the same in every article (a wire
story's paragraphs republished), half its own (seed sentences set in a town of its own);
both halves drawn alike from the seeds, so that they are about as long.
The job runs as the workers run it: the model layer's ``process_articles`` on tasks of
--per-task articles, translation only, on a model of opus-mt-id-en's real shape (random
weights, built from ../shared/models as bench/engines.py builds it; CTranslate2 int8,
greedy) or, with --demo, the tiny demo models (transformers, beam 4: their cost is mostly
per-call overhead, not per sentence, so they understate what the memory saves), every
output forced to --tokens tokens (random weights never say </s>). The memory is the Redis
one, in ``RINGKAS_TEST_REDIS_URL`` (or RINGKAS_REDIS_URL) under a prefix of its own,
emptied before each cold run.

Printed: the job's seconds with the memory off; on, starting empty (the shared sentences
are translated once, by the first task, and served from then on, within the task and
across tasks); and on, with the job already remembered (the same job sent again); the hit
rate; whether the outputs are identical and, where they are not, which sentences differ.
A sentence of one article only is translated by the engine in every run, never served, so
a difference there is the engine's: its scores move with the padding of the batch a
sentence is in, and the memory changes the batches. ``--batch-invariant``
(``RINGKAS_BATCH_INVARIANT``) pads each batch to a width set by its sentences alone.
"""

from __future__ import annotations

import argparse
import os
import time
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

import redis
from engines import (  # bench/ is the script's path
    ROOT,
    ensure_same_shape_model,
    seed_sentences,
    settings_from_env,
)

from ringkas.models import ct2
from ringkas.models.batching import INVARIANT_WIDTH_STEP
from ringkas.models.build import demo_model_env
from ringkas.models.options import PipelineOptions
from ringkas.models.pipeline import ArticleRequest, process_articles
from ringkas.models.result import ArticleResult, SentenceTranslation
from ringkas.settings import Settings
from ringkas.translation_memory import RedisTranslationMemory

TOWNS = (
    "Bandung Bekasi Bogor Cirebon Depok Garut Jember Kediri Kudus Madiun Magelang Malang "
    "Mataram Medan Padang Pati Pekalongan Purwokerto Salatiga Semarang Serang Sleman Solo "
    "Sukabumi Surabaya Tangerang Tasikmalaya Tegal Yogyakarta Ambon Kupang Palu Manado "
    "Kendari Jambi Bengkulu Lampung Pontianak Samarinda Banjarmasin Balikpapan Jayapura"
).split()


def job(articles: int, sentences: int) -> list[ArticleRequest]:
    # Whole sentences of 5 words or more (a headline without a full stop would merge with
    # the next; a one-word caption costs next to nothing to translate).
    pool = [s for s in seed_sentences() if s.rstrip()[-1:] in '.!?"”' and len(s.split()) >= 5]
    half = sentences // 2
    # The shared half spread over the pool, so that it is about as long as the rest (14.4
    # words against 15.4 on the seeds); every sentence set in a town, Jakarta for the
    # shared half (the wire story), the article's own town for the rest.
    picked = pool[:: len(pool) // half][:half]
    shared = [f"Di Jakarta, {lower_first(s)}" for s in picked]
    own = [s for s in pool if s not in picked]
    requests = []
    for n in range(articles):
        town = TOWNS[n % len(TOWNS)]
        mine = [
            f"Di {town}, {lower_first(s)}"
            for s in (own[(n * half + k) % len(own)] for k in range(half))
        ]
        # Shared and own sentences alternate, a paragraph each.
        body = "\n".join(s for pair in zip(shared, mine, strict=True) for s in pair)
        requests.append(ArticleRequest(text=body, source_lang="id", tasks=("translate",)))
    return requests


def lower_first(sentence: str) -> str:
    return sentence[0].lower() + sentence[1:]


def run_job(
    requests: list[ArticleRequest], options: PipelineOptions, per_task: int
) -> tuple[float, list[ArticleResult]]:
    started = time.perf_counter()
    results: list[ArticleResult] = []
    for start in range(0, len(requests), per_task):
        for outcome in process_articles(requests[start : start + per_task], options):
            assert isinstance(outcome, ArticleResult), outcome
            results.append(outcome)
    return time.perf_counter() - started, results


def sentences(results: list[ArticleResult]) -> list[SentenceTranslation]:
    return [s for r in results for s in r.sentences_detail or []]


def differences(plain: list[ArticleResult], other: list[ArticleResult]) -> str:
    """What differs between two runs' sentences, said in one line ("" when nothing does)."""
    mine, theirs = sentences(plain), sentences(other)
    assert [s.source for s in mine] == [s.source for s in theirs]
    differ = [(a, b) for a, b in zip(mine, theirs, strict=True) if a != b]
    if not differ:
        return ""
    occurs = Counter(s.source for s in mine)
    texts = sum(a.translation != b.translation for a, b in differ)
    moved = max(abs((a.confidence or 0) - (b.confidence or 0)) for a, b in differ)
    once = sum(occurs[a.source] == 1 for a, _ in differ)
    return (
        f"{len(differ)} of {len(mine)} sentences differ ({texts} in their text; confidences "
        f"by up to {moved:.4f}); {once} of them occur once in the job, so the engine "
        "translated them in both runs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=24)
    parser.add_argument("--sentences", type=int, default=16, help="per article; half shared")
    parser.add_argument(
        "--per-task",
        type=int,
        default=Settings().task_max_articles,
        help="articles per worker task (default: RINGKAS_TASK_MAX_ARTICLES, as the API splits)",
    )
    parser.add_argument("--tokens", type=int, default=32, help="output tokens per sentence")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--batch-invariant", action="store_true", help="as RINGKAS_BATCH_INVARIANT=true"
    )
    parser.add_argument("--model", type=Path, default=ROOT / "var/same-shape/opus-mt-id-en")
    parser.add_argument("--demo", action="store_true", help="the demo models instead")
    args = parser.parse_args()

    if args.demo:
        env = demo_model_env(ROOT / "var" / "demo-models")
    else:
        ensure_same_shape_model(args.model)
        env = {
            "RINGKAS_MODEL_TRANSLATE_ID_EN": str(args.model.resolve()),
            "RINGKAS_CT2_DIR": str((ROOT / "var/ct2").resolve()),
            "RINGKAS_TRANSLATE_BACKEND": "ctranslate2",
            "RINGKAS_NUM_BEAMS": "1",
            "RINGKAS_HUB_OFFLINE": "true",
        }
    settings: Settings = settings_from_env(env)
    if not args.demo:
        ct2.convert("translate:id-en", settings.pipeline_options().models)
    off = settings.pipeline_options()
    step = INVARIANT_WIDTH_STEP if args.batch_invariant else 0
    off = replace(
        off, decoding=replace(off.decoding, fixed_output_tokens=args.tokens, width_step=step)
    )
    url = os.environ.get("RINGKAS_TEST_REDIS_URL") or os.environ.get(
        "RINGKAS_REDIS_URL", "redis://127.0.0.1:6379/15"
    )
    client = redis.Redis.from_url(url, decode_responses=True)
    prefix = f"ringkas:tm-bench:{uuid.uuid4().hex}:"
    memory = RedisTranslationMemory(client, ttl_s=3600, max_entries=100_000, prefix=prefix)
    on = replace(off, translation_memory=memory)
    requests = job(args.articles, args.sentences)
    total = args.articles * args.sentences
    print(
        f"{args.articles} articles × {args.sentences} sentences ({total} in all, half shared), "
        f"tasks of {args.per_task}, {args.tokens} output tokens each, "
        f"{'demo models' if args.demo else 'same-shape model, CTranslate2 int8, greedy'}, "
        f"{'batch-invariant' if step else 'batched by length'}, Redis {url}"
    )
    run_job(requests[:1], off, 1)  # loads the model

    def empty() -> None:
        keys = list(client.scan_iter(f"{prefix}*"))
        if keys:
            client.delete(*keys)

    figures: dict[str, list[float]] = {"off": [], "cold": [], "warm": []}
    identical = True
    hit_rate = 0.0
    try:
        for _ in range(args.repeats):  # alternating, so that drift touches all alike
            seconds, plain = run_job(requests, off, args.per_task)
            figures["off"].append(seconds)
            empty()
            seconds, cold = run_job(requests, on, args.per_task)
            figures["cold"].append(seconds)
            hits = sum(r.timings.tm_hits or 0 for r in cold)
            looked_up = sum(r.timings.tm_sentences or 0 for r in cold)
            hit_rate = hits / looked_up
            seconds, warm = run_job(requests, on, args.per_task)
            figures["warm"].append(seconds)
            for name, other in (("on, empty", cold), ("on, remembered", warm)):
                if found := differences(plain, other):
                    identical = False
                    print(f"  {name}: {found}")
            print(
                f"off {figures['off'][-1]:.2f} s, on (empty memory) {figures['cold'][-1]:.2f} s "
                f"(hit rate {hit_rate:.1%}; {figures['off'][-1] / figures['cold'][-1]:.2f}×), "
                f"on (job remembered) {figures['warm'][-1]:.2f} s"
            )
    finally:
        empty()
        client.close()
    best = {name: min(values) for name, values in figures.items()}
    # Each round's off and on run back to back: their ratio is the least touched by a
    # shared machine's drift.
    rounds = sorted(o / c for o, c in zip(figures["off"], figures["cold"], strict=True))
    print(
        f"speed-up, empty memory: {best['off'] / best['cold']:.2f}× (best of {args.repeats} "
        f"each); per round {', '.join(f'{r:.2f}×' for r in rounds)}, median "
        f"{rounds[len(rounds) // 2]:.2f}×"
    )
    print(f"speed-up, job remembered: {best['off'] / best['warm']:.1f}×")
    print(f"outputs identical: {identical}")


if __name__ == "__main__":
    main()
