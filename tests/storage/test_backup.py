import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from coopdesk.storage import backup
from coopdesk.storage.database import check_file, open_database
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


KILLED_BACKUP = textwrap.dedent("""
    import sys, time
    from coopdesk.services import datafile
    from coopdesk.storage import backup

    def stuck(path, full=False):  # the copy is done; the process dies before its check and rename
        print("PART", path, flush=True)
        time.sleep(600)

    backup.check_file = stuck
    db = datafile.open_data(sys.argv[1])
    datafile.auto_backup(db)
""")


def _kill_a_backup(data_file):
    """Run a real backup in another process and SIGKILL it once its .db.part is written in full."""
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BACKUP, str(data_file)], stdout=subprocess.PIPE, text=True)
    with proc:
        line = proc.stdout.readline().split()
        assert line and line[0] == "PART", line
        part = Path(line[1])
        assert part.exists() and part.stat().st_size > 100_000  # a full-size copy of customer data
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
    return part


def test_a_killed_backup_leaves_nothing_after_the_next_start(demo_path):
    from coopdesk.services import datafile

    part = _kill_a_backup(demo_path)
    assert part.exists()
    db = datafile.open_data(demo_path)  # the next start
    db.close()
    assert not part.exists()
    assert not list(part.parent.glob("*.part"))


def test_a_killed_backup_leaves_nothing_after_the_next_backup(demo_path):
    from coopdesk import paths
    from coopdesk.services import datafile

    part = _kill_a_backup(demo_path)
    assert part.exists()
    database = open_database(demo_path)  # no start-up clean-up here: only the backup itself
    try:
        made = backup.backup_to(database, paths.backup_dir_for(demo_path))
    finally:
        database.close()
    assert made.exists() and check_file(made, full=True).ok
    assert not part.exists() and not list(made.parent.glob("*.part"))
    assert datafile.list_backups(demo_path)[0].path == made


def test_rotation_sees_parts(demo_db, tmp_path):
    folder = tmp_path / "bk"
    backup.backup_to(demo_db, folder)
    stale = folder / "coopdesk-20260101-000000.db.part"
    stale.write_bytes(b"half a backup")
    assert stale in backup.rotate(folder, 5)
    assert not stale.exists()


def test_a_backup_being_written_is_not_cleaned_away(demo_db, tmp_path):
    from coopdesk.storage.lock import FileLock

    folder = tmp_path / "bk"
    folder.mkdir()
    part = folder / "coopdesk-20260101-000000.db.part"
    part.write_bytes(b"in progress")
    writing = FileLock(folder / backup.FOLDER_LOCK)
    assert writing.acquire()
    try:
        assert backup.clean_parts(folder) == []
        assert part.exists()
    finally:
        writing.release()
    assert backup.clean_parts(folder) == [part]


def test_backups_made_in_the_same_second_are_listed_newest_first(demo_db, tmp_path):
    same = datetime(2026, 11, 23, 8, 0, 0)
    made = [backup.backup_to(demo_db, tmp_path, same) for _ in range(3)]
    assert backup.list_backups(tmp_path) == made[::-1]
    assert backup.rotate(tmp_path, 1) == [made[1], made[0]]
    assert backup.list_backups(tmp_path) == [made[2]]
