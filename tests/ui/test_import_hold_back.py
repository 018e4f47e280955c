"""Issue 11, item 4 on the screen: the preview offers "import N orders, hold back M", and does it."""

from __future__ import annotations

from pathlib import Path

from coopdesk.services import order_entry as oe
from tests.orderfiles import order_row, orders, write_csv
from tests.ui.conftest import snapshot


def test_preview_imports_the_good_orders_and_holds_back_the_bad(window, qtbot, demo_db, tmp_path,
                                                                _no_blocking_message_boxes):
    rows = orders(5)
    rows.insert(2, order_row("579362710751959001", sku="YDI-BUN-500", qty="hai"))  # the 2nd line of an order
    rows.append(order_row("579362710751959100", Created_Time="31/02/2025"))
    source = write_csv(tmp_path / "live.csv", rows)
    page = window.orders_page
    window.nav.setCurrentRow(3)
    before = len(oe.order_rows(demo_db))
    importer = page.import_orders(str(source))
    qtbot.waitUntil(lambda: importer.dialog is not None and importer.dialog.isVisible(), timeout=15000)
    dialog = importer.dialog
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "Nhập 4 đơn, giữ lại 2 đơn"
    figures = {w.objectName(): w.text() for w in dialog.findChildren(type(page.count_label))
               if w.objectName().startswith("figure")}
    assert figures["figure0"] == "<b>4</b>" and figures["figure8"] == "<b>2</b>"  # new orders; held back
    assert dialog.height() <= 728
    snapshot(dialog, "import-hold-back")
    dialog.accept()
    qtbot.waitUntil(lambda: getattr(page, "last_import", None) is not None, timeout=15000)
    report = page.last_import
    assert report["orders_new"] == 4 and report["orders_held_back"] == 2
    assert len(oe.order_rows(demo_db)) == before + 4
    held = Path(report["held_back_file"])
    assert held.exists() and held.parent == tmp_path
    assert any(str(held) in text for text in _no_blocking_message_boxes)
    stored = {r["platform_order_id"] for r in demo_db.query("SELECT platform_order_id FROM orders")}
    assert not {"579362710751959001", "579362710751959100"} & stored


def test_a_file_with_only_bad_orders_cannot_be_imported(window, qtbot, tmp_path):
    source = write_csv(tmp_path / "bad.csv", [order_row("579362710751959001", qty="0")])
    importer = window.orders_page.import_orders(str(source))
    qtbot.waitUntil(lambda: importer.dialog is not None and importer.dialog.isVisible(), timeout=15000)
    assert not importer.dialog.import_button.isEnabled()
    importer.dialog.reject()
