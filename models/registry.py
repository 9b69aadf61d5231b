"""Which model serves which task and direction.

Keys are ``"translate:id-en"``, ``"translate:en-id"`` and ``"brief:en"``. Each entry names the
setting that holds its model: a model-hub id (``Helsinki-NLP/opus-mt-id-en``) or a local folder.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringkas.models.errors import UnknownModel, UnsupportedLanguage
from ringkas.settings import Settings


@dataclass(frozen=True)
class ModelEntry:
    """A registry entry.

    Attributes:
        key: ``task:direction``.
        setting: The ``Settings`` field that holds the hub id or folder.
        kind: ``"marian"`` for translators, ``"seq2seq"`` for any summarizer.
    """

    key: str
    setting: str
    kind: str

    @property
    def env_var(self) -> str:
        return f"RINGKAS_{self.setting.upper()}"


REGISTRY: dict[str, ModelEntry] = {
    entry.key: entry
    for entry in (
        ModelEntry("translate:id-en", "model_translate_id_en", "marian"),
        ModelEntry("translate:en-id", "model_translate_en_id", "marian"),
        ModelEntry("brief:en", "model_brief_en", "seq2seq"),
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


def model_spec(key: str, settings: Settings) -> str:
    """The hub id or folder configured for ``key``."""
    return str(getattr(settings, lookup(key).setting))
