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

def insert_order(db: sqlite_utils.Database, session_id: int | None, customer_id: int, o: CheckedOrder,
                 search_text: str, created_at: str | None = None) -> int:
    cols = ["session_id", "customer_id", "phone", "name", "street", "province", "commune", "raw_address",
            "shipping", "prepaid", "total", "cod", "delivery_note", "internal_note", "search_text"]
    values = [session_id, customer_id, o.phone.e164, o.name, o.street, o.province, o.commune, o.raw_address,
              o.shipping, o.prepaid, o.total, o.cod, o.delivery_note, o.internal_note, search_text]
    if created_at:
        cols.append("created_at")
        values.append(created_at)
    return db.execute(f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                      values).lastrowid


def update_order(db: sqlite_utils.Database, order_id: int, customer_id: int, o: CheckedOrder,
                 search_text: str) -> None:
    db.execute("""UPDATE orders SET customer_id=?, phone=?, name=?, street=?, province=?, commune=?, raw_address=?,
                  shipping=?, prepaid=?, total=?, cod=?, delivery_note=?, internal_note=?, search_text=?,
                  updated_at=datetime('now','localtime') WHERE id=?""",
               (customer_id, o.phone.e164, o.name, o.street, o.province, o.commune, o.raw_address, o.shipping,
                o.prepaid, o.total, o.cod, o.delivery_note, o.internal_note, search_text, order_id))


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
# computed per shown row only, which is what keeps a page cheap).
SORT_FIELDS = {"id": "o.id", "created": "o.created_at", "name": "o.name", "phone": "o.phone", "total": "o.total",
               "cod": "o.cod", "status": "o.status"}
TRIGRAM = 3  # the trigram index finds pieces of 3 characters or more


def _buyer_test(words: list[str]) -> tuple[str, list]:
    """SQL true when every word is in the customer's name, phone (either form) or order number."""
    key = "(coopdesk_fold(o.name) || ' ' || o.phone || ' 0' || substr(o.phone, 4) || ' ' || o.id)"
    return " AND ".join(f"instr({key}, ?) > 0" for _w in words), list(words)


def _list_where(f: OrderFilter) -> tuple[str, str, list]:
    """(FROM clause, WHERE clause, parameters) of the orders a filter selects.

    Words of 3 letters or more go to the trigram index (orders_fts MATCH, one quoted phrase each, all
    required); shorter words (1–2 letters, below the trigram) are checked with instr() on the rows the index
    and the other filters selected — alone, they are checked newest-first until a screenful is found.
    """
    words = f.words()
    long_words = [w for w in words if len(w) >= TRIGRAM]
    source = "orders o"
    where, params = [], []
    if long_words:
        source = "orders_fts JOIN orders o ON o.id = orders_fts.rowid"
        where.append("orders_fts MATCH ?")
        params.append(" ".join('"' + w.replace('"', '""') + '"' for w in long_words))
    for w in words:
        if len(w) < TRIGRAM:
            where.append("instr(o.search_text, ?) > 0")
            params.append(w)
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
    return source, " AND ".join(where) or "1", params


def order_keys(database: Database, f: OrderFilter, sort: str = "id", descending: bool = True,
               after: tuple | None = None, limit: int = 200) -> list[tuple]:
    """The next ``limit`` orders of the list as (rank, sort value, id), after the key ``after`` (keyset paging).

    With a text filter, rank 0 are orders found by the customer's name, phone or number and come first; rank 1
    were found only through what they hold. Within a rank, by the sort column then the number, both in SQL,
    so each page costs the same whatever the page's depth.
    """
    column = SORT_FIELDS[sort]
    source, where, params = _list_where(f)
    words = f.words()
    ranks = [0, 1] if words else [0]
    op = "<" if descending else ">"
    order = "DESC" if descending else "ASC"
    ordering = f"ORDER BY {'orders_fts.rowid' if column == 'o.id' and 'orders_fts' in source else column} {order}"
    if column != "o.id":
        ordering += f", o.id {order}"
    out: list[tuple] = []
    for rank in ranks:
        if after is not None and rank < after[0]:
            continue
        clauses, values = [where], list(params)
        if words:
            test, extra = _buyer_test(words)
            clauses.append(test if rank == 0 else f"NOT ({test})")
            values += extra
        if after is not None and rank == after[0]:
            if column == "o.id":
                clauses.append(f"o.id {op} ?")
                values.append(after[2])
            else:
                clauses.append(f"({column}, o.id) {op} (?, ?)")
                values += [after[1], after[2]]
        rows = database.conn.execute(
            f"SELECT {rank}, {column}, o.id FROM {source} WHERE {' AND '.join(clauses)} {ordering} LIMIT ?",
            (*values, limit - len(out))).fetchall()
        out += rows
        if len(out) >= limit:
            break
    return out


def order_key(database: Database, f: OrderFilter, order_id: int, sort: str = "id") -> tuple | None:
    """(rank, sort value, id) of one order when the filter shows it, else None: a saved row's place."""
    source, where, params = _list_where(f)
    words = f.words()
    rank = "0"
    if words:
        test, extra = _buyer_test(words)
        rank, params = f"CASE WHEN {test} THEN 0 ELSE 1 END", [*extra, *params]
    row = database.conn.execute(f"SELECT {rank}, {SORT_FIELDS[sort]}, o.id FROM {source} WHERE {where} "
                                "AND o.id = ?", (*params, order_id)).fetchone()
    return tuple(row) if row else None


def order_count(database: Database, f: OrderFilter | None = None, at_most: int | None = None) -> int:
    """How many orders the filter selects (all orders without one), counting no further than ``at_most``:
    a broad search ('kha' at 500,000 orders) need not walk every match to say 'more than 10,000'."""
    source, where, params = _list_where(f or OrderFilter())
    if at_most is None:
        return database.conn.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0]
    return database.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)",
                                 (*params, at_most)).fetchone()[0]


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
