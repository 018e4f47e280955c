"""The parcel-weight migration: remembered SKU answers keep their meaning (seller SKUs), old lines have no weight."""

import sqlite_utils

from coopdesk.storage.database import _connect, open_database, schema_sql
from coopdesk.storage.migrations import MIGRATIONS, SCHEMA_VERSION

STEP = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_v13_parcel_weights_and_sku_ids"))


def test_sku_answers_and_lines_survive(tmp_path, db_path):
    old = tmp_path / "old.db"
    conn = _connect(old, read_only=False)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN")
    for m in MIGRATIONS[:STEP]:
        m(db)
    conn.execute(f"PRAGMA user_version = {STEP}")
    conn.execute("INSERT INTO products (id, sku, name, net_weight_g) VALUES (1, 'YDI-BUN-500', 'Bún sắn khô', 500)")
    conn.execute("INSERT INTO sku_map (platform, platform_sku, product_id, action) VALUES "
                 "('tiktok', 'BUN500', 1, 'map'), ('tiktok', 'QUA-TANG', NULL, 'skip')")
    conn.execute("COMMIT")
    conn.close()
    migrated = open_database(old, backup_dir=tmp_path / "bk")
    fresh = open_database(db_path)
    try:
        assert migrated.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert schema_sql(migrated) == schema_sql(fresh)
        rows = migrated.query("SELECT platform, kind, platform_sku, product_id, action FROM sku_map ORDER BY 3")
        assert rows == [{"platform": "tiktok", "kind": "seller_sku", "platform_sku": "BUN500", "product_id": 1,
                         "action": "map"},
                        {"platform": "tiktok", "kind": "seller_sku", "platform_sku": "QUA-TANG", "product_id": None,
                         "action": "skip"}]
        product = migrated.query("SELECT net_weight_g, shipping_weight_g FROM products")[0]
        assert product == {"net_weight_g": 500, "shipping_weight_g": None}
    finally:
        migrated.close()
        fresh.close()
