"""The CTranslate2 backend: models converted once, then run by CTranslate2's engine.

CTranslate2 runs the same weights 2-4× faster than ``transformers`` on a CPU (int8 matrix
products, a C++ decoding loop, no Python per step). A model is converted once with
``ringkas models convert``; the converted folder is cached under ``RINGKAS_CT2_DIR``, named
after the model and the quantization, and the workers use it when it is there (backend
``auto``) or insist on it (backend ``ctranslate2``). The translators (Marian) and the
summarizer (BART) convert, load and decode alike: both are encoder-decoders, run by a
``ctranslate2.Translator``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ringkas.models.build import is_demo_model
from ringkas.models.errors import ModelNotConverted, ModelUnavailable
from ringkas.models.loading import snapshot_folder
from ringkas.models.registry import lookup, model_spec
from ringkas.models.result import Backend
from ringkas.models.summarizer import Seq2SeqSummarizer
from ringkas.models.translator import Decoded, PendingBatch, PieceTranslator

if TYPE_CHECKING:
    from ringkas.models.options import ModelOptions

ORIGIN_FILE = "ringkas_origin.json"


def converted_dir(spec: str, quantization: str, models: ModelOptions) -> Path:
    """Where the CTranslate2 conversion of ``spec`` lives (whether or not it exists yet)."""
    path = Path(spec).expanduser()
    name = str(path.resolve()) if path.is_dir() else spec
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")
    return Path(models.ct2_dir).expanduser() / f"{slug}-{quantization}"


def is_converted(folder: Path) -> bool:
    return (folder / "model.bin").is_file() and (folder / ORIGIN_FILE).is_file()


def convert(key: str, models: ModelOptions, *, force: bool = False) -> Path:
    """Converts the model configured for ``key`` to CTranslate2, once; returns its folder.

    The tokenizer and the generation config are saved beside the weights, so the folder
    stands on its own and decodes as the ``transformers`` model would.
    """
    spec = model_spec(key, models)
    out = converted_dir(spec, models.ct2_quantization, models)
    if is_converted(out) and not force:
        return out
    converter = _converter(spec)
    try:
        converter.convert(str(out), quantization=models.ct2_quantization, force=True)
    except OSError as exc:
        raise ModelUnavailable(key, spec, lookup(key).env_var, str(exc).splitlines()[0]) from exc
    converter.tokenizer.save_pretrained(out)
    converter.generation_config.save_pretrained(out)
    source = snapshot_folder(spec)
    if source is not None and is_demo_model(source):
        (out / "ringkas_demo.json").write_bytes((source / "ringkas_demo.json").read_bytes())
    # What the loader needs from the original config, so that it never asks the hub.
    origin = {"spec": spec, "max_position_embeddings": converter.max_position_embeddings}
    (out / ORIGIN_FILE).write_text(json.dumps(origin), encoding="utf-8")
    return out


def _converter(spec: str) -> Any:
    """CTranslate2's ``TransformersConverter`` for ``spec``, keeping what it loads."""
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):
        tokenizer: Any
        generation_config: Any
        max_position_embeddings: int

        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            config = kwargs["config"]
            if config.model_type == "bart" and not hasattr(config, "normalize_before"):
                # BART is post-norm. CTranslate2's BartLoader reads this attribute, which
                # configs saved by transformers 5 do not carry.
                config.normalize_before = False
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            self.generation_config = model.generation_config
            self.max_position_embeddings = int(config.max_position_embeddings)
            return model

        def load_tokenizer(
            self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any
        ) -> Any:
            self.tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return self.tokenizer

    return Converter(spec)


def engine_for(key: str, models: ModelOptions, backend: str) -> LoadedEngine | None:
    """The converted model for ``key`` if ``backend`` ("auto", "transformers" or
    "ctranslate2") runs it on CTranslate2; ``None``: run it on ``transformers``.

    Raises:
        ModelNotConverted: ``backend`` is "ctranslate2" and the model is not converted.
    """
    if backend == "transformers":
        return None
    engine = load_engine(key, models)
    if engine is None and backend == "ctranslate2":
        spec = model_spec(key, models)
        raise ModelNotConverted(
            key, spec, str(converted_dir(spec, models.ct2_quantization, models))
        )
    return engine


@dataclass(frozen=True)
class LoadedEngine:
    """A converted model on CTranslate2's engine, with its tokenizer and generation config."""

    key: str
    spec: str
    engine: Any
    tokenizer: Any
    generation_config: Any
    is_demo: bool
    max_source_tokens: int
    replicas: int  # batches decoded at once (inter_threads)


def load_engine(key: str, models: ModelOptions) -> LoadedEngine | None:
    """The converted model for ``key``, or ``None`` if it has not been converted."""
    spec = model_spec(key, models)
    folder = converted_dir(spec, models.ct2_quantization, models)
    if not is_converted(folder):
        return None
    # A summarizer writes one brief at a time: all threads on it. Translators get batches of
    # many sentences, decoded side by side (see ``_load_engine``).
    replicas = models.ct2_inter_threads if lookup(key).kind == "marian" else 1
    return _load_engine(
        key,
        spec,
        str(folder),
        models.device,
        models.ct2_compute_type,
        models.threads,
        replicas,
    )


@lru_cache(maxsize=8)
def _load_engine(
    key: str,
    spec: str,
    folder: str,
    device: str,
    compute_type: str,
    threads: int,
    replicas: int | None,
) -> LoadedEngine:
    """Loads a converted model with ``threads`` CPU threads, split over ``replicas`` batches
    decoded at once (``None``: one per thread on CPU, one on CUDA).

    On CPU, one thread per batch beside another batch decodes 1.6× (beam 4) to 2.2×
    (greedy) as many tokens per second as both threads on one batch (bench/README.md): much
    of a decoding step (the output projection's top-k, beam bookkeeping, small matrices)
    does not split over threads, and two batches keep both cores busy through it.
    """
    import ctranslate2
    from transformers import AutoTokenizer, GenerationConfig

    resolved = device
    if device == "auto":
        resolved = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "auto":
        compute_type = "int8_float16" if resolved == "cuda" else "int8"
    if replicas is None:
        replicas = 1 if resolved == "cuda" else threads
    engine = ctranslate2.Translator(
        folder,
        device=resolved,
        compute_type=compute_type,
        intra_threads=max(1, threads // replicas),
        inter_threads=replicas,
    )
    tokenizer = AutoTokenizer.from_pretrained(folder)  # saved there at conversion
    try:
        generation = GenerationConfig.from_pretrained(folder)
    except OSError:  # a translator converted before the config was saved there
        generation = GenerationConfig()
    origin = json.loads((Path(folder) / ORIGIN_FILE).read_text(encoding="utf-8"))
    positions = origin["max_position_embeddings"]
    return LoadedEngine(
        key=key,
        spec=spec,
        engine=engine,
        tokenizer=tokenizer,
        generation_config=generation,
        is_demo=is_demo_model(Path(folder)),
        max_source_tokens=int(positions),
        replicas=replicas,
    )


class CTranslate2Translator(PieceTranslator):
    """A converted Marian model run by CTranslate2, batched as the ``transformers`` backend."""

    backend: Backend = "ctranslate2"
    batches_ahead_per_replica = 2  # decoded in CTranslate2's own threads
    _loaded: LoadedEngine

    def _start(self, batch: list[list[int]], least: int, most: int, width: int) -> PendingBatch:
        tokenizer = self._loaded.tokenizer
        tokens = [tokenizer.convert_ids_to_tokens(ids) for ids in batch]
        if max(len(ids) for ids in batch) < width:
            # CTranslate2 pads a batch to its longest input, and takes no width: a row of
            # that width, whose output is dropped, pads the others to it.
            tokens.append([tokenizer.eos_token] * width)
        pending = self._loaded.engine.translate_batch(
            tokens,
            beam_size=self._options.num_beams,
            # transformers spends the last of its new tokens on the forced </s>, which
            # CTranslate2 does not count: one less keeps the two backends' outputs equal.
            min_decoding_length=max(least - 1, 0),
            max_decoding_length=max(most - 1, 1),
            no_repeat_ngram_size=self._options.no_repeat_ngram_size,
            repetition_penalty=self._options.repetition_penalty,
            return_scores=True,
            asynchronous=True,  # queued for the next free replica
        )

        def wait() -> list[Decoded]:
            decoded: list[Decoded] = []
            for result in pending[: len(batch)]:
                output = result.result()
                hypothesis = output.hypotheses[0]
                ids = tokenizer.convert_tokens_to_ids(hypothesis)
                text = tokenizer.decode(ids, skip_special_tokens=True).strip()
                # CTranslate2's score is already the mean token log-probability (the sum
                # divided by the length, length_penalty 1), greedy and beam alike.
                count = max(len(hypothesis), 1)
                decoded.append((text, output.scores[0] * count, count))
            return decoded

        return wait


class CTranslate2Summarizer(Seq2SeqSummarizer):
    """A converted seq2seq summarizer run by CTranslate2, with the settings that
    ``TransformersSummarizer`` gets from the model's generation config."""

    backend: Backend = "ctranslate2"
    _loaded: LoadedEngine

    def _generate_ids(self, chunks: list[str]) -> list[list[int]]:
        tokenizer = self._loaded.tokenizer
        config = self._loaded.generation_config
        tokens = [
            tokenizer.convert_ids_to_tokens(ids)
            for ids in tokenizer(chunks, truncation=True).input_ids
        ]
        least, most = self._options.new_tokens()
        # generate counts the final </s> among its new tokens and the decoder start token in
        # its min_length; CTranslate2 counts neither, and counts a forced <s> (the prefix).
        most = max(most - 1, 1)
        least = min(max(least or 0, _value(config, "min_length", 0) - 1), most)
        bos = config.forced_bos_token_id
        prefix = [tokenizer.convert_ids_to_tokens([bos])] * len(tokens) if bos is not None else None
        outputs = self._loaded.engine.translate_batch(
            tokens,
            target_prefix=prefix,
            beam_size=self._options.num_beams,
            min_decoding_length=least,
            max_decoding_length=most,
            no_repeat_ngram_size=_value(config, "no_repeat_ngram_size", 0),
            length_penalty=_value(config, "length_penalty", 1.0),
            repetition_penalty=_value(config, "repetition_penalty", 1.0),
        )
        return [tokenizer.convert_tokens_to_ids(o.hypotheses[0]) for o in outputs]


def _value(config: Any, name: str, default: Any) -> Any:
    """A generation config's setting, or ``generate``'s default where it is unset (None)."""
    value = getattr(config, name, None)
    return default if value is None else value
