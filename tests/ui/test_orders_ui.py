from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

from coopdesk.services import order_entry as oe
from tests.ui.conftest import snapshot


class KeyCounter(QObject):
    """Counts the key presses the application receives (what a person would type)."""

    def __init__(self) -> None:
        super().__init__()
        self.presses = 0

    def eventFilter(self, obj, event):  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and obj is QApplication.focusWidget():
            self.presses += 1
        return False


def orders_page(window):
    window.nav.setCurrentRow(3)
    return window.orders_page


def press(qtbot, keys: str) -> None:
    for ch in keys:
        qtbot.keyClick(QApplication.focusWidget(), ch)


def enter(qtbot) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_repeat_customer_order_by_keyboard_alone(window, qtbot, demo_db):
    page = orders_page(window)
    page.form.phone.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.form.phone)
    counter = KeyCounter()
    QApplication.instance().installEventFilter(counter)
    try:
        press(qtbot, "0912345001")          # phone of a repeat customer
        enter(qtbot)                         # → name and address filled, cursor on the item field
        assert page.form.name.text() == "Nguyễn Thị Hồng"
        assert QApplication.focusWidget() is page.form.item
        press(qtbot, "bun")                  # first match: YDI-BUN-500
        enter(qtbot)
        press(qtbot, "qua")                  # LDU-BIDO-QUA
        enter(qtbot)
        assert page.form.lines.rowCount() == 2
        enter(qtbot)                         # Enter on the empty item field saves
    finally:
        QApplication.instance().removeEventFilter(counter)
    saved = page.last_saved
    assert [line["sku"] for line in saved.lines] == ["YDI-BUN-500", "LDU-BIDO-QUA"]
    assert saved.phone == "+84912345001" and saved.name == "Nguyễn Thị Hồng"
    stored = oe.get_order(demo_db, saved.order_id)
    assert stored is not None and stored["commune"] is not None
    assert page.form.phone.text() == "" and QApplication.focusWidget() is page.form.phone
    print(f"keystrokes for a repeat customer's two-item order: {counter.presses}")
    assert counter.presses <= 20


def test_new_customer_with_quantity_and_errors(window, qtbot, demo_db):
    page = orders_page(window)
    form = page.form
    form.phone.setText("0123")
    form.item.setText("nem50 x0")
    page.save()
    assert "Điện thoại" in form.errors.text()
    assert form.phone.property("hasError")
    assert form.focusWidget() is form.phone
    snapshot(window, "order-form-error")
    count = len(oe.orders_json(demo_db))
    form.phone.setText("0966 123 456")
    page.on_phone_entered(form.phone.text())
    assert form.customer_card.text() == "Khách mới"
    form.name.setText("Bùi Thị Tuyết")
    form.item.setText("")
    form.add_line("YDI-BUN-500", "3")
    form.shipping.setText("25.000")
    assert "Tổng 145.000" in form.totals.text()
    assert not page.save()  # no address: the form asks first
    assert form.question.isVisible() and "địa chỉ" in form.question_text.text()
    form.save_anyway_button.click()
    assert len(oe.orders_json(demo_db)) == count + 1


def test_flagged_customer_warns(window, qtbot):
    page = orders_page(window)
    page.form.phone.setText("0905111004")
    page.on_phone_entered("0905111004")
    assert "bom hàng" in page.form.customer_card.text()


def test_paste_comment_fills_but_does_not_save(window, qtbot, demo_db):
    page = orders_page(window)
    count = len(oe.orders_json(demo_db))
    page.paste_comment("chốt 2 bun500 0912345678 Nguyễn Văn Tư, xã Nà Tấu, Điện Biên")
    assert page.form.phone.text() == "0912 345 678" and page.form.name.text() == "Nguyễn Văn Tư"
    assert page.form.lines.rowCount() == 1 and page.form.lines.item(0, 2).text() == "2"
    assert page.form.place.commune.text() == "Xã Nà Tấu"
    assert len(oe.orders_json(demo_db)) == count  # nothing saved until staff confirm
    snapshot(window, "order-from-comment")
    assert page.save()
    assert len(oe.orders_json(demo_db)) == count + 1


def test_order_list_filters_and_status(window, qtbot, demo_db):
    page = orders_page(window)
    assert page.model.rowCount() == 8
    qtbot.keyClicks(page.search, "nguyen thi hong")
    assert page.model.rowCount() == 2
    page.search.clear()
    qtbot.keyClicks(page.search, "0905111004")
    assert page.model.rowCount() == 1
    page.search.clear()
    page.status_filter.setCurrentIndex(page.status_filter.findData("new"))
    assert page.model.rowCount() == 2
    page.table.setCurrentIndex(page.model.index(0, 0))
    dialog = page.open_selected()
    order_id = dialog.order_id
    dialog.move("packed")
    assert oe.get_order(demo_db, order_id)["status"] == "packed"
    assert "Mới → Đã đóng gói" in dialog.text.toPlainText()
    snapshot(dialog, "order-dialog")
    dialog.reject()
    snapshot(window, "orders-list")


def test_session_bar_shows_the_tally(window, qtbot, demo_db):
    page = orders_page(window)
    sid = oe.start_session(demo_db, "Live thử", "TikTok", "Mai")
    page.refresh()
    page.form.phone.setText("0966 000 999")
    page.form.add_line("YDI-BUN-500", "2")
    page.form.place.set_values(11, "Xã Nà Tấu")
    assert page.save()
    assert "Live thử" in page.session_label.text() and "1 đơn" in page.session_label.text()
    assert oe.get_order(demo_db, page.last_saved.order_id)["session_id"] == sid


def test_edit_a_saved_order_keeps_its_history(window, qtbot, demo_db):
    page = orders_page(window)
    page.edit_order(6)  # a new order of the demo: 1 × YDI-BUN-500
    assert page.form.lines.rowCount() == 1 and page.form.name.text() == "Vũ Đình Ông"
    page.form.lines.item(0, 2).setText("4")
    assert page.save()
    order = oe.get_order(demo_db, 6)
    assert [(x["sku"], x["qty"]) for x in order["lines"]] == [("YDI-BUN-500", 4)]
    assert [h["action"] for h in oe.history(demo_db, 6)][-1] == "edit"
    assert page.editing_id is None


def test_old_address_becomes_the_new_commune(window, qtbot):
    page = orders_page(window)
    assert page.form.convert_old_address("Phường Phú Cường, Thành phố Thủ Dầu Một, Bình Dương")
    assert page.form.place.commune.text() == "Phường Thủ Dầu Một"
    assert page.form.place.province_code() == 79


def test_filter_by_carrier_and_date(window, qtbot):
    page = orders_page(window)
    page.carrier_filter.setCurrentIndex(page.carrier_filter.findData("GHTK"))
    assert page.model.rowCount() == 4  # handed, delivered ×2, returned: every order that reached the carrier
    page.carrier_filter.setCurrentIndex(0)
    page.since.setText("21/11/2026")
    page._apply_filters()
    assert page.model.rowCount() == 0  # the demo live was on 20/11/2026
    page.since.setText("20/11/2026")
    page.until.setText("20/11/2026")
    page._apply_filters()
    assert page.model.rowCount() == 8


def test_the_lot_column_forces_the_lot(window, qtbot, demo_db):
    from coopdesk.domain.lots import EventDraft
    from coopdesk.services import traceability as trace

    newer = trace.create_lot(demo_db, "YDI-BUN-500", parents=[("HP-2025-0001", "50")]).code
    trace.add_event(demo_db, newer, EventDraft(kind="processing", day="20/11/2026", person="Mai", method="Tráng",
                                               quantity_kg="20"))
    trace.add_event(demo_db, newer, EventDraft(kind="packing", day="21/11/2026", person="Mai", packs="10",
                                               pack_size="500 g"))
    page = orders_page(window)
    page.form.phone.setText("0966 555 444")
    page.form.add_line("YDI-BUN-500", "2")
    page.form.lines.item(0, 6).setText(newer)
    page.form.place.set_values(11, "Xã Nà Tấu")
    assert page.save()
    assert page.last_saved.lines[0]["lots"] == [{"code": newer, "qty": 2}]


def test_editing_the_street_keeps_the_lot_column_and_the_lots(window, qtbot, demo_db):
    from datetime import date

    from coopdesk.domain.lots import EventDraft
    from coopdesk.services import traceability as trace

    before = [x["lots"] for x in oe.get_order(demo_db, 6)["lines"]]
    sooner = trace.create_lot(demo_db, "YDI-BUN-500", parents=[("HP-2025-0001", "50")], day=date(2026, 7, 1)).code
    trace.add_event(demo_db, sooner, EventDraft(kind="processing", day="01/07/2026", person="Mai", method="Tráng",
                                                quantity_kg="20"))
    trace.add_event(demo_db, sooner, EventDraft(kind="packing", day="01/07/2026", person="Mai", packs="10",
                                                pack_size="500 g"))
    page = orders_page(window)
    page.edit_order(6)
    assert page.form.lines.item(0, 6).text() == before[0][0]["code"]
    page.form.street.setText("Số 9 ngõ 3")
    assert page.save()
    assert [x["lots"] for x in oe.get_order(demo_db, 6)["lines"]] == before


def test_a_full_disk_on_save_is_a_message_and_the_form_keeps_the_order(window, qtbot, demo_db,
                                                                        _no_blocking_message_boxes):
    page = orders_page(window)
    count = len(oe.order_rows(demo_db))
    page.form.phone.setText("0966 555 444")
    page.form.name.setText("Lê Thị Hạnh")
    page.form.place.set_values(11, "Xã Nà Tấu")
    page.form.add_line("YDI-BUN-500", "2")
    page.form.internal_note.setText("giao giờ hành chính " * 2000)
    pages = demo_db.conn.execute("PRAGMA page_count").fetchone()[0]
    demo_db.conn.execute(f"PRAGMA max_page_count = {pages}")
    assert not page.save()
    assert len(_no_blocking_message_boxes) == 1 and "đầy" in _no_blocking_message_boxes[0]
    assert page.form.phone.text() == "0966 555 444" and page.form.lines.rowCount() == 1  # nothing typed is lost
    demo_db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert len(oe.order_rows(demo_db)) == count
    assert page.save() and len(oe.order_rows(demo_db)) == count + 1


def test_enter_walks_the_buyer_fields_and_saves_from_the_money_fields(window, qtbot, demo_db):
    """The button says Enter: Enter in the shipping fee (or prepaid, or a note) saves; in the name it moves on."""
    page = orders_page(window)
    form = page.form
    form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.name)
    qtbot.keyClick(form.name, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is form.street
    form.phone.setFocus()
    press(qtbot, "0912345001")
    enter(qtbot)  # a repeat customer: name and address filled
    press(qtbot, "bun")
    enter(qtbot)
    form.shipping.setFocus()
    qtbot.keyClicks(form.shipping, "30k")
    qtbot.keyClick(form.shipping, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(page, "last_saved", None) is not None and form.lines.rowCount() == 0)
    stored = oe.get_order(demo_db, page.last_saved.order_id)
    assert stored["shipping"] == 30_000  # written as the field showed it, then saved
