"""A PostgreSQL database of the tests' own, created on the server at
``RINGKAS_TEST_DATABASE_URL`` (default: the local one, as scripts/test-services ensures) and
dropped afterwards, so no run touches another's tables."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg
from psycopg import sql

ADMIN_URL = os.environ.get(
    "RINGKAS_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@contextlib.contextmanager
def temporary_database(admin_url: str = ADMIN_URL) -> Iterator[str]:
    """Yields the URL of a new, empty database; drops it on exit."""
    name = f"ringkas_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(admin_url, dbname=name)
    try:
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))
