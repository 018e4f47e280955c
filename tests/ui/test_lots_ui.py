from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coopdesk.services import traceability as trace
from tests.ui.conftest import snapshot, type_text


def lots_page(window, qtbot):
    window.nav.setCurrentRow(1)  # Ctrl+2 does this; the shortcuts are tested in test_main_window
    assert window.stack.currentWidget() is window.lots_page
    return window.lots_page


def codes(page):
    return [page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())]


def test_lot_list_filters_and_lot_page(window, qtbot):
    page = lots_page(window, qtbot)
    assert sorted(codes(page)) == ["HP-2025-0001", "HP-2025-0002", "HP-2026-0001", "HP-2026-0002", "HP-2026-0003"]
    page.status_filter.setCurrentIndex(page.status_filter.findData("packed"))
    assert sorted(codes(page)) == ["HP-2026-0001", "HP-2026-0002"]
    page.status_filter.setCurrentIndex(0)
    qtbot.keyClicks(page.search, "dong moi")
    assert codes(page) == ["HP-2025-0001"]
    page.search.clear()
    page.select_code("HP-2026-0001")
    text = page.detail.toPlainText()
    assert "HP-2025-0001" in text and "Đóng gói" in text and "1500 gói" in text
    assert page.url.text().endswith("/01/02000000000022/10/HP-2026-0001")
    assert not page.qr.pixmap().isNull()
    page.copy_url()
    assert QApplication.clipboard().text() == page.url.text()
    snapshot(window, "lots-page")


def test_add_event_by_keyboard(window, qtbot, demo_db):
    page = lots_page(window, qtbot)
    page.select_code("HP-2025-0002")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = next(w for w in QApplication.topLevelWidgets() if w.isVisible() and "HP-2025-0002" in w.windowTitle())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.kind)
    assert dialog.kind.currentData() == "harvest"  # it offers the lot's last kind of work first
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Up)  # irrigation
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Up)  # care
    assert dialog.kind.currentData() == "care"
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Tab)
    date_edit = QApplication.focusWidget()
    assert date_edit is dialog.day
    date_edit.selectAll()
    qtbot.keyClicks(date_edit, "21/11/2026")
    qtbot.keyClick(date_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() in (dialog.person, dialog.person.lineEdit())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # growing area: keep
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # place: empty
    type_text(qtbot, QApplication.focusWidget(), "Dọn cỏ bờ ruộng")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    events = trace.view(demo_db, "HP-2025-0002").state.events
    assert events[-1].kind == "care" and events[-1].note == "Dọn cỏ bờ ruộng"
    assert "Dọn cỏ bờ ruộng" in page.detail.toPlainText()


def test_phi_error_is_shown_and_nothing_saved(window, qtbot, demo_db):
    page = lots_page(window, qtbot)
    lot = trace.create_lot(demo_db, "LDU-BIDO-QUA").code
    bt = next(i for i in trace.inputs(demo_db).values() if i.phi_days == 3)
    from coopdesk.domain.lots import EventDraft

    trace.add_event(demo_db, lot, EventDraft(kind="spraying", day="20/11/2026", person="Phạm Đức Ưng",
                                             input_id=str(bt.id), dose="30 g"))
    page.refresh()
    page.select_code(lot)
    dialog = page.add_event("harvest")
    dialog.day.setText("21/11/2026")
    dialog.quantity.setText("100")
    dialog.accept()
    assert dialog.isVisible()
    assert "23/11/2026" in dialog.errors.text() and bt.name in dialog.errors.text()
    assert dialog.focusWidget() is dialog.day  # the field named in the message has the cursor
    snapshot(dialog, "event-dialog-phi-error")
    assert [e.kind for e in trace.view(demo_db, lot).state.events] == ["spraying"]
    dialog.reject()


def test_packed_lot_asks_for_a_reason(window, qtbot, demo_db):
    page = lots_page(window, qtbot)
    page.select_code("HP-2026-0002")
    dialog = page.add_event("care")
    assert dialog.reason.isVisibleTo(dialog)
    dialog.note.setText("Kiểm kho")
    dialog.accept()
    assert dialog.isVisible() and dialog.reason.property("hasError")
    dialog.reason.setText("Ghi bổ sung")
    dialog.accept()
    assert not dialog.isVisible()
    assert trace.corrections(demo_db, "HP-2026-0002")[-1]["reason"] == "Ghi bổ sung"


def test_new_lot_made_from_raw_lots(window, qtbot, demo_db):
    page = lots_page(window, qtbot)
    dialog = page.new_lot()
    dialog.product.setCurrentIndex(dialog.product.findData("YDI-MIEN-500"))
    rows = {dialog.parents.item(r, 0).data(Qt.ItemDataRole.UserRole): r for r in range(dialog.parents.rowCount())}
    assert set(rows) == {"HP-2025-0001", "HP-2025-0002"}
    dialog.parents.item(rows["HP-2025-0001"], 2).setText("500")
    dialog.accept()
    assert dialog.isVisible()  # only 400 kg left
    assert "400 kg" in dialog.errors.text()
    dialog.parents.item(rows["HP-2025-0001"], 2).setText("300")
    dialog.accept()
    assert not dialog.isVisible()
    made = dialog.created
    assert trace.view(demo_db, made.code).made_from == ["HP-2025-0001"]
    assert page.selected().code == made.code


def test_registers(window, qtbot, demo_db):
    page = lots_page(window, qtbot)
    dialog = page.open_registers()
    dialog.tabs.setCurrentIndex(2)
    dialog.i_kind.setCurrentIndex(dialog.i_kind.findData("pesticide"))
    dialog.i_name.setText("Thuốc mới")
    assert not dialog._add_input()
    assert "cách ly" in dialog.inputs.errors.text()
    dialog.i_ai.setText("Emamectin benzoate")
    dialog.i_phi.setText("7")
    assert dialog._add_input()
    assert any(i.name == "Thuốc mới" and i.phi_days == 7 for i in trace.inputs(demo_db).values())
    dialog.tabs.setCurrentIndex(1)
    dialog.a_name.setText("Vườn mới")
    dialog.a_gps.setText("north")
    assert not dialog._add_area() and "GPS" in dialog.areas.errors.text()
    snapshot(dialog, "registers-area-error")
    dialog.reject()


def test_export_site_and_diary_from_the_screen(window, qtbot, demo_db, tmp_path, monkeypatch):
    import coopdesk.ui.lots.page as page_module

    told, opened = [], []
    monkeypatch.setattr(page_module, "ask", lambda parent, title, text, **kw: told.append((text, kw)) or True)
    from PySide6.QtGui import QDesktopServices

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile())))
    page = lots_page(window, qtbot)
    page.export_site(str(tmp_path / "site"))
    qtbot.waitUntil(lambda: hasattr(page, "last_site_report"), timeout=15000)
    assert (tmp_path / "site/lo/HP-2026-0003/index.html").exists()
    assert told[0][1]["yes"] == "Mở thư mục" and opened == [str(tmp_path / "site")]  # one click to the pages
    page.select_code("HP-2026-0001")
    task = page.diary_pdf(tmp_path / "nk.pdf")  # typeset off the GUI thread
    qtbot.waitUntil(lambda: task.done, timeout=15000)
    assert page.last_diary == tmp_path / "nk.pdf" and page.last_diary.read_bytes().startswith(b"%PDF")
    task = page.diary_xlsx(tmp_path / "nk.xlsx")
    qtbot.waitUntil(lambda: task.done, timeout=15000)
    assert page.last_diary.read_bytes().startswith(b"PK")


def test_correct_an_entry_of_a_packed_lot(window, qtbot, demo_db):
    page = lots_page(window, qtbot)
    page.select_code("HP-2026-0002")
    harvest = next(e for e in trace.view(demo_db, "HP-2026-0002").state.events if e.kind == "harvest")
    dialog = page.correct_event(harvest)
    assert dialog.reason.isVisibleTo(dialog) and dialog.quantity.text() == "600"
    dialog.quantity.setText("620")
    dialog.accept()
    assert dialog.isVisible() and dialog.reason.property("hasError")  # a correction needs its reason
    dialog.reason.setText("Cân lại ở kho")
    dialog.accept()
    assert not dialog.isVisible()
    fixed = next(e for e in trace.view(demo_db, "HP-2026-0002").state.events if e.kind == "harvest")
    assert fixed.quantity_g == 620_000
    assert trace.corrections(demo_db, "HP-2026-0002")[-1]["reason"] == "Cân lại ở kho"


def test_a_recalled_lot_shows_its_recall_day_as_people_write_it(window, qtbot, demo_db):
    """The lot's recall banner: "THU HỒI 18/11/2026: …", never the stored ISO day."""
    import re
    from datetime import date

    from coopdesk.services import recall

    standing = next(r for r in recall.list_recalls(demo_db) if r["status"] == "open")  # the demo's recall
    day = date.fromisoformat(standing["day"]).strftime("%d/%m/%Y")
    page = lots_page(window, qtbot)
    page.select_code("HP-2026-0003")
    text = page.detail.toPlainText()
    assert f"THU HỒI {day}: " in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text) and "RECALLED" not in text
