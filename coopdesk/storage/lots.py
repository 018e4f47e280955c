"""Lots, their events, growing areas, the inputs register, genealogy and recalls in the data file."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

import sqlite_utils

from coopdesk.domain.lots import GrowingArea, Input, Lot, TraceEvent
from coopdesk.storage.database import Database

# --- inputs and areas ------------------------------------------------------------------------------


def save_input(db: sqlite_utils.Database, item: Input) -> int:
    row = {k: v for k, v in asdict(item).items() if k != "id"}
    if item.id is None:
        return db.execute(f"INSERT INTO inputs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                          tuple(row.values())).lastrowid
    db.execute(f"UPDATE inputs SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?", (*row.values(), item.id))
    return item.id


def inputs(database: Database) -> dict[int, Input]:
    return {r["id"]: Input(**r) for r in database.query("SELECT * FROM inputs ORDER BY kind, name")}


def save_area(db: sqlite_utils.Database, area: GrowingArea, scheme: str) -> int:
    row = {k: v for k, v in asdict(area).items() if k != "id"}
    row["address_scheme"] = scheme if area.commune or area.province else ""
    if area.id is None:
        return db.execute(f"INSERT INTO growing_areas ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                          tuple(row.values())).lastrowid
    db.execute(f"UPDATE growing_areas SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
               (*row.values(), area.id))
    return area.id


def areas(database: Database) -> dict[int, GrowingArea]:
    rows = database.query("SELECT * FROM growing_areas ORDER BY name")
    return {r["id"]: GrowingArea(**{k: r[k] for k in GrowingArea.__dataclass_fields__}) for r in rows}


# --- lots ------------------------------------------------------------------------------------------

def next_sequence(db: sqlite_utils.Database, key: str) -> int:
    """The next number for codes starting with ``key``; it only ever goes up, so codes are never reused."""
    db.execute("INSERT INTO lot_counters (key, last) VALUES (?, 1) "
               "ON CONFLICT(key) DO UPDATE SET last = last + 1", (key,))
    return db.execute("SELECT last FROM lot_counters WHERE key = ?", (key,)).fetchone()[0]


def last_sequence(database, key: str) -> int:  # noqa: ANN001 - a Database
    """The last number given to codes starting with ``key`` (0 before the first); nothing is taken."""
    rows = database.query("SELECT last FROM lot_counters WHERE key = ?", (key,))
    return rows[0]["last"] if rows else 0


def code_exists(db: sqlite_utils.Database, code: str) -> bool:
    return db.execute("SELECT 1 FROM lots WHERE code = ?", (code,)).fetchone() is not None


def insert_lot(db: sqlite_utils.Database, lot: Lot) -> int:
    lot_id = db.execute("INSERT INTO lots (code, product_id, planned_g, note, created) VALUES (?,?,?,?,?)",
                        (lot.code, lot.product_id, lot.planned_g, lot.note,
                         (lot.created or date.today()).isoformat())).lastrowid
    db.conn.executemany("INSERT INTO lot_areas (lot_id, area_id) VALUES (?, ?)",
                        [(lot_id, a) for a in lot.area_ids])
    for parent_code, qty in lot.parents:
        parent = db.execute("SELECT id FROM lots WHERE code = ?", (parent_code,)).fetchone()
        db.execute("INSERT INTO lot_parents (child_id, parent_id, qty_g) VALUES (?, ?, ?)",
                   (lot_id, parent[0], qty))
    return lot_id


def _lot(row: dict, area_ids: list[int], parents: list[tuple[str, int]]) -> Lot:
    return Lot(code=row["code"], product_id=row["product_id"], planned_g=row["planned_g"],
               area_ids=tuple(area_ids), parents=tuple(parents), note=row["note"],
               created=date.fromisoformat(row["created"]), id=row["id"])


def _in(column: str, ids: list[int] | None) -> tuple[str, tuple]:
    """A ``WHERE column IN (…)`` clause for these ids, or none for all rows."""
    if ids is None:
        return "", ()
    return f"WHERE {column} IN ({','.join('?' * len(ids))})", tuple(ids)


def lots(database: Database, ids: list[int] | None = None) -> list[Lot]:
    """Lots (all, or these ids), newest code first; with ids, only their rows are read."""
    if ids is not None and not ids:
        return []
    where, params = _in("id", ids)
    rows = database.query(f"SELECT * FROM lots {where} ORDER BY created DESC, code DESC", params)
    area_map: dict[int, list[int]] = {}
    where, params = _in("lot_id", ids)
    for r in database.query(f"SELECT lot_id, area_id FROM lot_areas {where} ORDER BY area_id", params):
        area_map.setdefault(r["lot_id"], []).append(r["area_id"])
    parent_map: dict[int, list[tuple[str, int]]] = {}
    where, params = _in("p.child_id", ids)
    for r in database.query(f"SELECT p.child_id, l.code, p.qty_g FROM lot_parents p JOIN lots l ON l.id = p.parent_id "
                            f"{where} ORDER BY l.code", params):
        parent_map.setdefault(r["child_id"], []).append((r["code"], r["qty_g"]))
    return [_lot(r, area_map.get(r["id"], []), parent_map.get(r["id"], [])) for r in rows]


def code_names(database: Database) -> list[tuple[str, str]]:
    """(code, product name) of every lot, newest first: a picker's items, without reading events or stock."""
    return [(r["code"], r["name"]) for r in database.query(
        "SELECT l.code, p.name FROM lots l JOIN products p ON p.id = l.product_id "
        "ORDER BY l.created DESC, l.code DESC")]


def lot_id(database: Database, code: str) -> int | None:
    rows = database.query("SELECT id FROM lots WHERE code = ?", (code.strip(),))
    return rows[0]["id"] if rows else None


def codes(database: Database, ids: list[int]) -> dict[int, str]:
    """Lot id -> code for these ids."""
    if not ids:
        return {}
    where, params = _in("id", ids)
    return {r["id"]: r["code"] for r in database.query(f"SELECT id, code FROM lots {where}", params)}


def used_by_children(database: Database, ids: list[int] | None = None) -> dict[int, int]:
    """Grams of each lot (all, or these ids) taken by the lots made from it."""
    where, params = _in("parent_id", ids)
    return {r["parent_id"]: r["g"] for r in
            database.query(f"SELECT parent_id, sum(qty_g) AS g FROM lot_parents {where} GROUP BY parent_id", params)}


def children(database: Database, ids: list[int] | None = None) -> dict[int, list[int]]:
    """Parent lot id -> the lots made from it (of all lots, or of these ids)."""
    out: dict[int, list[int]] = {}
    where, params = _in("parent_id", ids)
    for r in database.query(f"SELECT parent_id, child_id FROM lot_parents {where} ORDER BY child_id", params):
        out.setdefault(r["parent_id"], []).append(r["child_id"])
    return out


def lineage(database: Database, lot: int, direction: str) -> list[int]:
    """Every lot upstream ('back': what went into it) or downstream ('forward': where it went)."""
    a, b = ("child_id", "parent_id") if direction == "back" else ("parent_id", "child_id")
    rows = database.query(f"""
        WITH RECURSIVE walk(id) AS (
            SELECT {b} FROM lot_parents WHERE {a} = ?
            UNION SELECT p.{b} FROM lot_parents p JOIN walk w ON p.{a} = w.id)
        SELECT id FROM walk""", (lot,))
    return [r["id"] for r in rows]


# --- events ----------------------------------------------------------------------------------------

_EVENT_COLUMNS = ("kind", "day", "person", "area_id", "place", "input_id", "dose", "quantity_g", "packs",
                  "pack_size_g", "method", "lab", "result", "passed", "note", "attachment", "private", "member_id")


def _event_row(e: TraceEvent) -> dict:
    row = {k: getattr(e, k) for k in _EVENT_COLUMNS}
    row["day"] = e.day.isoformat()
    row["passed"] = None if e.passed is None else int(e.passed)
    row["private"] = int(e.private)
    return row


def insert_event(db: sqlite_utils.Database, lot: int, e: TraceEvent) -> int:
    row = _event_row(e)
    event_id = db.execute(f"INSERT INTO events (lot_id, {', '.join(row)}) VALUES (?, {', '.join('?' * len(row))})",
                          (lot, *row.values())).lastrowid
    db.conn.executemany("INSERT INTO event_photos (event_id, file, position) VALUES (?, ?, ?)",
                        [(event_id, f, i) for i, f in enumerate(e.photos)])
    return event_id


def update_event(db: sqlite_utils.Database, e: TraceEvent) -> None:
    row = _event_row(e)
    db.execute(f"UPDATE events SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?", (*row.values(), e.id))
    db.execute("DELETE FROM event_photos WHERE event_id = ?", (e.id,))
    db.conn.executemany("INSERT INTO event_photos (event_id, file, position) VALUES (?, ?, ?)",
                        [(e.id, f, i) for i, f in enumerate(e.photos)])


def delete_event(db: sqlite_utils.Database, event_id: int) -> None:
    db.execute("DELETE FROM events WHERE id = ?", (event_id,))


def events(database: Database, lot_ids: list[int] | None = None) -> dict[int, list[TraceEvent]]:
    """Events by lot id, in date order."""
    where, params = "", ()
    if lot_ids is not None:
        if not lot_ids:
            return {}
        where, params = f"WHERE lot_id IN ({','.join('?' * len(lot_ids))})", tuple(lot_ids)
    photos: dict[int, list[str]] = {}
    photo_where = "" if lot_ids is None else f"WHERE event_id IN (SELECT id FROM events {where})"
    for r in database.query(f"SELECT event_id, file FROM event_photos {photo_where} ORDER BY event_id, position",
                            params):
        photos.setdefault(r["event_id"], []).append(r["file"])
    out: dict[int, list[TraceEvent]] = {}
    for r in database.query(f"SELECT * FROM events {where} ORDER BY day, id", params):
        out.setdefault(r["lot_id"], []).append(TraceEvent(
            kind=r["kind"], day=date.fromisoformat(r["day"]), person=r["person"], area_id=r["area_id"],
            place=r["place"], input_id=r["input_id"], dose=r["dose"], quantity_g=r["quantity_g"], packs=r["packs"],
            pack_size_g=r["pack_size_g"], method=r["method"], lab=r["lab"], result=r["result"],
            passed=None if r["passed"] is None else bool(r["passed"]), note=r["note"],
            photos=tuple(photos.get(r["id"], [])), attachment=r["attachment"], private=bool(r["private"]),
            member_id=r.get("member_id"), id=r["id"]))
    return out


def record_correction(db: sqlite_utils.Database, lot: int, event_id: int | None, reason: str,
                      before: TraceEvent | None, after: TraceEvent | None) -> None:
    def dump(e: TraceEvent | None) -> str:
        return json.dumps(asdict(e), ensure_ascii=False, default=str) if e else ""

    db.execute("INSERT INTO lot_corrections (lot_id, event_id, reason, before, after) VALUES (?,?,?,?,?)",
               (lot, event_id, reason, dump(before), dump(after)))


def corrections(database: Database, lot: int) -> list[dict]:
    return database.query("SELECT * FROM lot_corrections WHERE lot_id = ? ORDER BY id", (lot,))


# --- recalls ---------------------------------------------------------------------------------------

def add_recall(db: sqlite_utils.Database, lot: int, day: date, reason: str) -> int:
    """A recall record of one lot (the recall service adds who decided and every lot made from it)."""
    recall_id = db.execute("INSERT INTO recalls (lot_id, day, reason, public_reason, source_kind, source_id) "
                           "VALUES (?, ?, ?, ?, 'lot', ?)", (lot, day.isoformat(), reason, reason, lot)).lastrowid
    db.execute("INSERT INTO recall_lots (recall_id, lot_id, role) VALUES (?, ?, 'source')", (recall_id, lot))
    return recall_id


def recalls(database: Database) -> list[dict]:
    """One row per lot a standing recall reaches (withdrawn ones reach nothing): the lots it covers and every lot
    made from them since, with the published reason; one query, whatever the number of recalled lots."""
    return database.query("""
        WITH RECURSIVE reach(recall_id, lot_id) AS (
            SELECT x.recall_id, x.lot_id FROM recall_lots x JOIN recalls r ON r.id = x.recall_id
            WHERE r.status <> 'withdrawn'
            UNION SELECT w.recall_id, p.child_id FROM lot_parents p JOIN reach w ON p.parent_id = w.lot_id)
        SELECT r.id, w.lot_id, r.day, CASE WHEN r.public_reason <> '' THEN r.public_reason ELSE r.reason END
               AS reason, r.status, l.code
        FROM reach w JOIN recalls r ON r.id = w.recall_id JOIN lots l ON l.id = w.lot_id
        ORDER BY r.id, l.code""")
