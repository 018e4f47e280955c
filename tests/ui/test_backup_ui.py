"""What the window shows for issue 9: an unreadable newest backup, a file that went back in time, a synced folder."""

import shutil
import sys
from datetime import datetime

import pytest

from coopdesk import paths
from coopdesk.services import datafile
from tests.services.test_lost_writes import add_orders, corrupt
from tests.ui.conftest import snapshot


@pytest.fixture
def answers(monkeypatch):
    """The person's answers are the outside world here: record each question, answer from a list."""
    import coopdesk.ui.app as app_module

    asked, warned, replies = [], [], []

    def ask(parent, title, text, **kw):
        asked.append((title, text, kw))
        return replies.pop(0) if replies else False

    monkeypatch.setattr(app_module, "ask", ask)
    monkeypatch.setattr(app_module, "warn", lambda parent, title, text: warned.append((title, text)))
    return asked, warned, replies


def test_an_unreadable_newest_backup_offers_the_older_good_one(qtbot, app, demo_path, answers):
    import coopdesk.ui.app as app_module

    asked, warned, replies = answers
    db = datafile.open_data(demo_path)
    datafile.auto_backup(db, datetime(2026, 11, 28, 9, 0))
    add_orders(db, 2)
    newest = datafile.auto_backup(db, datetime(2026, 11, 28, 10, 0))
    db.close()
    corrupt(newest)
    demo_path.write_bytes(b"\x00damaged" * 2000)
    replies.append(True)  # "Restore the backup"
    restored = app_module.open_with_questions(demo_path)  # no traceback: DatabaseDamaged never escapes
    try:
        assert restored is not None and not warned
        title, text, _kw = asked[0]
        assert "28/11/2026 09:00" in text and "8 đơn" in text and "16 sản phẩm" in text
        assert "mới hơn" in text  # says newer backups were skipped
        assert restored.query("SELECT count(*) AS n FROM orders")[0]["n"] == 8
    finally:
        restored.close()
    assert list(demo_path.parent.glob("demo.db.damaged-*"))


def test_every_backup_unreadable_is_said_plainly(qtbot, app, demo_path, answers):
    import coopdesk.ui.app as app_module

    asked, warned, _replies = answers
    db = datafile.open_data(demo_path)
    only = datafile.auto_backup(db)
    db.close()
    corrupt(only)
    demo_path.write_bytes(b"\x00damaged" * 2000)
    assert app_module.open_with_questions(demo_path) is None
    assert not asked and "kiểm tra" in warned[0][1]


@pytest.fixture
def rolled_back(demo_path, tmp_path):
    db = datafile.open_data(demo_path)
    datafile.auto_backup(db)
    db.close()
    shutil.copy(demo_path, tmp_path / "before.db")
    db = datafile.open_data(demo_path)
    ids = add_orders(db, 3)
    datafile.auto_backup(db)
    db.close()
    shutil.copy(tmp_path / "before.db", demo_path)
    return demo_path, ids


def test_a_rolled_back_file_is_reported_at_start_and_can_be_restored(qtbot, app, rolled_back, answers):
    import coopdesk.ui.app as app_module

    path, ids = rolled_back
    asked, _warned, replies = answers
    replies.append(True)  # "Restore the backup"
    db = datafile.open_data(path, program="window")
    try:
        assert app_module.check_rollback(db)
        title, text, kw = asked[0]
        assert "mất đơn" in title.lower() or "Mất" in text
        for i in ids:
            assert f"#{i}" in text
        assert "Khách 0" in text and kw["yes"] == "Khôi phục bản sao lưu"
        assert db.query("SELECT count(*) AS n FROM orders")[0]["n"] == 11
        assert datafile.compare_with_backups(path) is None
    finally:
        db.close()


def test_a_rolled_back_file_kept_as_it_is_never_reuses_a_number(qtbot, app, rolled_back, answers):
    import coopdesk.ui.app as app_module

    path, ids = rolled_back
    asked, _warned, replies = answers
    replies.append(False)  # "Keep the file as it is"
    db = datafile.open_data(path, program="window")
    try:
        assert app_module.check_rollback(db)
        assert db.query("SELECT count(*) AS n FROM orders")[0]["n"] == 8
        assert add_orders(db, 1, start=40)[0] == ids[-1] + 1
        assert not app_module.check_rollback(db)  # told once; the backups still hold the lost orders
    finally:
        db.close()


def test_the_window_start_reports_a_rollback_before_its_start_up_backup(qtbot, app, rolled_back, answers,
                                                                       monkeypatch):
    """run() itself: the question comes before the start-up backup (which would otherwise become the mark)."""
    from PySide6.QtWidgets import QApplication

    import coopdesk.ui.app as app_module
    import coopdesk.ui.main_window as main_window

    path, ids = rolled_back
    asked, _warned, replies = answers
    replies.append(False)
    opened = []

    class NoWindow:
        def __init__(self, database, is_demo):
            opened.append(database)

        def show(self):
            pass

        showMaximized = show

        def start_backup(self, check_first=False):  # the real window does this on its writer thread once shown
            datafile.start_up_backup(opened[0], check_first)

    monkeypatch.setattr(main_window, "MainWindow", NoWindow)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(datafile, "_session", dict(datafile._session))
    assert app_module.run(str(path)) == 0
    try:
        assert asked and "#" + str(ids[0]) in asked[0][1]
        assert len(datafile.list_backups(path)) == 3  # the start-up backup came after the question
    finally:
        opened[0].close()


def test_a_synced_folder_is_warned_at_start_with_backups_offered_elsewhere(qtbot, app, demo_path, tmp_path,
                                                                           answers):
    import coopdesk.ui.app as app_module

    asked, _warned, replies = answers
    folder = tmp_path / "Dropbox" / "HTX"
    folder.mkdir(parents=True)
    target = folder / "htx.db"
    shutil.copy(demo_path, target)
    replies.append(True)  # "Keep backups on this PC"
    db = datafile.open_data(target, program="window")
    try:
        assert app_module.check_location(db)
        assert "Dropbox" in asked[0][1]
        assert paths.sync_service(paths.backup_dir_for(target) / "x") is None
    finally:
        db.close()


def test_settings_warns_about_a_synced_folder(qtbot, app, demo_path, tmp_path, monkeypatch):
    from coopdesk.ui.main_window import MainWindow

    cloud = tmp_path / "Cloud"
    cloud.mkdir()
    monkeypatch.setenv("OneDrive", str(cloud))
    target = cloud / "htx.db"
    shutil.copy(demo_path, target)
    db = datafile.open_data(target, program="window")
    window = MainWindow(db)
    qtbot.addWidget(window)
    try:
        window.resize(1280, 728)
        window.show()
        qtbot.waitExposed(window)
        window.nav.setCurrentRow(6)
        page = window.settings_page
        page.tabs.setCurrentIndex(page.tabs.count() - 1)
        assert page.location_warning.isVisible() and "OneDrive" in page.location_warning.text()
        assert page.move_backups_button.isVisible()
        snapshot(window, "settings-synced-folder")
        page.move_backups_button.click()
        assert not page.move_backups_button.isVisible()
        assert page.location_warning.isVisible()  # the data file itself is still where it was
        assert not str(paths.backup_dir_for(target)).startswith(str(cloud))
        page.tabs.setCurrentIndex(1)
        assert page.backup_folder.text() == str(paths.backup_dir_for(target))
    finally:
        window.backup_timer.stop()
        window.close()


def test_the_rollback_message_fits_the_screen(qtbot, app, rolled_back):
    from PySide6.QtWidgets import QMessageBox

    from coopdesk.ui.app import rollback_message

    path, _ids = rolled_back
    rollback = datafile.compare_with_backups(path)
    rollback.missing_orders = rollback.missing_orders * 5  # as many lines as it ever shows
    rollback.missing_count = 40
    box = QMessageBox(QMessageBox.Icon.Warning, "Tệp dữ liệu bị mất đơn hàng", rollback_message(rollback))
    box.addButton("Khôi phục bản sao lưu", QMessageBox.ButtonRole.YesRole)
    box.addButton("Giữ nguyên tệp như hiện tại", QMessageBox.ButtonRole.NoRole)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    assert "và 32 đơn nữa" in box.text()
    assert box.height() <= 728 and box.width() <= 1366
    snapshot(box, "rollback-at-start")


def test_a_file_held_by_a_command_names_it_and_offers_read_only(qtbot, app, demo_path, answers, monkeypatch):
    import subprocess
    import textwrap

    import coopdesk.ui.app as app_module

    asked, _warned, replies = answers
    monkeypatch.setattr(datafile, "WINDOW_LOCK_WAIT_S", 0.3)
    script = textwrap.dedent("""
        import sys
        from coopdesk.services import datafile
        db = datafile.open_data(sys.argv[1])
        print("ready", flush=True)
        sys.stdin.readline()
        db.close()
    """)
    with subprocess.Popen([sys.executable, "-c", script, str(demo_path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout.readline().strip() == "ready"
            replies.append(True)  # "Open read-only"
            db = app_module.open_with_questions(demo_path)
            try:
                assert db is not None and db.read_only
                text = asked[0][1]
                assert "một chương trình CoopDesk khác (từ " in text and str(demo_path) in text
            finally:
                db.close()
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=20)


def test_opening_another_file_that_went_back_in_time_is_reported(window, demo_db, tmp_path, answers):
    asked, _warned, replies = answers
    other = tmp_path / "other.db"
    shutil.move(datafile.backup_now(demo_db, tmp_path / "copy"), other)
    db = datafile.open_data(other)
    datafile.auto_backup(db)
    db.close()
    shutil.copy(other, tmp_path / "before.db")
    db = datafile.open_data(other)
    ids = add_orders(db, 2)
    datafile.auto_backup(db)
    db.close()
    shutil.copy(tmp_path / "before.db", other)
    replies.append(False)
    db = window._open_path(other)
    try:
        assert db is not None and f"#{ids[0]}" in asked[0][1]
    finally:
        db.close()


def test_the_full_check_in_settings_runs_off_the_gui_thread_and_names_the_row(window, qtbot, demo_db):
    with demo_db.transaction() as tx:
        tx.execute("UPDATE orders SET total = total + 1 WHERE id = 4")  # as a flipped bit would
    page = window.settings_page
    window.nav.setCurrentRow(6)
    page.tabs.setCurrentIndex(page.tabs.count() - 1)
    page.check_button.click()
    assert not page.check_button.isEnabled()  # the window stays usable while it reads
    qtbot.waitUntil(page.check_button.isEnabled, timeout=60_000)
    assert "orders" in page.check_label.text() and "4" in page.check_label.text()
    snapshot(window, "settings-full-check")


# --- the start-up check behind the window (issue 12: shown within a second at 500,000 orders) ----------------

def _damage_index(path, name):
    """Overwrite one index's root page: SQLite still opens the file, but PRAGMA quick_check finds the damage."""
    import sqlite3

    con = sqlite3.connect(path)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
    size = con.execute("PRAGMA page_size").fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(path.read_bytes())
    data[size * (root - 1):size * root] = b"\xa5" * size
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged_after_backup(demo_path):
    db = datafile.open_data(demo_path)
    good = datafile.auto_backup(db, datetime(2026, 11, 28, 9, 0))
    db.close()
    _damage_index(demo_path, "ix_label_prints_lot")  # a table the start does not read
    assert not datafile.check(demo_path).ok
    return good


def _start_window(qtbot, demo_path):
    import coopdesk.ui.app as app_module

    db = app_module.open_with_questions(demo_path, defer_check=True)
    assert db is not None and db.check_deferred  # opened at once: the whole-file read waits for the window
    window = app_module.open_window(db)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.backups_running == 0, timeout=10_000)
    return window


def test_damage_found_behind_the_window_offers_the_newest_good_backup(qtbot, app, demo_path, answers,
                                                                        damaged_after_backup):
    asked, warned, replies = answers
    backups_before = sorted(paths.backup_dir_for(demo_path).glob("*.db"))
    replies.append(True)  # "Restore the backup"
    window = _start_window(qtbot, demo_path)
    try:
        assert len(asked) == 1 and "28/11/2026 09:00" in asked[0][1] and not warned
        assert list(demo_path.parent.glob("demo.db.damaged-*"))  # the damaged file kept beside, renamed
        assert datafile.check(demo_path).ok and window.database.query("SELECT 1 AS x")[0]["x"] == 1
        assert not window.damaged and "28/11/2026 09:00" in window.statusBar().currentMessage()
    finally:
        window.backup_timer.stop()
        window.close()
    # no backup of the damaged file was made before the question (it would push a good one out of the rotation)
    made = sorted(paths.backup_dir_for(demo_path).glob("*.db"))
    assert backups_before[0] in made


def test_damage_declined_keeps_the_window_with_a_banner(qtbot, app, demo_path, answers, damaged_after_backup):
    asked, _warned, replies = answers
    replies.append(False)  # "Not now"
    window = _start_window(qtbot, demo_path)
    try:
        assert len(asked) == 1 and window.damaged
        assert window.banner.isVisible() and "hỏng" in window.banner.text()
        assert not list(demo_path.parent.glob("demo.db.damaged-*"))
    finally:
        window.backup_timer.stop()
        window.close()
