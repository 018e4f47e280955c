"""Label printing's tables: the print log of each lot, custom templates and calibration offsets."""

from __future__ import annotations

import json

import sqlite_utils

from coopdesk.storage.database import Database


def log_print(db: sqlite_utils.Database, lot_id: int, who: str, template: str, count: int, output: str,
              target: str) -> bool:
    """Append one print to the lot's log (inside the caller's transaction); True when it was a reprint."""
    before = db.execute("SELECT 1 FROM label_prints WHERE lot_id = ? LIMIT 1", (lot_id,)).fetchone()
    db.execute("INSERT INTO label_prints (lot_id, who, template, count, output, target, reprint) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)", (lot_id, who, template, count, output, target, int(bool(before))))
    return bool(before)


def prints(database: Database, lot_id: int) -> list[dict]:
    """The lot's print log, newest first."""
    return database.query("SELECT id, at, who, template, count, output, target, reprint FROM label_prints "
                          "WHERE lot_id = ? ORDER BY id DESC", (lot_id,))


def custom_templates(database: Database) -> dict[str, dict]:
    return {r["name"]: json.loads(r["definition"])
            for r in database.query("SELECT name, definition FROM label_templates ORDER BY name")}


def save_template(db: sqlite_utils.Database, name: str, definition: dict) -> None:
    db.execute("INSERT INTO label_templates (name, definition) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET "
               "definition = excluded.definition, updated_at = datetime('now','localtime')",
               (name, json.dumps(definition, ensure_ascii=False, sort_keys=True)))


def delete_template(db: sqlite_utils.Database, name: str) -> None:
    db.execute("DELETE FROM label_templates WHERE name = ?", (name,))


def offset(database: Database, printer: str, template: str) -> tuple[float, float]:
    rows = database.query("SELECT dx_mm, dy_mm FROM label_offsets WHERE printer = ? AND template = ?",
                          (printer, template))
    return (rows[0]["dx_mm"], rows[0]["dy_mm"]) if rows else (0.0, 0.0)


def save_offset(db: sqlite_utils.Database, printer: str, template: str, dx: float, dy: float) -> None:
    db.execute("INSERT INTO label_offsets (printer, template, dx_mm, dy_mm) VALUES (?, ?, ?, ?) "
               "ON CONFLICT(printer, template) DO UPDATE SET dx_mm = excluded.dx_mm, dy_mm = excluded.dy_mm",
               (printer, template, dx, dy))
