"""Customers, live sessions, orders, their lines and the packs each line took from each lot."""

from __future__ import annotations

import json

import sqlite_utils

from coopdesk.domain.orders import CheckedOrder, OrderLine
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
    """Orders, packs, revenue and COD of a session, cancelled orders left out."""
    return database.query("""
        SELECT count(*) AS orders, coalesce(sum(o.total), 0) AS revenue, coalesce(sum(o.cod), 0) AS cod,
               coalesce((SELECT sum(l.qty) FROM order_lines l JOIN orders o2 ON o2.id = l.order_id
                         WHERE o2.session_id = ? AND o2.status <> 'cancelled' AND l.cancelled = 0), 0) AS items
        FROM orders o WHERE o.session_id = ? AND o.status <> 'cancelled'""", (session_id, session_id))[0]


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
    """Change a stored line in place (its allocations are handled apart: they are facts of the parcel)."""
    db.execute("UPDATE order_lines SET product_id=?, sku=?, name=?, qty=?, unit_price=?, discount=?, price_reason=? "
               "WHERE id=?", (line.product_id, line.sku, line.name, line.qty, line.unit_price, line.discount,
                              line.price_reason, line_id))


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


def sku_map(database: Database, platform: str) -> dict[str, tuple[int | None, str]]:
    """Remembered answers for platform SKUs: upper-cased SKU -> (product id, 'map' or 'skip')."""
    return {r["platform_sku"].upper(): (r["product_id"], r["action"]) for r in
            database.query("SELECT * FROM sku_map WHERE platform = ?", (platform,))}


def remember_sku(db: sqlite_utils.Database, platform: str, platform_sku: str, product_id: int | None,
                 action: str) -> None:
    db.execute("INSERT INTO sku_map (platform, platform_sku, product_id, action) VALUES (?,?,?,?) "
               "ON CONFLICT(platform, platform_sku) DO UPDATE SET product_id = excluded.product_id, "
               "action = excluded.action", (platform, platform_sku, product_id, action))


def map_unmapped_lines(db: sqlite_utils.Database, platform_sku: str, product_id: int) -> int:
    """Point stored unmapped lines of a platform SKU at a product, now that staff mapped it."""
    return db.execute("UPDATE order_lines SET product_id = ?, unmapped = 0 WHERE unmapped = 1 AND upper(sku) = ?",
                      (product_id, platform_sku.upper())).rowcount


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
               (SELECT group_concat(l.sku || ' x' || l.qty, ', ') FROM order_lines l
                WHERE l.order_id = o.id AND l.cancelled = 0) AS items
        FROM orders o {where} ORDER BY o.id DESC""", params)]


def orders_json(database: Database, session_id: int | None = None) -> list[dict]:
    where, params = ("WHERE session_id = ?", (session_id,)) if session_id else ("", ())
    ids = [r["id"] for r in database.query(f"SELECT id FROM orders {where} ORDER BY id", params)]
    return [get_order(database, i) for i in ids]
