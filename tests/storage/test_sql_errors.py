"""SQLite errors classified by result code: a full disk is a plain message, a wrong column is a bug."""

import logging
import sqlite3

import pytest

from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.services import order_entry as oe
from coopdesk.storage.errors import DatabaseBug, DatabaseBusy, DatabaseDamaged, DiskFull, ReadOnlyDatabase, translate


def _count(db, table):
    return db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _fill(db) -> None:
    """Let the file grow no more: the next page it needs fails with SQLITE_FULL, as on a full disk."""
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_is_a_plain_message_and_nothing_is_half_written(demo_db):
    before = {t: _count(demo_db, t) for t in ("orders", "order_lines", "allocations", "customers", "order_history")}
    _fill(demo_db)
    big = "Ghi chú rất dài cho người giao hàng. " * 2000  # more than the free room left in the file's pages
    draft = OrderDraft(phone="0912 000 111", name="Ngô Thị Lan", province="Thanh Hóa", commune="yen dinh",
                       lines=[LineDraft("bun500", "3"), LineDraft("bidoqua", "1")], internal_note=big)
    with pytest.raises(DiskFull) as info:
        oe.save_order(demo_db, draft)
    assert "đầy" in info.value.message and str(demo_db.path) in info.value.message  # Vietnamese, names the file
    assert not demo_db.conn.in_transaction
    assert {t: _count(demo_db, t) for t in before} == before
    demo_db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert demo_db.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert oe.save_order(demo_db, draft).order_id  # room again: the same order saves


def test_a_wrong_column_is_a_bug_not_a_message(demo_db):
    with pytest.raises(DatabaseBug) as info:
        demo_db.query("SELECT no_such_column FROM orders")
    assert "no_such_column" in str(info.value) and isinstance(info.value.__cause__, sqlite3.OperationalError)
    with pytest.raises(DatabaseBug):
        with demo_db.unit_of_work():
            demo_db.conn.execute("INSERT INTO orders (nope) VALUES (1)")
    assert not demo_db.conn.in_transaction


def _error(code: int, name: str) -> sqlite3.Error:
    e = sqlite3.OperationalError(name.lower())
    e.sqlite_errorcode, e.sqlite_errorname = code, name
    return e


@pytest.mark.parametrize(("code", "name", "kind"), [
    (13, "SQLITE_FULL", DiskFull), (8, "SQLITE_READONLY", ReadOnlyDatabase),
    (8 | (1 << 8), "SQLITE_READONLY_RECOVERY", ReadOnlyDatabase), (5, "SQLITE_BUSY", DatabaseBusy),
    (6, "SQLITE_LOCKED", DatabaseBusy), (11, "SQLITE_CORRUPT", DatabaseDamaged),
    (26, "SQLITE_NOTADB", DatabaseDamaged), (1, "SQLITE_ERROR", DatabaseBug), (19, "SQLITE_CONSTRAINT", DatabaseBug),
    (19 | (6 << 8), "SQLITE_CONSTRAINT_UNIQUE", DatabaseBug)])
def test_classified_by_result_code_not_by_text(code, name, kind):
    # The text says "full" but the code is a syntax error: the code decides.
    e = _error(code, name)
    e.args = ("disk full? no: " + name,)
    assert type(translate(e, "coop.db")) is kind


def test_a_bug_reaching_the_hook_is_logged_with_its_traceback(caplog, monkeypatch):
    from coopdesk.ui import app

    monkeypatch.setattr("PySide6.QtWidgets.QApplication.instance", staticmethod(lambda: None))
    monkeypatch.setattr("sys.__excepthook__", lambda *a: None)
    try:
        raise translate(_error(1, "SQLITE_ERROR"), "coop.db")
    except DatabaseBug as e:
        with caplog.at_level(logging.ERROR, logger="coopdesk"):
            app.show_bug(type(e), e, e.__traceback__)
    assert "Traceback" in caplog.text and "SQLITE_ERROR" in caplog.text
