"""The Truy xuất/Thu hồi screen driven like a person: from a lot to the call list, and an outcome recorded."""

import re

import pdfplumber
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from coopdesk.services import recall
from coopdesk.services import traceability as trace
from coopdesk.ui.main_window import TRACE
from tests.ui.conftest import snapshot, type_text

BUN = "HP-2026-0001"


def test_from_a_lot_to_the_call_list_and_an_outcome(qtbot, window, tmp_path, _no_blocking_message_boxes):
    window.nav.setCurrentRow(1)
    lots = window.lots_page
    lots.select_code(BUN)
    assert lots.who_got_button.isVisible() and lots.who_got_button.text() == "Ai đã nhận lô này?"
    qtbot.mouseClick(lots.who_got_button, Qt.MouseButton.LeftButton)  # one click
    page = window.recall_page
    assert window.nav.currentRow() == TRACE and window.stack.currentWidget() is page
    assert page.answer is not None and page.answer.start_label == BUN
    assert page.customers.rowCount() == 5
    assert page.customers.text(0, 0) in ("Nguyễn Thị Hồng", "Trần Văn Ba")  # delivered: call first
    # No recall yet: the message is a precautionary notice, and the page says so above it and in the summary.
    assert "KIỂM TRA LẠI" in page.message.toPlainText() and "DH0000" in page.message.toPlainText()
    assert "THU HỒI" not in page.message.toPlainText()
    assert page.message_kind.isVisible() and "phòng ngừa" in page.message_kind.text()
    assert "Chưa mở thu hồi" in page.summary.text()
    window.resize(1366, 728)
    snapshot(window, "recall-page-precaution")
    assert all(code.startswith("DH") for r in range(page.customers.rowCount())
               for code in page.customers.text(r, 2).split(", "))
    assert all(page.lines.text(r, 0).startswith("DH") for r in range(page.lines.rowCount()))
    assert not page.outcome_action.isEnabled()  # no recall yet

    dialog = page.open_recall()
    assert dialog.sizeHint().height() <= 728 and dialog.sizeHint().width() <= 1366
    dialog.buttons.accepted.emit()  # no reason: refused, the dialog stays
    assert dialog.isVisible() and dialog.error.isVisible()
    type_text(qtbot, dialog.reason, "Kết quả kiểm nghiệm dư lượng vượt ngưỡng")
    dialog.decided_by.setText("Nguyễn Thị Hồng")
    snapshot(dialog, "recall-open-dialog")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert page.view is not None and page.view.status == "open"
    assert trace.view(window.database, BUN).state.status == "recalled"
    assert page.banner.isVisible() and "THU HỒI" in page.banner.text()
    assert "THU HỒI" in page.message.toPlainText() and "Thông báo thu hồi" in page.message_kind.text()
    assert "Chưa mở thu hồi" not in page.summary.text()

    held = page.hold_orders(confirm=False)
    assert held == [5, 6]
    assert {page.lines.text(r, 7) for r in range(page.lines.rowCount())} >= {"Đã giữ lại do thu hồi"}
    # The buyer of a held order is told it is cancelled, not asked not to use what they never got.
    page.select_customer("0388 333 006")
    assert page.selected_customer().name == "Vũ Đình Ông"
    said = page.message.toPlainText()
    assert "DH000006" in said and "HỦY" in said and "Nếu đã nhận hàng" not in said
    assert "DH000006" in page.message_kind.text() and "chưa trả tiền trước" in page.message_kind.text()
    assert "2 khách cần báo hủy đơn" in page.summary.text()
    page.copy_message()  # the copy button pastes the very same text
    assert QApplication.clipboard().text() == said
    snapshot(window, "recall-page-held")

    page.select_customer("0987 654 002")
    assert page.selected_customer().name == "Trần Văn Ba"
    outcome = page.record_outcome()
    assert outcome.sizeHint().height() <= 728
    outcome.outcome.setCurrentIndex(outcome.outcome.findData("called"))
    outcome.who.setText("Trịnh Thị Mai")
    outcome.note.setText("Khách sẽ gửi trả 2 gói")
    snapshot(outcome, "recall-outcome-dialog")
    outcome.buttons.accepted.emit()
    assert not outcome.isVisible()
    row = next(r for r in range(page.customers.rowCount()) if page.customers.text(r, 1) == "0987 654 002")
    assert page.customers.text(row, 6) == "Đã gọi"
    assert "Trịnh Thị Mai" in page.customers.text(row, 7)
    assert re.search(r" \d{2}/\d{2}/\d{4} \d{2}:\d{2}$", page.customers.text(row, 7))  # who and when, dd/mm/yyyy
    entry = next(c for c in recall.recall_view(window.database, page.view.id).to_call if c.name == "Trần Văn Ba")
    assert (entry.outcome, entry.outcome_who) == ("called", "Trịnh Thị Mai")

    target = tmp_path / "goi-khach.pdf"
    page.call_list_pdf(target)
    qtbot.waitUntil(lambda: target.exists() and getattr(page, "last_written", None) is not None, timeout=20000)
    with pdfplumber.open(target) as pdf:
        text = pdf.pages[0].extract_text()
    assert "Trần Văn Ba" in text and "0987 654 002" in text and "Đã gọi" in text
    page.select_customer("0912 345 001")
    window.resize(1366, 728)
    snapshot(window, "recall-page")


def test_the_other_direction_from_an_order(qtbot, window):
    window.nav.setCurrentRow(3)
    window.show_received(2)
    page = window.recall_page
    assert page.received is not None and [f.code for f in page.received.lots] == [BUN, "HP-2026-0002"]
    assert "Đơn DH000002 — " in page.summary.text() and "#2" not in page.summary.text()
    assert "Ruộng sắn Đồng Mới" in page.origin.toPlainText()
    assert "HP-2025-0001" in page.origin.toPlainText()
    snapshot(window, "recall-received")


def test_closing_with_buyers_not_reached_needs_a_reason(qtbot, window):
    view = recall.open_recall(window.database, "Nhầm lẫn khi đóng gói", lot=BUN)
    window.apply_changes(recall.changes())
    page = window.recall_page
    page.show_recall(view.id)
    dialog = page.close_recall()
    assert dialog.sizeHint().height() <= 728 and dialog.sizeHint().width() <= 1366
    assert "2" in dialog.findChild(type(page.summary)).text()
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "2" in dialog.error.text()
    dialog.reason.setPlainText("Đã thông báo qua nhóm Zalo khách hàng")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible() and page.view.status == "closed"
    assert not page.outcome_action.isEnabled()


def test_from_a_pesticide_batch_read_off_the_gui_thread(qtbot, window):
    window.nav.setCurrentRow(TRACE)
    page = window.recall_page
    page.kind.setCurrentIndex(page.kind.findData("input"))
    page.value.setEditText("Abamectin")
    page.search()
    qtbot.waitUntil(lambda: page.answer is not None, timeout=20000)
    assert page.answer.start_kind == "input"
    assert [page.lots.text(r, 0) for r in range(page.lots.rowCount())] == ["HP-2025-0001", BUN]
    assert page.open_action.isEnabled()


def test_opening_a_recall_from_an_input_switches_to_it(qtbot, window):
    """After "Open a recall" the page shows that recall: chosen in the recall list, its actions live (the
    search read off the GUI thread must not come back and replace it)."""
    window.nav.setCurrentRow(TRACE)
    page = window.recall_page
    page.kind.setCurrentIndex(page.kind.findData("input"))
    page.value.setEditText("Abamectin")
    page.search()
    qtbot.waitUntil(lambda: page.answer is not None, timeout=20000)
    dialog = page.open_recall()
    dialog.reason.setPlainText("Thuốc BVTV bị cấm")
    dialog.decided_by.setText("Nguyễn Thị Hồng")
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    QThreadPool.globalInstance().waitForDone(20000)  # any read still running comes back now
    qtbot.wait(50)
    assert page.view is not None and page.view.status == "open"
    assert page.recalls.currentData() == page.view.id
    assert page.outcome_action.isEnabled() and page.close_action.isEnabled()


def test_the_open_recall_dialog_asks_the_date_and_who_decided(qtbot, window):
    """The record names the day it was decided (dd/mm/yyyy, today by default) and who decided; both are
    checked before anything is written."""
    from datetime import date, timedelta

    from coopdesk.domain.dates import format_date

    window.nav.setCurrentRow(TRACE)
    page = window.recall_page
    page.show_lot(BUN)
    before = len(recall.list_recalls(window.database))
    dialog = page.open_recall()
    assert dialog.day.text() == format_date(date.today())
    assert dialog.sizeHint().height() <= 728
    dialog.reason.setPlainText("Kết quả kiểm nghiệm vượt ngưỡng")
    dialog.decided_by.setText("  ")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "Người quyết định" in dialog.error.text()
    where = dialog.decided_by.mapTo(dialog, dialog.decided_by.rect().topLeft())
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, " 2")  # typing hides the message; the fields stay where they are
    QApplication.processEvents()
    assert not dialog.error.isVisible() and dialog.decided_by.mapTo(dialog, dialog.decided_by.rect().topLeft()) == where
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)  # Tab leaves the reason, as in every other field
    assert QApplication.focusWidget() is dialog.public_reason and "\t" not in dialog.reason.toPlainText()
    dialog.decided_by.setText("Nguyễn Thị Hồng")
    dialog.day.setText("31/02/2026")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "31/02/2026" in dialog.error.text()
    dialog.day.setText(format_date(date.today() + timedelta(days=3)))
    dialog.buttons.accepted.emit()
    assert dialog.isVisible()
    assert len(recall.list_recalls(window.database)) == before  # nothing written
    day = date.today() - timedelta(days=2)
    dialog.day.setText(day.strftime("%d/%m/%Y"))
    dialog.buttons.accepted.emit()
    assert not dialog.isVisible()
    assert page.view.day == day.isoformat() and page.view.decided_by == "Nguyễn Thị Hồng"
    assert format_date(day) in page.banner.text()


def test_the_recall_page_shows_days_and_times_as_people_write_them(qtbot, window):
    """dd/mm/yyyy and HH:MM in the Vietnamese window, and the banner in Vietnamese only."""
    import re

    view = recall.open_recall(window.database, "Nhầm lẫn khi đóng gói", lot=BUN, by="Hồng")
    recall.close_recall(window.database, view.id, "Hồng", "Đã báo cho mọi khách qua Zalo")
    window.nav.setCurrentRow(TRACE)
    page = window.recall_page
    page.refresh()
    page.show_recall(view.id)
    banner = page.banner.text()
    assert banner.startswith("THU HỒI — ") and "RECALLED" not in banner
    assert not re.search(r"\d{4}-\d{2}-\d{2}", banner), banner
    assert re.search(r"Kết thúc: \d{2}/\d{2}/\d{4} \d{2}:\d{2} ", banner), banner
    days = [page.lines.text(r, 1) for r in range(page.lines.rowCount())]
    assert days and all(re.fullmatch(r"\d{2}/\d{2}/\d{4}( \d{2}:\d{2})?", d) for d in days), days
    page.lines.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    shown = [page.lines.text(r, 1) for r in range(page.lines.rowCount())]
    assert shown == sorted(shown, key=lambda d: (d[6:10], d[3:5], d[:2], d[11:]))  # by the date, not the day
