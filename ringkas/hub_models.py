"""Real models for ``ringkas demo``: from the model hub into its cache, where the hub answers.

The demo asks the hub once, briefly (``HUB_CHECK_TIMEOUT_S``); ``HF_HUB_OFFLINE`` or
``RINGKAS_HUB_OFFLINE`` skip the question. Where it answers, each model the user has not set
elsewhere is downloaded into the hub cache (``HF_HOME``, progress bars from
``huggingface_hub``), then converted for CTranslate2 once (cached under ``RINGKAS_CT2_DIR``),
and the demo's worker loads them from there without asking the hub again. Where it does
not answer, the demo says so in one line and uses the random-weight demo models.

``HF_ENDPOINT`` points all of this at another hub (a mirror, or the tests' local stand-in).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from ringkas.settings import Settings

HUB_CHECK_TIMEOUT_S = 3.0
# What from_pretrained needs of a translation or summarization repository; the weights are
# chosen apart (safetensors where the repository has them, else the PyTorch pickle), so
# TensorFlow, Flax, Rust and ONNX copies are not downloaded.
_NEEDED = ("*.json", "*.spm", "*.txt", "*.model", "*.tiktoken")
_WEIGHTS = (("model.safetensors", "model.safetensors.index.json"), ("pytorch_model.bin",))

Echo = Callable[..., Any]


def offline_reason(settings: Settings) -> str | None:
    """Why the hub is not to be asked at all; None when it may be."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}:
        return "HF_HUB_OFFLINE is set"
    if settings.hub_offline:
        return "RINGKAS_HUB_OFFLINE is set"
    return None


def hub_endpoint() -> str:
    """The hub the client library talks to (``HF_ENDPOINT``, else huggingface.co)."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hub_unreachable(repo_id: str, timeout_s: float = HUB_CHECK_TIMEOUT_S) -> str | None:
    """Why the hub did not answer for ``repo_id`` within ``timeout_s``; None when it did.

    One plain request, no retries: ``huggingface_hub`` retries a refused connection with
    backoff for several seconds, which is right for a download and wrong for a question.
    """
    import httpx

    try:
        response = httpx.get(f"{hub_endpoint()}/api/models/{repo_id}", timeout=timeout_s)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {' '.join(str(exc).split())[:200] or 'no answer'}"
    if response.status_code != 200:
        return f"it answered {response.status_code} for {repo_id}"
    return None


def download(repo_id: str) -> str:
    """Downloads what ``from_pretrained`` needs of ``repo_id`` into the hub cache; returns
    the snapshot folder. Files already there are not downloaded again."""
    from huggingface_hub import HfApi, snapshot_download

    files = {s.rfilename for s in HfApi().model_info(repo_id).siblings or []}
    patterns = list(_NEEDED)
    for candidates in _WEIGHTS:
        present = [name for name in candidates if name in files]
        if present:
            patterns += [*present, "model-*.safetensors"]
            break
    return str(snapshot_download(repo_id, allow_patterns=patterns))


def prepare_hub_models(settings: Settings, keys: Sequence[str], echo: Echo) -> bool:
    """Downloads and converts the hub models of ``keys`` (registry keys) for the demo.

    Returns:
        True when they are ready in the cache; False when the hub is not to be asked or did
        not answer (one line says why), so the demo models take their place.
    """
    from ringkas.models.registry import model_spec

    if not keys:
        return True
    models = settings.pipeline_options().models
    specs = {key: model_spec(key, models) for key in keys}
    reason = offline_reason(settings)
    if reason is None:
        endpoint = hub_endpoint()
        started = time.monotonic()
        reason = hub_unreachable(next(iter(specs.values())))
        if reason is not None:
            waited = time.monotonic() - started
            reason = f"the model hub ({endpoint}) did not answer in {waited:.1f} s: {reason}"
    if reason is not None:
        echo(f"Models: not downloading the real models ({reason}); using the demo models.")
        return False
    for key, spec in specs.items():
        echo(f"Models: {spec} ({key}) from the model hub into its cache …")
        echo(f"Models:   {download(spec)}")
    _convert(settings, keys, echo)
    return True


def _convert(settings: Settings, keys: Sequence[str], echo: Echo) -> None:
    """CTranslate2 conversions of the downloaded models, made once (the backend ``auto``
    then runs them 2-4× faster than transformers; see bench/README.md)."""
    from ringkas.models import ct2

    models = settings.pipeline_options().models
    for key in keys:
        started = time.monotonic()
        folder = ct2.convert(key, models)
        echo(f"Models: {key} for CTranslate2 in {folder} ({time.monotonic() - started:.1f} s)")
