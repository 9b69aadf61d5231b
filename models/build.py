"""Builds models locally, because no model hub is reachable on the machines Ringkas is built on.

Two kinds, both with **random weights** (their output is gibberish; tests assert structure):

* demo models: tiny Marian id→en and en→id translators and a tiny BART summarizer, of the
  same classes as the real ones, with vocabularies trained here on text the project ships.
  They load through the same registry and ``from_pretrained`` code as a hub id.
* a same-shape model: the real opus-mt-id-en configuration and tokenizer (72.7M parameters,
  vocabulary 54,796) with random weights, so benchmarks time what a real model would.

Every folder built here holds a ``ringkas_demo.json`` marker; the loader reads it and the
results say that they come from random weights.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

DEMO_MARKER = "ringkas_demo.json"
ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "seeds"
# Development text beside the repository (not shipped with the product); used when present
# so the demo vocabularies also cover English well.
SHARED_TEXT = [
    ROOT.parent / "shared" / "data" / "flores-dev.id",
    ROOT.parent / "shared" / "data" / "flores-dev.en",
]

# (folder name, registry setting) of each demo model
DEMO_MODELS = {
    "translate:id-en": "opus-mt-id-en-demo",
    "translate:en-id": "opus-mt-en-id-demo",
    "brief:en": "distilbart-brief-demo",
}
DEMO_ENV = {
    "translate:id-en": "RINGKAS_MODEL_TRANSLATE_ID_EN",
    "translate:en-id": "RINGKAS_MODEL_TRANSLATE_EN_ID",
    "brief:en": "RINGKAS_MODEL_BRIEF_EN",
}
_TINY = {"d_model": 64, "layers": 2, "heads": 4, "ffn": 128}
# Much wider than the usual 0.02: a tiny model initialised that narrowly writes the same
# words whatever the input, and tests need outputs that depend on the input (order kept).
_INIT_STD = 0.5
_SEED = 1234


def demo_model_env(out: Path) -> dict[str, str]:
    """Environment variables that point each model setting at the demo models in ``out``."""
    return {DEMO_ENV[key]: str((out / name).resolve()) for key, name in DEMO_MODELS.items()}


def is_demo_model(folder: Path) -> bool:
    """Whether a model folder was built here with random weights."""
    return (folder / DEMO_MARKER).is_file()


def build_demo_models(out: Path, *, force: bool = False) -> None:
    """Builds the three demo models into ``out``; skips those already complete."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    out.mkdir(parents=True, exist_ok=True)
    builders = {
        "translate:id-en": _build_tiny_marian,
        "translate:en-id": _build_tiny_marian,
        "brief:en": _build_tiny_bart,
    }
    for key, name in DEMO_MODELS.items():
        folder = out / name
        if not force and _is_complete(folder):
            continue
        # Build in a temporary folder and rename, so a crash never leaves half a model.
        with tempfile.TemporaryDirectory(dir=out) as tmp:
            builders[key](Path(tmp) / name, key)
            if folder.exists():
                shutil.rmtree(folder)
            (Path(tmp) / name).rename(folder)


def build_same_shape_marian(source: Path, out: Path) -> None:
    """Builds a random-weight Marian model with the configuration and tokenizer in ``source``.

    Args:
        source: A folder with a Marian ``config.json`` and tokenizer files, e.g. the real
            opus-mt-id-en files in ``../shared/models/opus-mt-id-en``.
        out: Where to write the model.
    """
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    if not (source / "config.json").is_file():
        raise FileNotFoundError(f"{source} has no config.json: not a model folder")
    torch.manual_seed(_SEED)
    config = MarianConfig.from_pretrained(source)
    model = MarianMTModel(config)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    MarianTokenizer.from_pretrained(source).save_pretrained(out)
    _write_marker(out, f"same shape as {source}, random weights")


def _is_complete(folder: Path) -> bool:
    return is_demo_model(folder) and (folder / "config.json").is_file()


def _training_lines() -> Iterator[str]:
    for path in [*sorted(SEEDS_DIR.glob("*.txt")), *SHARED_TEXT]:
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    yield line.strip()


def _write_marker(folder: Path, what: str) -> None:
    note = {
        "random_weights": True,
        "what": what,
        "note": "Built by Ringkas for tests and demos; its output is gibberish by design.",
    }
    (folder / DEMO_MARKER).write_text(json.dumps(note, indent=2) + "\n", encoding="utf-8")


def _build_tiny_marian(folder: Path, key: str) -> None:
    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    folder.mkdir(parents=True)
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(_training_lines()) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(folder / "spm"),
        vocab_size=2000,
        hard_vocab_limit=False,  # the seeds alone hold fewer pieces than that
        character_coverage=1.0,
        unk_id=1,
        eos_id=0,
        bos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    corpus.unlink()
    (folder / "spm.model").rename(folder / "source.spm")
    (folder / "spm.vocab").unlink()
    shutil.copy(folder / "source.spm", folder / "target.spm")

    # Marian's vocab.json: "</s>" 0, "<unk>" 1, the pieces, "<pad>" last (as opus-mt does).
    processor = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in pieces:
        vocab.setdefault(piece, len(vocab))
    pad_id = len(vocab)
    vocab["<pad>"] = pad_id
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    source_lang, target_lang = key.split(":")[1].split("-")
    tokenizer = MarianTokenizer(
        source_spm=str(folder / "source.spm"),
        target_spm=str(folder / "target.spm"),
        vocab=str(folder / "vocab.json"),
        source_lang=source_lang,
        target_lang=target_lang,
        model_max_length=128,
    )
    tokenizer.save_pretrained(folder)

    torch.manual_seed(_SEED)
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=_TINY["d_model"],
        encoder_layers=_TINY["layers"],
        decoder_layers=_TINY["layers"],
        encoder_attention_heads=_TINY["heads"],
        decoder_attention_heads=_TINY["heads"],
        encoder_ffn_dim=_TINY["ffn"],
        decoder_ffn_dim=_TINY["ffn"],
        # Small on purpose: seed sentences longer than this exercise the splitting path.
        max_position_embeddings=128,
        activation_function="swish",
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
        scale_embedding=True,
        init_std=_INIT_STD,
    )
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad_id]],
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad_id,
        max_length=128,
        num_beams=4,
    )
    model.save_pretrained(folder)
    _write_marker(folder, f"tiny Marian {source_lang}→{target_lang}, random weights")


def _build_tiny_bart(folder: Path, key: str) -> None:
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import (
        BartConfig,
        BartForConditionalGeneration,
        BartTokenizer,
        GenerationConfig,
    )

    folder.mkdir(parents=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]  # BART's ids 0..4
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(_training_lines(), vocab_size=2000, special_tokens=specials)
    bpe.save_model(str(folder))
    tokenizer = BartTokenizer(
        vocab=str(folder / "vocab.json"), merges=str(folder / "merges.txt"), model_max_length=1024
    )
    tokenizer.save_pretrained(folder)

    torch.manual_seed(_SEED)
    config = BartConfig(
        vocab_size=bpe.get_vocab_size(),
        d_model=_TINY["d_model"],
        encoder_layers=_TINY["layers"],
        decoder_layers=_TINY["layers"],
        encoder_attention_heads=_TINY["heads"],
        decoder_attention_heads=_TINY["heads"],
        encoder_ffn_dim=_TINY["ffn"],
        decoder_ffn_dim=_TINY["ffn"],
        max_position_embeddings=1024,  # as distilbart-cnn: whole articles in one pass
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=2,
        init_std=_INIT_STD,
    )
    model = BartForConditionalGeneration(config)
    # Like distilbart-cnn's own (min_length 56 there): a summary is never empty.
    model.generation_config = GenerationConfig(
        bos_token_id=0,
        decoder_start_token_id=2,
        eos_token_id=2,
        pad_token_id=1,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        min_length=20,
        no_repeat_ngram_size=3,
        num_beams=2,
    )
    model.save_pretrained(folder)
    _write_marker(folder, f"tiny BART summarizer ({key}), random weights")
