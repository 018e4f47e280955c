"""The schema as an ordered list of migrations; PRAGMA user_version says how many have run.

Never edit a migration that has shipped: add a new one at the end.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

from coopdesk.domain.text import fold


def _v1_initial(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)""")
    db.execute("""CREATE TABLE cooperative (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL, tax_code TEXT NOT NULL DEFAULT '',
        province INTEGER, commune INTEGER, street TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '', representative TEXT NOT NULL DEFAULT '',
        logo TEXT NOT NULL DEFAULT '', trace_base_url TEXT NOT NULL DEFAULT '')""")
    db.execute("""CREATE TABLE products (
        id INTEGER PRIMARY KEY,
        sku TEXT NOT NULL UNIQUE COLLATE NOCASE,
        name TEXT NOT NULL, name_en TEXT NOT NULL DEFAULT '', unit TEXT NOT NULL DEFAULT 'gói',
        net_weight_g INTEGER, price_vnd INTEGER NOT NULL DEFAULT 0 CHECK (price_vnd >= 0),
        gtin TEXT NOT NULL DEFAULT '',
        ocop_stars INTEGER CHECK (ocop_stars IS NULL OR ocop_stars BETWEEN 3 AND 5),
        ocop_cert_no TEXT NOT NULL DEFAULT '', ocop_authority TEXT NOT NULL DEFAULT '',
        ocop_issued TEXT, ocop_expires TEXT,
        origin_province INTEGER, origin_commune INTEGER,
        shelf_life_days INTEGER, storage TEXT NOT NULL DEFAULT '', photo TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT (datetime('now')), updated_at TEXT NOT NULL DEFAULT (datetime('now')))""")
    db.execute("""CREATE TABLE audit (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL DEFAULT (datetime('now')),
        action TEXT NOT NULL, entity TEXT NOT NULL, entity_id INTEGER, detail TEXT NOT NULL DEFAULT '')""")


def _v2_certifications_members_search(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE certifications (
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        kind TEXT NOT NULL, number TEXT NOT NULL DEFAULT '', issuer TEXT NOT NULL DEFAULT '',
        issued TEXT, expires TEXT)""")
    db.execute("CREATE INDEX ix_certifications_product ON certifications(product_id)")
    db.execute("""CREATE TABLE members (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL DEFAULT '',
        province INTEGER, commune INTEGER, street TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '', private INTEGER NOT NULL DEFAULT 0)""")
    db.execute("ALTER TABLE products ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE products ADD COLUMN address_scheme TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE cooperative ADD COLUMN email TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE cooperative ADD COLUMN address_scheme TEXT NOT NULL DEFAULT ''")
    # Fill what v1 files lack: diacritic-free search text for the products they hold.
    db.conn.create_function("coopdesk_fold", 1, fold, deterministic=True)
    db.execute("UPDATE products SET search_text = coopdesk_fold(sku || ' ' || name || ' ' || name_en || ' ' || gtin)")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_initial,
    _v2_certifications_members_search,
]
SCHEMA_VERSION = len(MIGRATIONS)
