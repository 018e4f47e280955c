"""Recalls made before recall records existed become open records covering their lot and its descendants."""

import sqlite_utils

from coopdesk.storage.database import _connect, open_database
from coopdesk.storage.migrations import MIGRATIONS, SCHEMA_VERSION

V6 = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__.endswith("_recall_records")))


def test_old_recalls_become_records(tmp_path):
    path = tmp_path / "old.db"
    conn = _connect(path, read_only=False)
    db = sqlite_utils.Database(conn)
    conn.execute("BEGIN")
    for migration in MIGRATIONS[:V6]:
        migration(db)
    conn.execute(f"PRAGMA user_version = {V6}")
    conn.execute("INSERT INTO products (id, sku, name) VALUES (1, 'NL-SAN', 'Sắn'), (2, 'BUN', 'Bún')")
    conn.execute("INSERT INTO lots (id, code, product_id) VALUES (1, 'RAW-1', 1), (2, 'BUN-1', 2), "
                 "(3, 'BUN-2', 2), (4, 'OTHER', 1)")
    conn.execute("INSERT INTO lot_parents (child_id, parent_id, qty_g) VALUES (2, 1, 5), (3, 2, 1)")
    conn.execute("INSERT INTO recalls (lot_id, day, reason) VALUES (1, '2026-11-01', 'Dư lượng vượt ngưỡng')")
    conn.execute("COMMIT")
    conn.close()
    database = open_database(path, backup_dir=tmp_path / "bk")
    try:
        assert database.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        record = database.query("SELECT * FROM recalls")[0]
        assert (record["status"], record["source_kind"], record["source_label"], record["public_reason"]) == (
            "open", "lot", "RAW-1", "Dư lượng vượt ngưỡng")
        covered = database.query("SELECT lot_id, role FROM recall_lots ORDER BY lot_id")
        assert covered == [{"lot_id": 1, "role": "source"}, {"lot_id": 2, "role": "made_from"},
                           {"lot_id": 3, "role": "made_from"}]
    finally:
        database.close()
