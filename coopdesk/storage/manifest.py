"""A small manifest beside the automatic backups: how far the data file had got, kept outside the file.

A data file can go back in time without being damaged: its -wal deleted, an old copy put back by a sync
tool, a restore from a USB stick. integrity_check says ok and the next order takes a number already given
out. What the file held at each backup (its last ids and counts of the tables that only grow) is written
here, so at start the file can be compared with it, and so order numbers are never given twice.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

from coopdesk.i18n import _
from coopdesk.storage.database import Database
from coopdesk.storage.errors import DatabaseDamaged, translate

MANIFEST = "manifest.json"
# Tables that only ever grow: fewer rows, or a lower last id, than at the last backup means lost writes.
GROWING = ("orders", "order_history", "customers", "live_sessions", "lots", "stock_adjustments", "recalls",
           "lot_corrections")
Marks = dict[str, dict[str, int]]  # table -> {"count": n, "last_id": m}


def _lenient(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")  # a damaged backup never stops the comparison


def marks(conn: sqlite3.Connection) -> Marks:
    """Counts and last ids of the growing tables."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    out: Marks = {}
    for t in GROWING:
        if t in names:
            count, last = conn.execute(f"SELECT count(*), coalesce(max(rowid), 0) FROM {t}").fetchone()
            out[t] = {"count": count, "last_id": last}
    return out


def file_id(conn: sqlite3.Connection) -> str:
    """The id a data file got when it was created (the order-ids migration); '' for an older file."""
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = 'file_id'").fetchone()
    except (sqlite3.Error, UnicodeError):
        return ""
    try:
        return str(json.loads(row[0])) if row else ""
    except ValueError:
        return ""


def read_marks(path: Path) -> tuple[str, Marks]:
    """(file id, marks) of a file, read without changing or locking it; DatabaseDamaged when unreadable."""
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        conn.text_factory = _lenient
        try:
            return file_id(conn), marks(conn)
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeError) as e:
        raise DatabaseDamaged(_("{path} cannot be read: {detail}").format(path=path, detail=e)) from e


def database_marks(database: Database) -> tuple[str, Marks]:
    """(file id, marks) of an open data file; DatabaseDamaged when its pages cannot be read."""
    try:
        return file_id(database.conn), marks(database.conn)
    except sqlite3.Error as e:  # reached at start when the whole-file check runs later, behind the window
        raise translate(e, str(database.path)) from e


def orders_missing(backup: Path, data_file: Path, limit: int = 200) -> tuple[list[dict], int]:
    """Orders a backup holds that the data file does not (id, created_at, name, phone, total), and how many."""
    try:
        conn = sqlite3.connect(f"{Path(backup).resolve().as_uri()}?mode=ro", uri=True)
        conn.text_factory = _lenient
        try:
            conn.execute("ATTACH DATABASE ? AS current", (f"{Path(data_file).resolve().as_uri()}?mode=ro",))
            conn.row_factory = sqlite3.Row
            gone = "FROM main.orders WHERE id NOT IN (SELECT id FROM current.orders)"
            rows = [dict(r) for r in conn.execute(
                f"SELECT id, created_at, name, phone, total {gone} ORDER BY id LIMIT ?", (limit,))]
            count = conn.execute(f"SELECT count(*) {gone}").fetchone()[0]
            return rows, count
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeError):
        return [], 0


def keep_order_ids_above(database: Database, high: int) -> bool:
    """Raise the orders' AUTOINCREMENT counter to ``high`` when it is lower; True when it was raised."""
    conn = database.conn
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone() is None:
        return False
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'orders'").fetchone()
    if row is not None and row[0] >= high:
        return False
    with database.transaction() as db:
        if row is None:
            db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('orders', ?)", (high,))
        else:
            db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'orders'", (high,))
    return True


def load(folder: Path) -> dict:
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save(folder: Path, data: dict) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / (MANIFEST + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, folder / MANIFEST)


def _high_water(old: dict, new: Marks) -> dict[str, int]:
    out = {t: int(v) for t, v in (old or {}).items()}
    for t, m in new.items():
        out[t] = max(out.get(t, 0), m["last_id"])
    return out


def set_baseline(folder: Path, fid: str, new: Marks, source: str, backup: str = "",
                 now: datetime | None = None) -> dict:
    """Record what the data file holds now (after a backup, a restore, or a person accepting it as it is)."""
    data = load(folder)
    if data.get("file_id") and fid and data["file_id"] != fid:
        data = {}  # another file took this name: start afresh
    data["file_id"] = fid or data.get("file_id", "")
    data["baseline"] = {"at": (now or datetime.now()).isoformat(timespec="seconds"), "source": source,
                        "backup": backup, "marks": new}
    data["high_water"] = _high_water(data.get("high_water", {}), new)
    if backup:
        data.setdefault("backups", {})[backup] = new
        names = sorted(data["backups"])
        for old in names[:-200]:  # a record of the recent backups is enough
            del data["backups"][old]
    _save(folder, data)
    return data


def forget_backups(folder: Path, names: list[str]) -> None:
    data = load(folder)
    if data.get("backups") and any(n in data["backups"] for n in names):
        for n in names:
            data["backups"].pop(n, None)
        _save(folder, data)
