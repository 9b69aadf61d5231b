"""How often CTranslate2 int8 translates as ``transformers`` does, on the same weights.

    python bench/int8_agreement.py [--model DIR] [--out FILE.json]

Float32 CTranslate2 gives ``transformers``' greedy token ids (tests/models/test_ct2.py);
int8 quantizes the weights and may choose other tokens. This script translates the seed
sentences with ``transformers`` and with CTranslate2 float32 and int8 (one replica, the
service's n-gram blocking), greedy and beam 4, and prints per engine the share of sentences
translated exactly alike and the mean share of each translation's words before the first
difference.

On the same-shape model (random weights; --model for real ones) the figures are a lower
bound: random weights leave near-ties between tokens everywhere, and after the first
flipped token a translation goes its own way. Without n-gram blocking they repeat one token
to the end ("Louder Louder …"), which any two engines agree on, hence the blocking.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from engines import ROOT, ensure_same_shape_model, seed_sentences  # bench/ is the script's path

from ringkas.models import ct2
from ringkas.models.loading import load_model
from ringkas.models.translator import DecodingOptions, TransformersTranslator
from ringkas.settings import Settings


def agreement(reference: list[str], other: list[str]) -> dict[str, float]:
    """Share of identical translations, and mean share of words before the first difference."""
    prefixes = []
    for a, b in zip(reference, other, strict=True):
        words_a, words_b = a.split(), b.split()
        same = next(
            (i for i, (x, y) in enumerate(zip(words_a, words_b, strict=False)) if x != y),
            min(len(words_a), len(words_b)),
        )
        prefixes.append(same / max(len(words_a), len(words_b), 1))
    identical = sum(a == b for a, b in zip(reference, other, strict=True))
    return {
        "identical_share": identical / len(reference),
        "identical": identical,
        "mean_common_prefix_share": sum(prefixes) / len(prefixes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "var/same-shape/opus-mt-id-en")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/int8_agreement.json")
    args = parser.parse_args()
    ensure_same_shape_model(args.model)

    base = Settings(
        model_translate_id_en=str(args.model.resolve()),
        ct2_dir=str((ROOT / "var/ct2").resolve()),
        ct2_inter_threads=1,
    )
    engines = {
        name: base.model_copy(update={"ct2_quantization": name, "ct2_compute_type": name})
        for name in ("float32", "int8")
    }
    for settings in engines.values():
        ct2.convert("translate:id-en", settings.pipeline_options().models)
    sentences = seed_sentences()
    figures: dict[str, Any] = {"model": str(args.model), "sentences": len(sentences)}
    for beams in (1, 4):
        options = DecodingOptions(num_beams=beams, no_repeat_ngram_size=base.no_repeat_ngram_size)
        reference = TransformersTranslator(
            load_model("translate:id-en", base.pipeline_options().models), options
        )
        expected = reference.translate_batch(sentences)
        for name, settings in engines.items():
            engine = ct2.load_engine("translate:id-en", settings.pipeline_options().models)
            assert engine is not None
            ours = ct2.CTranslate2Translator(engine, options).translate_batch(sentences)
            result = agreement(expected, ours)
            figures[f"{name}_beam{beams}"] = result
            print(
                f"beam {beams}, CTranslate2 {name} against transformers: "
                f"{result['identical']}/{len(sentences)} identical, "
                f"{result['mean_common_prefix_share']:.0%} of the words before the first "
                "difference",
                flush=True,
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"figures written to {args.out}")


if __name__ == "__main__":
    main()
