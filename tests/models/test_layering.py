"""The model layer stands alone: it imports nothing of the application above it."""

from __future__ import annotations

import ast
from pathlib import Path

MODELS = Path(__file__).resolve().parents[2] / "models"


def test_models_import_nothing_from_the_application() -> None:
    offending: list[str] = []
    for path in sorted(MODELS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")
                if top[0] == "ringkas" and top[1:2] != ["models"]:
                    offending.append(f"{path.relative_to(MODELS.parent)}: {name}")
                if top[0] in {"fastapi", "celery", "starlette", "kombu"}:
                    offending.append(f"{path.relative_to(MODELS.parent)}: {name}")
    assert offending == []
