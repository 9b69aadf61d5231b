"""A local stand-in of the model hub: a folder served over HTTP the way the hub serves files.

``root/<org>/<name>/…`` is repository ``<org>/<name>``. It answers what ``huggingface_hub``
asks: ``GET /api/models/<repo>[/revision/<rev>]`` (the repository and its files),
``GET /api/models/<repo>/tree/<rev>`` (the files, as the tree API lists them) and ``HEAD``/``GET
/<repo>/resolve/<rev>/<path>`` (a file, with the commit and ETag headers the client keys
its cache on), 404 with ``X-Error-Code`` for what is not there. Every request is logged in
``requests``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class HubStandIn(ThreadingHTTPServer):
    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.requests: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: HubStandIn

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def _answer(self, body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        self.server.requests.append((self.command, path))
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "models"] and len(parts) >= 6 and parts[4] == "tree":
            self._tree("/".join(parts[2:4]), body)
        elif parts[:2] == ["api", "models"] and len(parts) >= 4:
            self._repo_info("/".join(parts[2:4]), body)
        elif len(parts) >= 5 and parts[2] == "resolve":
            self._file("/".join(parts[:2]), "/".join(parts[4:]), body)
        else:
            self._missing("RepoNotFound", body)

    def _repo_info(self, repo: str, body: bool) -> None:
        folder = self.server.root / repo
        if not folder.is_dir():
            return self._missing("RepoNotFound", body)
        files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        info = {
            "id": repo,
            "modelId": repo,
            "sha": COMMIT,
            "private": False,
            "siblings": [{"rfilename": name} for name in files],
        }
        self._send(200, json.dumps(info).encode(), "application/json", body)

    def _tree(self, repo: str, body: bool) -> None:
        """Every file of the repository, as the tree API lists them (one page)."""
        folder = self.server.root / repo
        if not folder.is_dir():
            return self._missing("RepoNotFound", body)
        entries = [
            {
                "type": "file",
                "path": str(p.relative_to(folder)),
                "size": p.stat().st_size,
                "oid": hashlib.sha1(p.read_bytes()).hexdigest(),
            }
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        ]
        self._send(200, json.dumps(entries).encode(), "application/json", body)

    def _file(self, repo: str, name: str, body: bool) -> None:
        path = self.server.root / repo / name
        if not path.is_file():
            return self._missing("EntryNotFound", body)
        data = path.read_bytes()
        self._send(
            200, data, "application/octet-stream", body, etag=hashlib.sha256(data).hexdigest()
        )

    def _missing(self, code: str, body: bool) -> None:
        self._send(404, json.dumps({"error": code}).encode(), "application/json", body, code=code)

    def _send(
        self,
        status: int,
        data: bytes,
        content_type: str,
        body: bool,
        etag: str | None = None,
        code: str | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Repo-Commit", COMMIT)
        if etag:
            self.send_header("ETag", f'"{etag}"')
        if code:
            self.send_header("X-Error-Code", code)
        self.end_headers()
        if body:
            self.wfile.write(data)


@contextmanager
def serving(root: Path) -> Iterator[HubStandIn]:
    server = HubStandIn(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
