"""``/docs``: Swagger UI served by the API itself, from the ``fastapi-offline`` package.

FastAPI's own ``/docs`` and ``/redoc`` load their scripts from a CDN, which fails offline
(and inside networks that block it) and is code from a third party running on the API's
origin. ``fastapi-offline`` ships the Swagger UI files; the page that starts them is
``static/docs.html`` with ``static/docs.js`` (no inline script, for the CSP of
``service/headers.py``). ReDoc is not served: its bundle injects inline styles the CSP
forbids, and one set of docs is enough.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ringkas.service.web import STATIC_DIR

SWAGGER_UI_DIR = Path(str(files("fastapi_offline") / "static"))


def mount(app: FastAPI) -> None:
    """Serves the docs page at ``/docs`` and Swagger UI's files under ``/docs-assets``."""
    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_UI_DIR), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        """Swagger UI for this API."""
        return FileResponse(STATIC_DIR / "docs.html", media_type="text/html")
