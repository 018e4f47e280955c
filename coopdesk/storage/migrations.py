"""The schema as an ordered list of migrations; PRAGMA user_version says how many have run.

Never edit a migration that has shipped: add a new one at the end.
"""

from __future__ import annotations

import json
import re
import uuid
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


def _v3_traceability(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE growing_areas (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, area_m2 INTEGER, province INTEGER, commune INTEGER,
        code TEXT NOT NULL DEFAULT '', lat REAL, lon REAL,
        member_id INTEGER REFERENCES members(id), address_scheme TEXT NOT NULL DEFAULT '')""")
    db.execute("""CREATE TABLE inputs (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('seed','fertiliser','pesticide','other')),
        name TEXT NOT NULL, active_ingredient TEXT NOT NULL DEFAULT '', registration_no TEXT NOT NULL DEFAULT '',
        phi_days INTEGER NOT NULL DEFAULT 0 CHECK (phi_days >= 0), unit TEXT NOT NULL DEFAULT '')""")
    db.execute("""CREATE TABLE lots (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE COLLATE NOCASE,
        product_id INTEGER NOT NULL REFERENCES products(id), planned_g INTEGER, note TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL DEFAULT (date('now')))""")
    db.execute("""CREATE TABLE lot_areas (
        lot_id INTEGER NOT NULL REFERENCES lots(id) ON DELETE CASCADE,
        area_id INTEGER NOT NULL REFERENCES growing_areas(id), PRIMARY KEY (lot_id, area_id))""")
    db.execute("""CREATE TABLE lot_parents (
        child_id INTEGER NOT NULL REFERENCES lots(id) ON DELETE CASCADE,
        parent_id INTEGER NOT NULL REFERENCES lots(id), qty_g INTEGER NOT NULL DEFAULT 0 CHECK (qty_g >= 0),
        PRIMARY KEY (child_id, parent_id), CHECK (child_id <> parent_id))""")
    db.execute("CREATE INDEX ix_lot_parents_parent ON lot_parents(parent_id)")
    db.execute("""CREATE TABLE lot_counters (key TEXT PRIMARY KEY, last INTEGER NOT NULL)""")
    db.execute("""CREATE TABLE events (
        id INTEGER PRIMARY KEY, lot_id INTEGER NOT NULL REFERENCES lots(id), kind TEXT NOT NULL, day TEXT NOT NULL,
        person TEXT NOT NULL DEFAULT '', area_id INTEGER REFERENCES growing_areas(id), place TEXT NOT NULL DEFAULT '',
        input_id INTEGER REFERENCES inputs(id), dose TEXT NOT NULL DEFAULT '', quantity_g INTEGER,
        packs INTEGER, pack_size_g INTEGER, method TEXT NOT NULL DEFAULT '', lab TEXT NOT NULL DEFAULT '',
        result TEXT NOT NULL DEFAULT '', passed INTEGER, note TEXT NOT NULL DEFAULT '',
        attachment TEXT NOT NULL DEFAULT '', private INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL DEFAULT (datetime('now')))""")
    db.execute("CREATE INDEX ix_events_lot ON events(lot_id, day)")
    db.execute("""CREATE TABLE event_photos (
        id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        file TEXT NOT NULL, position INTEGER NOT NULL DEFAULT 0)""")
    db.execute("CREATE INDEX ix_event_photos_event ON event_photos(event_id)")
    db.execute("""CREATE TABLE lot_corrections (
        id INTEGER PRIMARY KEY, lot_id INTEGER NOT NULL REFERENCES lots(id), event_id INTEGER,
        at TEXT NOT NULL DEFAULT (datetime('now')), reason TEXT NOT NULL CHECK (length(reason) > 0),
        before TEXT NOT NULL DEFAULT '', after TEXT NOT NULL DEFAULT '')""")
    db.execute("""CREATE TABLE recalls (
        id INTEGER PRIMARY KEY, lot_id INTEGER NOT NULL REFERENCES lots(id), day TEXT NOT NULL,
        reason TEXT NOT NULL, created_at TEXT NOT NULL DEFAULT (datetime('now')))""")


def _v4_orders(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE customers (
        id INTEGER PRIMARY KEY, phone TEXT NOT NULL UNIQUE, other_phones TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '', street TEXT NOT NULL DEFAULT '', province INTEGER, commune INTEGER,
        raw_address TEXT NOT NULL DEFAULT '', address_scheme TEXT NOT NULL DEFAULT '',
        flag_bom INTEGER NOT NULL DEFAULT 0, flag_reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT (datetime('now','localtime')))""")
    db.execute("""CREATE TABLE live_sessions (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL, channel TEXT NOT NULL DEFAULT '', host TEXT NOT NULL DEFAULT '',
        started_at TEXT NOT NULL DEFAULT (datetime('now','localtime')), ended_at TEXT)""")
    db.execute("""CREATE TABLE orders (
        id INTEGER PRIMARY KEY, session_id INTEGER REFERENCES live_sessions(id),
        customer_id INTEGER NOT NULL REFERENCES customers(id), phone TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
        street TEXT NOT NULL DEFAULT '', province INTEGER, commune INTEGER, raw_address TEXT NOT NULL DEFAULT '',
        shipping INTEGER NOT NULL DEFAULT 0 CHECK (shipping >= 0), prepaid INTEGER NOT NULL DEFAULT 0,
        total INTEGER NOT NULL CHECK (total >= 0), cod INTEGER NOT NULL CHECK (cod >= 0 AND cod <= total),
        delivery_note TEXT NOT NULL DEFAULT '', internal_note TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'new', carrier TEXT NOT NULL DEFAULT '', tracking TEXT NOT NULL DEFAULT '',
        search_text TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT (datetime('now','localtime')), updated_at TEXT)""")
    db.execute("CREATE INDEX ix_orders_session ON orders(session_id)")
    db.execute("CREATE INDEX ix_orders_customer ON orders(customer_id)")
    db.execute("""CREATE TABLE order_lines (
        id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL REFERENCES products(id), sku TEXT NOT NULL, name TEXT NOT NULL,
        qty INTEGER NOT NULL CHECK (qty > 0), unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
        discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0), price_reason TEXT NOT NULL DEFAULT '',
        cancelled INTEGER NOT NULL DEFAULT 0)""")
    db.execute("CREATE INDEX ix_order_lines_order ON order_lines(order_id)")
    db.execute("""CREATE TABLE allocations (
        id INTEGER PRIMARY KEY, line_id INTEGER NOT NULL REFERENCES order_lines(id) ON DELETE CASCADE,
        lot_id INTEGER NOT NULL REFERENCES lots(id), qty INTEGER NOT NULL CHECK (qty > 0))""")
    db.execute("CREATE INDEX ix_allocations_lot ON allocations(lot_id)")
    db.execute("CREATE INDEX ix_allocations_line ON allocations(line_id)")
    db.execute("""CREATE TABLE stock_adjustments (
        id INTEGER PRIMARY KEY, lot_id INTEGER NOT NULL REFERENCES lots(id), qty INTEGER NOT NULL,
        reason TEXT NOT NULL, at TEXT NOT NULL DEFAULT (datetime('now','localtime')))""")
    db.execute("""CREATE TABLE order_history (
        id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        at TEXT NOT NULL DEFAULT (datetime('now','localtime')), who TEXT NOT NULL DEFAULT '',
        action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')""")
    db.execute("CREATE INDEX ix_order_history_order ON order_history(order_id)")


def _v5_platform_imports(db: sqlite_utils.Database) -> None:
    for col, decl in (("platform", "TEXT NOT NULL DEFAULT ''"), ("platform_order_id", "TEXT"),
                      ("payment_method", "TEXT NOT NULL DEFAULT ''"), ("buyer_username", "TEXT NOT NULL DEFAULT ''"),
                      ("buyer_message", "TEXT NOT NULL DEFAULT ''"), ("package_id", "TEXT NOT NULL DEFAULT ''"),
                      ("import_state", "TEXT NOT NULL DEFAULT ''"), ("flags", "TEXT NOT NULL DEFAULT ''")):
        db.execute(f"ALTER TABLE orders ADD COLUMN {col} {decl}")
    db.execute("CREATE UNIQUE INDEX ux_orders_platform ON orders(platform, platform_order_id) "
               "WHERE platform_order_id IS NOT NULL")
    # Lines of an unknown platform SKU keep the platform's SKU and name and no product until mapped,
    # so the product column becomes optional (the table is rebuilt, as SQLite requires).
    db.execute("""CREATE TABLE order_lines_new (
        id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        product_id INTEGER REFERENCES products(id), sku TEXT NOT NULL, name TEXT NOT NULL,
        qty INTEGER NOT NULL CHECK (qty > 0), unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
        discount INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0), price_reason TEXT NOT NULL DEFAULT '',
        cancelled INTEGER NOT NULL DEFAULT 0, platform_sku_id TEXT NOT NULL DEFAULT '',
        variation TEXT NOT NULL DEFAULT '', unmapped INTEGER NOT NULL DEFAULT 0)""")
    db.execute("""INSERT INTO order_lines_new (id, order_id, product_id, sku, name, qty, unit_price, discount,
                  price_reason, cancelled)
                  SELECT id, order_id, product_id, sku, name, qty, unit_price, discount, price_reason, cancelled
                  FROM order_lines""")
    db.execute("DROP TABLE order_lines")
    db.execute("ALTER TABLE order_lines_new RENAME TO order_lines")
    db.execute("CREATE INDEX ix_order_lines_order ON order_lines(order_id)")
    db.execute("CREATE INDEX ix_order_lines_unmapped ON order_lines(sku) WHERE unmapped = 1")
    db.execute("""CREATE TABLE sku_map (
        platform TEXT NOT NULL, platform_sku TEXT NOT NULL, product_id INTEGER REFERENCES products(id),
        action TEXT NOT NULL CHECK (action IN ('map', 'skip')), PRIMARY KEY (platform, platform_sku))""")


def _v6_kept_stock(db: sqlite_utils.Database) -> None:
    """Packs on hand per lot kept in a table that triggers maintain in the same transaction as every packing
    event, allocation and adjustment, whichever code path writes them: a save reads one row per lot instead of
    summing a season of allocations (504 ms at 1,000,000 lines before)."""
    db.execute("""CREATE TABLE lot_stock (
        lot_id INTEGER PRIMARY KEY REFERENCES lots(id) ON DELETE CASCADE,
        product_id INTEGER NOT NULL,
        first_packed TEXT,
        packed INTEGER NOT NULL DEFAULT 0, taken INTEGER NOT NULL DEFAULT 0, adjusted INTEGER NOT NULL DEFAULT 0)""")
    db.execute("CREATE INDEX ix_lot_stock_product ON lot_stock(product_id)")
    db.execute("CREATE INDEX ix_stock_adjustments_lot ON stock_adjustments(lot_id)")
    db.execute("""INSERT INTO lot_stock (lot_id, product_id, first_packed, packed, taken, adjusted)
        SELECT l.id, l.product_id,
               (SELECT min(e.day) FROM events e WHERE e.lot_id = l.id AND e.kind = 'packing'),
               coalesce((SELECT sum(coalesce(e.packs, 0)) FROM events e
                         WHERE e.lot_id = l.id AND e.kind = 'packing'), 0),
               coalesce((SELECT sum(a.qty) FROM allocations a WHERE a.lot_id = l.id), 0),
               coalesce((SELECT sum(s.qty) FROM stock_adjustments s WHERE s.lot_id = l.id), 0)
        FROM lots l""")
    db.execute("""CREATE TRIGGER tr_lot_stock_new_lot AFTER INSERT ON lots BEGIN
        INSERT INTO lot_stock (lot_id, product_id) VALUES (NEW.id, NEW.product_id); END""")
    db.execute("""CREATE TRIGGER tr_lot_stock_lot_product AFTER UPDATE OF product_id ON lots BEGIN
        UPDATE lot_stock SET product_id = NEW.product_id WHERE lot_id = NEW.id; END""")

    def packing(row: str, sign: str) -> str:
        # first_packed is read back through ix_events_lot (lot_id, day): one index seek.
        return f"""UPDATE lot_stock SET packed = packed {sign} coalesce({row}.packs, 0),
                       first_packed = (SELECT min(day) FROM events WHERE lot_id = {row}.lot_id AND kind = 'packing')
                   WHERE lot_id = {row}.lot_id;"""

    db.execute(f"""CREATE TRIGGER tr_lot_stock_event_in AFTER INSERT ON events WHEN NEW.kind = 'packing'
        BEGIN {packing("NEW", "+")} END""")
    db.execute(f"""CREATE TRIGGER tr_lot_stock_event_out AFTER DELETE ON events WHEN OLD.kind = 'packing'
        BEGIN {packing("OLD", "-")} END""")
    db.execute("""CREATE TRIGGER tr_lot_stock_event_change AFTER UPDATE OF kind, packs, day, lot_id ON events
        WHEN OLD.kind = 'packing' OR NEW.kind = 'packing'
        BEGIN
            UPDATE lot_stock
                SET packed = packed - (CASE WHEN OLD.kind = 'packing' THEN coalesce(OLD.packs, 0) ELSE 0 END)
                WHERE lot_id = OLD.lot_id;
            UPDATE lot_stock
                SET packed = packed + (CASE WHEN NEW.kind = 'packing' THEN coalesce(NEW.packs, 0) ELSE 0 END)
                WHERE lot_id = NEW.lot_id;
            UPDATE lot_stock SET first_packed =
                (SELECT min(day) FROM events WHERE lot_id = lot_stock.lot_id AND kind = 'packing')
                WHERE lot_id IN (OLD.lot_id, NEW.lot_id);
        END""")
    for table, column in (("allocations", "taken"), ("stock_adjustments", "adjusted")):
        db.execute(f"""CREATE TRIGGER tr_lot_stock_{table}_in AFTER INSERT ON {table} BEGIN
            UPDATE lot_stock SET {column} = {column} + NEW.qty WHERE lot_id = NEW.lot_id; END""")
        db.execute(f"""CREATE TRIGGER tr_lot_stock_{table}_out AFTER DELETE ON {table} BEGIN
            UPDATE lot_stock SET {column} = {column} - OLD.qty WHERE lot_id = OLD.lot_id; END""")
        db.execute(f"""CREATE TRIGGER tr_lot_stock_{table}_change AFTER UPDATE OF qty, lot_id ON {table} BEGIN
            UPDATE lot_stock SET {column} = {column} - OLD.qty WHERE lot_id = OLD.lot_id;
            UPDATE lot_stock SET {column} = {column} + NEW.qty WHERE lot_id = NEW.lot_id; END""")


def _v7_label_printing(db: sqlite_utils.Database) -> None:
    """QR labels: the print log per lot, templates a person made, and calibration offsets per printer."""
    db.execute("""CREATE TABLE label_prints (
        id INTEGER PRIMARY KEY, lot_id INTEGER NOT NULL REFERENCES lots(id),
        at TEXT NOT NULL DEFAULT (datetime('now','localtime')), who TEXT NOT NULL DEFAULT '',
        template TEXT NOT NULL, count INTEGER NOT NULL CHECK (count > 0), output TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '', reprint INTEGER NOT NULL DEFAULT 0)""")
    db.execute("CREATE INDEX ix_label_prints_lot ON label_prints(lot_id)")
    db.execute("""CREATE TABLE label_templates (
        name TEXT PRIMARY KEY, definition TEXT NOT NULL,
        updated_at TEXT NOT NULL DEFAULT (datetime('now','localtime')))""")
    db.execute("""CREATE TABLE label_offsets (
        printer TEXT NOT NULL, template TEXT NOT NULL, dx_mm REAL NOT NULL DEFAULT 0, dy_mm REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (printer, template))""")


def _rebuild_with_autoincrement(db: sqlite_utils.Database, table: str) -> None:
    """Rebuild ``table`` so its id is AUTOINCREMENT, keeping every column, index and trigger it has now.

    Works from the table's current SQL (whatever columns other migrations added), by SQLite's documented
    procedure: new table, copy, drop, rename (foreign keys are off during migrations), then its indexes, and
    every trigger and view of the schema, made again from their own SQL.
    """
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()[0]
    if re.search(r"\bAUTOINCREMENT\b", sql, re.I):
        return
    new_sql, n = re.subn(r"\bid\s+INTEGER\s+PRIMARY\s+KEY\b", "id INTEGER PRIMARY KEY AUTOINCREMENT", sql,
                         count=1, flags=re.I)
    new_sql, m = re.subn(r"^\s*CREATE\s+TABLE\s+(\"?)" + table + r"\1", f"CREATE TABLE {table}_new", new_sql,
                         count=1, flags=re.I)
    if not (n and m):
        raise ValueError(f"cannot rebuild {table} with AUTOINCREMENT: {sql}")
    indexes = db.execute("SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type = 'index' AND sql IS NOT NULL "
                         "ORDER BY name", (table,)).fetchall()
    # Every trigger and view (on any table: one on order_lines may update orders) is dropped and made again,
    # since SQLite's RENAME re-checks them and refuses one that names the table while it is missing.
    others = db.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'view') "
                        "AND sql IS NOT NULL ORDER BY type DESC, name").fetchall()
    for kind, name, _sql in others:
        db.execute(f'DROP {kind.upper()} "{name}"')
    db.execute(new_sql)
    db.execute(f"INSERT INTO {table}_new SELECT * FROM {table}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for (statement,) in indexes:
        db.execute(statement)
    for _kind, _name, statement in reversed(others):
        db.execute(statement)


def _v8_order_ids_never_reused(db: sqlite_utils.Database) -> None:
    """Order numbers never come back: AUTOINCREMENT keeps the highest number ever given in sqlite_sequence,
    and CoopDesk raises it from the backups' manifest when a file went back in time. The file gets an id of
    its own, so the manifest beside its backups can tell it from another file of the same name."""
    _rebuild_with_autoincrement(db, "orders")
    db.execute("INSERT OR IGNORE INTO settings (key, value) VALUES ('file_id', ?)",
               (json.dumps(uuid.uuid4().hex),))


def _v9_recall_records(db: sqlite_utils.Database) -> None:
    """A recall becomes a record: who decided, what it covers, what each buyer was told, how it ended.

    The old one-row-per-lot recalls are kept as open records covering their lot and every lot made from it.
    """
    db.execute("""CREATE TABLE recalls_new (
        id INTEGER PRIMARY KEY, lot_id INTEGER REFERENCES lots(id), day TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (length(reason) > 0), public_reason TEXT NOT NULL DEFAULT '',
        decided_by TEXT NOT NULL DEFAULT '',
        source_kind TEXT NOT NULL DEFAULT 'lot' CHECK (source_kind IN ('lot', 'input', 'area', 'member')),
        source_id INTEGER, source_label TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'withdrawn')),
        ended_at TEXT, ended_by TEXT NOT NULL DEFAULT '', end_reason TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL DEFAULT (datetime('now')))""")
    db.execute("""INSERT INTO recalls_new (id, lot_id, day, reason, public_reason, source_kind, source_id,
                  source_label, created_at)
                  SELECT r.id, r.lot_id, r.day, r.reason, r.reason, 'lot', r.lot_id, l.code, r.created_at
                  FROM recalls r JOIN lots l ON l.id = r.lot_id""")
    db.execute("DROP TABLE recalls")
    db.execute("ALTER TABLE recalls_new RENAME TO recalls")
    db.execute("""CREATE TABLE recall_lots (
        recall_id INTEGER NOT NULL REFERENCES recalls(id), lot_id INTEGER NOT NULL REFERENCES lots(id),
        role TEXT NOT NULL DEFAULT 'source' CHECK (role IN ('source', 'made_from')),
        PRIMARY KEY (recall_id, lot_id))""")
    db.execute("CREATE INDEX ix_recall_lots_lot ON recall_lots(lot_id)")
    db.execute("""INSERT INTO recall_lots (recall_id, lot_id, role)
                  WITH RECURSIVE walk(recall_id, lot_id, role) AS (
                      SELECT id, lot_id, 'source' FROM recalls
                      UNION SELECT w.recall_id, p.child_id, 'made_from' FROM lot_parents p
                            JOIN walk w ON p.parent_id = w.lot_id)
                  SELECT recall_id, lot_id, max(role) FROM walk GROUP BY recall_id, lot_id""")
    db.execute("""CREATE TABLE recall_outcomes (
        id INTEGER PRIMARY KEY, recall_id INTEGER NOT NULL REFERENCES recalls(id),
        customer_id INTEGER NOT NULL REFERENCES customers(id),
        outcome TEXT NOT NULL CHECK (outcome IN ('not_called', 'called', 'no_answer', 'returned', 'refunded',
                                                 'not_needed')),
        who TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL DEFAULT (datetime('now','localtime')))""")
    db.execute("CREATE INDEX ix_recall_outcomes ON recall_outcomes(recall_id, customer_id, id)")
    db.execute("""CREATE TABLE recall_holds (
        recall_id INTEGER NOT NULL REFERENCES recalls(id), order_id INTEGER NOT NULL REFERENCES orders(id),
        previous_status TEXT NOT NULL, who TEXT NOT NULL DEFAULT '',
        at TEXT NOT NULL DEFAULT (datetime('now','localtime')), PRIMARY KEY (recall_id, order_id))""")
    db.execute("CREATE INDEX ix_recall_holds_order ON recall_holds(order_id)")
    # Starting from an input, an area or a household must not scan every event.
    db.execute("CREATE INDEX ix_events_input ON events(input_id) WHERE input_id IS NOT NULL")
    db.execute("CREATE INDEX ix_events_area ON events(area_id) WHERE area_id IS NOT NULL")
    db.execute("CREATE INDEX ix_lot_areas_area ON lot_areas(area_id)")
    db.execute("CREATE INDEX ix_growing_areas_member ON growing_areas(member_id)")


def _v10_shipping_documents(db: sqlite_utils.Database) -> None:
    """Issue 14: where each product sits in the store (picking order), parcels per order, and a record of every
    document printed for an order (reprints allowed and kept), so staff are warned before printing twice."""
    db.execute("ALTER TABLE products ADD COLUMN storage_place TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE orders ADD COLUMN parcels INTEGER NOT NULL DEFAULT 1 CHECK (parcels >= 1)")
    # A date range picks orders through this index, never by scanning the whole history.
    db.execute("CREATE INDEX ix_orders_created ON orders(created_at)")
    db.execute("""CREATE TABLE print_jobs (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('slips', 'picking', 'handover', 'report')),
        at TEXT NOT NULL DEFAULT (datetime('now','localtime')), who TEXT NOT NULL DEFAULT '',
        carrier TEXT NOT NULL DEFAULT '', number TEXT NOT NULL DEFAULT '', orders INTEGER NOT NULL DEFAULT 0,
        cod INTEGER NOT NULL DEFAULT 0, target TEXT NOT NULL DEFAULT '')""")
    db.execute("""CREATE TABLE printed_orders (
        job_id INTEGER NOT NULL REFERENCES print_jobs(id) ON DELETE CASCADE,
        order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE, PRIMARY KEY (job_id, order_id))""")
    db.execute("CREATE INDEX ix_printed_orders_order ON printed_orders(order_id)")


def _v11_event_members(db: sqlite_utils.Database) -> None:
    """Each diary entry points at the member household who did it, so privacy is decided by the record.

    Entries already stored are tied to the household their 'Who' names, in any spelling the screens made.
    """
    from coopdesk.domain.lots import member_for

    db.execute("ALTER TABLE events ADD COLUMN member_id INTEGER REFERENCES members(id)")
    members = {r[0]: r[1] for r in db.execute("SELECT id, name FROM members").fetchall()}
    for event_id, person in db.execute("SELECT id, person FROM events WHERE person <> ''").fetchall():
        member_id = member_for(person, members)
        if member_id is not None:
            db.execute("UPDATE events SET member_id = ? WHERE id = ?", (member_id, event_id))


def _v12_order_list_index(db: sqlite_utils.Database) -> None:
    """The order list filters in SQL: a trigram full-text index over the diacritic-free ``search_text``
    (any 3+ letter piece of a name, phone, address or product is found by index), kept in step by triggers,
    and indexes for the status and carrier filters (session has one since v4, the date since v10).

    External content: the index stores no second copy of the text, only the trigrams pointing at order ids.
    """
    db.execute("""CREATE VIRTUAL TABLE orders_fts USING fts5(
        search_text, content='orders', content_rowid='id', tokenize='trigram')""")
    db.execute("""CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN
        INSERT INTO orders_fts (rowid, search_text) VALUES (new.id, new.search_text); END""")
    db.execute("""CREATE TRIGGER orders_fts_delete AFTER DELETE ON orders BEGIN
        INSERT INTO orders_fts (orders_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END""")
    db.execute("""CREATE TRIGGER orders_fts_update AFTER UPDATE OF search_text ON orders BEGIN
        INSERT INTO orders_fts (orders_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO orders_fts (rowid, search_text) VALUES (new.id, new.search_text); END""")
    db.execute("INSERT INTO orders_fts (orders_fts) VALUES ('rebuild')")  # the orders already stored
    db.execute("CREATE INDEX ix_orders_status ON orders(status)")
    # NOCASE, as the carrier filter compares: and so no query of the binary carrier (the shipping page's
    # DISTINCT carrier of a date range) is drawn off its date index onto this one.
    db.execute("CREATE INDEX ix_orders_carrier ON orders(carrier COLLATE NOCASE)")


def _v13_parcel_weights_and_sku_ids(db: sqlite_utils.Database) -> None:
    """What a parcel weighs, and TikTok's SKU IDs remembered beside the seller SKUs.

    ``products.shipping_weight_g``: one unit as the carrier weighs it, packed (a 100 g tea pack is 150 g in its
    box); ``order_lines.weight_g``: the line's whole weight as an export states it (TikTok's ``Weight(kg)``), which
    the handover sheet uses before the catalog's. ``sku_map`` gains ``kind``: a remembered answer is for a seller
    SKU (as before) or for the platform's own SKU ID, which a catalog file may bring (rebuilt: the key changes).
    """
    db.execute("ALTER TABLE products ADD COLUMN shipping_weight_g INTEGER "
               "CHECK (shipping_weight_g IS NULL OR shipping_weight_g > 0)")
    db.execute("ALTER TABLE order_lines ADD COLUMN weight_g INTEGER CHECK (weight_g IS NULL OR weight_g > 0)")
    db.execute("""CREATE TABLE sku_map_new (
        platform TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'seller_sku' CHECK (kind IN ('seller_sku', 'sku_id')),
        platform_sku TEXT NOT NULL, product_id INTEGER REFERENCES products(id),
        action TEXT NOT NULL CHECK (action IN ('map', 'skip')), PRIMARY KEY (platform, kind, platform_sku))""")
    db.execute("INSERT INTO sku_map_new (platform, kind, platform_sku, product_id, action) "
               "SELECT platform, 'seller_sku', platform_sku, product_id, action FROM sku_map")
    db.execute("DROP TABLE sku_map")
    db.execute("ALTER TABLE sku_map_new RENAME TO sku_map")
    # A catalog import points lines imported earlier without a product at it by their SKU ID.
    db.execute("CREATE INDEX ix_order_lines_unmapped_sku_id ON order_lines(platform_sku_id) WHERE unmapped = 1")


def _v14_allocations_by_lot_covering(db: sqlite_utils.Database) -> None:
    """Who got lot X reads a lot's allocations from the index alone: ix_allocations_lot becomes
    (lot_id, line_id, qty) instead of (lot_id), so the answer never visits the allocations table (a random
    page per order line: about a third of the query for 15,000 lines of 50 lots). Same name, same uses
    (every lookup by lot), one index as before, so saving an order writes no more than it did."""
    db.execute("DROP INDEX ix_allocations_lot")
    db.execute("CREATE INDEX ix_allocations_lot ON allocations(lot_id, line_id, qty)")


def _v15_order_list_sorts(db: sqlite_utils.Database) -> None:
    """The order list stays instant at 500,000 orders in every sort and with every filter (issue 12).

    ``buyer_text`` keeps what the list ranks first (the customer's folded name and both forms of the phone), with
    its own trigram index, so a search knows at once how many orders it finds by the buyer. Each sortable column
    gets an index, so a sort click or a broad search walks the column in order instead of ranking every match.
    """
    db.conn.create_function("coopdesk_fold", 1, fold, deterministic=True)
    db.execute("ALTER TABLE orders ADD COLUMN buyer_text TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE orders SET buyer_text = coopdesk_fold(name) || ' ' || phone || ' 0' || substr(phone, 4)")
    db.execute("""CREATE VIRTUAL TABLE orders_buyer_fts USING fts5(
        buyer_text, content='orders', content_rowid='id', tokenize='trigram')""")
    db.execute("""CREATE TRIGGER orders_buyer_fts_insert AFTER INSERT ON orders BEGIN
        INSERT INTO orders_buyer_fts (rowid, buyer_text) VALUES (new.id, new.buyer_text); END""")
    db.execute("""CREATE TRIGGER orders_buyer_fts_delete AFTER DELETE ON orders BEGIN
        INSERT INTO orders_buyer_fts (orders_buyer_fts, rowid, buyer_text) VALUES ('delete', old.id, old.buyer_text);
        END""")
    db.execute("""CREATE TRIGGER orders_buyer_fts_update AFTER UPDATE OF buyer_text ON orders BEGIN
        INSERT INTO orders_buyer_fts (orders_buyer_fts, rowid, buyer_text) VALUES ('delete', old.id, old.buyer_text);
        INSERT INTO orders_buyer_fts (rowid, buyer_text) VALUES (new.id, new.buyer_text); END""")
    db.execute("INSERT INTO orders_buyer_fts (orders_buyer_fts) VALUES ('rebuild')")
    # The name and phone indexes hold the buyer text too: a search by name or phone, sorted by name or phone,
    # finds its orders in one block of the index ('Nguyễn Thị Hồng' a third of the way down): the block is
    # reached testing the index alone, without reading each order passed on the way.
    for column in ("name", "phone"):
        db.execute(f"CREATE INDEX ix_orders_{column} ON orders({column}, id, buyer_text)")
    for column in ("total", "cod"):  # created and status have theirs (v10, v12)
        db.execute(f"CREATE INDEX ix_orders_{column} ON orders({column})")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _v1_initial,
    _v2_certifications_members_search,
    _v3_traceability,
    _v4_orders,
    _v5_platform_imports,
    _v6_kept_stock,
    _v7_label_printing,
    _v8_order_ids_never_reused,
    _v9_recall_records,
    _v10_shipping_documents,
    _v11_event_members,
    _v12_order_list_index,
    _v13_parcel_weights_and_sku_ids,
    _v14_allocations_by_lot_covering,
    _v15_order_list_sorts,
]
SCHEMA_VERSION = len(MIGRATIONS)
