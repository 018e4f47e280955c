"""Reading the orders a shipping document covers, and the record of what was printed.

Every query goes through an index (session, creation time, primary keys, order lines by order, allocations by
line, events by lot): choosing 5,000 orders costs the same with one season of history or ten.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import sqlite_utils

from coopdesk.storage.database import Database

CHUNK = 500


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i:i + CHUNK]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def select_ids(database: Database, session_id: int | None = None, since: str | None = None,
               until: str | None = None, order_ids: Iterable[int] = ()) -> list[tuple[int, str, str, str, str]]:
    """(id, status, carrier, platform, session channel) of the orders of a session, a day range (ISO days,
    inclusive) and/or a list of ids; the caller narrows by status, carrier and channel."""
    where, params = [], []
    if session_id is not None:
        where.append("o.session_id = ?")
        params.append(session_id)
    if since:
        where.append("o.created_at >= ?")
        params.append(since)
    if until:
        where.append("o.created_at < ?")
        params.append(until + " 99")  # the whole last day: '2026-11-29 23:59:59' < '2026-11-29 99'
    ids = list(dict.fromkeys(order_ids))
    base = ("SELECT o.id, o.status, o.carrier, o.platform, coalesce(s.channel, '') AS channel FROM orders o "
            "LEFT JOIN live_sessions s ON s.id = o.session_id")
    rows: list[dict] = []
    if ids:
        for chunk in _chunks(ids):
            clause = " AND ".join([f"o.id IN ({_marks(len(chunk))})", *where])
            rows += database.query(f"{base} WHERE {clause}", (*chunk, *params))
        rows.sort(key=lambda r: r["id"])
    elif where:
        rows = database.query(f"{base} WHERE {' AND '.join(where)} ORDER BY o.id", tuple(params))
    return [(r["id"], r["status"], r["carrier"], r["platform"], r["channel"]) for r in rows]


def load_orders(database: Database, ids: list[int]) -> tuple[list[dict], list[dict], list[dict], dict[int, str]]:
    """(orders, live lines, allocations with their lot, first packing day by lot id) of ``ids``."""
    orders: list[dict] = []
    lines: list[dict] = []
    allocs: list[dict] = []
    for chunk in _chunks(ids):
        marks = _marks(len(chunk))
        orders += database.query(f"""
            SELECT o.id, o.created_at, o.status, o.session_id, o.platform, coalesce(o.platform_order_id, '') AS
                   platform_order_id, o.name, o.phone, o.street, o.province, o.commune, o.raw_address, o.shipping,
                   o.prepaid, o.total, o.cod, o.delivery_note, o.carrier, o.tracking, o.parcels,
                   coalesce(s.channel, '') AS channel
            FROM orders o LEFT JOIN live_sessions s ON s.id = o.session_id
            WHERE o.id IN ({marks})""", tuple(chunk))
        lines += database.query(f"""
            SELECT l.id, l.order_id, l.product_id, l.sku, l.name, l.qty, l.unit_price, l.discount,
                   coalesce(p.unit, '') AS unit, coalesce(p.storage_place, '') AS storage_place,
                   coalesce(p.shipping_weight_g, p.net_weight_g) AS unit_weight_g, l.weight_g AS stated_weight_g,
                   p.shelf_life_days
            FROM order_lines l LEFT JOIN products p ON p.id = l.product_id
            WHERE l.order_id IN ({marks}) AND l.cancelled = 0 ORDER BY l.order_id, l.id""", tuple(chunk))
        allocs += database.query(f"""
            SELECT a.line_id, a.lot_id, a.qty, lo.code, coalesce(p.gtin, '') AS gtin
            FROM order_lines l JOIN allocations a ON a.line_id = l.id JOIN lots lo ON lo.id = a.lot_id
            LEFT JOIN products p ON p.id = lo.product_id
            WHERE l.order_id IN ({marks}) ORDER BY a.id""", tuple(chunk))
    lot_ids = sorted({a["lot_id"] for a in allocs})
    packed: dict[int, str] = {}
    for chunk in _chunks(lot_ids):
        for r in database.query(f"SELECT lot_id, min(day) AS day FROM events WHERE lot_id IN ({_marks(len(chunk))}) "
                                "AND kind = 'packing' GROUP BY lot_id", tuple(chunk)):
            packed[r["lot_id"]] = r["day"]
    orders.sort(key=lambda r: r["id"])
    return orders, lines, allocs, packed


def printed_before(database: Database, ids: list[int], kind: str) -> dict[int, tuple[int, str]]:
    """Order id -> (times printed, last time) for the orders among ``ids`` that already had this document."""
    out: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        for r in database.query(f"""
                SELECT p.order_id, count(*) AS n, max(j.at) AS last FROM printed_orders p
                JOIN print_jobs j ON j.id = p.job_id
                WHERE p.order_id IN ({_marks(len(chunk))}) AND j.kind = ? GROUP BY p.order_id""", (*chunk, kind)):
            out[r["order_id"]] = (r["n"], r["last"])
    return out


def record_job(db: sqlite_utils.Database, kind: str, order_ids: list[int], who: str = "", carrier: str = "",
               number: str = "", cod: int = 0, target: str = "") -> int:
    """One printed or saved document and the orders it covered (inside the caller's transaction)."""
    job = db.execute("INSERT INTO print_jobs (kind, who, carrier, number, orders, cod, target) VALUES (?,?,?,?,?,?,?)",
                     (kind, who, carrier, number, len(order_ids), cod, target)).lastrowid
    db.conn.executemany("INSERT OR IGNORE INTO printed_orders (job_id, order_id) VALUES (?, ?)",
                        [(job, i) for i in order_ids])
    return job


def handover_sheets_on(database: Database, day: str) -> int:
    """How many handover sheets were recorded on a day (ISO), to number the next one."""
    return database.query("SELECT count(*) AS n FROM print_jobs WHERE kind = 'handover' AND at >= ? AND at < ?",
                          (day, day + " 99"))[0]["n"]


def jobs(database: Database, limit: int = 50) -> list[dict]:
    return database.query("SELECT * FROM print_jobs ORDER BY id DESC LIMIT ?", (limit,))


def statuses(database: Database, ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        for r in database.query(f"SELECT id, status FROM orders WHERE id IN ({_marks(len(chunk))})", tuple(chunk)):
            out[r["id"]] = r["status"]
    return out


def short_of_lots(database: Database, ids: list[int]) -> set[int]:
    """Orders among ``ids`` with a live line that holds fewer packs from lots than it sells (a backorder or an
    oversell), read by index per order."""
    out: set[int] = set()
    for chunk in _chunks(ids):
        for r in database.query(f"""
                SELECT DISTINCT l.order_id FROM order_lines l
                WHERE l.order_id IN ({_marks(len(chunk))}) AND l.cancelled = 0
                  AND l.qty > coalesce((SELECT sum(a.qty) FROM allocations a WHERE a.line_id = l.id), 0)""",
                tuple(chunk)):
            out.add(r["order_id"])
    return out


def move_orders(db: sqlite_utils.Database, moves: list[tuple[int, str, str]], who: str) -> None:
    """Set each (order id, from, to) and write its history, inside the caller's transaction."""
    import json

    db.conn.executemany("UPDATE orders SET status = ?, updated_at = datetime('now','localtime') WHERE id = ?",
                        [(new, order_id) for order_id, _old, new in moves])
    db.conn.executemany("INSERT INTO order_history (order_id, who, action, detail) VALUES (?, ?, 'status', ?)",
                        [(order_id, who, json.dumps({"from": old, "to": new})) for order_id, old, new in moves])


def session(database: Database, session_id: int) -> dict | None:
    rows = database.query("SELECT * FROM live_sessions WHERE id = ?", (session_id,))
    return rows[0] if rows else None


def session_orders(database: Database, session_id: int) -> list[dict]:
    """id, created_at, status, total, cod, carrier of a session's orders (through ix_orders_session)."""
    return database.query("SELECT id, created_at, status, total, cod, carrier FROM orders WHERE session_id = ? "
                          "ORDER BY id", (session_id,))


def set_carriers(db: sqlite_utils.Database, rows: list[tuple[str, str | None, int]]) -> None:
    """(carrier, tracking or None to keep it, order id) for each order, inside the caller's transaction."""
    db.conn.executemany("UPDATE orders SET carrier = ?, tracking = coalesce(?, tracking), "
                        "updated_at = datetime('now','localtime') WHERE id = ?", rows)


def carriers_since(database: Database, since: str) -> list[str]:
    """Distinct carriers of the orders created since an ISO day (through ix_orders_created)."""
    return [r["carrier"] for r in database.query(
        "SELECT DISTINCT carrier FROM orders WHERE created_at >= ? AND carrier <> ''", (since,))]
