"""Bulk writes of an order import: many rows per statement, all inside the caller's one transaction."""

from __future__ import annotations

import sqlite_utils

from coopdesk.storage.orders import buyer_text


def existing_customers(db: sqlite_utils.Database, phones: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(phones), 500):
        chunk = phones[i:i + 500]
        marks = ",".join("?" * len(chunk))
        out.update({p: cid for cid, p in db.execute(f"SELECT id, phone FROM customers WHERE phone IN ({marks})",
                                                     chunk).fetchall()})
    return out


def insert_customers(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """rows: (phone, other_phones, name, street, province, commune, raw_address, address_scheme)."""
    db.conn.executemany("INSERT INTO customers (phone, other_phones, name, street, province, commune, raw_address, "
                        "address_scheme) VALUES (?,?,?,?,?,?,?,?)", rows)


def next_id(db: sqlite_utils.Database, table: str) -> int:
    """The id an AUTOINCREMENT insert would give: above every id the table ever had, not only the ones left."""
    last = db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").fetchone():
        row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        if row and row[0] > last:
            last = row[0]
    return last + 1


ORDER_COLUMNS = ("id", "session_id", "customer_id", "phone", "name", "street", "province", "commune", "raw_address",
                 "shipping", "prepaid", "total", "cod", "delivery_note", "internal_note", "status", "carrier",
                 "tracking", "search_text", "created_at", "platform", "platform_order_id", "payment_method",
                 "buyer_username", "buyer_message", "package_id", "import_state", "flags")
LINE_COLUMNS = ("id", "order_id", "product_id", "sku", "name", "qty", "unit_price", "discount", "cancelled",
                "platform_sku_id", "variation", "unmapped", "weight_g")


def insert_orders(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    """rows: ORDER_COLUMNS; the buyer text the order list ranks by is added here, from the name and phone."""
    name, phone = ORDER_COLUMNS.index("name"), ORDER_COLUMNS.index("phone")
    db.conn.executemany(f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}, buyer_text) "
                        f"VALUES ({', '.join('?' * (len(ORDER_COLUMNS) + 1))})",
                        [(*r, buyer_text(r[name], r[phone])) for r in rows])


def insert_lines(db: sqlite_utils.Database, rows: list[tuple]) -> None:
    db.conn.executemany(f"INSERT INTO order_lines ({', '.join(LINE_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * len(LINE_COLUMNS))})", rows)


def insert_allocations(db: sqlite_utils.Database, rows: list[tuple[int, int, int]]) -> None:
    db.conn.executemany("INSERT INTO allocations (line_id, lot_id, qty) VALUES (?,?,?)", rows)


def insert_history(db: sqlite_utils.Database, rows: list[tuple[int, str, str, str]]) -> None:
    db.conn.executemany("INSERT INTO order_history (order_id, who, action, detail) VALUES (?,?,?,?)", rows)


def update_orders(db: sqlite_utils.Database, rows: list[tuple[str, str, str, str, int]]) -> None:
    """rows: (status, tracking, carrier, import_state, order id)."""
    db.conn.executemany("UPDATE orders SET status = ?, tracking = ?, carrier = ?, import_state = ?, "
                        "updated_at = datetime('now','localtime') WHERE id = ?", rows)


def release_orders(db: sqlite_utils.Database, order_ids: list[int]) -> None:
    db.conn.executemany("DELETE FROM allocations WHERE line_id IN (SELECT id FROM order_lines WHERE order_id = ?)",
                        [(i,) for i in order_ids])
