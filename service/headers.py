"""Two pure ASGI middlewares around every answer: security headers, and HEAD wherever GET works.

Security headers: one policy for the page, the docs and the API, since all of them are
served from this origin and none needs anything else. Scripts, styles and images only from
here (the page and /docs have no inline script and no CDN), no plugins, and no framing
(``frame-ancestors 'none'``, with ``X-Frame-Options`` for older browsers) so the page cannot
be overlaid by another site; ``nosniff`` so a JSON answer or a download is never run as a
script. ``data:`` images: Swagger UI draws some icons that way.

HEAD: FastAPI routes answer only the methods they declare, so HEAD /healthz would be 405.
A HEAD request goes through as a GET and its body is dropped; the headers, Content-Length
included, are those of the GET, as HTTP asks (RFC 9110 §9.3.2). Routes that have no GET
answer 405 to HEAD too, with their ``Allow``.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # A copy: the server keeps its own scope, and knows the request was a HEAD.
        await self.app({**scope, "method": "GET"}, receive, send_without_body)
