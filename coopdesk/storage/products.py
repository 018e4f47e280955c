"""Products and their certifications in the data file."""

from __future__ import annotations

from datetime import date

import sqlite_utils

from coopdesk.domain.products import Certification, Product
from coopdesk.storage.database import Database

_COLUMNS = ("sku", "name", "name_en", "unit", "net_weight_g", "price_vnd", "gtin", "ocop_stars", "ocop_cert_no",
            "ocop_authority", "ocop_issued", "ocop_expires", "origin_province", "origin_commune",
            "shelf_life_days", "storage", "photo", "storage_place", "shipping_weight_g")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _row(p: Product, scheme: str) -> dict:
    row = {k: getattr(p, k) for k in _COLUMNS}
    row["ocop_issued"], row["ocop_expires"] = _iso(p.ocop_issued), _iso(p.ocop_expires)
    row["search_text"] = p.search_text
    row["address_scheme"] = scheme if p.origin_commune or p.origin_province else ""
    return row


def save(db: sqlite_utils.Database, p: Product, scheme: str) -> int:
    """Insert or update one product with its certifications (inside the caller's transaction)."""
    row = _row(p, scheme)
    if p.id is None:
        cols = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        cur = db.execute(f"INSERT INTO products ({cols}) VALUES ({marks})", row)
        product_id = cur.lastrowid
    else:
        sets = ", ".join(f"{k} = :{k}" for k in row)
        db.execute(f"UPDATE products SET {sets}, updated_at = datetime('now') WHERE id = :id", {**row, "id": p.id})
        product_id = p.id
        db.execute("DELETE FROM certifications WHERE product_id = ?", (product_id,))
    db.conn.executemany(
        "INSERT INTO certifications (product_id, kind, number, issuer, issued, expires) VALUES (?,?,?,?,?,?)",
        [(product_id, c.kind, c.number, c.issuer, _iso(c.issued), _iso(c.expires)) for c in p.certifications])
    return product_id


def save_many(db: sqlite_utils.Database, products: list[Product], scheme: str) -> list[int]:
    """Save several products in the caller's transaction."""
    return [save(db, p, scheme) for p in products]


def lot_count(database: Database, product_id: int) -> int:
    """How many lots were made of this product (a product with lots is never deleted)."""
    return database.query("SELECT count(*) AS n FROM lots WHERE product_id = ?", (product_id,))[0]["n"]


def order_line_count(database: Database, product_id: int) -> int:
    """How many order lines sell this product (a product on an order is never deleted)."""
    return database.query("SELECT count(*) AS n FROM order_lines WHERE product_id = ?", (product_id,))[0]["n"]


def delete(db: sqlite_utils.Database, product_id: int) -> None:
    """The product and the platform SKUs remembered for it (the next import asks about them again)."""
    db.execute("DELETE FROM sku_map WHERE product_id = ?", (product_id,))
    db.execute("DELETE FROM products WHERE id = ?", (product_id,))


def _product(row: dict, certs: list[Certification]) -> Product:
    return Product(
        id=row["id"], sku=row["sku"], name=row["name"], name_en=row["name_en"], unit=row["unit"],
        net_weight_g=row["net_weight_g"], price_vnd=row["price_vnd"], gtin=row["gtin"],
        ocop_stars=row["ocop_stars"], ocop_cert_no=row["ocop_cert_no"], ocop_authority=row["ocop_authority"],
        ocop_issued=_date(row["ocop_issued"]), ocop_expires=_date(row["ocop_expires"]),
        origin_province=row["origin_province"], origin_commune=row["origin_commune"],
        shelf_life_days=row["shelf_life_days"], storage=row["storage"], photo=row["photo"],
        certifications=tuple(certs), storage_place=row["storage_place"],
        shipping_weight_g=row["shipping_weight_g"])


def _certs(database: Database, ids: list[int] | None = None) -> dict[int, list[Certification]]:
    sql = "SELECT * FROM certifications"
    params: tuple = ()
    if ids is not None and len(ids) > 500:
        ids = None  # many ids: one full read beats a huge IN list
    if ids is not None:
        sql += f" WHERE product_id IN ({','.join('?' * len(ids))})"
        params = tuple(ids)
    out: dict[int, list[Certification]] = {}
    for r in database.query(sql + " ORDER BY id", params):
        out.setdefault(r["product_id"], []).append(
            Certification(r["kind"], r["number"], r["issuer"], _date(r["issued"]), _date(r["expires"])))
    return out


def list_all(database: Database) -> list[Product]:
    """Every product, in SKU order."""
    rows = database.query("SELECT * FROM products ORDER BY sku")
    certs = _certs(database)
    return [_product(r, certs.get(r["id"], [])) for r in rows]


def get_many(database: Database, ids: list[int]) -> list[Product]:
    """The products with these ids, in the order given."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in database.query(f"SELECT * FROM products WHERE id IN ({marks})", tuple(ids))}
    certs = _certs(database, ids)
    return [_product(rows[i], certs.get(i, [])) for i in ids if i in rows]


def get(database: Database, product_id: int) -> Product | None:
    rows = database.query("SELECT * FROM products WHERE id = ?", (product_id,))
    if not rows:
        return None
    return _product(rows[0], _certs(database, [product_id]).get(product_id, []))


def by_sku(database: Database) -> dict[str, int]:
    """Upper-cased SKU -> product id."""
    return {r["sku"].upper(): r["id"] for r in database.query("SELECT id, sku FROM products")}


def search_ids(database: Database, words: list[str]) -> list[int]:
    """Ids of products whose folded search text holds every (already folded) word."""
    where = " AND ".join("instr(search_text, ?) > 0" for _w in words) or "1"
    return [r["id"] for r in database.query(f"SELECT id FROM products WHERE {where} ORDER BY sku", tuple(words))]


def count(database: Database) -> int:
    return database.query("SELECT count(*) AS n FROM products")[0]["n"]


CATALOG_COLUMNS = ("id", "sku", "name", "name_en", "price_vnd", "shelf_life_days", "unit", "net_weight_g")


def catalog_rows(database: Database) -> list[dict]:
    """Just what order entry needs of each product (id, SKU, names, price, shelf life)."""
    return [dict(zip(CATALOG_COLUMNS, r, strict=True)) for r in catalog_tuples(database)]


def catalog_tuples(database: Database) -> list[tuple]:
    """The same as plain tuples in CATALOG_COLUMNS order: read on every save, so no dict per row."""
    return database.conn.execute(f"SELECT {', '.join(CATALOG_COLUMNS)} FROM products ORDER BY sku").fetchall()
