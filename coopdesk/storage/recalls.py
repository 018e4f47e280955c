"""Who got which lot, both ways through the genealogy, and the recall records, in the data file.

Every query starts from an index (allocations by lot, lot_parents both ways, events by input or area),
so answering "who got lot X" costs the same with ten orders or a million.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import sqlite_utils

from coopdesk.storage.database import Database
from coopdesk.storage.errors import translate

CHUNK = 500  # SQLite's bound-parameter limit is far above this; it keeps each statement small


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    items = sorted(set(ids))
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def _marks(ids: list[int]) -> str:
    return ",".join("?" * len(ids))


@contextmanager
def snapshot(database: Database) -> Iterator[None]:
    """Read an answer from one consistent state of the file (a WAL read transaction): a who-got run from the
    command line while the window saves orders never mixes before and after."""
    if database.conn.in_transaction:
        yield
        return
    try:
        database.conn.execute("BEGIN")
    except sqlite3.Error as e:
        raise translate(e, str(database.path)) from e
    try:
        yield
    finally:
        if database.conn.in_transaction:
            database.conn.execute("COMMIT")


# --- genealogy -------------------------------------------------------------------------------------------

def closure(database: Database, lot_ids: Iterable[int], direction: str) -> list[int]:
    """The lots and every lot made from them ('forward') or that went into them ('back'), the lots included."""
    a, b = ("parent_id", "child_id") if direction == "forward" else ("child_id", "parent_id")
    out: set[int] = set()
    for chunk in _chunks(lot_ids):
        rows = database.query(f"""
            WITH RECURSIVE walk(id) AS (
                SELECT id FROM lots WHERE id IN ({_marks(chunk)})
                UNION SELECT p.{b} FROM lot_parents p JOIN walk w ON p.{a} = w.id)
            SELECT id FROM walk""", tuple(chunk))
        out.update(r["id"] for r in rows)
    return sorted(out)


def lot_by_code(database: Database, code: str) -> dict | None:
    rows = database.query("SELECT id, code FROM lots WHERE code = ?", (code.strip(),))
    return rows[0] if rows else None


def lots_using_input(database: Database, input_id: int) -> list[int]:
    return [r["lot_id"] for r in database.query(
        "SELECT DISTINCT lot_id FROM events WHERE input_id = ?", (input_id,))]


def lots_of_areas(database: Database, area_ids: list[int]) -> list[int]:
    """Lots grown on these areas: named on the lot, or where one of its events happened."""
    out: set[int] = set()
    for chunk in _chunks(area_ids):
        m = _marks(chunk)
        out.update(r["lot_id"] for r in database.query(
            f"SELECT lot_id FROM lot_areas WHERE area_id IN ({m}) "
            f"UNION SELECT lot_id FROM events WHERE area_id IN ({m})", (*chunk, *chunk)))
    return sorted(out)


def areas_of_member(database: Database, member_id: int) -> list[int]:
    return [r["id"] for r in database.query("SELECT id FROM growing_areas WHERE member_id = ?", (member_id,))]


def all_inputs(database: Database) -> list[dict]:
    return database.query("SELECT * FROM inputs ORDER BY name")


def all_areas(database: Database) -> list[dict]:
    return database.query("SELECT * FROM growing_areas ORDER BY name")


def all_members(database: Database) -> list[dict]:
    return database.query("SELECT id, name, phone FROM members ORDER BY name")


def lot_figures(database: Database, lot_ids: Iterable[int]) -> list[dict]:
    """Per lot: code, product, packs made, grams made and used, packs given to orders, adjustments (the packs from
    the kept stock row, so nothing sums a season of allocations)."""
    out: list[dict] = []
    for chunk in _chunks(lot_ids):
        out += database.query(f"""
            SELECT l.id, l.code, p.sku, p.name AS product, p.unit, l.product_id,
                   coalesce(k.packed, 0) AS packs, k.first_packed IS NOT NULL AS packings,
                   (SELECT coalesce(sum(e.quantity_g), 0) FROM events e
                    WHERE e.lot_id = l.id AND e.kind IN ('harvest', 'processing')) AS made_g,
                   (SELECT coalesce(sum(q.qty_g), 0) FROM lot_parents q WHERE q.parent_id = l.id) AS used_g,
                   coalesce(k.taken, 0) AS allocated, coalesce(k.adjusted, 0) AS adjusted
            FROM lots l JOIN products p ON p.id = l.product_id LEFT JOIN lot_stock k ON k.lot_id = l.id
            WHERE l.id IN ({_marks(chunk)})""", tuple(chunk))
    return sorted(out, key=lambda r: r["code"])


def lot_sources(database: Database, lot_ids: Iterable[int]) -> tuple[list[dict], list[dict]]:
    """(inputs, areas) recorded on these lots: what went into them, one step back to the field."""
    inputs: dict[int, dict] = {}
    areas: dict[int, dict] = {}
    for chunk in _chunks(lot_ids):
        m = _marks(chunk)
        for r in database.query(f"""SELECT DISTINCT i.*, l.code AS lot FROM events e JOIN inputs i ON i.id = e.input_id
                                    JOIN lots l ON l.id = e.lot_id WHERE e.lot_id IN ({m})""", tuple(chunk)):
            inputs.setdefault(r["id"], {**r, "lots": []})["lots"].append(r["lot"])
        for r in database.query(f"""
                SELECT DISTINCT g.*, l.code AS lot FROM (
                    SELECT lot_id, area_id FROM lot_areas WHERE lot_id IN ({m})
                    UNION SELECT lot_id, area_id FROM events WHERE lot_id IN ({m}) AND area_id IS NOT NULL) x
                JOIN growing_areas g ON g.id = x.area_id JOIN lots l ON l.id = x.lot_id""", (*chunk, *chunk)):
            areas.setdefault(r["id"], {**r, "lots": []})["lots"].append(r["lot"])
    for item in (*inputs.values(), *areas.values()):
        item.pop("lot", None)
        item["lots"] = sorted(set(item["lots"]))
    return sorted(inputs.values(), key=lambda r: r["name"]), sorted(areas.values(), key=lambda r: r["name"])


# --- order lines that received lots -----------------------------------------------------------------------

LINE_SQL = """
    SELECT a.lot_id, lo.code AS lot, a.qty, l.id AS line_id, l.sku, l.name AS product, l.cancelled,
           o.id AS order_id, o.created_at, o.status, o.carrier, o.tracking, o.customer_id, o.name, o.phone,
           o.street, o.commune, o.province, o.raw_address,
           (SELECT min(h.recall_id) FROM recall_holds h WHERE h.order_id = o.id) AS held_by
    FROM allocations a JOIN order_lines l ON l.id = a.line_id JOIN orders o ON o.id = l.order_id
    JOIN lots lo ON lo.id = a.lot_id"""
# The columns of LINE_SQL, in order: lines_for_lots gives plain tuples (15,000 dicts cost more than the query).
LINE_COLUMNS = ("lot_id", "lot", "qty", "line_id", "sku", "product", "cancelled", "order_id", "created_at", "status",
                "carrier", "tracking", "customer_id", "name", "phone", "street", "commune", "province",
                "raw_address", "held_by")
_LINE_ORDER = " ORDER BY o.id, l.id, lo.code"


def lines_for_lots(database: Database, lot_ids: Iterable[int], statuses: Iterable[str]) -> list[tuple]:
    """Every order line that took packs of these lots (one row per lot taken, columns as LINE_COLUMNS) and
    reached someone: a live line of an order in one of ``statuses``, or any line of an order a recall holds;
    oldest order first, then line, then lot code.

    Reads the allocations from ix_allocations_lot alone (it covers lot, line and packs), then each line and
    its order by primary key: only the lots' rows are read."""
    wanted = tuple(statuses)
    live = (f" AND (l.cancelled = 0 AND o.status IN ({_marks(list(wanted))})"
            " OR EXISTS (SELECT 1 FROM recall_holds h WHERE h.order_id = o.id))")
    chunks = list(_chunks(lot_ids))
    out: list[tuple] = []
    try:
        for chunk in chunks:
            out += database.conn.execute(f"{LINE_SQL} WHERE a.lot_id IN ({_marks(chunk)}){live}{_LINE_ORDER}",
                                         (*chunk, *wanted)).fetchall()
    except sqlite3.Error as e:
        raise translate(e, str(database.path)) from e
    if len(chunks) > 1:  # each statement came sorted; more than 500 lots need one order over all of them
        out.sort(key=lambda r: (r[7], r[3], r[1].casefold()))
    return out


def lot_ids_of_orders(database: Database, order_ids: Iterable[int]) -> list[int]:
    out: set[int] = set()
    for chunk in _chunks(order_ids):
        out.update(r["lot_id"] for r in database.query(
            f"SELECT DISTINCT a.lot_id FROM order_lines l JOIN allocations a ON a.line_id = l.id "
            f"WHERE l.order_id IN ({_marks(chunk)}) AND l.cancelled = 0", tuple(chunk)))
    return sorted(out)


def order(database: Database, order_id: int) -> dict | None:
    rows = database.query("SELECT id, customer_id, name, phone, status, created_at FROM orders WHERE id = ?",
                          (order_id,))
    return rows[0] if rows else None


def orders_of_customer(database: Database, customer_id: int) -> list[dict]:
    return database.query("SELECT id, status, created_at FROM orders WHERE customer_id = ? ORDER BY id",
                          (customer_id,))


def customer_by_phone(database: Database, e164: str) -> dict | None:
    rows = database.query("SELECT * FROM customers WHERE phone = ? OR ',' || other_phones || ',' LIKE ?",
                          (e164, f"%,{e164},%"))
    return rows[0] if rows else None


# --- recall records ---------------------------------------------------------------------------------------

def insert_recall(db: sqlite_utils.Database, lot_id: int | None, day: str, reason: str, public_reason: str,
                  decided_by: str, source_kind: str, source_id: int | None, source_label: str) -> int:
    return db.execute("""INSERT INTO recalls (lot_id, day, reason, public_reason, decided_by, source_kind, source_id,
                         source_label) VALUES (?,?,?,?,?,?,?,?)""",
                      (lot_id, day, reason, public_reason, decided_by, source_kind, source_id,
                       source_label)).lastrowid


def add_recall_lots(db: sqlite_utils.Database, recall_id: int, lots: list[tuple[int, str]]) -> None:
    db.conn.executemany("INSERT OR IGNORE INTO recall_lots (recall_id, lot_id, role) VALUES (?,?,?)",
                        [(recall_id, lot, role) for lot, role in lots])


def recalls(database: Database, recall_id: int | None = None) -> list[dict]:
    """Recall records with how many lots they cover, newest first."""
    where, params = ("WHERE r.id = ?", (recall_id,)) if recall_id is not None else ("", ())
    return database.query(f"""
        SELECT r.*, (SELECT count(*) FROM recall_lots x WHERE x.recall_id = r.id) AS lots,
               (SELECT group_concat(code, ', ') FROM (
                    SELECT l.code FROM recall_lots x JOIN lots l ON l.id = x.lot_id
                    WHERE x.recall_id = r.id AND x.role = 'source' ORDER BY l.code)) AS source_lots
        FROM recalls r {where} ORDER BY r.id DESC""", params)


def recall_lots(database: Database, recall_id: int) -> list[dict]:
    return database.query("""SELECT x.lot_id, x.role, l.code FROM recall_lots x JOIN lots l ON l.id = x.lot_id
                             WHERE x.recall_id = ? ORDER BY l.code""", (recall_id,))


def covering(database: Database, lot_ids: Iterable[int]) -> dict[int, dict]:
    """Lot id -> a standing (open or closed, not withdrawn) recall that reaches it: one that covers it, or covers
    a lot it was made from (a lot made later from a recalled lot is recalled too)."""
    out: dict[int, dict] = {}
    for chunk in _chunks(lot_ids):
        for r in database.query(f"""
                WITH RECURSIVE reach(recall_id, lot_id) AS (
                    SELECT x.recall_id, x.lot_id FROM recall_lots x JOIN recalls r ON r.id = x.recall_id
                    WHERE r.status <> 'withdrawn'
                    UNION SELECT w.recall_id, p.child_id FROM lot_parents p JOIN reach w ON p.parent_id = w.lot_id)
                SELECT w.lot_id, r.id, r.status, r.day FROM reach w JOIN recalls r ON r.id = w.recall_id
                WHERE w.lot_id IN ({_marks(chunk)}) ORDER BY r.id""", tuple(chunk)):
            out.setdefault(r["lot_id"], r)
    return out


def end_recall(db: sqlite_utils.Database, recall_id: int, status: str, who: str, reason: str) -> None:
    db.execute("""UPDATE recalls SET status = ?, ended_at = datetime('now','localtime'), ended_by = ?,
                  end_reason = ? WHERE id = ?""", (status, who, reason, recall_id))


def add_outcome(db: sqlite_utils.Database, recall_id: int, customer_id: int, outcome: str, who: str,
                note: str) -> int:
    return db.execute("INSERT INTO recall_outcomes (recall_id, customer_id, outcome, who, note) VALUES (?,?,?,?,?)",
                      (recall_id, customer_id, outcome, who, note)).lastrowid


def latest_outcomes(database: Database, recall_id: int) -> dict[int, dict]:
    """Customer id -> the newest outcome entry of this recall (older entries stay in the table)."""
    return {r["customer_id"]: r for r in database.query("""
        SELECT o.* FROM recall_outcomes o
        WHERE o.recall_id = ? AND o.id = (SELECT max(id) FROM recall_outcomes p
                                          WHERE p.recall_id = o.recall_id AND p.customer_id = o.customer_id)""",
                                                         (recall_id,))}


def outcome_history(database: Database, recall_id: int, customer_id: int | None = None) -> list[dict]:
    where, params = ("AND customer_id = ?", (recall_id, customer_id)) if customer_id else ("", (recall_id,))
    return database.query(f"SELECT * FROM recall_outcomes WHERE recall_id = ? {where} ORDER BY id", params)


def add_hold(db: sqlite_utils.Database, recall_id: int, order_id: int, previous_status: str, who: str) -> None:
    db.execute("INSERT OR IGNORE INTO recall_holds (recall_id, order_id, previous_status, who) VALUES (?,?,?,?)",
               (recall_id, order_id, previous_status, who))


def release_other_lots(db: sqlite_utils.Database, order_id: int, keep_lot_ids: list[int]) -> int:
    """Give back to stock what a held order took from lots outside the recall; the recalled packs stay
    allocated, so nothing recalled ever returns to saleable stock."""
    return db.execute(f"""DELETE FROM allocations WHERE line_id IN (SELECT id FROM order_lines WHERE order_id = ?)
                          AND lot_id NOT IN ({_marks(keep_lot_ids)})""", (order_id, *keep_lot_ids)).rowcount


def hold_order(db: sqlite_utils.Database, recall_id: int, order_id: int, keep_lot_ids: list[int],
               who: str) -> str | None:
    """Cancel an order not yet handed to a carrier, for a recall; its previous status, or None when it has
    moved on since it was listed."""
    row = db.execute("SELECT status FROM orders WHERE id = ?", (order_id,)).fetchone()
    if row is None or row[0] not in ("new", "packed"):
        return None
    add_hold(db, recall_id, order_id, row[0], who)
    release_other_lots(db, order_id, keep_lot_ids)
    db.execute("UPDATE orders SET status = 'cancelled', updated_at = datetime('now','localtime') WHERE id = ?",
               (order_id,))
    return row[0]


def holds(database: Database, recall_id: int) -> list[dict]:
    return database.query("SELECT * FROM recall_holds WHERE recall_id = ? ORDER BY order_id", (recall_id,))


def order_payments(database: Database, order_ids: Iterable[int]) -> dict[int, dict]:
    """Order id -> what was paid ahead and how (prepaid, total, cod, platform): read for the
    orders a recall held only, to name the refund in their buyers' messages."""
    out: dict[int, dict] = {}
    for chunk in _chunks(order_ids):
        for r in database.query(f"""SELECT id, prepaid, total, cod, platform FROM orders
                                    WHERE id IN ({_marks(chunk)})""", tuple(chunk)):
            out[r["id"]] = r
    return out
