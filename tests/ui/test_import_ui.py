import csv
import io

from PySide6.QtWidgets import QApplication

from coopdesk.services import order_entry as oe
from tests.conftest import SAMPLES, needs_samples
from tests.ui.conftest import snapshot

pytestmark = needs_samples


def test_import_dialog_preview_mapping_and_commit(window, qtbot, demo_db):
    page = window.orders_page
    window.nav.setCurrentRow(3)
    before = len(oe.order_rows(demo_db))
    importer = page.import_orders(str(SAMPLES / "tiktok_orders_small.xlsx"))
    qtbot.waitUntil(lambda: importer.dialog is not None and importer.dialog.isVisible(), timeout=15000)
    dialog = importer.dialog
    texts = [w.text() for w in dialog.findChildren(type(page.count_label)) if w.objectName().startswith("figure")]
    assert texts[:3] == ["<b>25</b>", "<b>0</b>", "<b>0</b>"] and "6.066.000" in texts[6]
    assert dialog.mapping.rowCount() > 0  # SKUs of other cooperatives are unknown to the demo
    unknown = dialog.mapping.item(0, 0).text()
    target = next(p.id for p in _products(demo_db) if p.sku == "YDI-BUN-500")
    combo = dialog.mapping.cellWidget(0, 2)
    combo.setCurrentIndex(combo.findData(target))
    snapshot(dialog, "import-preview")
    dialog.accept()
    qtbot.waitUntil(lambda: getattr(page, "last_import", None) is not None, timeout=15000)
    assert page.last_import["orders_new"] == 25
    assert len(oe.order_rows(demo_db)) == before + 25
    assert page.model.total_count() == before + 25
    lines = demo_db.query("SELECT product_id, unmapped FROM order_lines WHERE sku = ?", (unknown,))
    assert lines and all(r["product_id"] == target and not r["unmapped"] for r in lines)
    QApplication.processEvents()


def _products(db):
    from coopdesk.services import catalog

    return catalog.list_products(db)


def test_rejected_file_cannot_be_imported(window, qtbot, demo_db, tmp_path):
    page = window.orders_page
    bad = tmp_path / "bad.csv"
    rows = list(csv.reader(io.StringIO((SAMPLES / "tiktok_orders_small.csv").read_text(encoding="utf-8-sig"))))
    rows[1][rows[0].index("Quantity")] = "hai"
    with bad.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    importer = page.import_orders(str(bad))
    qtbot.waitUntil(lambda: importer.dialog is not None and importer.dialog.isVisible(), timeout=15000)
    # The whole file is never imported while a row is rejected: the button says which orders are held back.
    assert importer.dialog.import_button.text() == "Nhập 24 đơn, giữ lại 1 đơn"
    snapshot(importer.dialog, "import-rejected")
    importer.dialog.reject()
