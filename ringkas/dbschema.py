"""The PostgreSQL schema: plain versioned SQL files, applied in order, each exactly once.

``ringkas/migrations/NNNN_name.sql`` is version NNNN. ``apply_migrations`` applies those a
database has not had yet, each in its own transaction with its row in
``ringkas_schema_version``, under an advisory lock, so processes starting together (every
worker and API replica applies them on first use) never apply one twice. A new schema
change is a new file; an applied file is never edited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

# Any constant the project owns: pg_advisory_xact_lock's key for "migrating Ringkas".
_LOCK_KEY = 0x52494E4B  # "RINK"
# Beside this module (package data), not through importlib.resources: a tests/ringkas
# folder on sys.path would answer for "ringkas" there.
MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")
_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration the package ships, by version."""
    found = []
    for entry in MIGRATIONS_DIR.iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a version: {versions}")
    return found


def applied_versions(conn: psycopg.Connection[Any]) -> set[int]:
    """The versions the database has had (none when it has no version table yet)."""
    exists = conn.execute("SELECT to_regclass('ringkas_schema_version') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return set()
    return {int(v) for (v,) in conn.execute("SELECT version FROM ringkas_schema_version")}


def apply_migrations(conn: psycopg.Connection[Any]) -> list[str]:
    """Applies the pending migrations; returns their names (``0001_result_store``…)."""
    pending = [m for m in migrations() if m.version not in applied_versions(conn)]
    done: list[str] = []
    for migration in pending:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS ringkas_schema_version ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            # Read again under the lock: another process may have applied it meanwhile.
            if migration.version in applied_versions(conn):
                continue
            conn.execute(migration.sql)  # type: ignore[call-overload]  # a file of ours
            conn.execute(
                "INSERT INTO ringkas_schema_version (version, name) VALUES (%s, %s)",
                (migration.version, migration.name),
            )
        done.append(f"{migration.version:04d}_{migration.name}")
    return done
