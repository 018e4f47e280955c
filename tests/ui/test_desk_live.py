"""The order desk under a busy live (issue 10): no typed order lost to a key, the right product and place."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def orders_page(window):
    window.nav.setCurrentRow(3)
    return window.orders_page


@pytest.fixture
def answers(monkeypatch):
    """Questions asked by the order form and guarded dialogs, answered from a list (default: No)."""
    asked: list[str] = []
    replies: list[bool] = []

    def fake_ask(parent, title, text, yes=None, no=None) -> bool:
        asked.append(text)
        return replies.pop(0) if replies else False

    import coopdesk.ui.orders.form as order_form
    import coopdesk.ui.widgets.dialogs as dialogs

    monkeypatch.setattr(order_form, "ask", fake_ask)
    monkeypatch.setattr(dialogs, "ask", fake_ask)
    return asked, replies


def _typed_order(qtbot, page):
    form = page.form
    form.phone.setFocus()
    qtbot.keyClicks(form.phone, "0966123456")
    form.name.setText("Bùi Thị Tuyết")
    form.add_line("YDI-BUN-500", "2")
    form.item.setFocus()
    return form


# --- 1. Esc never discards typed work -------------------------------------------------------------------

def test_esc_on_item_suggestions_closes_the_popup_only(window, qtbot, answers):
    page = orders_page(window)
    form = _typed_order(qtbot, page)
    qtbot.keyClicks(form.item, "nem")
    popup = form._completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert form.phone.text() and form.name.text() == "Bùi Thị Tuyết" and form.lines.rowCount() == 1
    assert answers[0] == []  # closing a popup asks nothing
    # the next keys land in the item field, not half in the phone
    phone = form.phone.text()
    qtbot.keyClicks(QApplication.focusWidget(), "x")
    assert form.item.text() == "nemx" and form.phone.text() == phone


def test_esc_on_a_filled_form_asks_and_no_keeps_it(window, qtbot, answers):
    asked, replies = answers
    page = orders_page(window)
    form = _typed_order(qtbot, page)
    qtbot.keyClick(form.item, Qt.Key.Key_Escape)
    assert len(asked) == 1 and form.lines.rowCount() == 1 and form.phone.text()
    replies.append(True)
    form.clear_button.click()
    assert form.lines.rowCount() == 0 and not form.phone.text()
    qtbot.keyClick(form.phone, Qt.Key.Key_Escape)  # empty form: nothing to lose, nothing asked
    assert len(asked) == 2


def test_new_order_shortcut_asks_before_clearing_and_clearing_ends_an_edit(window, qtbot, answers):
    asked, replies = answers
    page = orders_page(window)
    page.edit_order(6)
    page.new_order()
    assert len(asked) == 1 and page.editing_id == 6 and page.form.lines.rowCount() == 1
    replies.append(True)
    page.new_order()
    assert page.editing_id is None and page.form.lines.rowCount() == 0


def test_esc_in_the_product_dialog_asks_before_dropping_edits(window, qtbot, answers):
    asked, replies = answers
    window.nav.setCurrentRow(0)
    form = window.products_page.add_product()
    qtbot.waitExposed(form)
    qtbot.keyClick(form, Qt.Key.Key_Escape)  # nothing typed: closes
    assert not form.isVisible() and asked == []
    form = window.products_page.add_product()
    qtbot.waitExposed(form)
    qtbot.keyClicks(form.sku, "ABC-1")
    qtbot.keyClick(form.sku, Qt.Key.Key_Escape)
    assert form.isVisible() and len(asked) == 1 and form.sku.text() == "ABC-1"
    replies.append(True)
    qtbot.keyClick(form.sku, Qt.Key.Key_Escape)
    assert not form.isVisible()


# --- 3. the province box and the commune box find the right place ------------------------------------------

@pytest.mark.parametrize("typed, province", [("thanh", "Tỉnh Thanh Hóa"), ("Thanh", "Tỉnh Thanh Hóa"),
                                             ("hcm", "Thành phố Hồ Chí Minh"), ("tphcm", "Thành phố Hồ Chí Minh"),
                                             ("sai gon", "Thành phố Hồ Chí Minh"), ("hn", "Thành phố Hà Nội"),
                                             ("ha noi", "Thành phố Hà Nội"), ("dak lak", "Tỉnh Đắk Lắk")])
def test_typing_in_the_province_box_takes_the_best_match(app, qtbot, typed, province):
    from coopdesk.ui.widgets.fields import PlacePicker

    picker = PlacePicker()
    qtbot.addWidget(picker)
    picker.show()
    picker.province.setFocus()
    qtbot.keyClicks(picker.province.lineEdit(), typed)
    popup = picker.province.suggestions.popup()
    assert popup.isVisible() and popup.currentIndex().data() == province
    qtbot.keyClick(picker.province.lineEdit(), Qt.Key.Key_Return)
    assert picker.province.currentText() == province
    assert picker.province.currentData() is not None


def test_province_text_matching_nothing_keeps_the_previous_choice(app, qtbot):
    from coopdesk.ui.widgets.fields import PlacePicker

    picker = PlacePicker()
    qtbot.addWidget(picker)
    picker.show()
    picker.set_values(38, "")
    picker.province.lineEdit().selectAll()
    qtbot.keyClicks(picker.province.lineEdit(), "zzz")
    picker.province.commit_text()
    assert picker.province.currentText() == "Tỉnh Thanh Hóa"


def test_the_commune_box_searches_every_province_and_sets_it(window, qtbot):
    page = orders_page(window)
    place = page.form.place
    place.set_values(24, "")  # Bắc Ninh chosen, but the buyer is in Nà Tấu, Điện Biên
    place.commune.setFocus()
    qtbot.keyClicks(place.commune, "na tau")
    popup = place._completer.popup()
    assert popup.isVisible()
    assert popup.currentIndex().data() == "Xã Nà Tấu — Tỉnh Điện Biên"
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert place.commune.text() == "Xã Nà Tấu" and place.province.currentText() == "Tỉnh Điện Biên"


def test_the_communes_of_the_chosen_province_come_first(app, qtbot):
    from coopdesk.ui.widgets.fields import PlacePicker

    picker = PlacePicker()
    qtbot.addWidget(picker)
    picker.set_values(38, "")
    found = picker.search("yen")
    assert found and found[0][1].code == 38
    assert {p.code for _c, p in found} != {38}  # other provinces' communes are offered too
