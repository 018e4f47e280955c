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
