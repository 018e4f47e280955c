import sqlite3
import subprocess
import sys
import textwrap

import pytest

from coopdesk.storage.database import check_file, open_database, pragma
from coopdesk.storage.errors import (
    DatabaseDamaged,
    DatabaseInUse,
    DatabaseTooNew,
    ReadOnlyDatabase,
    StorageError,
)
from coopdesk.storage.migrations import SCHEMA_VERSION


def test_pragmas_on_every_connection(database):
    assert pragma(database, "journal_mode") == "wal"
    assert pragma(database, "synchronous") == 2  # FULL
    assert pragma(database, "foreign_keys") == 1
    assert pragma(database, "user_version") == SCHEMA_VERSION


def test_transaction_is_all_or_nothing(database):
    with pytest.raises(RuntimeError), database.transaction() as db:
        db.execute("INSERT INTO products (sku, name) VALUES ('A', 'a')")
        raise RuntimeError("power cut in the middle")
    assert database.query("SELECT count(*) AS n FROM products")[0]["n"] == 0
    with database.transaction() as db:
        db.execute("INSERT INTO products (sku, name) VALUES ('A', 'a')")
    assert database.query("SELECT count(*) AS n FROM products")[0]["n"] == 1


def test_the_schema_checks_what_the_domain_checks(database):
    # A row the domain should have refused is a bug: reported as one, with SQLite's error as its cause.
    from coopdesk.storage.errors import DatabaseBug

    with pytest.raises(DatabaseBug) as info, database.transaction() as db:
        db.execute("INSERT INTO products (sku, name, price_vnd) VALUES ('A', 'a', -1)")
    assert isinstance(info.value.__cause__, sqlite3.IntegrityError)
    with pytest.raises(DatabaseBug) as info, database.transaction() as db:
        db.execute("INSERT INTO certifications (product_id, kind) VALUES (999, 'VietGAP')")
    assert isinstance(info.value.__cause__, sqlite3.IntegrityError)


HOLDER = textwrap.dedent("""
    import sys
    from coopdesk.storage.database import open_database
    db = open_database(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    db.close()
""")


def test_a_second_process_cannot_write_the_same_file(db_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseInUse) as info:
            open_database(db_path)
        assert str(db_path) in info.value.message
        reader = open_database(db_path, allow_read_only=True)
        try:
            assert reader.read_only
            assert reader.query("SELECT count(*) AS n FROM products")[0]["n"] == 0
            with pytest.raises(ReadOnlyDatabase), reader.transaction():
                pass
        finally:
            reader.close()
    finally:
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=20)
        holder.stdout.close()
    # Once the other copy is gone, the file opens for writing again.
    open_database(db_path).close()


def test_the_lock_dies_with_the_process(db_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    with holder:
        assert holder.stdout.readline().strip() == "ready"
        holder.kill()
        holder.wait(timeout=20)
    open_database(db_path).close()


def test_garbage_file_is_reported_damaged(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    assert not check_file(bad).ok
    with pytest.raises(DatabaseDamaged):
        open_database(bad)


def test_corrupted_page_is_reported_damaged(demo_path):
    data = bytearray(demo_path.read_bytes())
    for i in range(4096 * 2, min(len(data), 4096 * 6)):
        data[i] = 0xA5
    demo_path.write_bytes(bytes(data))
    result = check_file(demo_path)
    assert not result.ok and result.problems
    with pytest.raises(DatabaseDamaged):
        open_database(demo_path)


def test_newer_schema_is_refused(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(DatabaseTooNew):
        open_database(db_path)


def test_missing_folder_gets_a_plain_message(tmp_path):
    with pytest.raises(StorageError) as info:
        open_database(tmp_path / "nowhere" / "coop.db")
    assert "nowhere" in info.value.message


def test_unwritable_folder_gets_a_plain_message(tmp_path):
    # Root can write into any folder, so the test makes the "folder" a plain file: same refusal, same message.
    not_a_folder = tmp_path / "usb.txt"
    not_a_folder.write_text("x")
    with pytest.raises(StorageError) as info:
        open_database(not_a_folder / "coop.db")
    assert "usb.txt" in info.value.message


def test_read_only_file_gets_a_plain_message_on_save(database, monkeypatch):
    # A file that became unwritable under us (a locked USB stick): the error is plain, not a traceback.
    from coopdesk.storage.errors import translate

    readonly = sqlite3.OperationalError("attempt to write a readonly database")
    readonly.sqlite_errorcode = 8  # SQLITE_READONLY, as SQLite sets it
    error = translate(readonly, "coop.db")
    assert isinstance(error, ReadOnlyDatabase)
    disk = sqlite3.OperationalError("database or disk is full")
    disk.sqlite_errorcode = 13  # SQLITE_FULL
    full = translate(disk, "coop.db")
    assert "đầy" in full.message or "full" in full.message


WINDOW_HOLDER = HOLDER.replace("open_database(sys.argv[1])", "open_database(sys.argv[1], program=sys.argv[2])")


def _hold(db_path, program="command"):
    holder = subprocess.Popen([sys.executable, "-c", WINDOW_HOLDER, str(db_path), program], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "ready"
    return holder


def _release(holder):
    if holder.poll() is None:
        holder.stdin.write("\n")
        holder.stdin.flush()
    holder.wait(timeout=20)
    holder.stdin.close()
    holder.stdout.close()


def test_a_second_writer_waits_for_a_lock_released_within_the_wait(db_path):
    holder = _hold(db_path)
    told = []

    def waiting(who: str) -> None:
        told.append(who)
        _release(holder)  # the other program finishes its write while this one waits

    try:
        db = open_database(db_path, lock_wait=30, on_wait=waiting)
        try:
            assert not db.read_only
            with db.transaction() as tx:
                tx.execute("INSERT INTO products (sku, name) VALUES ('A', 'a')")
        finally:
            db.close()
        assert told and "CoopDesk" in told[0]
    finally:
        _release(holder)


@pytest.mark.parametrize(("program", "named"), [("window", "cửa sổ CoopDesk"), ("command", "chương trình CoopDesk")])
def test_a_lock_held_longer_is_refused_naming_the_holder(db_path, program, named):
    from datetime import datetime

    from coopdesk.storage.lock import FileLock

    holder = _hold(db_path, program)
    try:
        with pytest.raises(DatabaseInUse) as info:
            open_database(db_path, lock_wait=0.3)
        held = FileLock(db_path).holder()
        assert held.program == program and held.pid == holder.pid
        assert named in info.value.message
        assert f"{held.since:%H:%M}" in info.value.message
        assert abs((datetime.now() - held.since).total_seconds()) < 120
    finally:
        _release(holder)


def test_a_command_refused_beside_the_window_is_told_what_to_do(db_path):
    """After its wait, a command that writes beside an open window says: do it in the window, or close it."""
    holder = _hold(db_path, "window")
    try:
        with pytest.raises(DatabaseInUse) as info:
            open_database(db_path, lock_wait=0.3, program="command")
        assert "cửa sổ CoopDesk" in info.value.message and "đóng cửa sổ" in info.value.message
    finally:
        _release(holder)
