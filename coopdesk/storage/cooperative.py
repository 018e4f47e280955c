"""The cooperative's profile (one row) and its member households."""

from __future__ import annotations

import sqlite_utils

from coopdesk.domain.cooperative import Cooperative
from coopdesk.storage.database import Database

_FIELDS = ("name", "tax_code", "province", "commune", "street", "phone", "email", "representative", "logo",
           "trace_base_url")


def get(database: Database) -> Cooperative | None:
    rows = database.query("SELECT * FROM cooperative WHERE id = 1")
    if not rows:
        return None
    return Cooperative(**{k: rows[0][k] for k in _FIELDS})


def save(db: sqlite_utils.Database, coop: Cooperative, scheme: str) -> None:
    """Write the profile (inside the caller's transaction)."""
    row = {k: getattr(coop, k) for k in _FIELDS}
    row["address_scheme"] = scheme
    cols = ", ".join(row)
    marks = ", ".join(f":{k}" for k in row)
    updates = ", ".join(f"{k} = excluded.{k}" for k in row)
    db.execute(f"INSERT INTO cooperative (id, {cols}) VALUES (1, {marks}) "
               f"ON CONFLICT(id) DO UPDATE SET {updates}", row)


def add_member(db: sqlite_utils.Database, name: str, phone: str = "", province: int | None = None,
               commune: int | None = None, street: str = "", note: str = "", private: bool = False) -> int:
    cur = db.execute("INSERT INTO members (name, phone, province, commune, street, note, private) "
                     "VALUES (?,?,?,?,?,?,?)", (name, phone, province, commune, street, note, int(private)))
    return cur.lastrowid


def members(database: Database) -> list[dict]:
    return database.query("SELECT * FROM members ORDER BY id")
