"""What a vocabulary shortlist (CTranslate2 ``use_vmap``) would buy, measured, not adopted.

    python bench/vocab_map.py [--tokens 48] [--top-k 20] [--frequent 1000]

Each decoding step of opus-mt-id-en multiplies the decoder state by a 512 × 54,796 output
projection. A vocabulary map limits that to the target tokens likely for the batch's source
tokens. This script builds one from the FLORES dev pairs in ../shared/data (co-occurrence:
each source token's ``--top-k`` target tokens by Dice coefficient, plus the ``--frequent``
commonest target tokens), converts the same-shape model with it, and prints the raw engine's
tokens/s with and without it, with the share of the vocabulary a batch keeps.

Why Ringkas does not ship it: a map from 997 sentence pairs leaves out most of the words of
real news, and whether a map costs quality can only be measured with real weights, which this
machine does not have. The speed figure here says how much is on the table.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from engines import ROOT, ensure_same_shape_model, seed_sentences  # bench/ is on the path

DATA = ROOT.parent / "shared" / "data"


def build_vocab_map(
    tokenizer: Any, sources: list[str], targets: list[str], top_k: int, frequent: int
) -> dict[str, list[str]]:
    """Source token → likely target tokens; the key "" holds the tokens always allowed."""
    pairs = [
        (set(tokenizer.tokenize(s)), set(tokenizer(text_target=t).input_ids))
        for s, t in zip(sources, targets, strict=True)
    ]
    source_count: Counter[str] = Counter()
    target_count: Counter[int] = Counter()
    both: Counter[tuple[str, int]] = Counter()
    for source, target in pairs:
        source_count.update(source)
        target_count.update(target)
        both.update((s, t) for s in source for t in target)
    candidates: dict[str, list[tuple[float, int]]] = {}
    for (s, t), n in both.items():
        candidates.setdefault(s, []).append((2 * n / (source_count[s] + target_count[t]), t))
    to_token = tokenizer.convert_ids_to_tokens
    vmap = {
        s: to_token([t for _, t in sorted(scored, reverse=True)[:top_k]])
        for s, scored in candidates.items()
    }
    always = [t for t, _ in target_count.most_common(frequent)]
    vmap[""] = to_token([*always, tokenizer.eos_token_id, tokenizer.unk_token_id])
    return vmap


def write_vmap(vmap: dict[str, list[str]], path: Path) -> None:
    lines = [f"{source}\t{' '.join(targets)}" for source, targets in vmap.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def kept_share(vmap: dict[str, list[str]], batch: list[list[str]], vocab: int) -> float:
    kept = set(vmap[""]) | {t for tokens in batch for s in tokens for t in vmap.get(s, [])}
    return len(kept) / vocab


def tokens_per_s(engine: Any, batch: list[list[str]], beams: int, tokens: int, vmap: bool) -> float:
    started = time.perf_counter()
    engine.translate_batch(
        batch,
        max_batch_size=2048,
        batch_type="tokens",
        beam_size=beams,
        min_decoding_length=tokens,
        max_decoding_length=tokens,
        use_vmap=vmap,
    )
    return len(batch) * tokens / (time.perf_counter() - started)


def main() -> None:
    import ctranslate2
    from ctranslate2.converters import TransformersConverter
    from transformers import MarianTokenizer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "var/same-shape/opus-mt-id-en")
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--top-k", type=int, default=20)
    parser.add_argument("--frequent", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/vocab_map.json")
    args = parser.parse_args()

    ensure_same_shape_model(args.model)
    tokenizer = MarianTokenizer.from_pretrained(args.model)
    sources = (DATA / "flores-dev.id").read_text(encoding="utf-8").splitlines()
    targets = (DATA / "flores-dev.en").read_text(encoding="utf-8").splitlines()
    vmap = build_vocab_map(tokenizer, sources, targets, args.top_k, args.frequent)
    folder = ROOT / "var/ct2/vocab-map-experiment"
    if not (folder / "model.bin").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        vmap_file = ROOT / "var/vmap-flores-dev.txt"
        write_vmap(vmap, vmap_file)
        TransformersConverter(str(args.model)).convert(
            str(folder), vmap=str(vmap_file), quantization="int8", force=True
        )
    engine = ctranslate2.Translator(str(folder), device="cpu", compute_type="int8")
    sentences = seed_sentences()[:48]
    batch = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(sentences).input_ids]
    tokens_per_s(engine, batch[:4], 1, 4, vmap=False)  # warm-up
    figures: dict[str, Any] = {
        "vocab_map_entries": len(vmap),
        "share_of_vocabulary_kept": kept_share(vmap, batch, len(tokenizer)),
    }
    for beams in (1, 4):
        for use in (False, True):
            name = f"beam{beams}_{'vmap' if use else 'full'}_tps"
            figures[name] = tokens_per_s(engine, batch, beams, args.tokens, use)
    print(json.dumps(figures, indent=2))
    for beams in (1, 4):
        gain = figures[f"beam{beams}_vmap_tps"] / figures[f"beam{beams}_full_tps"]
        print(f"beam {beams}: {gain:.2f}× with the vocabulary map")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
