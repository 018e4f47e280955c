"""The append-only audit trail: who changed what, kept beside the change in one transaction."""

from __future__ import annotations

import json

import sqlite_utils


def record(db: sqlite_utils.Database, action: str, entity: str, entity_id: int | None, detail: dict) -> None:
    db.execute("INSERT INTO audit (action, entity, entity_id, detail) VALUES (?, ?, ?, ?)",
               (action, entity, entity_id, json.dumps(detail, ensure_ascii=False, default=str)))
