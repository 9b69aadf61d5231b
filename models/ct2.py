"""The CTranslate2 backend: Marian models converted once, then run by CTranslate2's engine.

CTranslate2 runs the same weights 2-4× faster than ``transformers`` on a CPU (int8 matrix
products, a C++ decoding loop, no Python per step). A model is converted once with
``ringkas models convert``; the converted folder is cached under ``RINGKAS_CT2_DIR``, named
after the model and the quantization, and the workers use it when it is there (backend
``auto``) or insist on it (backend ``ctranslate2``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from models.batching import batches_by_tokens
from models.build import is_demo_model
from models.errors import ModelUnavailable
from models.registry import lookup, model_spec
from models.translator import (
    FinishedCallback,
    PieceResults,
    PieceTranslator,
    Translation,
)
from ringkas.settings import Settings

ORIGIN_FILE = "ringkas_origin.json"


def converted_dir(spec: str, quantization: str, settings: Settings) -> Path:
    """Where the CTranslate2 conversion of ``spec`` lives (whether or not it exists yet)."""
    path = Path(spec).expanduser()
    name = str(path.resolve()) if path.is_dir() else spec
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")
    return Path(settings.ct2_dir).expanduser() / f"{slug}-{quantization}"


def is_converted(folder: Path) -> bool:
    return (folder / "model.bin").is_file() and (folder / ORIGIN_FILE).is_file()


def convert(key: str, settings: Settings, *, force: bool = False) -> Path:
    """Converts the model configured for ``key`` to CTranslate2, once; returns its folder.

    The tokenizer files are copied beside the weights, so the folder stands on its own.
    """
    from ctranslate2.converters import TransformersConverter

    spec = model_spec(key, settings)
    out = converted_dir(spec, settings.ct2_quantization, settings)
    if is_converted(out) and not force:
        return out
    copy = [
        "source.spm",
        "target.spm",
        "vocab.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
        "generation_config.json",
    ]
    source = Path(spec).expanduser()
    present = [f for f in copy if (source / f).is_file()] if source.is_dir() else copy
    try:
        TransformersConverter(spec, copy_files=present).convert(
            str(out), quantization=settings.ct2_quantization, force=True
        )
    except OSError as exc:
        raise ModelUnavailable(key, spec, lookup(key).env_var, str(exc).splitlines()[0]) from exc
    if source.is_dir() and is_demo_model(source):
        (out / "ringkas_demo.json").write_bytes((source / "ringkas_demo.json").read_bytes())
    # What the loader needs from the original config, so that it never asks the hub.
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(spec)
    origin = {"spec": spec, "max_position_embeddings": config.max_position_embeddings}
    (out / ORIGIN_FILE).write_text(json.dumps(origin), encoding="utf-8")
    return out


@dataclass(frozen=True)
class LoadedEngine:
    """A CTranslate2 translator with the Marian tokenizer that feeds it."""

    key: str
    spec: str
    engine: Any
    tokenizer: Any
    is_demo: bool
    max_source_tokens: int


def load_engine(key: str, settings: Settings) -> LoadedEngine | None:
    """The converted model for ``key``, or ``None`` if it has not been converted."""
    spec = model_spec(key, settings)
    folder = converted_dir(spec, settings.ct2_quantization, settings)
    if not is_converted(folder):
        return None
    return _load_engine(
        key, spec, str(folder), settings.device, settings.ct2_compute_type, settings.torch_threads
    )


@lru_cache(maxsize=8)
def _load_engine(
    key: str, spec: str, folder: str, device: str, compute_type: str, threads: int
) -> LoadedEngine:
    import ctranslate2
    from transformers import MarianTokenizer

    resolved = device
    if device == "auto":
        resolved = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "auto":
        compute_type = "int8_float16" if resolved == "cuda" else "int8"
    engine = ctranslate2.Translator(
        folder,
        device=resolved,
        compute_type=compute_type,
        intra_threads=threads,
        inter_threads=1,
    )
    tokenizer = MarianTokenizer.from_pretrained(folder)  # copied there at conversion
    origin = json.loads((Path(folder) / ORIGIN_FILE).read_text(encoding="utf-8"))
    positions = origin["max_position_embeddings"]
    return LoadedEngine(
        key=key,
        spec=spec,
        engine=engine,
        tokenizer=tokenizer,
        is_demo=is_demo_model(Path(folder)),
        max_source_tokens=int(positions),
    )


class CTranslate2Translator(PieceTranslator):
    """A converted Marian model run by CTranslate2, batched as the ``transformers`` backend."""

    backend = "ctranslate2"
    _loaded: LoadedEngine

    def translate_scored(
        self, sentences: Sequence[str], on_finished: FinishedCallback | None = None
    ) -> list[Translation]:
        tokenizer = self._loaded.tokenizer
        pieces, owners = self._fit(sentences)
        results = PieceResults(owners, len(sentences), on_finished)
        tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(pieces).input_ids]
        for batch in batches_by_tokens([len(t) for t in tokens], self._options.max_batch_tokens):
            least, most = self._options.output_budget(
                len(tokens[batch[0]]), self._loaded.max_source_tokens
            )
            outputs = self._loaded.engine.translate_batch(
                [tokens[i] for i in batch],
                beam_size=self._options.num_beams,
                # transformers spends the last of its new tokens on the forced </s>, which
                # CTranslate2 does not count: one less keeps the two backends' outputs equal.
                min_decoding_length=max(least - 1, 0),
                max_decoding_length=max(most - 1, 1),
                no_repeat_ngram_size=self._options.no_repeat_ngram_size,
                repetition_penalty=self._options.repetition_penalty,
                return_scores=True,
            )
            for piece, output in zip(batch, outputs, strict=True):
                hypothesis = output.hypotheses[0]
                ids = tokenizer.convert_tokens_to_ids(hypothesis)
                text = tokenizer.decode(ids, skip_special_tokens=True).strip()
                # CTranslate2's score is already the mean token log-probability (the sum
                # divided by the length, length_penalty 1), greedy and beam alike.
                count = max(len(hypothesis), 1)
                results.add(piece, text, output.scores[0] * count, count)
            results.batch_done()
        return results.translations()
