"""Loads models lazily, once per process, from a model-hub id or a local folder.

Nothing is loaded at import time: a Celery worker process loads a model the first time a task
needs it and keeps it for the rest of its life (``lru_cache``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ringkas.models.build import is_demo_model
from ringkas.models.errors import ModelUnavailable
from ringkas.models.registry import lookup, model_spec

if TYPE_CHECKING:
    from ringkas.models.options import ModelOptions


class Loaded(Protocol):
    """What the code both backends share needs of a loaded model (``LoadedModel`` here,
    ``models.ct2.LoadedEngine``)."""

    @property
    def spec(self) -> str: ...
    @property
    def is_demo(self) -> bool: ...
    @property
    def tokenizer(self) -> Any: ...
    @property
    def max_source_tokens(self) -> int: ...
    @property
    def replicas(self) -> int:
        """How many batches the engine decodes at once."""
        ...


@dataclass(frozen=True)
class LoadedModel:
    """A model ready for ``generate``.

    Attributes:
        key: Registry key, e.g. ``"translate:id-en"``.
        spec: The hub id or folder it came from.
        model: The ``transformers`` model, in eval mode, on ``device``.
        tokenizer: Its tokenizer.
        device: ``"cpu"`` or ``"cuda"``.
        is_demo: True for random-weight models built by ``models.build``.
        max_source_tokens: The longest input the model takes, in tokens (``</s>`` included).
        replicas: Batches decoded at once: one (``generate`` runs a batch on all threads).
    """

    key: str
    spec: str
    model: Any
    tokenizer: Any
    device: str
    is_demo: bool
    max_source_tokens: int
    replicas: int = 1


def load_model(key: str, models: ModelOptions) -> LoadedModel:
    """The model for a registry key, as configured in ``models``; loaded once per process.

    Raises:
        UnknownModel: ``key`` is not in the registry.
        ModelUnavailable: the model is neither a local folder nor loadable from the hub.
    """
    return _load(
        key,
        model_spec(key, models),
        models.device,
        models.threads,
        models.hub_offline,
    )


@lru_cache(maxsize=8)
def _load(key: str, spec: str, device: str, threads: int, offline: bool) -> LoadedModel:
    import torch
    from transformers import (
        AutoConfig,
        AutoModelForSeq2SeqLM,
        AutoTokenizer,
        MarianMTModel,
        MarianTokenizer,
    )
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # worker logs, not terminals

    entry = lookup(key)
    folder = Path(spec).expanduser()
    is_local = folder.is_dir()
    if not is_local and (spec.startswith((".", "/", "~")) or folder.exists()):
        raise ModelUnavailable(key, spec, entry.env_var, "that folder does not exist")

    torch.set_num_threads(threads)
    model_cls, tokenizer_cls = (
        (MarianMTModel, MarianTokenizer)
        if entry.kind == "marian"
        else (AutoModelForSeq2SeqLM, AutoTokenizer)
    )
    source = str(folder) if is_local else spec
    try:
        # The config first: it fails cleanly (OSError) where a tokenizer may fail obscurely.
        AutoConfig.from_pretrained(source, local_files_only=offline or is_local)
        tokenizer = tokenizer_cls.from_pretrained(source, local_files_only=offline or is_local)
        model: Any = model_cls.from_pretrained(source, local_files_only=offline or is_local)
    # transformers reports missing files and unreachable hubs as OSError, a folder that
    # holds no model as ValueError.
    except (OSError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelUnavailable(key, spec, entry.env_var, reason) from exc

    resolved = _pick_device(device)
    model.to(resolved).eval()
    return LoadedModel(
        key=key,
        spec=spec,
        model=model,
        tokenizer=tokenizer,
        device=resolved,
        is_demo=_is_demo(spec),
        max_source_tokens=int(model.config.max_position_embeddings),
    )


def snapshot_folder(spec: str) -> Path | None:
    """The folder a model's files are in: ``spec`` itself when it is a local folder, else
    its snapshot in the hub cache (None when it is not cached)."""
    folder = Path(spec).expanduser()
    if folder.is_dir():
        return folder
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(spec, "config.json")
    return Path(cached).parent if isinstance(cached, str) else None


def _is_demo(spec: str) -> bool:
    # A random-weight model says so wherever it comes from: a folder, or a hub (mirror)
    # that serves one; the marker file travels with it.
    folder = snapshot_folder(spec)
    return folder is not None and is_demo_model(folder)


def _pick_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device
