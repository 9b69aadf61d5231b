"""The one error a synchronous task raises on purpose, importable by the API without torch.

Celery rebuilds a task's exception in the caller from its type, module and ``args``
(JSON serializer), and only finds the class if the caller has imported its module. So
the sync task converts the model layer's errors into this class, whose ``args`` are
exactly what its constructor takes, and the API imports it to catch it.
"""

from __future__ import annotations

from typing import Literal

SyncErrorKind = Literal["invalid_input", "model_error"]


class SyncTaskError(Exception):
    """A translation the worker refused (bad input) or could not do (model error)."""

    def __init__(self, kind: SyncErrorKind, message: str) -> None:
        super().__init__(kind, message)
        self.kind: SyncErrorKind = kind
        self.message = message

    def __str__(self) -> str:
        return self.message
