from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coopdesk.services import catalog
from tests.conftest import SAMPLES, needs_samples
from tests.ui.conftest import snapshot, type_text


def type_and_tab(qtbot, text: str, tabs: int = 1) -> None:
    widget = QApplication.focusWidget()
    if text:
        type_text(qtbot, widget, text)
    for _ in range(tabs):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)


def test_product_list_shows_vietnamese_names_and_badges(window, qtbot):
    page = window.products_page
    assert page.model.rowCount() == 16
    names = {page.model.index(r, 1).data() for r in range(16)}
    assert "Kẹo cu đơ Hà Tĩnh bánh tráng mè" in names
    badges = [page.model.index(r, 6).data() for r in range(16)]
    packs = {page.model.index(r, 0).data(): page.model.index(r, 2).data() for r in range(16)}
    assert packs["HRX-NEM-50"] == "hộp 1,8 kg"
    assert any(b.startswith("⚠") for b in badges)
    snapshot(window, "products-list")


def test_search_ignores_diacritics(window, qtbot):
    page = window.products_page
    qtbot.keyClicks(page.search, "bun kho")
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, 0).data() == "YDI-BUN-500"
    assert "1" in page.count_label.text()
    page.search.clear()
    qtbot.keyClicks(page.search, "keo cu do")
    assert page.proxy.rowCount() == 2


def test_sort_by_name_is_vietnamese(window):
    page = window.products_page
    page.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    names = [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]
    # B < C < K < M < N < T < V, and "Bí" before "Bún" (i < u).
    assert names[0].startswith("Bí đỏ") and names[-1].startswith("Vải")
    assert names.index("Cà phê hạt Robusta Honey") < names.index("Kẹo cu đơ gừng Thành Sen")


def test_new_product_by_keyboard_alone(window, qtbot, demo_db):
    page = window.products_page
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowTitle() == "Sản phẩm mới"]
    assert len(dialogs) == 1
    form = dialogs[0]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.sku)
    type_and_tab(qtbot, "tse-cudo-gung")          # SKU
    type_and_tab(qtbot, "Kẹo cu đơ gừng hộp nhỏ")  # name
    type_and_tab(qtbot, "Ginger cu do candy")     # English name
    type_and_tab(qtbot, "")                       # unit: keep "gói"
    type_and_tab(qtbot, "200 g")                  # net weight
    type_and_tab(qtbot, "0,25 kg")                # shipping weight (boxed)
    type_and_tab(qtbot, "45k")                    # price
    assert form.price.text() == "45.000"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not form.isVisible())
    saved = [p for p in catalog.list_products(demo_db) if p.sku == "TSE-CUDO-GUNG"]
    assert len(saved) == 1
    assert (saved[0].name, saved[0].price_vnd, saved[0].net_weight_g, saved[0].shipping_weight_g) == (
        "Kẹo cu đơ gừng hộp nhỏ", 45_000, 200, 250)
    assert page.model.rowCount() == 17


def test_bad_form_names_the_field_and_saves_nothing(window, qtbot, demo_db):
    form = window.products_page.add_product()
    form.resize(1000, 760)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.sku)
    qtbot.keyClicks(form.sku, "YDI-BUN-500")
    qtbot.keyClicks(form.price, "-40.000")
    form.ocop_stars.setCurrentIndex(2)
    qtbot.keyClicks(form.ocop_issued, "01/01/2025")
    qtbot.keyClicks(form.ocop_expires, "01/01/2024")
    qtbot.keyClicks(form.gtin, "8931234567890")
    qtbot.keyClick(form.gtin, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert form.isVisible()
    assert form.errors.isVisible()
    text = form.errors.text()
    assert "Mã SKU: YDI-BUN-500 đã có" in text
    assert "Tên" in text and "Giá" in text and "GTIN" in text and "hết hạn" in text
    assert QApplication.focusWidget() is form.sku
    assert form.sku.property("hasError") and form.price.property("hasError")
    snapshot(form, "product-form-errors")
    assert len(catalog.list_products(demo_db)) == 16
    form.reject()


def test_edit_keeps_certifications(window, qtbot, demo_db):
    page = window.products_page
    qtbot.keyClicks(page.search, "bun kho")
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    form = page.edit_selected()
    assert form.certs.rowCount() == 1
    assert form.place.commune.text() == "Xã Yên Định"
    form.price.setText("42.000")
    form.accept()
    p = next(p for p in catalog.list_products(demo_db) if p.sku == "YDI-BUN-500")
    assert p.price_vnd == 42_000 and p.certifications[0].kind == "HACCP"


def test_commune_completion_ignores_diacritics(app, qtbot):
    from coopdesk.ui.widgets.fields import PlacePicker

    picker = PlacePicker()
    qtbot.addWidget(picker)
    picker.show()
    picker.set_values(11, "")
    qtbot.keyClicks(picker.commune, "na tau")
    model = picker._completer.completionModel()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Xã Nà Tấu — Tỉnh Điện Biên"]
    assert picker.values() == ("11", "na tau")


def test_import_preview_and_commit(window, qtbot, demo_db, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "moi.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã SKU", "Tên sản phẩm", "Giá bán (đồng)"])
    ws.append(["TRA-MOI", "Trà xanh mới", "80.000"])
    ws.append(["YDI-BUN-500", "Bún sắn khô Hồng Phước", 41000])
    wb.save(path)
    preview = catalog.preview_import(demo_db, path)
    dialog = window.products_page.show_import_preview(preview)
    snapshot(dialog, "catalog-import-preview")
    assert dialog.import_button.isEnabled()
    dialog.accept()
    assert window.products_page.model.rowCount() == 17


def test_import_runs_in_the_background(window, qtbot, demo_db, tmp_path):
    from coopdesk.services import catalog as cat

    out = tmp_path / "all.xlsx"
    cat.export_xlsx(demo_db, out)
    shown = []
    window.products_page.show_import_preview = lambda preview: shown.append(preview)
    window.products_page.import_file(str(out))
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert len(shown[0].unchanged) == 16


def test_page_shortcuts_work_from_the_section_list_only_on_their_page(window, qtbot):
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowTitle() == "Sản phẩm mới"]
    assert len(dialogs) == 1
    dialogs[0].reject()
    window.nav.setCurrentRow(6)
    qtbot.keyClick(window.nav, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.windowTitle() == "Sản phẩm mới"]
    assert dialogs == []


def test_commune_without_province_sets_both(app, qtbot):
    from coopdesk.ui.widgets.fields import PlacePicker

    picker = PlacePicker()
    qtbot.addWidget(picker)
    picker.show()
    qtbot.keyClicks(picker.commune, "na tau")
    model = picker._completer.completionModel()
    shown = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert shown == ["Xã Nà Tấu — Tỉnh Điện Biên"]
    picker._completer.activated[type(model.index(0, 0))].emit(model.index(0, 0))
    assert picker.values() == ("11", "Xã Nà Tấu")


def test_saving_or_deleting_a_product_updates_only_its_row(window, qtbot, demo_db, monkeypatch):
    import coopdesk.ui.products.page as page_module

    page = window.products_page
    resets, changed, removed = [], [], []
    page.model.modelReset.connect(lambda: resets.append(1))
    page.model.dataChanged.connect(lambda *_a: changed.append(1))
    page.model.rowsRemoved.connect(lambda *_a: removed.append(1))
    qtbot.keyClicks(page.search, "bun kho")
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    form = page.edit_selected()
    form.price.setText("43.000")
    form.accept()
    assert resets == [] and changed and "43.000" in page.proxy.index(0, 3).data()
    page.search.clear()
    made = page.add_product()
    made.sku.setText("TSE-MOI")
    made.name.setText("Trà mới")
    made.price.setText("10k")
    made.accept()
    total = page.model.rowCount()
    page.table.setCurrentIndex(next(page.proxy.index(r, 0) for r in range(page.proxy.rowCount())
                                    if page.proxy.index(r, 0).data() == "TSE-MOI"))
    monkeypatch.setattr(page_module, "ask", lambda *a, **k: True)
    page.delete_selected()
    assert resets == [] and removed and page.model.rowCount() == total - 1


def test_double_click_opens_one_product_dialog(window, qtbot):
    """Seen in a real window: a double-click opened two stacked dialogs (doubleClicked and activated both)."""
    from PySide6.QtWidgets import QApplication

    from coopdesk.ui.products.form import ProductForm

    window.nav.setCurrentRow(0)
    page = window.products_page
    view = page.table
    index = view.model().index(0, 1)
    view.setCurrentIndex(index)
    view.doubleClicked.emit(index)  # what a double-click sends on a desktop: both signals
    view.activated.emit(index)
    page.edit_selected()  # Enter on the row while the dialog is open: the same dialog comes forward
    forms = [w for w in QApplication.topLevelWidgets() if isinstance(w, ProductForm) and w.isVisible()]
    assert len(forms) == 1
    for f in forms:
        f.done(0)


@needs_samples
def test_the_sample_csv_through_the_toolbar(window, qtbot, demo_db, monkeypatch):
    """As a person does it: Import products…, pick the CSV, read the preview, Import."""
    from PySide6.QtWidgets import QFileDialog

    import coopdesk.ui.products.page as page_module

    asked = []

    def pick(parent, title, folder, filters):  # noqa: ANN001, ANN202
        asked.append(filters)
        return str(SAMPLES / "products.csv"), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(pick))
    before = {p.sku for p in catalog.list_products(demo_db)}
    window.products_page.import_action.trigger()
    qtbot.waitUntil(lambda: any(isinstance(w, page_module.ImportPreviewDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=10000)
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, page_module.ImportPreviewDialog) and w.isVisible())
    assert "*.csv" in asked[0].split(";;")[0]
    assert dialog.ignored.text() == ("Các cột không được nhập (CoopDesk không có trường cho chúng): "
                                     "“cooperative”, “category”")
    assert dialog.height() <= 728 and dialog.import_button.isEnabled()
    snapshot(dialog, "catalog-import-csv-preview")
    dialog.import_button.click()
    sample = {r.split(",", 1)[0] for r in (SAMPLES / "products.csv").read_text(encoding="utf-8").splitlines()[1:]}
    qtbot.waitUntil(lambda: window.products_page.model.rowCount() == len(before | sample), timeout=10000)
    assert catalog.tiktok_sku_ids(demo_db) and len(catalog.tiktok_sku_ids(demo_db)) == 20
