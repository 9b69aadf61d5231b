"""Refuses request bodies over ``RINGKAS_MAX_BODY_BYTES`` with 413, before they are parsed.

A pure ASGI middleware: a declared ``Content-Length`` over the limit is answered at once,
without reading the body; a body sent without one (chunked) is counted as it arrives and
refused as soon as it passes the limit, so an endless body never fills memory.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ringkas.service.errors import envelope


def too_large_message(limit: int) -> str:
    return f"request body is over the limit of {limit} bytes (RINGKAS_MAX_BODY_BYTES)"


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            response = envelope(413, "body_too_large", too_large_message(self.max_bytes))
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI passes an HTTPException raised while reading the body through
                    # to the error handlers (anything else would become a 400).
                    raise HTTPException(413, too_large_message(self.max_bytes))
            return message

        await self.app(scope, counting_receive, send)
