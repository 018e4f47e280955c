"""Start-up (issue 12): the lost-write check first, then the window, then the backup on the writer thread —
the window shows before the backup has finished, and the backup still lands; closing waits for it."""

import threading

import pytest
from PySide6.QtCore import QTimer

import coopdesk.ui.app as app_module
from coopdesk.services import datafile


@pytest.fixture
def gated_backup(monkeypatch):
    """auto_backup held at a gate (on the worker thread) until the test opens it; records what happened when."""
    gate, events = threading.Event(), []
    real = datafile.auto_backup

    def held(database, now=None):
        events.append("backup started")
        assert gate.wait(60), "the test never opened the gate"
        made = real(database, now)
        events.append("backup landed")
        return made

    monkeypatch.setattr(datafile, "auto_backup", held)
    real_checks = app_module.check_rollback
    monkeypatch.setattr(app_module, "check_rollback",
                        lambda db, parent=None: (events.append("lost-write check"), real_checks(db, parent))[1])
    return gate, events


def test_the_window_shows_before_the_startup_backup_finishes_and_the_backup_lands(qtbot, app, demo_path,
                                                                                 gated_backup):
    gate, events = gated_backup
    database = datafile.open_data(demo_path, program="window")
    before = len(datafile.list_backups(demo_path))
    window = app_module.open_window(database, True)
    qtbot.addWidget(window)
    try:
        assert window.isVisible() and window.backups_running == 1
        assert events[0] == "lost-write check"  # before the backup, before anyone can type
        assert "backup landed" not in events and len(datafile.list_backups(demo_path)) == before
        window.orders_page.search.setText("hong")  # the window works while the backup runs
        gate.set()
        qtbot.waitUntil(lambda: window.backups_running == 0, timeout=60_000)
        assert events[-1] == "backup landed" and len(datafile.list_backups(demo_path)) == before + 1
        assert window.last_backup is not None and window.last_backup.exists()
    finally:
        window.backup_timer.stop()
        gate.set()
        window.close()


def test_closing_at_once_still_waits_for_both_backups(qtbot, app, demo_path, gated_backup):
    gate, events = gated_backup
    database = datafile.open_data(demo_path, program="window")
    before = len(datafile.list_backups(demo_path))
    window = app_module.open_window(database, True)
    qtbot.addWidget(window)
    QTimer.singleShot(0, gate.set)  # released only once the window is already closing
    window.close()  # the start-up backup is still held: closing waits for it, then makes the exit backup
    assert events.count("backup landed") == 2 and window.backups_running == 0
    assert len(datafile.list_backups(demo_path)) >= before + 1
    with pytest.raises(Exception):  # noqa: B017 - the file is closed once both landed
        database.conn.execute("SELECT 1")
