"""The web page: plain HTML, CSS and JS shipped in the package (``service/static``).

No build chain and nothing from a CDN: the page is three files a Python team can read and
change, served by the API itself, and it calls the same public JSON API as any client.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"


def mount(app: FastAPI) -> None:
    """Serves the page at ``/`` and its assets under ``/static``."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        """The web page."""
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")
