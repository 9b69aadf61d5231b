"""Which model serves which task and direction.

Keys are ``"translate:id-en"``, ``"translate:en-id"`` and ``"brief:en"``. Each entry names the
``ModelOptions`` field that holds its model: a model-hub id (``Helsinki-NLP/opus-mt-id-en``)
or a local folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ringkas.models.errors import UnknownModel, UnsupportedLanguage

if TYPE_CHECKING:
    from ringkas.models.options import ModelOptions


@dataclass(frozen=True)
class ModelEntry:
    """A registry entry.

    Attributes:
        key: ``task:direction``.
        option: The ``ModelOptions`` field that holds the hub id or folder.
        kind: ``"marian"`` for translators, ``"seq2seq"`` for any summarizer.
    """

    key: str
    option: str
    kind: str

    @property
    def env_var(self) -> str:
        """The service's setting for this model, named in error messages."""
        return f"RINGKAS_MODEL_{self.option.upper()}"


REGISTRY: dict[str, ModelEntry] = {
    entry.key: entry
    for entry in (
        ModelEntry("translate:id-en", "translate_id_en", "marian"),
        ModelEntry("translate:en-id", "translate_en_id", "marian"),
        ModelEntry("brief:en", "brief_en", "seq2seq"),
    )
}


def lookup(key: str) -> ModelEntry:
    """The entry for ``key``; raises ``UnknownModel`` listing the valid keys."""
    try:
        return REGISTRY[key]
    except KeyError:
        raise UnknownModel(key, sorted(REGISTRY)) from None


def translation_key(source_lang: str, target_lang: str) -> str:
    """The registry key of a translation direction; raises ``UnsupportedLanguage``."""
    key = f"translate:{source_lang}-{target_lang}"
    if key not in REGISTRY:
        pairs = [k.removeprefix("translate:") for k in REGISTRY if k.startswith("translate:")]
        raise UnsupportedLanguage(
            f"no translation model for {source_lang}→{target_lang}; supported: {', '.join(pairs)}"
        )
    return key


def model_spec(key: str, models: ModelOptions) -> str:
    """The hub id or folder configured for ``key``."""
    return str(getattr(models, lookup(key).option))
