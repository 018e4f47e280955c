from datetime import datetime, timedelta

import pytest

from coopdesk.storage import backup
from coopdesk.storage.database import check_file
from coopdesk.storage.errors import DatabaseDamaged


def test_backup_is_a_checked_copy_with_counts(demo_db, tmp_path):
    made = backup.backup_to(demo_db, tmp_path / "usb")
    assert check_file(made, full=True).ok
    info = backup.describe(made)
    assert info.counts == {"products": 16, "certifications": 4, "members": 3, "lots": 5, "events": 20,
                           "customers": 7, "orders": 8}
    assert info.cooperative.startswith("Hợp tác xã")
    assert not list((tmp_path / "usb").glob("*.part"))


def test_rotation_keeps_the_newest(demo_db, tmp_path):
    start = datetime(2026, 11, 23, 8, 0, 0)
    for i in range(5):
        backup.backup_to(demo_db, tmp_path, start + timedelta(hours=i))
    deleted = backup.rotate(tmp_path, 3)
    kept = backup.list_backups(tmp_path)
    assert len(deleted) == 2 and len(kept) == 3
    assert kept[0].name == "coopdesk-20261123-120000.db"


def test_restore_round_trip(demo_db, tmp_path):
    made = backup.backup_to(demo_db, tmp_path)
    with demo_db.transaction() as db:
        db.execute("DELETE FROM certifications")
        db.execute("DELETE FROM event_photos")
    assert demo_db.query("SELECT count(*) AS n FROM certifications")[0]["n"] == 0
    backup.restore_into(demo_db, made)
    assert demo_db.query("SELECT count(*) AS n FROM certifications")[0]["n"] == 4
    assert demo_db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert check_file(demo_db.path, full=True).ok


def test_a_damaged_backup_is_never_restored(demo_db, tmp_path):
    bad = tmp_path / "coopdesk-20260101-000000.db"
    bad.write_bytes(b"x" * 5000)
    with pytest.raises(DatabaseDamaged):
        backup.restore_into(demo_db, bad)
    assert demo_db.query("SELECT count(*) AS n FROM products")[0]["n"] == 16
