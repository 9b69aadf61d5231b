"""Structured logs: one JSON object per line, with the job and article ids as fields.

Stdlib ``logging`` only: code logs as usual and passes ids in ``extra``
(``logger.info("article finished", extra={"job_id": …, "article": 0})``); the formatter
writes every such extra as a field, so a log shipper can filter by ``job_id`` without
parsing messages.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Loggers of our own code that get the JSON handler in the API process (uvicorn keeps its
# own access log format).
OWN_LOGGERS = ("ringkas", "service")


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "message", …extras, "exc"}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(log_format: str, level: int = logging.INFO) -> None:
    """Gives our own loggers one stderr handler, JSON or plain text; idempotent."""
    formatter: logging.Formatter = (
        JsonFormatter()
        if log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    for name in OWN_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if not getattr(h, "_ringkas", False)]
        handler = logging.StreamHandler()
        handler.setFormatter(formatter)
        handler._ringkas = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False  # not twice through the root's (uvicorn's) handlers


def use_json_on(logger: logging.Logger) -> None:
    """Switches every handler of ``logger`` to JSON (for Celery's own loggers)."""
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
