"""Request bodies parsed as strict JSON: every body that is not JSON answers 400 ``malformed_json``.

FastAPI parses a body with ``json.loads(bytes)`` and turns only ``JSONDecodeError`` into its
"JSON decode error"; anything else the parser raises becomes a bare 400 "There was an error
parsing the body". And ``json.loads`` accepts more than JSON: UTF-16 and UTF-32 bodies,
``NaN`` and ``Infinity``. The routes therefore use `StrictJsonRoute`, whose requests parse
their body here:

- UTF-8 only (RFC 8259 §8.1; a leading byte-order mark is ignored, as it allows);
- no ``NaN``, ``Infinity`` or ``-Infinity`` (not JSON values);
- nesting deeper than the parser's recursion limit and integers longer than Python
  converts (4,300 digits) are named as such.

A syntax error keeps FastAPI's own path (``JSONDecodeError`` with its position).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

PREFIX = "request body is not valid JSON: "


class MalformedJson(HTTPException):
    """A body that is not JSON, for a reason ``JSONDecodeError`` does not cover."""

    def __init__(self, reason: str) -> None:
        super().__init__(400, PREFIX + reason)


def _no_constant(name: str) -> Any:
    raise MalformedJson(f"{name} is not a JSON value")


def parse_json_body(body: bytes) -> Any:
    """The JSON value of ``body``.

    Raises:
        json.JSONDecodeError: a syntax error (FastAPI answers it with its position).
        MalformedJson: not UTF-8, NaN/Infinity, nested too deeply, a number too long.
    """
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # The position in characters, as a JSONDecodeError gives it.
        at = len(body[: exc.start].decode("utf-8-sig", errors="replace"))
        bad = body[exc.start]
        raise MalformedJson(
            f"it is not UTF-8 (byte 0x{bad:02x} cannot be decoded) (at character {at})"
        ) from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise MalformedJson("it is nested too deeply") from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        if "integer string conversion" in str(exc):
            limit = sys.get_int_max_str_digits()
            raise MalformedJson(
                f"a number has more digits than the parser accepts ({limit})"
            ) from None
        raise MalformedJson(str(exc)) from None


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = parse_json_body(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """An ``APIRoute`` whose handler parses the body with `parse_json_body`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
