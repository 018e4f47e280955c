"""Cooperative-wide settings, declared once (key, default, type) and stored in the data file."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from coopdesk.storage.database import Database


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    kind: type


SETTINGS = {s.key: s for s in (
    Setting("backup_keep", 20, int),
    Setting("backup_interval_minutes", 60, int),
    Setting("lot_code_pattern", "HP-{YYYY}-{NNNN}", str),
)}


def get(database: Database, key: str) -> object:
    spec = SETTINGS[key]
    rows = database.query("SELECT value FROM settings WHERE key = ?", (key,))
    if not rows:
        return spec.default
    try:
        return spec.kind(json.loads(rows[0]["value"]))
    except (ValueError, TypeError):
        return spec.default


def stored(db: sqlite_utils.Database, key: str) -> bool:
    """True once the setting was written (False while it still reads as its default)."""
    return db.execute("SELECT 1 FROM settings WHERE key = ?", (key,)).fetchone() is not None


def lot_codes_given(db: sqlite_utils.Database) -> bool:
    """True once any lot has a code: from then on the code pattern changes only when staff change it."""
    return db.execute("SELECT 1 FROM lots LIMIT 1").fetchone() is not None


def put(db: sqlite_utils.Database, key: str, value: object) -> None:
    spec = SETTINGS[key]
    db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (key, json.dumps(spec.kind(value))))
