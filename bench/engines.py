"""Translation speed in one run: transformers, the raw CTranslate2 engine, and the service.

    python bench/engines.py [--articles 50] [--tokens 48] [--repeats 3] [--out FILE.json]

On a model of opus-mt-id-en's real shape (72.7M parameters, vocabulary 54,796; built from
../shared/models/opus-mt-id-en with random weights, or real weights if --model points at
them), every output is forced to --tokens tokens, so that random weights take the time
real ones take. Prints:

1. transformers ``generate`` tokens/s, greedy and beam 4 (the baseline);
2. the raw CTranslate2 engine (int8), greedy and beam 4, as it comes and with Ringkas'
   settings (replicas, threads, token budget: ``raw_engine_tps``);
3. the service: HTTP submit → Redis → Celery worker (CTranslate2 backend) → poll, on a job
   of --articles articles (the two seeds, alternating), against the raw engine on the
   sentences the workers translated, all of them in one call, same beam size: with
   Ringkas' settings and the decoding options the service passes (n-gram blocking,
   scores), so that the ratio is the cost of the service alone, and as CTranslate2 comes.
   Raw runs right before and after each job are its reference (a shared VM drifts), and
   the median job of --repeats counts;
4. queue overhead: submit → worker start, worker finish → the poll that sees it;
5. peak RSS of a worker process that has used id→en, en→id and a summarizer of
   distilbart-cnn-12-6's shape, all three on CTranslate2.

A benchmark, not a test: it prints figures and writes them to JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import ctranslate2
import httpx

from ringkas.models import ct2
from ringkas.models.batching import batch_budget
from ringkas.models.boilerplate import clean_article
from ringkas.models.build import build_same_shape_marian
from ringkas.models.loading import load_model
from ringkas.models.registry import model_spec
from ringkas.models.segment import split_paragraphs, split_sentences
from ringkas.settings import Settings
from ringkas.stack import running_stack

ROOT = Path(__file__).resolve().parent.parent
SHARED_MODEL = ROOT.parent / "shared" / "models" / "opus-mt-id-en"


def ensure_same_shape_model(model: Path, source: Path = SHARED_MODEL) -> None:
    """Builds a model of opus-mt-id-en's real shape (random weights) in ``model`` from the
    config and tokenizer in ``source``, unless a model is there already."""
    if not (model / "config.json").is_file():
        print(f"building the same-shape model in {model} …", flush=True)
        build_same_shape_marian(source, model)


def settings_from_env(env: dict[str, str]) -> Settings:
    """The settings that a process started with ``env`` reads (its ``RINGKAS_`` variables)."""
    return Settings(
        **{k.removeprefix("RINGKAS_").lower(): v for k, v in env.items() if "RINGKAS_" in k}
    )


def seed_sentences() -> list[str]:
    sentences = [
        s
        for seed in sorted((ROOT / "seeds").glob("*.txt"))
        for p in split_paragraphs(seed.read_text(encoding="utf-8"))
        for s in split_sentences(p, "id")
    ]
    return list(dict.fromkeys(sentences))


def seed_articles(count: int) -> list[dict[str, str]]:
    """``count`` articles for the API: the seeds, alternating."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    articles = []
    for i in range(count):
        title, body = seeds[i % len(seeds)].read_text(encoding="utf-8").split("\n", 1)
        articles.append({"id": f"bench-{i}", "title": title, "text": body, "source_lang": "id"})
    return articles


def transformers_tps(settings: Settings, sentences: list[str], beams: int, tokens: int) -> float:
    import torch

    loaded = load_model("translate:id-en", settings.pipeline_options().models)
    batch = loaded.tokenizer(sentences, return_tensors="pt", padding=True)
    started = time.perf_counter()
    with torch.inference_mode():
        out = loaded.model.generate(
            **batch,
            num_beams=beams,
            min_new_tokens=tokens,
            max_new_tokens=tokens,
            max_length=None,
        )
    elapsed = time.perf_counter() - started
    assert out.shape[1] == tokens + 1  # the start token, then exactly `tokens`
    return len(sentences) * tokens / elapsed


EngineSetup = Literal["ours", "service", "defaults"]


def raw_engine_tps(
    settings: Settings, sentences: list[str], beams: int, tokens: int, setup: EngineSetup
) -> float:
    """CTranslate2 by hand: every sentence in one ``translate_batch`` call.

    ``setup``:

    - ``"ours"``: the engine as Ringkas loads it (replicas and threads per replica,
      ``models/ct2.py``), batched by CTranslate2 to Ringkas' token budget
      (``models.batching.batch_budget``);
    - ``"service"``: the same, with the decoding options the service's translator passes
      (n-gram blocking, scores, the length that matches transformers' forced ``</s>``),
      so that the ratio to the service is the cost of the service alone;
    - ``"defaults"``: ``ctranslate2.Translator`` and ``translate_batch`` as they come
      (one replica on 4 threads, one batch of everything), the same compute type.
    """
    engine = ct2.load_engine("translate:id-en", settings.pipeline_options().models)
    assert engine is not None
    tokenizer = engine.tokenizer
    batch = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(sentences).input_ids]
    length = tokens - 1 if setup == "service" else tokens
    translator = engine.engine
    options: dict[str, Any] = {}
    if setup == "defaults":
        folder = ct2.converted_dir(
            model_spec("translate:id-en", settings.pipeline_options().models),
            "int8",
            settings.pipeline_options().models,
        )
        translator = ctranslate2.Translator(str(folder), device="cpu", compute_type="int8")
    else:
        budget = batch_budget([len(x) for x in batch], settings.max_batch_tokens, engine.replicas)
        options = {"max_batch_size": budget, "batch_type": "tokens"}
    if setup == "service":
        options |= {
            "no_repeat_ngram_size": settings.no_repeat_ngram_size,
            "repetition_penalty": settings.repetition_penalty,
            "return_scores": True,
        }
    started = time.perf_counter()
    results = translator.translate_batch(
        batch,
        beam_size=beams,
        min_decoding_length=length,
        max_decoding_length=length,
        **options,
    )
    elapsed = time.perf_counter() - started
    assert all(len(r.hypotheses[0]) == length for r in results)
    return len(sentences) * tokens / elapsed


def sentences_of(articles: list[dict[str, str]]) -> list[str]:
    """What the workers translate of ``articles``: body sentences without boilerplate, then
    the title (as ``models.pipeline`` does; checked against the job's results)."""
    sentences: list[str] = []
    for article in articles:
        clean = clean_article(article["text"], article["title"])
        sentences += [s for p in split_paragraphs(clean.body) for s in split_sentences(p, "id")]
        sentences += [clean.title] if clean.title else []
    return sentences


def service_run(
    env: dict[str, str],
    settings: Settings,
    articles: list[dict[str, str]],
    beams: int,
    tokens: int,
    log_dir: Path,
    repeats: int,
) -> dict[str, Any]:
    """The job of ``articles`` through the service, each run bracketed by raw-engine runs.

    The raw engine runs in this process, while the worker idles, on the sentences the
    workers translate, right before and right after each job; their mean is the job's
    reference, so that a shared VM's drift over a minute touches both alike. The ratio is
    taken per job (the median of ``repeats``).
    """
    sentences = sentences_of(articles)
    runs: list[dict[str, float]] = []
    with running_stack(env, log_dir) as stack, httpx.Client(base_url=stack.base_url) as http:
        # Warm-up: the worker loads its model on the first task.
        wait_for_job(http, submit_job(http, articles[:1]))
        for _ in range(repeats):
            before = raw_engine_tps(settings, sentences, beams, tokens, "service")
            started = time.perf_counter()
            job = wait_for_job(http, submit_job(http, articles))
            seconds = time.perf_counter() - started
            after = raw_engine_tps(settings, sentences, beams, tokens, "service")
            translated = [
                detail["source"]
                for a in job["articles"]
                for detail in [*a["result"]["sentences_detail"], a["result"]["title_detail"]]
                if detail
            ]
            assert translated == sentences, "the bench and the pipeline split differently"
            runs.append(
                {
                    "seconds": seconds,
                    "tokens_per_s": len(sentences) * tokens / seconds,
                    "raw_engine_before_tps": before,
                    "raw_engine_after_tps": after,
                    "raw_engine_tps": (before + after) / 2,
                    "raw_engine_defaults_tps": raw_engine_tps(
                        settings, sentences, beams, tokens, "defaults"
                    ),
                }
            )
        overhead = queue_overhead(http)
    ratios = [r["tokens_per_s"] / r["raw_engine_tps"] for r in runs]
    middle = runs[ratios.index(statistics.median_high(ratios))]
    return {
        "articles": len(articles),
        "sentences": len(sentences),
        "seconds": middle["seconds"],
        "articles_per_s": len(articles) / middle["seconds"],
        "tokens_per_s": middle["tokens_per_s"],
        "raw_engine_tps": middle["raw_engine_tps"],
        "ratio_to_raw": middle["tokens_per_s"] / middle["raw_engine_tps"],
        "raw_engine_defaults_tps": middle["raw_engine_defaults_tps"],
        "ratio_to_raw_defaults": middle["tokens_per_s"] / middle["raw_engine_defaults_tps"],
        "ratios": ratios,
        "runs": runs,
        "queue_overhead_ms": overhead,
    }


def queue_overhead(http: httpx.Client, jobs: int = 30) -> dict[str, float]:
    """Submit → worker start, and worker finish → first poll that sees it, in ms."""
    to_start, to_seen = [], []
    for _ in range(jobs):
        submitted = datetime.now().astimezone()
        job_id = submit_job(http, [{"text": "Halo.", "source_lang": "id"}])
        while True:
            job = http.get(f"/v1/jobs/{job_id}").json()
            if job["status"] in ("succeeded", "failed", "partial"):
                seen = datetime.now().astimezone()
                break
            time.sleep(0.002)
        article = job["articles"][0]
        to_start.append((_at(article["started_at"]) - submitted).total_seconds() * 1000)
        to_seen.append((seen - _at(article["finished_at"])).total_seconds() * 1000)
    return {
        "submit_to_start_p50": _pct(to_start, 50),
        "submit_to_start_p95": _pct(to_start, 95),
        "finish_to_poll_p50": _pct(to_seen, 50),
        "finish_to_poll_p95": _pct(to_seen, 95),
    }


def worker_peak_rss_mb(env: dict[str, str]) -> float:
    """Peak RSS of a fresh process that runs what a worker runs: a seed article translated
    id→en, briefed, and its brief translated en→id (all three models loaded and used).

    Read from ``VmHWM``, the peak of the process's own memory: ``ru_maxrss`` of a child
    keeps its parent's peak from before ``exec``, which here is this bench process's.
    """
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    code = (
        "import re\n"
        "from pathlib import Path\n"
        "from ringkas.settings import Settings\n"
        "from models.pipeline import ArticleRequest, process_article\n"
        f"text = Path({str(seed)!r}).read_text(encoding='utf-8')\n"
        "tasks = ('translate', 'brief', 'brief_id')\n"
        "process_article(ArticleRequest(text, 'id', tasks=tasks), Settings().pipeline_options())\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def build_summarizer_of_real_shape(out: Path) -> None:
    """Random weights in distilbart-cnn-12-6's configuration (306M parameters)."""
    from transformers import BartConfig, BartForConditionalGeneration

    if (out / "config.json").is_file():
        return
    demo = ROOT / "var" / "demo-models" / "distilbart-brief-demo"
    config = BartConfig(
        vocab_size=50264,
        d_model=1024,
        encoder_layers=12,
        decoder_layers=6,
        encoder_attention_heads=16,
        decoder_attention_heads=16,
        encoder_ffn_dim=4096,
        decoder_ffn_dim=4096,
        max_position_embeddings=1024,
    )
    BartForConditionalGeneration(config).save_pretrained(out)
    for name in ("vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json"):
        if (demo / name).is_file():
            (out / name).write_bytes((demo / name).read_bytes())


def with_full_vocabulary(model: Path, out: Path) -> Path:
    """``model`` with a tokenizer as large as its embeddings, as CTranslate2 requires: the
    demo tokenizer (2,000 tokens) that bench/engines.py gives it, padded with tokens that
    never occur. The weights and configs are linked, not copied."""
    from transformers import AutoConfig, AutoTokenizer

    if (out / "tokenizer_config.json").is_file():
        return out
    out.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "generation_config.json", "model.safetensors"):
        (out / name).symlink_to((model / name).resolve())
    tokenizer = AutoTokenizer.from_pretrained(model)
    size = AutoConfig.from_pretrained(model).vocab_size
    tokenizer.add_tokens([f"<unused_{i}>" for i in range(size - len(tokenizer))])
    tokenizer.save_pretrained(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "var/same-shape/opus-mt-id-en")
    parser.add_argument(
        "--source",
        type=Path,
        default=SHARED_MODEL,
        help="config and tokenizer to build the same-shape model from",
    )
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument(
        "--service-beams",
        type=int,
        default=1,
        help="beam size of the service run and its raw-engine reference",
    )
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="service jobs, each bracketed by raw-engine runs; the median job counts",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/engines.json")
    args = parser.parse_args()

    ensure_same_shape_model(args.model, args.source)
    threads = os.cpu_count() or 1
    env = {
        "RINGKAS_MODEL_TRANSLATE_ID_EN": str(args.model.resolve()),
        "RINGKAS_MODEL_TRANSLATE_EN_ID": str(args.model.resolve()),
        "RINGKAS_CT2_DIR": str((ROOT / "var/ct2").resolve()),
        "RINGKAS_TRANSLATE_BACKEND": "ctranslate2",
        "RINGKAS_TORCH_THREADS": str(threads),
        "RINGKAS_BENCH_FIXED_OUTPUT_TOKENS": str(args.tokens),
        "RINGKAS_JOB_TTL_S": "600",
        "HF_HUB_OFFLINE": "1",
    }
    settings = settings_from_env(env)
    ct2.convert("translate:id-en", settings.pipeline_options().models)

    sentences = seed_sentences()[:48]
    figures: dict[str, Any] = {
        "machine": f"{platform.machine()}, {threads} cores, {platform.platform()}",
        "model": str(args.model),
        "tokens_per_sentence": args.tokens,
        "sentences": len(sentences),
    }
    for beams in (1, 4):
        figures[f"transformers_beam{beams}_tps"] = transformers_tps(
            settings, sentences, beams, args.tokens
        )
        figures[f"ct2_int8_beam{beams}_tps"] = raw_engine_tps(
            settings, sentences, beams, args.tokens, "ours"
        )
        figures[f"ct2_int8_defaults_beam{beams}_tps"] = raw_engine_tps(
            settings, sentences, beams, args.tokens, "defaults"
        )
        print(
            f"beam {beams}: transformers {figures[f'transformers_beam{beams}_tps']:.0f} "
            f"tok/s, CTranslate2 int8 {figures[f'ct2_int8_beam{beams}_tps']:.0f} tok/s "
            f"(its defaults: {figures[f'ct2_int8_defaults_beam{beams}_tps']:.0f})",
            flush=True,
        )

    # The service on real-shaped articles (the seeds, alternating), against the raw engine
    # on the same sentences with the same settings.
    articles = seed_articles(args.articles)
    service_env = {**env, "RINGKAS_NUM_BEAMS": str(args.service_beams)}
    with tempfile.TemporaryDirectory() as logs:
        service = service_run(
            service_env,
            settings,
            articles,
            args.service_beams,
            args.tokens,
            Path(logs),
            args.repeats,
        )
    figures["service"] = service
    figures["service_raw_engine_tps"] = service["raw_engine_tps"]
    figures["service_to_raw_ratio"] = service["ratio_to_raw"]
    figures["service_raw_engine_defaults_tps"] = service["raw_engine_defaults_tps"]
    figures["service_to_raw_defaults_ratio"] = service["ratio_to_raw_defaults"]
    print(f"service: {json.dumps(service)}", flush=True)
    # A worker as deployed: every model converted (`ringkas models convert`).
    summarizer = ROOT / "var/same-shape/distilbart-cnn-12-6"
    build_summarizer_of_real_shape(summarizer)
    summarizer = with_full_vocabulary(summarizer, summarizer.with_name(f"{summarizer.name}-vocab"))
    ct2.convert(
        "brief:en",
        settings.model_copy(update={"model_brief_en": str(summarizer)}).pipeline_options().models,
    )
    figures["worker_peak_rss_mb"] = worker_peak_rss_mb(
        {**env, "RINGKAS_MODEL_BRIEF_EN": str(summarizer)}
    )

    print_table(figures, args.service_beams)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")


def print_table(f: dict[str, Any], beams: int) -> None:
    s = f["service"]
    o = s["queue_overhead_ms"]
    rows = [
        ("transformers, greedy", f"{f['transformers_beam1_tps']:.0f} tok/s"),
        ("transformers, beam 4", f"{f['transformers_beam4_tps']:.0f} tok/s"),
        ("CTranslate2 int8, its defaults, greedy", f"{f['ct2_int8_defaults_beam1_tps']:.0f} tok/s"),
        ("CTranslate2 int8, its defaults, beam 4", f"{f['ct2_int8_defaults_beam4_tps']:.0f} tok/s"),
        ("CTranslate2 int8, Ringkas settings, greedy", f"{f['ct2_int8_beam1_tps']:.0f} tok/s"),
        (
            "CTranslate2 int8, Ringkas settings, beam 4",
            f"{f['ct2_int8_beam4_tps']:.0f} tok/s "
            f"({f['ct2_int8_beam4_tps'] / f['transformers_beam4_tps']:.1f}× transformers, "
            f"{f['ct2_int8_beam4_tps'] / f['ct2_int8_defaults_beam4_tps']:.2f}× its defaults)",
        ),
        (
            f"raw engine on the service's sentences, beam {beams}, service's options",
            f"{f['service_raw_engine_tps']:.0f} tok/s",
        ),
        (
            f"raw engine on the service's sentences, beam {beams}, CTranslate2 defaults",
            f"{f['service_raw_engine_defaults_tps']:.0f} tok/s",
        ),
        (
            f"service, {s['articles']} articles, beam {beams}",
            f"{s['tokens_per_s']:.0f} tok/s, {s['articles_per_s']:.2f} articles/s "
            f"({f['service_to_raw_ratio']:.2f} of the raw engine with its options, "
            f"{f['service_to_raw_defaults_ratio']:.2f} of CTranslate2's defaults)",
        ),
        (
            "submit → worker start, p50 / p95",
            f"{o['submit_to_start_p50']:.1f} / {o['submit_to_start_p95']:.1f} ms",
        ),
        (
            "worker finish → poll sees it, p50 / p95",
            f"{o['finish_to_poll_p50']:.1f} / {o['finish_to_poll_p95']:.1f} ms",
        ),
        (
            "worker peak RSS (id→en, brief, en→id; used, CTranslate2)",
            f"{f['worker_peak_rss_mb']:.0f} MB",
        ),
    ]
    print(f"\n{f['machine']}; {f['tokens_per_sentence']} output tokens per sentence")
    for name, value in rows:
        print(f"| {name:<66} | {value} |")


def submit_job(http: httpx.Client, articles: list[dict[str, str]]) -> str:
    response = http.post("/v1/jobs", json={"articles": articles, "tasks": ["translate"]})
    response.raise_for_status()
    return str(response.json()["job_id"])


def wait_for_job(http: httpx.Client, job_id: str, timeout_s: float = 1800) -> dict[str, Any]:
    """Waits as a client of a large job should: the status by long polling (``wait``), then
    the results once (both inside the timed run)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = http.get(
            f"/v1/jobs/{job_id}", params={"results": "false", "wait": 30}, timeout=40
        ).json()["status"]
        if status in ("succeeded", "failed", "partial"):
            job: dict[str, Any] = http.get(f"/v1/jobs/{job_id}").json()
            if status != "succeeded":
                raise RuntimeError(f"job {job_id} ended {status}: {job['articles']}")
            return job
    raise TimeoutError(f"job {job_id} did not finish in {timeout_s} s")


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp)


def _pct(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


if __name__ == "__main__":
    main()
