"""A command skips the whole-file check only on the very file CoopDesk closed cleanly after verifying it (issue 12)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta

import pytest

from coopdesk import paths
from coopdesk.__main__ import main
from coopdesk.services import datafile
from coopdesk.storage import database as storage_database
from coopdesk.storage import known_good


@pytest.fixture
def checks(monkeypatch):
    """The paths the start-up check read, in order."""
    datafile._verified.clear()  # files other tests opened and never marked
    seen: list = []
    real = storage_database.check_file

    def counting(path, full=False):  # noqa: ANN001, ANN202
        seen.append(path)
        return real(path, full=full)

    monkeypatch.setattr(storage_database, "check_file", counting)
    monkeypatch.setattr(datafile, "check_file", counting)
    yield seen
    datafile._verified.clear()


def _session(path) -> None:  # noqa: ANN001
    """One command's open and clean close of the file."""
    datafile.open_data(path).close()
    datafile.mark_closed_files()


def test_a_command_skips_the_check_of_the_file_it_closed_cleanly(demo_path, checks):
    _session(demo_path)
    assert len(checks) == 1
    assert (paths.backup_dir_for(demo_path) / known_good.MARK_NAME).exists()
    for _ in range(2):
        db = datafile.open_data(demo_path)
        with db.transaction() as d:  # its own writes keep the mark: they went through SQLite
            d.execute("UPDATE products SET price_vnd = price_vnd + 1 WHERE id = 1")
        db.close()
        datafile.mark_closed_files()
    assert len(checks) == 1


def _another_writer(path) -> None:  # noqa: ANN001
    con = sqlite3.connect(path)
    con.execute("UPDATE products SET name = name || ' (sửa)' WHERE id = 1")
    con.commit()
    con.close()


def _a_copy_in_its_place(path) -> None:  # noqa: ANN001
    shutil.copy2(path, path.with_name("copy.db"))  # the same bytes and times, another file
    os.replace(path.with_name("copy.db"), path)


def _a_day_later(path) -> None:  # noqa: ANN001
    known_good.write(paths.backup_dir_for(path), path, datetime.now() - timedelta(days=1, minutes=1))


@pytest.mark.parametrize("change", [_another_writer, _a_copy_in_its_place, _a_day_later])
def test_the_check_comes_back(demo_path, checks, change):
    _session(demo_path)
    change(demo_path)
    _session(demo_path)
    assert len(checks) == 2
    _session(demo_path)  # and the file checked again is marked again
    assert len(checks) == 2


def test_writes_left_in_the_wal_bring_the_check_back(demo_path, checks):
    _session(demo_path)
    con = sqlite3.connect(demo_path)  # another program that has written and not yet checkpointed
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("UPDATE products SET name = name || ' (sửa)' WHERE id = 1")
    con.commit()
    try:
        assert known_good.verified_at(paths.backup_dir_for(demo_path), demo_path) is None
    finally:
        con.close()


def test_damage_after_the_mark_is_still_found(demo_path, checks):
    _session(demo_path)
    data = bytearray(demo_path.read_bytes())
    data[4096 * 3:4096 * 4] = b"\xff" * 4096  # a page of the products table overwritten
    demo_path.write_bytes(bytes(data))
    with pytest.raises(datafile.DatabaseDamaged):
        datafile.open_data(demo_path)
    datafile.mark_closed_files()
    assert known_good.verified_at(paths.backup_dir_for(demo_path), demo_path) is None


def test_a_file_replaced_while_open_is_not_marked(demo_path, checks):
    db = datafile.open_data(demo_path)
    db.close()
    _a_copy_in_its_place(demo_path)  # what a restore does
    datafile.mark_closed_files()
    assert not (paths.backup_dir_for(demo_path) / known_good.MARK_NAME).exists()


def test_the_window_marks_the_file_only_once_its_deferred_check_passed(demo_path, checks):
    db = datafile.open_data(demo_path, program="window", defer_check=True)
    assert db.check_deferred and checks == []
    db.close()
    datafile.mark_closed_files()
    assert not (paths.backup_dir_for(demo_path) / known_good.MARK_NAME).exists()
    db = datafile.open_data(demo_path, program="window", defer_check=True)
    datafile.start_up_backup(db)
    db.close()
    datafile.mark_closed_files()
    assert len(checks) == 1
    _session(demo_path)  # a command after the window
    assert len(checks) == 1


def test_the_window_checks_at_every_start_whatever_the_mark(demo_path, checks):
    _session(demo_path)
    datafile.open_data(demo_path, program="window").close()
    assert len(checks) == 2


def test_commands_leave_the_mark_for_the_next_one(demo_path, checks, capsys):
    assert main(["--data", str(demo_path), "products"]) == 0
    assert main(["--data", str(demo_path), "lots"]) == 0
    assert len(checks) == 1
    assert main(["--data", str(demo_path), "check"]) == 0  # asked for: always checks
    assert len(checks) == 2
