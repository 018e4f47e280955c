from datetime import datetime, timedelta

import pytest

from coopdesk import paths
from coopdesk.services import cooperative, datafile, demo
from coopdesk.services.datafile import DatabaseDamaged
from coopdesk.storage.errors import StorageError


def test_automatic_backups_rotate(demo_db):
    datafile.set_setting(demo_db, "backup_keep", 3)
    start = datetime(2026, 11, 23, 7, 0)
    for i in range(6):
        datafile.auto_backup(demo_db, start + timedelta(hours=i))
    infos = datafile.list_backups(demo_db.path)
    assert len(infos) == 3
    assert infos[0].made_at == start + timedelta(hours=5)
    assert infos[0].counts["products"] == 16


def test_back_up_now_to_a_usb_folder_is_not_rotated(demo_db, tmp_path):
    usb = tmp_path / "USB"
    for _ in range(3):
        datafile.backup_now(demo_db, usb)
    assert len(list(usb.glob("coopdesk-*.db"))) == 3


def test_restore_backs_up_what_is_there_first(demo_db):
    first = datafile.auto_backup(demo_db)
    with demo_db.transaction() as db:
        db.execute("DELETE FROM products WHERE sku LIKE 'SMO-%'")
    safety = datafile.restore(demo_db, first)
    assert len(demo_db.query("SELECT id FROM products")) == 16
    assert datafile.describe_backup(safety).counts["products"] == 14


def test_damaged_file_restored_from_the_latest_good_backup(demo_path):
    db = datafile.open_data(demo_path)
    datafile.auto_backup(db)
    db.close()
    demo_path.write_bytes(b"garbage" * 1000)
    with pytest.raises(DatabaseDamaged):
        datafile.open_data(demo_path)
    used, moved = datafile.restore_latest(demo_path)
    assert moved.exists() and moved.read_bytes().startswith(b"garbage")
    db = datafile.open_data(demo_path)
    try:
        assert cooperative.is_set_up(db)
    finally:
        db.close()


def test_no_backup_to_restore(tmp_path):
    with pytest.raises(StorageError):
        datafile.restore_latest(tmp_path / "none.db")


def test_demo_only_into_an_empty_file(demo_db):
    from coopdesk.domain.errors import CoopDeskError

    with pytest.raises(CoopDeskError):
        demo.write_demo(demo_db)


def test_demo_contents(demo_db):
    assert len(cooperative.members(demo_db)) == 3
    coop = cooperative.get_profile(demo_db)
    assert coop.phone == "+84912345678"
    assert coop.trace_base_url.startswith("https://")


def test_backups_sit_beside_the_data_file(demo_db):
    assert paths.backup_dir_for(demo_db.path).parent.parent == demo_db.path.parent
