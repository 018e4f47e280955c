"""An old file, made with only the first migration and holding data, reaches the same schema as a new one."""

import sqlite3

from coopdesk.storage import backup
from coopdesk.storage.database import _connect, open_database, schema_sql
from coopdesk.storage.migrations import MIGRATIONS, SCHEMA_VERSION


def make_v1_file(path):
    conn = _connect(path, read_only=False)
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    MIGRATIONS[0](db)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO products (sku, name, price_vnd) VALUES ('YDI-BUN-500', 'Bún sắn khô', 40000)")
    conn.execute("INSERT INTO cooperative (id, name) VALUES (1, 'HTX Hồng Phước')")
    conn.execute("COMMIT")
    conn.close()


def test_old_file_migrates_to_the_new_schema(tmp_path, db_path):
    old = tmp_path / "old.db"
    make_v1_file(old)
    migrated = open_database(old, backup_dir=tmp_path / "bk")
    fresh = open_database(db_path)
    try:
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert schema_sql(migrated) == schema_sql(fresh)
        row = migrated.query("SELECT sku, name, price_vnd, search_text FROM products")[0]
        assert row == {"sku": "YDI-BUN-500", "name": "Bún sắn khô", "price_vnd": 40000,
                       "search_text": "ydi-bun-500 bun san kho  "}
        assert migrated.query("SELECT name FROM cooperative")[0]["name"] == "HTX Hồng Phước"
    finally:
        migrated.close()
        fresh.close()
    # The file was backed up before it was changed, and the backup is the old schema.
    made = backup.list_backups(tmp_path / "bk")
    assert len(made) == 1
    conn = sqlite3.connect(made[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_migrations_are_ordered_and_counted():
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 2
