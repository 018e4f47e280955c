"""The order-ids migration: numbers never come back (AUTOINCREMENT), every column, index and reference kept."""

import sqlite3

import sqlite_utils

from coopdesk.storage.database import _connect, open_database, schema_sql
from coopdesk.storage.errors import DatabaseBug
from coopdesk.storage.imports import next_id
from coopdesk.storage.migrations import MIGRATIONS, SCHEMA_VERSION

V8 = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_v8_order_ids_never_reused"))


def make_file_before_v8(path):
    """A file at the schema just before this migration, holding orders, lines and their history."""
    conn = _connect(path, read_only=False)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN")
    for m in MIGRATIONS[:V8]:
        m(db)
    conn.execute(f"PRAGMA user_version = {V8}")
    conn.execute("INSERT INTO products (id, sku, name) VALUES (1, 'YDI-BUN-500', 'Bún sắn khô')")
    conn.execute("INSERT INTO customers (id, phone, name) VALUES (1, '+84912345678', 'Nguyễn Thị Hồng')")
    for oid in (1, 2, 3):
        conn.execute("INSERT INTO orders (id, customer_id, phone, total, cod, platform, platform_order_id) "
                     "VALUES (?, 1, '+84912345678', 40000, 40000, 'tiktok', ?)", (oid, f"5770{oid}"))
        conn.execute("INSERT INTO order_lines (order_id, product_id, sku, name, qty, unit_price) "
                     "VALUES (?, 1, 'YDI-BUN-500', 'Bún sắn khô', 1, 40000)", (oid,))
        conn.execute("INSERT INTO order_history (order_id, action) VALUES (?, 'create')", (oid,))
    conn.execute("DELETE FROM order_history WHERE order_id = 3")
    conn.execute("DELETE FROM order_lines WHERE order_id = 3")
    conn.execute("DELETE FROM orders WHERE id = 3")  # the highest number, gone: plain rowids would give it again
    conn.execute("COMMIT")
    conn.close()


def test_orders_keep_their_rows_indexes_and_references(tmp_path, db_path):
    old = tmp_path / "old.db"
    make_file_before_v8(old)
    migrated = open_database(old, backup_dir=tmp_path / "bk")
    fresh = open_database(db_path)
    try:
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert schema_sql(migrated) == schema_sql(fresh)
        sql = migrated.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'orders'").fetchone()[0]
        assert "AUTOINCREMENT" in sql
        indexes = {r[0] for r in migrated.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'orders'")}
        assert {"ix_orders_session", "ix_orders_customer", "ux_orders_platform"} <= indexes
        refs = {(r[2], r[3], r[4]) for t in ("order_lines", "order_history")
                for r in migrated.conn.execute(f"PRAGMA foreign_key_list({t})")}
        assert ("orders", "order_id", "id") in refs
        assert migrated.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert migrated.query("SELECT id, total FROM orders ORDER BY id") == [{"id": 1, "total": 40000},
                                                                             {"id": 2, "total": 40000}]
        # The references still hold: a line of a missing order is refused, deleting an order cascades.
        with migrated.transaction() as db:
            db.execute("INSERT INTO orders (customer_id, phone, total, cod) VALUES (1, '+84912345678', 1, 0)")
        new_id = migrated.query("SELECT max(id) AS n FROM orders")[0]["n"]
        assert new_id == 3  # AUTOINCREMENT starts above the highest row copied in
        with migrated.transaction() as db:
            db.execute("DELETE FROM orders WHERE id = 3")
            db.execute("INSERT INTO orders (customer_id, phone, total, cod) VALUES (1, '+84912345678', 1, 0)")
            assert next_id(db, "orders") == 5
        assert migrated.query("SELECT max(id) AS n FROM orders")[0]["n"] == 4  # 3 is never given again
        try:
            with migrated.transaction() as db:
                db.execute("INSERT INTO order_lines (order_id, sku, name, qty, unit_price) VALUES (99, 'x', 'x', 1, 1)")
            raise AssertionError("a line of a missing order was stored")
        except DatabaseBug as e:  # a row the domain should have refused is a bug; SQLite's error is its cause
            assert isinstance(e.__cause__, sqlite3.IntegrityError)
        with migrated.transaction() as db:
            db.execute("DELETE FROM orders WHERE id = 2")
        assert migrated.query("SELECT count(*) AS n FROM order_lines WHERE order_id = 2")[0]["n"] == 0
        # Each file has an id of its own, so the manifest beside its backups can tell it from another file.
        ids = [d.query("SELECT value FROM settings WHERE key = 'file_id'")[0]["value"] for d in (migrated, fresh)]
        assert ids[0] != ids[1]
    finally:
        migrated.close()
        fresh.close()


def test_triggers_and_views_naming_orders_survive_the_rebuild(tmp_path):
    """Another branch's trigger on order_lines that updates orders, or a view over orders, is kept working."""
    old = tmp_path / "old.db"
    make_file_before_v8(old)
    conn = sqlite3.connect(old)
    conn.execute("CREATE TRIGGER tr_test_line_touch AFTER INSERT ON order_lines BEGIN "
                 "UPDATE orders SET updated_at = 'touched' WHERE id = NEW.order_id; END")
    conn.execute("CREATE TRIGGER tr_test_order_note AFTER UPDATE OF status ON orders BEGIN "
                 "UPDATE orders SET internal_note = 'status changed' WHERE id = NEW.id; END")
    conn.execute("CREATE VIEW v_test_totals AS SELECT id, total FROM orders")
    conn.commit()
    conn.close()
    db = open_database(old, backup_dir=tmp_path / "bk")
    try:
        names = {r["name"] for r in db.query("SELECT name FROM sqlite_master WHERE type IN ('trigger', 'view')")}
        assert {"tr_test_line_touch", "tr_test_order_note", "v_test_totals"} <= names
        with db.transaction() as tx:
            tx.execute("INSERT INTO order_lines (order_id, product_id, sku, name, qty, unit_price) "
                       "VALUES (1, 1, 'YDI-BUN-500', 'Bún', 1, 40000)")
            tx.execute("UPDATE orders SET status = 'packed' WHERE id = 2")
        assert db.query("SELECT updated_at FROM orders WHERE id = 1")[0]["updated_at"] == "touched"
        assert db.query("SELECT internal_note FROM orders WHERE id = 2")[0]["internal_note"] == "status changed"
        assert len(db.query("SELECT * FROM v_test_totals")) == 2
    finally:
        db.close()
