"""Customers, live sessions, orders, their lines and the packs each line took from each lot."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from coopdesk.domain.orders import CheckedOrder, OrderLine
from coopdesk.domain.text import fold
from coopdesk.storage.database import Database

# --- customers ---------------------------------------------------------------------------------------


def customer_by_phone(database: Database, e164: str) -> dict | None:
    rows = database.query("SELECT * FROM customers WHERE phone = ?", (e164,))
    return rows[0] if rows else None


def upsert_customer(db: sqlite_utils.Database, o: CheckedOrder, scheme: str) -> int:
    """One customer per phone: a known phone keeps its row, and what was typed now fills or updates it."""
    row = db.execute("SELECT id, other_phones FROM customers WHERE phone = ?", (o.phone.e164,)).fetchone()
    others = sorted(set(filter(None, (row[1].split(",") if row else []))) | set(o.other_phones))
    if row is None:
        return db.execute(
            "INSERT INTO customers (phone, other_phones, name, street, province, commune, raw_address, address_scheme)"
            " VALUES (?,?,?,?,?,?,?,?)", (o.phone.e164, ",".join(others), o.name, o.street, o.province, o.commune,
                                          o.raw_address, scheme if o.commune else "")).lastrowid
    db.execute("""UPDATE customers SET other_phones = ?,
                  name = CASE WHEN ? <> '' THEN ? ELSE name END,
                  street = CASE WHEN ? <> '' THEN ? ELSE street END,
                  province = COALESCE(?, province), commune = COALESCE(?, commune),
                  raw_address = CASE WHEN ? <> '' THEN ? ELSE raw_address END,
                  address_scheme = CASE WHEN ? IS NOT NULL THEN ? ELSE address_scheme END
                  WHERE id = ?""",
               (",".join(others), o.name, o.name, o.street, o.street, o.province, o.commune, o.raw_address,
                o.raw_address, o.commune, scheme, row[0]))
    return row[0]


def flag_customer(db: sqlite_utils.Database, customer_id: int, flagged: bool, reason: str) -> None:
    db.execute("UPDATE customers SET flag_bom = ?, flag_reason = ? WHERE id = ?", (int(flagged), reason, customer_id))


def customers(database: Database) -> list[dict]:
    return database.query("""
        SELECT c.*, count(o.id) AS orders,
               sum(o.status = 'delivered') AS delivered, sum(o.status = 'returned') AS returned
        FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id""")


def customer_history(database: Database, customer_id: int) -> dict:
    row = database.query("""
        SELECT count(*) AS orders, coalesce(sum(status = 'delivered'), 0) AS delivered,
               coalesce(sum(status = 'returned'), 0) AS returned, coalesce(sum(status = 'cancelled'), 0) AS cancelled,
               max(created_at) AS last
        FROM orders WHERE customer_id = ?""", (customer_id,))
    return row[0]


# --- sessions ----------------------------------------------------------------------------------------

def start_session(db: sqlite_utils.Database, name: str, channel: str, host: str, started_at: str | None) -> int:
    if started_at:
        return db.execute("INSERT INTO live_sessions (name, channel, host, started_at) VALUES (?,?,?,?)",
                          (name, channel, host, started_at)).lastrowid
    return db.execute("INSERT INTO live_sessions (name, channel, host) VALUES (?,?,?)",
                      (name, channel, host)).lastrowid


def end_session(db: sqlite_utils.Database, session_id: int, ended_at: str | None) -> None:
    if ended_at:
        db.execute("UPDATE live_sessions SET ended_at = ? WHERE id = ?", (ended_at, session_id))
    else:
        db.execute("UPDATE live_sessions SET ended_at = datetime('now','localtime') WHERE id = ?", (session_id,))


def sessions(database: Database) -> list[dict]:
    return database.query("SELECT * FROM live_sessions ORDER BY started_at DESC, id DESC")


def tally(database: Database, session_id: int) -> dict:
    """Orders, packs, revenue (the goods: shipping fees apart) and COD of a session, cancelled orders left out
    (and counted apart)."""
    return database.query("""
        SELECT count(*) AS orders, coalesce(sum(o.total - o.shipping), 0) AS revenue,
               coalesce(sum(o.shipping), 0) AS shipping, coalesce(sum(o.prepaid), 0) AS prepaid,
               coalesce(sum(o.cod), 0) AS cod,
               coalesce((SELECT sum(l.qty) FROM order_lines l JOIN orders o2 ON o2.id = l.order_id
                         WHERE o2.session_id = ? AND o2.status <> 'cancelled' AND l.cancelled = 0), 0) AS items,
               (SELECT count(*) FROM orders o3 WHERE o3.session_id = ? AND o3.status = 'cancelled') AS cancelled
        FROM orders o WHERE o.session_id = ? AND o.status <> 'cancelled'""", (session_id, session_id, session_id))[0]


# --- stock -------------------------------------------------------------------------------------------

def packed_stock(db: sqlite_utils.Database, product_id: int) -> list[tuple[int, str, str, int]]:
    """(lot id, code, first packing day, packs on hand) of the product's packed lots, inside a transaction.

    Read from the kept ``lot_stock`` rows (one per lot, by index), so the cost follows the product's lots,
    never the allocations a season has made.
    """
    return db.execute("""
        SELECT s.lot_id, l.code, s.first_packed, s.packed - s.taken + s.adjusted
        FROM lot_stock s JOIN lots l ON l.id = s.lot_id
        WHERE s.product_id = ? AND s.first_packed IS NOT NULL""", (product_id,)).fetchall()


def allocated_by_lot(database: Database, lot_ids: list[int] | None = None) -> dict[int, int]:
    """Packs each lot gave to order lines, less what adjustments put back (kept figures, no scan)."""
    if lot_ids is None:
        rows = database.query("SELECT lot_id, taken - adjusted AS n FROM lot_stock WHERE taken <> 0 OR adjusted <> 0")
    else:
        marks = ", ".join("?" * len(lot_ids))
        rows = database.query(f"SELECT lot_id, taken - adjusted AS n FROM lot_stock WHERE lot_id IN ({marks})",
                              tuple(lot_ids))
    return {r["lot_id"]: r["n"] for r in rows}


def stock_drift(database: Database) -> list[dict]:
    """Lots whose kept stock differs from the sums it replaces (for ``check --full``); [] when all agree."""
    return list(database.query("""
        SELECT s.lot_id, l.code, s.packed, s.taken, s.adjusted,
               coalesce((SELECT sum(coalesce(e.packs, 0)) FROM events e
                         WHERE e.lot_id = s.lot_id AND e.kind = 'packing'), 0) AS packed_sum,
               coalesce((SELECT sum(a.qty) FROM allocations a WHERE a.lot_id = s.lot_id), 0) AS taken_sum,
               coalesce((SELECT sum(x.qty) FROM stock_adjustments x WHERE x.lot_id = s.lot_id), 0) AS adjusted_sum
        FROM lot_stock s JOIN lots l ON l.id = s.lot_id
        WHERE s.packed <> packed_sum OR s.taken <> taken_sum OR s.adjusted <> adjusted_sum
        UNION ALL
        SELECT l.id, l.code, NULL, NULL, NULL, NULL, NULL, NULL FROM lots l
        WHERE NOT EXISTS (SELECT 1 FROM lot_stock s WHERE s.lot_id = l.id)"""))


def adjust_stock(db: sqlite_utils.Database, lot_id: int, qty: int, reason: str) -> None:
    db.execute("INSERT INTO stock_adjustments (lot_id, qty, reason) VALUES (?,?,?)", (lot_id, qty, reason))


# --- orders ------------------------------------------------------------------------------------------

def buyer_text(name: str, phone: str) -> str:
    """What the order list ranks first when a search finds it there: the folded name, the phone as stored and as
    dialled at home (+84912345678 and 0912345678). Kept in ``orders.buyer_text`` (migration v15 wrote it for the
    orders before it, in SQL, the same way), with its own trigram index."""
    return f"{fold(name)} {phone} 0{phone[3:]}"


def insert_order(db: sqlite_utils.Database, session_id: int | None, customer_id: int, o: CheckedOrder,
                 search_text: str, created_at: str | None = None) -> int:
    cols = ["session_id", "customer_id", "phone", "name", "street", "province", "commune", "raw_address",
            "shipping", "prepaid", "total", "cod", "delivery_note", "internal_note", "search_text", "buyer_text"]
    values = [session_id, customer_id, o.phone.e164, o.name, o.street, o.province, o.commune, o.raw_address,
              o.shipping, o.prepaid, o.total, o.cod, o.delivery_note, o.internal_note, search_text,
              buyer_text(o.name, o.phone.e164)]
    if created_at:
        cols.append("created_at")
        values.append(created_at)
    return db.execute(f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      values).lastrowid


def update_order(db: sqlite_utils.Database, order_id: int, customer_id: int, o: CheckedOrder,
                 search_text: str) -> None:
    db.execute("""UPDATE orders SET customer_id=?, phone=?, name=?, street=?, province=?, commune=?, raw_address=?,
                  shipping=?, prepaid=?, total=?, cod=?, delivery_note=?, internal_note=?, search_text=?,
                  buyer_text=?, updated_at=datetime('now','localtime') WHERE id=?""",
               (customer_id, o.phone.e164, o.name, o.street, o.province, o.commune, o.raw_address, o.shipping,
                o.prepaid, o.total, o.cod, o.delivery_note, o.internal_note, search_text,
                buyer_text(o.name, o.phone.e164), order_id))


def update_line(db: sqlite_utils.Database, line_id: int, line: OrderLine) -> None:
    """Change a stored line in place (its allocations are handled apart: they are facts of the parcel).

    A weight the export stated for the line follows its quantity, and goes when the product changes (the
    catalog's weight is used then)."""
    db.execute("UPDATE order_lines SET product_id=?, sku=?, name=?, qty=?, unit_price=?, discount=?, price_reason=?, "
               "weight_g = CASE WHEN product_id IS ? AND weight_g IS NOT NULL "
               "THEN max(1, (weight_g * ? + qty / 2) / qty) END "
               "WHERE id=?", (line.product_id, line.sku, line.name, line.qty, line.unit_price, line.discount,
                              line.price_reason, line.product_id, line.qty, line_id))


def delete_line(db: sqlite_utils.Database, line_id: int) -> None:
    """A line taken out of an order while editing it: its packs go back to their lots."""
    db.execute("DELETE FROM allocations WHERE line_id = ?", (line_id,))
    db.execute("DELETE FROM order_lines WHERE id = ?", (line_id,))


def release_allocations(db: sqlite_utils.Database, line_id: int) -> None:
    """Give every pack of one line back to its lot (the line stays)."""
    db.execute("DELETE FROM allocations WHERE line_id = ?", (line_id,))


def trim_allocations(db: sqlite_utils.Database, line_id: int, packs: int) -> None:
    """Give ``packs`` of a line back, the last-taken lot first."""
    rows = db.execute("SELECT id, qty FROM allocations WHERE line_id = ? ORDER BY id DESC", (line_id,)).fetchall()
    for alloc_id, qty in rows:
        if packs <= 0:
            break
        if qty <= packs:
            db.execute("DELETE FROM allocations WHERE id = ?", (alloc_id,))
        else:
            db.execute("UPDATE allocations SET qty = ? WHERE id = ?", (qty - packs, alloc_id))
        packs -= min(qty, packs)


def sku_map(database: Database, platform: str, kind: str = "seller_sku") -> dict[str, tuple[int | None, str]]:
    """Remembered answers for a platform's seller SKUs (or, with ``kind='sku_id'``, for its own SKU IDs):
    upper-cased key -> (product id, 'map' or 'skip')."""
    return {r["platform_sku"].upper(): (r["product_id"], r["action"]) for r in
            database.query("SELECT * FROM sku_map WHERE platform = ? AND kind = ?", (platform, kind))}


def remember_sku(db: sqlite_utils.Database, platform: str, platform_sku: str, product_id: int | None,
                 action: str, kind: str = "seller_sku") -> None:
    db.execute("INSERT INTO sku_map (platform, kind, platform_sku, product_id, action) VALUES (?,?,?,?,?) "
               "ON CONFLICT(platform, kind, platform_sku) DO UPDATE SET product_id = excluded.product_id, "
               "action = excluded.action", (platform, kind, platform_sku, product_id, action))


def map_unmapped_lines(db: sqlite_utils.Database, platform_sku: str, product_id: int) -> int:
    """Point stored unmapped lines of a platform SKU at a product, now that staff mapped it."""
    return db.execute("UPDATE order_lines SET product_id = ?, unmapped = 0 WHERE unmapped = 1 AND upper(sku) = ?",
                      (product_id, platform_sku.upper())).rowcount


def map_unmapped_sku_id(db: sqlite_utils.Database, sku_id: str, product_id: int) -> int:
    """Point stored unmapped lines of a platform SKU ID at a product (a catalog file named the ID)."""
    return db.execute("UPDATE order_lines SET product_id = ?, unmapped = 0 WHERE unmapped = 1 AND platform_sku_id = ?",
                      (product_id, sku_id)).rowcount


def unmapped_line_counts(database: Database, skus: list[str], sku_ids: list[str]) -> tuple[int, int]:
    """How many stored unmapped lines have one of these (upper-cased) seller SKUs, and how many one of these SKU
    IDs (apart from the first): what a catalog import would point at its products."""
    by_sku = by_id = 0
    for i in range(0, len(sku_ids), 500):
        chunk = sku_ids[i:i + 500]
        by_id += database.query(f"SELECT count(*) AS n FROM order_lines WHERE unmapped = 1 AND platform_sku_id IN "
                                f"({','.join('?' * len(chunk))})", tuple(chunk))[0]["n"]
    ids = set(sku_ids)
    for i in range(0, len(skus), 500):
        chunk = skus[i:i + 500]
        rows = database.query(f"SELECT platform_sku_id FROM order_lines WHERE unmapped = 1 AND upper(sku) IN "
                              f"({','.join('?' * len(chunk))})", tuple(chunk))
        by_sku += sum(1 for r in rows if r["platform_sku_id"] not in ids)
    return by_sku, by_id


def platform_orders(database: Database, platform: str, ids: list[str]) -> dict[str, dict]:
    """Stored orders among ``ids`` of a platform, by platform order id, with what the last import set."""
    out: dict[str, dict] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        out.update({r["platform_order_id"]: r for r in database.query(
            "SELECT id, platform_order_id, status, tracking, carrier, total, cod, import_state FROM orders "
            f"WHERE platform = ? AND platform_order_id IN ({','.join('?' * len(chunk))})", (platform, *chunk))})
    return out


def insert_line(db: sqlite_utils.Database, order_id: int, line: OrderLine) -> int:
    return db.execute("INSERT INTO order_lines (order_id, product_id, sku, name, qty, unit_price, discount, "
                      "price_reason) VALUES (?,?,?,?,?,?,?,?)",
                      (order_id, line.product_id, line.sku, line.name, line.qty, line.unit_price, line.discount,
                       line.price_reason)).lastrowid


def insert_allocation(db: sqlite_utils.Database, line_id: int, lot_id: int, qty: int) -> None:
    db.execute("INSERT INTO allocations (line_id, lot_id, qty) VALUES (?,?,?)", (line_id, lot_id, qty))


def lot_ids_of(database: Database, order_id: int, line_id: int | None = None) -> set[int]:
    """The lots an order (or one of its lines) takes packs from: the lot rows a change to it touches."""
    if line_id is not None:
        rows = database.query("SELECT DISTINCT lot_id FROM allocations WHERE line_id = ?", (line_id,))
    else:
        rows = database.query("SELECT DISTINCT a.lot_id FROM allocations a JOIN order_lines l ON l.id = a.line_id "
                              "WHERE l.order_id = ?", (order_id,))
    return {r["lot_id"] for r in rows}


def release_line(db: sqlite_utils.Database, line_id: int) -> None:
    """Cancel a line: its packs go back to their lots."""
    db.execute("DELETE FROM allocations WHERE line_id = ?", (line_id,))
    db.execute("UPDATE order_lines SET cancelled = 1 WHERE id = ?", (line_id,))


def release_order(db: sqlite_utils.Database, order_id: int) -> None:
    db.execute("DELETE FROM allocations WHERE line_id IN (SELECT id FROM order_lines WHERE order_id = ?)",
               (order_id,))


def set_status(db: sqlite_utils.Database, order_id: int, status: str) -> None:
    db.execute("UPDATE orders SET status = ?, updated_at = datetime('now','localtime') WHERE id = ?",
               (status, order_id))


def set_carrier(db: sqlite_utils.Database, order_id: int, carrier: str, tracking: str) -> None:
    db.execute("UPDATE orders SET carrier = ?, tracking = ? WHERE id = ?", (carrier, tracking, order_id))


def set_totals(db: sqlite_utils.Database, order_id: int, total: int, cod: int) -> None:
    db.execute("UPDATE orders SET total = ?, cod = ? WHERE id = ?", (total, cod, order_id))


def add_history(db: sqlite_utils.Database, order_id: int, who: str, action: str, detail: dict) -> None:
    db.execute("INSERT INTO order_history (order_id, who, action, detail) VALUES (?,?,?,?)",
               (order_id, who, action, json.dumps(detail, ensure_ascii=False, default=str)))


def history(database: Database, order_id: int) -> list[dict]:
    return database.query("SELECT * FROM order_history WHERE order_id = ? ORDER BY id", (order_id,))


def get_order(database: Database, order_id: int) -> dict | None:
    rows = database.query("SELECT * FROM orders WHERE id = ?", (order_id,))
    if not rows:
        return None
    order = rows[0]
    lines = database.query("SELECT * FROM order_lines WHERE order_id = ? ORDER BY id", (order_id,))
    allocs: dict[int, list[dict]] = {}
    for a in database.query("""SELECT a.line_id, l.code, a.qty FROM allocations a JOIN lots l ON l.id = a.lot_id
                               WHERE a.line_id IN (SELECT id FROM order_lines WHERE order_id = ?)
                               ORDER BY a.id""", (order_id,)):
        allocs.setdefault(a["line_id"], []).append({"code": a["code"], "qty": a["qty"]})
    for line in lines:
        line["lots"] = allocs.get(line["id"], [])
    order["lines"] = lines
    return order


def order_rows(database: Database, session_id: int | None = None, ids: list[int] | None = None) -> list[tuple]:
    """The order list's rows, newest first: id, created, name, phone, total, cod, status, session, carrier,
    search text, item summary. ``ids`` reads only those orders (a page updating the rows a save touched)."""
    where, params = ("WHERE o.session_id = ?", (session_id,)) if session_id else ("", ())
    if ids is not None:
        ids = sorted(ids)
        where, params = f"WHERE o.id IN ({','.join('?' * len(ids))})", tuple(ids)
    return [tuple(r.values()) for r in database.query(f"""
        SELECT o.id, o.created_at, o.name, o.phone, o.total, o.cod, o.status, o.session_id, o.carrier,
               o.search_text,
               (SELECT group_concat(l.name || ' ×' || l.qty, ', ') FROM order_lines l
                WHERE l.order_id = o.id AND l.cancelled = 0) AS items
        FROM orders o {where} ORDER BY o.id DESC""", params)]


def orders_json(database: Database, session_id: int | None = None) -> list[dict]:
    where, params = ("WHERE session_id = ?", (session_id,)) if session_id else ("", ())
    ids = [r["id"] for r in database.query(f"SELECT id FROM orders {where} ORDER BY id", params)]
    return [get_order(database, i) for i in ids]


def packs_on_hand(database: Database) -> list[tuple[int, int, int]]:
    """(product id, lot id, packs on hand) of every packed lot, in one query: the desk's item picker.

    Read from the kept stock, so the picker costs the same whatever the season has sold.
    """
    return [tuple(r.values()) for r in database.query("""
        SELECT product_id, lot_id, packed - taken + adjusted FROM lot_stock WHERE first_packed IS NOT NULL""")]




# --- the order list: one screenful at a time, filtered by index ---------------------------------------

@dataclass(frozen=True)
class OrderFilter:
    """What the order list shows: ``text`` (any spelling, diacritics optional), ``since``/``until`` ISO days."""

    text: str = ""
    status: str = ""
    session: int | None = None
    carrier: str = ""
    since: str = ""
    until: str = ""

    def words(self) -> list[str]:
        return fold(self.text).split()


# The list's sortable columns, by the name the page knows them by (the item summary is not sortable: it is
# computed per shown row only, which is what keeps a page cheap), and the index each is walked along in order
# (the number walks the table itself). The indexes are made by migrations v10, v12 and v15.
SORT_FIELDS = {"id": "o.id", "created": "o.created_at", "name": "o.name", "phone": "o.phone", "total": "o.total",
               "cod": "o.cod", "status": "o.status"}
SORT_INDEXES = {"id": "", "created": "ix_orders_created", "name": "ix_orders_name", "phone": "ix_orders_phone",
                "total": "ix_orders_total", "cod": "ix_orders_cod", "status": "ix_orders_status"}
BUYER_IN_INDEX = {"name", "phone"}  # sorts whose index holds buyer_text (v15): rank 0 is tested in the index
TRIGRAM = 3  # the trigram indexes find pieces of 3 characters or more
SMALL = 4_000  # a condition whose trigram index selects fewer orders than this: they are read whole and sorted
# (a B-tree index hands over an order about 3 times cheaper than a trigram index: it may select 3 times more)
WALK = 4_000  # at most this many orders are read along a sort index in one call (its page may come back short)
IN_INDEX = 8  # ... and this many times more index entries when the buyer test is read from the index alone
WHOLE_COUNT = 200_000  # a date range is read in its index at once up to here (about 10 ms): count, first, last


def _buyer_test(words: list[str]) -> tuple[str, list]:
    """SQL true when every word is in the customer's folded name or phone (the kept ``buyer_text``)."""
    return " AND ".join("instr(o.buyer_text, ?) > 0" for _w in words), list(words)


def _row_test(f: OrderFilter, rank: int | None) -> tuple[str, list]:
    """SQL true for an order the filter selects, tested on its row: rank 0, found by the buyer (every word in the
    name or phone too); rank 1, found only through what else the order holds; None, either.

    Words are tested with instr() on the folded texts: for 3 letters or more exactly what the trigram indexes
    match, so an order read along a sort index and one read through an index pass the same test. Words of 1–2
    letters (below the trigram) have no index: they are only ever tested here.
    """
    words = f.words()
    where = ["instr(o.search_text, ?) > 0" for _w in words]
    params: list = list(words)
    if words and rank is not None:
        test, extra = _buyer_test(words)
        where.append(test if rank == 0 else f"NOT ({test})")
        params += extra
    if f.status:
        where.append("o.status = ?")
        params.append(f.status)
    if f.session is not None:
        where.append("o.session_id = ?")
        params.append(f.session)
    if f.carrier:
        where.append("o.carrier = ? COLLATE NOCASE")
        params.append(f.carrier)
    if f.since:
        where.append("o.created_at >= ?")
        params.append(f.since)
    if f.until:
        where.append("o.created_at <= ?")
        params.append(f"{f.until} 99")
    return "(" + (" AND ".join(where) or "1") + ")", params


def _sort_range(f: OrderFilter, sort: str) -> tuple[str, list]:
    """The filter's own condition on the sort column, so a walk along that column's index starts inside it."""
    if sort == "status" and f.status:
        return "o.status = ?", [f.status]
    if sort == "created" and (f.since or f.until):
        return "o.created_at >= ? AND o.created_at <= ?", [f.since, f"{f.until or '9999'} 99"]
    return "1", []


@dataclass(frozen=True)
class _Driver:
    """An index that hands over the orders one condition selects: how to read them through it, and count them."""

    source: str  # FROM clause reading the orders (as ``o``) through the index, and nothing else
    test: str  # the condition, in that FROM's terms
    params: tuple
    count: str  # how many it selects, up to a bound (one parameter after ``params``)
    rowid: str  # the order number as the source ranges over it (the FTS rowid or o.id)
    alone: bool  # its condition is the whole filter: what it selects is what the filter selects
    weight: int = 1  # the cost of handing over one order, against a B-tree index's (a trigram index: 3)
    # A broad filter's count is made a range of order numbers at a time: through this index when it is one on a
    # single value (status, session, carrier: a seek, then ~50 ns an order); on the table's range otherwise (a
    # date index is in date order; a trigram index costs ~3 µs a match where testing the row costs ~0.4).
    ranged: bool = True

    @property
    def bound(self) -> int:
        """How many orders it may select and still be read whole (and how far the plan counts them)."""
        return SMALL * 3 // self.weight


def _drivers(f: OrderFilter, rank: int | None) -> list[_Driver]:
    """Every index that can read the orders of one rank (None: either rank) for this filter.

    Each word of 3+ letters is a driver of its own (one phrase, through the buyer's index for rank 0 and the
    search text's): the rarest word reads the candidates, instr() tests the others. Matching all the words in
    the index at once costs more than it saves: 'nguyen xuyen' at 500,000 orders walks the position lists of
    every trigram of 'nguyen' (15 ms to count 4,000), where 'xuyen' alone counts its 4,000 in about 1 ms.
    """
    out = []
    words = f.words()
    others = sum(map(bool, (f.status, f.session is not None, f.carrier, f.since or f.until)))
    for word in dict.fromkeys(w for w in words if len(w) >= TRIGRAM):
        phrase = '"' + word.replace('"', '""') + '"'
        for table in ("orders_buyer_fts", "orders_fts") if rank == 0 else ("orders_fts",):
            out.append(_Driver(f"{table} CROSS JOIN orders o ON o.id = {table}.rowid", f"{table} MATCH ?", (phrase,),
                               f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {table} MATCH ? LIMIT ?)",
                               f"{table}.rowid", table == "orders_fts" and not others and set(words) == {word}, 3,
                               False))

    def index(name: str, test: str, params: tuple, ranged: bool = True) -> None:
        out.append(_Driver(f"orders o INDEXED BY {name}", test, params,
                           f"SELECT count(*) FROM (SELECT 1 FROM orders o INDEXED BY {name} WHERE {test} LIMIT ?)",
                           "o.id", not f.words() and others == 1, 1, ranged))

    if f.status:
        index("ix_orders_status", "o.status = ?", (f.status,))
    if f.session is not None:
        index("ix_orders_session", "o.session_id = ?", (f.session,))
    if f.carrier:
        index("ix_orders_carrier", "o.carrier = ? COLLATE NOCASE", (f.carrier,))
    if f.since or f.until:
        index("ix_orders_created", "o.created_at >= ? AND o.created_at <= ?", (f.since, f"{f.until or '9999'} 99"),
              ranged=False)
    return out


@dataclass(frozen=True)
class OrderList:
    """A filter in a sort order, planned once (a keystroke, a sort click) and then read a page at a time.

    The plan counts, through each index the filter can use, up to what that index may hand over cheaply (SMALL
    orders from a trigram index, 3 times more from a B-tree). A rank that some index selects few enough of is
    read whole through it and sorted (``whole``); otherwise its orders are dense enough to be found by walking
    the sort column's index in order, testing each row, at most WALK rows per call. Either way a call costs
    about what reading SMALL orders through a trigram index does, whatever the season holds.
    """

    filter: OrderFilter
    sort: str
    descending: bool
    ranks: tuple[int, ...]
    whole: tuple[_Driver | None, ...]  # per rank: the index to read it whole through, or None to walk
    counter: _Driver | None  # the index with the fewest of the filter's orders (None: no filter uses one)
    small: bool  # ``counter`` selects few enough orders to be read whole: an exact count is cheap
    exact: int | None  # the count itself, when the counter's condition is the whole filter and it was counted
    ranger: _Driver | None = None  # the index a broad count goes through a range of numbers at a time (else the
    # table): the one on a single value (status, session, carrier) that selects fewest
    numbers: tuple[int, int] | None = None  # the first and last order number in the date range, when read

    def walk_source(self) -> tuple[str, str, list]:
        """(FROM, its own condition, parameters) of the walk along the sort: the sort column's index, kept
        inside the filter's condition on that column. Sorted by number, the single-value index that selects
        fewest is already in number order (each entry a match), else the table. A date range keeps any walk
        between its first and last order numbers: orders are numbered as they come, so an old month is not
        reached by reading every newer order first (sorted by number, or by status within one status)."""
        index = SORT_INDEXES[self.sort]
        source, bound, params = "orders o", "1", []
        if index:
            source = f"orders o INDEXED BY {index}"
            bound, params = _sort_range(self.filter, self.sort)
        elif self.ranger is not None:
            source, bound, params = self.ranger.source, self.ranger.test, list(self.ranger.params)
        if self.numbers is not None:  # every index holds the number: outside the range costs no table read
            bound, params = f"{bound} AND o.id BETWEEN ? AND ?", [*params, *self.numbers]
        return source, bound, params

    def rank_test(self, rank: int) -> tuple[str, list]:
        return _row_test(self.filter, rank if len(self.ranks) > 1 else None)


def plan_order_list(database: Database, f: OrderFilter, sort: str = "id", descending: bool = True) -> OrderList:
    """Plan the list of ``f`` sorted by ``sort``: a bounded count per usable index (each up to its ``bound``)."""
    sizes: dict[tuple, int] = {}

    def size(d: _Driver) -> int:
        key = (d.count, d.params)
        if key not in sizes:
            sizes[key] = database.conn.execute(d.count, (*d.params, d.bound)).fetchone()[0]
        return sizes[key]

    def smallest(drivers: list[_Driver]) -> _Driver | None:  # the cheapest to read whole
        return min(drivers, key=lambda d: (size(d) >= d.bound, size(d) * d.weight), default=None)

    ranks = (0, 1) if f.words() else (0,)
    whole = []
    for rank in ranks:
        d = smallest(_drivers(f, rank if len(ranks) > 1 else None))
        whole.append(d if d is not None and size(d) < d.bound else None)
    drivers = _drivers(f, None)
    counter = smallest(drivers)
    small = counter is not None and size(counter) < counter.bound
    exact = size(counter) if small and counter is not None and counter.alone else None
    numbers = None
    if f.since or f.until:
        # The date index read once (~50 ns an order, index only): how many, and their first and last numbers.
        n, first, last = database.conn.execute(
            "SELECT count(*), min(id), max(id) FROM (SELECT o.id AS id FROM orders o INDEXED BY ix_orders_created "
            "WHERE o.created_at >= ? AND o.created_at <= ? LIMIT ?)",
            (f.since, f"{f.until or '9999'} 99", WHOLE_COUNT)).fetchone()
        if n < WHOLE_COUNT:
            numbers = (first or 0, last or -1)
            if counter is not None and counter.alone and counter.weight == 1 and not counter.ranged:
                exact = n  # a date range alone: counted here, where a range of numbers at a time reads the table
    ranger = min((d for d in drivers if d.ranged), key=size, default=None)
    return OrderList(f, sort, descending, ranks, tuple(whole), counter, small, exact, ranger, numbers)


def order_page(database: Database, plan: OrderList, after: tuple | None = None, limit: int = 200,
               budget: int | None = None) -> tuple[list[tuple], tuple | None]:
    """The next orders of a planned list after the key ``after`` (keyset paging), as (rank, sort value, id), and
    the key to go on from (None: the list is done).

    Rank 0 (found by the buyer) comes first, then rank 1; within a rank, by the sort column then the number. A
    page comes back short when ``budget`` orders were read along the sort index without filling it: the key to
    go on from is then the last order read (not shown), and the next call carries on from there.
    """
    out: list[tuple] = []
    budget = WALK if budget is None else budget
    for rank, driver in zip(plan.ranks, plan.whole, strict=True):
        if after is not None and rank < after[0]:
            continue
        start = after if after is not None and rank == after[0] else None
        if driver is not None:
            out += _read_whole(database, plan, rank, driver, start, limit - len(out))
        else:
            found, resume, budget = _walk(database, plan, rank, start, limit - len(out), budget)
            out += found
            if resume is not None and len(out) < limit:
                return out, resume
        if len(out) >= limit:
            return out, out[-1]
    return out, None


def _ordering(plan: OrderList, number: str) -> tuple[str, str]:
    """(ORDER BY clause, keyset operator) of the plan's sort, with ``number`` naming the order number."""
    order, op = ("DESC", "<") if plan.descending else ("ASC", ">")
    if plan.sort == "id":
        return f"ORDER BY {number} {order}", op
    return f"ORDER BY {SORT_FIELDS[plan.sort]} {order}, o.id {order}", op


def _read_whole(database: Database, plan: OrderList, rank: int, driver: _Driver, start: tuple | None,
                want: int) -> list[tuple]:
    """A page of one rank read whole through an index that selects few of its orders (under its bound), sorted."""
    column = SORT_FIELDS[plan.sort]
    test, params = plan.rank_test(rank)
    ordering, op = _ordering(plan, driver.rowid)
    keyset, keys = "1", []
    if start is not None:
        keyset, keys = ((f"{driver.rowid} {op} ?", [start[2]]) if plan.sort == "id" else
                        (f"({column}, o.id) {op} (?, ?)", [start[1], start[2]]))
    return database.conn.execute(
        f"SELECT {rank}, {column}, o.id FROM {driver.source} WHERE {driver.test} AND {test} AND {keyset} "
        f"{ordering} LIMIT ?", (*driver.params, *params, *keys, want)).fetchall()


def _walk(database: Database, plan: OrderList, rank: int, start: tuple | None, want: int,
          budget: int) -> tuple[list[tuple], tuple | None, int]:
    """Up to ``want`` orders of one rank found by reading at most ``budget`` rows along the sort column's index.

    Returns (found, the key of the last row read when the budget ran out first, the budget left). The keyset
    is two index ranges (the rest of the start's value, then the values after it), each a seek, so a page
    deep in a column of few values ('delivered') costs what the first one does. Sorted by name or phone, rank 0
    is tested on the buyer text the index holds, IN_INDEX times more entries for the same budget: only an
    entry that passes is looked up in the table for the rest of the test.
    """
    column, index = SORT_FIELDS[plan.sort], SORT_INDEXES[plan.sort]
    source, bound, bound_params = plan.walk_source()
    ordering, op = _ordering(plan, "o.id")
    test, test_params = plan.rank_test(rank)
    in_index = rank == 0 and len(plan.ranks) > 1 and plan.sort in BUYER_IN_INDEX
    if start is None:
        segments: list[tuple[str, list]] = [("1", [])]
    elif not index:
        segments = [(f"o.id {op} ?", [start[2]])]
    else:
        segments = [(f"{column} = ? AND o.id {op} ?", [start[1], start[2]]), (f"{column} {op} ?", [start[1]])]
    scale = IN_INDEX if in_index else 1
    rows_left = budget * scale
    found: list[tuple] = []
    for segment, segment_params in segments:
        where, values = f"{segment} AND {bound}", [*segment_params, *bound_params]
        if in_index:
            pre, pre_params = _buyer_test(plan.filter.words())
            sql = (f"SELECT {rank}, v, id FROM (SELECT {column} AS v, o.id AS id, ({pre}) AS pre FROM {source} "
                   f"WHERE {where} {ordering} LIMIT ?) w "
                   f"WHERE pre AND (SELECT {test} FROM orders o WHERE o.id = w.id) LIMIT ?")
            params = (*pre_params, *values, rows_left, *test_params, want - len(found))
        else:
            sql = (f"SELECT {rank}, v, id FROM (SELECT {column} AS v, o.id AS id, {test} AS ok FROM {source} "
                   f"WHERE {where} {ordering} LIMIT ?) WHERE ok LIMIT ?")
            params = (*test_params, *values, rows_left, want - len(found))
        found += database.conn.execute(sql, params).fetchall()
        if len(found) >= want:
            return found, None, budget
        last = database.conn.execute(f"SELECT {column}, o.id FROM {source} WHERE {where} {ordering} LIMIT 1 OFFSET ?",
                                     (*values, rows_left - 1)).fetchone()
        if last is not None:  # the budget ran out inside this range
            return found, (rank, *last), 0
        rows_left -= database.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)",
                                           (*values, rows_left)).fetchone()[0]
    return found, None, max(1, rows_left // scale)


def order_keys(database: Database, f: OrderFilter, sort: str = "id", descending: bool = True,
               after: tuple | None = None, limit: int = 200) -> list[tuple]:
    """The next ``limit`` orders of the list as (rank, sort value, id), after the key ``after``: every one of
    them, however many calls to ``order_page`` that takes (the screens page with ``order_page`` itself)."""
    plan = plan_order_list(database, f, sort, descending)
    out: list[tuple] = []
    while len(out) < limit:
        keys, after = order_page(database, plan, after, limit - len(out))
        out += keys
        if after is None:
            break
    return out


def order_key(database: Database, f: OrderFilter, order_id: int, sort: str = "id") -> tuple | None:
    """(rank, sort value, id) of one order when the filter shows it, else None: a saved row's place."""
    test, params = _row_test(f, None)
    rank, rank_params = "0", []
    if f.words():
        buyer, rank_params = _buyer_test(f.words())
        rank = f"CASE WHEN {buyer} THEN 0 ELSE 1 END"
    row = database.conn.execute(f"SELECT {rank}, {SORT_FIELDS[sort]}, o.id FROM orders o WHERE o.id = ? AND {test}",
                                (*rank_params, order_id, *params)).fetchone()
    return tuple(row) if row else None


def _count_source(plan: OrderList, ranged: bool = False) -> tuple[str, str, list]:
    """(FROM, WHERE, parameters) counting the filter's orders through its counter; with ``ranged``, counting
    one range of order numbers: through the ``ranger`` index, or on the table itself when there is none."""
    test, params = _row_test(plan.filter, None)
    driver = plan.ranger if ranged else plan.counter
    if driver is None:  # the range of numbers in the table (a date index or a trigram index has none)
        return "orders o NOT INDEXED" if ranged else "orders o", test, params
    return driver.source, f"{driver.test} AND {test}", [*driver.params, *params]


def order_count(database: Database, f: OrderFilter | None = None, at_most: int | None = None) -> int:
    """How many orders the filter selects (all orders without one), counting no further than ``at_most``.

    Read through the filter's smallest index; for a broad filter at 500,000 orders the screens count a range of
    order numbers at a time instead (``order_count_range``)."""
    if f is None or f == OrderFilter():
        return database.conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    source, where, params = _count_source(plan_order_list(database, f))
    if at_most is None:
        return database.conn.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]
    return database.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)",
                                 (*params, at_most)).fetchone()[0]


def order_count_small(database: Database, plan: OrderList) -> int | None:
    """The exact count when an index selects few of the filter's orders (under its bound: cheap), else None."""
    if plan.exact is not None:
        return plan.exact
    if not plan.small:
        return None
    source, where, params = _count_source(plan)
    return database.conn.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]


def order_count_range(database: Database, plan: OrderList, low: int, high: int) -> int:
    """How many of the orders numbered ``low`` ≤ id < ``high`` the filter selects: a count one slice at a time."""
    source, where, params = _count_source(plan, ranged=True)
    return database.conn.execute(f"SELECT count(*) FROM {source} WHERE {where} AND o.id >= ? AND o.id < ?",
                                 (*params, low, high)).fetchone()[0]


def order_carriers(database: Database) -> list[str]:
    """The carriers orders name, for the filter (read from the carrier index, not the orders)."""
    # One index seek per carrier (a skip scan written out): a handful of carriers, whatever the season holds.
    return [r[0] for r in database.conn.execute("""
        WITH RECURSIVE c(v) AS (
            SELECT min(carrier COLLATE NOCASE) FROM orders WHERE carrier COLLATE NOCASE > ''
            UNION ALL
            SELECT (SELECT min(carrier COLLATE NOCASE) FROM orders WHERE carrier COLLATE NOCASE > c.v)
            FROM c WHERE c.v IS NOT NULL)
        SELECT v FROM c WHERE v IS NOT NULL""").fetchall()]


def last_order_id(database: Database) -> int:
    """The highest order number given so far (a row above it is a new order)."""
    return database.conn.execute("SELECT coalesce(max(id), 0) FROM orders").fetchone()[0]
