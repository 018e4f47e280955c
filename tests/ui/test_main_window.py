import subprocess
import sys

from PySide6.QtCore import Qt

from coopdesk import paths
from coopdesk.services import cooperative
from tests.ui.conftest import snapshot, type_text


def nav_titles(window):
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_sections_in_vietnamese_and_every_one_is_built(window, qtbot):
    assert nav_titles(window) == ["Sản phẩm", "Lô sản xuất", "Nhãn QR", "Đơn hàng", "Giao hàng",
                                  "Truy xuất/Thu hồi", "Cài đặt"]
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == 2 and window.stack.currentWidget() is window.labels_page
    assert window.pages == [window.products_page, window.lots_page, window.labels_page, window.orders_page,
                            window.documents_page, window.recall_page, window.settings_page]


def test_status_bar_names_the_data_file(window, demo_db):
    assert str(demo_db.path) in window.file_label.text()
    assert "mẫu" in window.file_label.text()


def test_switch_to_english_and_back(window, qtbot):
    window.nav.setCurrentRow(6)
    window.switch_language("en")
    assert nav_titles(window)[0] == "Products"
    assert window.stack.currentIndex() == 6
    assert paths.load_config()["language"] == "en"
    snapshot(window, "settings-english")
    window.switch_language("vi")
    assert nav_titles(window)[0] == "Sản phẩm"


def test_settings_profile_errors_and_save(window, qtbot, demo_db):
    window.nav.setCurrentRow(6)
    page = window.settings_page
    page.profile.tax_code.setText("12345")
    assert not page.save_profile()
    assert "Mã số thuế" in page.profile.errors.text()
    snapshot(window, "settings-profile-error")
    page.profile.tax_code.setText("2801234567-001")
    assert page.save_profile()
    assert cooperative.get_profile(demo_db).tax_code == "2801234567-001"


def test_restore_from_the_backups_tab(window, qtbot, demo_db):
    from coopdesk.services import catalog, datafile
    from coopdesk.services.changes import Changes

    made = datafile.auto_backup(demo_db)
    catalog.delete_product(demo_db, catalog.list_products(demo_db)[0].id)
    window.apply_changes(Changes(products=True))
    assert window.products_page.model.rowCount() == 15
    assert window.restore_backup(made, confirm=False)
    assert window.products_page.model.rowCount() == 16
    window.settings_page.refresh_backups()
    window.nav.setCurrentRow(6)
    window.settings_page.tabs.setCurrentIndex(1)
    snapshot(window, "settings-backups")


def test_backup_now_to_a_folder(window, tmp_path, monkeypatch):
    import coopdesk.ui.main_window as mw

    monkeypatch.setattr(mw, "inform", lambda *a: None)  # the message box is the outside world here
    made = window.backup_now(str(tmp_path / "USB"))
    assert made.exists() and made.parent.name == "USB"


HOLDER = "import sys\nfrom coopdesk.services import datafile\ndb = datafile.open_data(sys.argv[1])\n" \
         "print('ready', flush=True)\nsys.stdin.readline()\n"


def test_second_copy_opens_read_only(qtbot, app, demo_path):
    from coopdesk.services import datafile
    from coopdesk.ui.main_window import MainWindow

    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(demo_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    with holder:
        assert holder.stdout.readline().strip() == "ready"
        db = datafile.open_data(demo_path, allow_read_only=True)
        w = MainWindow(db)
        qtbot.addWidget(w)
        w.show()
        assert db.read_only
        assert "chỉ đọc" in w.file_label.text()
        assert w.banner.isVisible()
        assert not w.products_page.add_action.isEnabled()
        snapshot(w, "read-only")
        w.close()
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=20)


def test_welcome_creates_the_cooperative(qtbot, app, database):
    from coopdesk.ui.welcome import CREATE, WelcomeDialog

    dialog = WelcomeDialog(lambda d: cooperative.save_profile(database, d))
    qtbot.addWidget(dialog)
    dialog.show()
    snapshot(dialog, "welcome")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentIndex() == 1
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Tên hợp tác xã" in dialog.profile.errors.text()
    type_text(qtbot, dialog.profile.name, "HTX Chè Suối Mơ")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == CREATE
    assert cooperative.get_profile(database).name == "HTX Chè Suối Mơ"


def test_welcome_offers_the_demo(qtbot, app, database):
    from coopdesk.ui.welcome import DEMO, WelcomeDialog

    dialog = WelcomeDialog(lambda d: None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == DEMO


def test_open_demo_writes_it_once(qtbot, app):
    from coopdesk.services import catalog
    from coopdesk.ui.app import open_demo_database

    db = open_demo_database()
    try:
        assert len(catalog.list_products(db)) == 16
    finally:
        db.close()
    db = open_demo_database()
    try:
        assert len(catalog.list_products(db)) == 16
    finally:
        db.close()


def test_damaged_file_at_start_offers_the_latest_backup(qtbot, app, demo_path, monkeypatch):
    import coopdesk.ui.app as app_module
    from coopdesk.services import datafile

    db = datafile.open_data(demo_path)
    datafile.auto_backup(db)
    db.close()
    demo_path.write_bytes(b"\x00damaged" * 2000)
    asked = []
    # The person's answer is the outside world here: they click "Restore the backup".
    monkeypatch.setattr(app_module, "ask", lambda parent, title, text, **kw: asked.append(text) or True)
    restored = app_module.open_with_questions(demo_path)
    try:
        assert restored is not None and cooperative.is_set_up(restored)
        assert "16" in asked[0]  # the confirmation shows what the backup holds
    finally:
        restored.close()
    assert list(demo_path.parent.glob("demo.db.damaged-*"))


def test_damaged_file_refused_leaves_it_alone(qtbot, app, tmp_path, monkeypatch):
    import coopdesk.ui.app as app_module

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00damaged" * 2000)
    warned = []
    monkeypatch.setattr(app_module, "warn", lambda parent, title, text: warned.append(text))
    assert app_module.open_with_questions(bad) is None
    assert "Không tìm thấy bản sao lưu" in warned[0]
    assert bad.read_bytes().startswith(b"\x00damaged")
