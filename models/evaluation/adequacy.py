"""Harness stage ``adequacy``: does the check tell true translations from broken ones?

On line-aligned FLORES dev (``flores-dev.id`` and ``flores-dev.en`` beside it), each
Indonesian sentence is paired with its English reference (a true translation) and with
translations broken on purpose, built from the references:

* ``mismatched``: another sentence's reference (a seeded random derangement);
* ``adjacent``: the next line's reference, from the same article as a rule (harder);
* ``words_dropped``: half of the reference's words dropped at random (seeded);
* ``second_half_cut``: the reference's first half of words only;
* ``copied``: the Indonesian source itself (an untranslated copy).

For each kind: ROC AUC (scikit-learn ``roc_auc_score``) of the adequacy score separating the
true pairs from the broken ones, of its two parts alone (the encoder's cosine, the length
ratio), and at the configured threshold the share of true pairs flagged and of broken ones
caught. The encoder scores a copy as a perfect match; the echo guard (``models.guard``) is
what catches it, so ``copied`` is also scored with the guard ("adequacy + echo guard": a
sentence the guard calls an echo scores 0).

    python -m ringkas.models.evaluation.adequacy ../shared/data/flores-dev.id [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ringkas.models.adequacy import assess_vectors, encoder_for
from ringkas.models.guard import is_echo
from ringkas.models.options import AdequacyOptions

SEED = 13
KINDS = ("mismatched", "adjacent", "words_dropped", "second_half_cut", "copied")


def pair_files(path: Path) -> tuple[Path, Path]:
    """``flores-dev.id`` and the ``flores-dev.en`` beside it (or a folder holding both)."""
    source = path / "flores-dev.id" if path.is_dir() else path
    reference = source.with_suffix(".en")
    for file in (source, reference):
        if not file.is_file():
            raise FileNotFoundError(f"{file} not found (expected flores-dev.id and .en)")
    return source, reference


def corruptions(
    sources: Sequence[str], references: Sequence[str], seed: int = SEED
) -> dict[str, list[str]]:
    """The broken translations of each kind, one per line (see the module's docstring)."""
    rng = random.Random(seed)
    n = len(references)
    order = list(range(n))
    while n > 1 and any(i == j for i, j in enumerate(order)):
        rng.shuffle(order)

    def dropped(text: str) -> str:
        words = text.split()
        keep = sorted(rng.sample(range(len(words)), (len(words) + 1) // 2))
        return " ".join(words[i] for i in keep)

    def first_half(text: str) -> str:
        words = text.split()
        return " ".join(words[: (len(words) + 1) // 2])

    return {
        "mismatched": [references[j] for j in order],
        "adjacent": [references[(i + 1) % n] for i in range(n)],
        "words_dropped": [dropped(r) for r in references],
        "second_half_cut": [first_half(r) for r in references],
        "copied": list(sources),
    }


def _auc(true_scores: Sequence[float], broken_scores: Sequence[float]) -> float:
    """ROC AUC of "true pair" (label 1) against "broken" (label 0), higher score = truer."""
    from sklearn.metrics import roc_auc_score

    labels = [1] * len(true_scores) + [0] * len(broken_scores)
    return round(float(roc_auc_score(labels, [*true_scores, *broken_scores])), 4)


DEFAULT_DATA = ("flores-dev.id",)  # with flores-dev.en beside it


def run(
    path: Path, limit: int | None = None, options: AdequacyOptions | None = None
) -> dict[str, Any]:
    """Scores true and broken pairs of the first ``limit`` lines; see the module."""
    options = options or AdequacyOptions()
    source_file, reference_file = pair_files(path)
    sources = source_file.read_text(encoding="utf-8").splitlines()[:limit]
    references = reference_file.read_text(encoding="utf-8").splitlines()[:limit]
    if len(sources) != len(references):
        raise ValueError(f"{source_file} and {reference_file} have different line counts")
    encoder = encoder_for(options.model, False, options.threads or os.cpu_count() or 1)
    started = time.perf_counter()
    source_vectors = encoder.embed(sources)
    embed_s = time.perf_counter() - started

    def assess(translations: list[str]) -> list[Any]:
        vectors = encoder.embed(translations)
        return assess_vectors(sources, translations, source_vectors, vectors, "id", "en", options)

    true = assess(list(references))
    kinds: dict[str, Any] = {}
    for kind, translations in corruptions(sources, references).items():
        broken = assess(translations)
        row = {
            "auc": _auc([a.score for a in true], [a.score for a in broken]),
            "auc_cosine": _auc([a.similarity for a in true], [a.similarity for a in broken]),
            "auc_length": _auc(
                [min(a.length_ratio, 1.0) for a in true],
                [min(a.length_ratio, 1.0) for a in broken],
            ),
            "caught": round(float(np.mean([a.flagged(options.threshold) for a in broken])), 4),
        }
        if kind == "copied":
            guarded = [
                0.0 if is_echo(s, t) else a.score
                for s, t, a in zip(sources, translations, broken, strict=True)
            ]
            guarded_true = [
                0.0 if is_echo(s, t) else a.score
                for s, t, a in zip(sources, references, true, strict=True)
            ]
            row["auc_with_echo_guard"] = _auc(guarded_true, guarded)
            row["caught_with_echo_guard"] = round(
                float(np.mean([g < options.threshold for g in guarded])), 4
            )
        kinds[kind] = row
    return {
        "stage": "adequacy",
        "data": str(source_file),
        "pairs": len(sources),
        "model": encoder.model_id,
        "threshold": options.threshold,
        "short_ratio": options.short_ratio,
        "long_ratio": options.long_ratio,
        "true_flagged": round(float(np.mean([a.flagged(options.threshold) for a in true])), 4),
        "true_score_mean": round(float(np.mean([a.score for a in true])), 4),
        "ms_per_sentence_embedding": round(1000 * embed_s / max(len(sources), 1), 1),
        "kinds": kinds,
    }


def format_report(report: dict[str, Any]) -> str:
    """The report as a Markdown table, one row per kind of broken translation."""
    lines = [
        f"Adequacy on {Path(report['data']).name}, {report['pairs']} pairs, "
        f"{report['model']}, threshold {report['threshold']}: true pairs flagged "
        f"{report['true_flagged']:.1%} (mean score {report['true_score_mean']:.2f}); "
        f"{report['ms_per_sentence_embedding']} ms per sentence embedding.",
        "",
        "| broken translation | ROC AUC | AUC cosine only | AUC length only | caught |",
        "|---|---|---|---|---|",
    ]
    for kind, row in report["kinds"].items():
        lines.append(
            f"| {kind} | {row['auc']:.4f} | {row['auc_cosine']:.4f} | "
            f"{row['auc_length']:.4f} | {row['caught']:.1%} |"
        )
        if "auc_with_echo_guard" in row:
            lines.append(
                f"| {kind}, adequacy + echo guard | {row['auc_with_echo_guard']:.4f} | | | "
                f"{row['caught_with_echo_guard']:.1%} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="flores-dev.id (flores-dev.en beside it)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--threshold", type=float, default=AdequacyOptions.threshold)
    parser.add_argument("--model", default=AdequacyOptions.model)
    parser.add_argument("--out", type=Path, default=None, help="also write the report as JSON")
    args = parser.parse_args()
    options = AdequacyOptions(model=args.model, threshold=args.threshold)
    report = run(args.path, args.limit, options)
    print(format_report(report))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
