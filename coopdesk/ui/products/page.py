"""The Sản phẩm screen: search, sort, add, edit, delete, import and export the catalog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coopdesk import paths
from coopdesk.domain.products import ProductDraft, draft_from_product
from coopdesk.i18n import _
from coopdesk.services import catalog
from coopdesk.services.changes import Changes
from coopdesk.ui.products.form import ProductForm
from coopdesk.ui.products.table_model import (
    COL_CERTS,
    COL_NAME,
    COL_ORIGIN,
    PRODUCT_ROLE,
    ProductFilterProxy,
    ProductsTableModel,
)
from coopdesk.ui.widgets.actions import page_action
from coopdesk.ui.widgets.dialogs import ask


class ImportPreviewDialog(QDialog):
    """Counts and row errors of a catalog file before anything is stored, and the columns it leaves out."""

    def __init__(self, preview: catalog.CatalogImport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import products from {file}").format(file=preview.file))
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        lines = [_("New products: {new}\nUpdated: {updated}\nUnchanged: {unchanged}\n"
                   "Rows with errors: {errors}").format(
            new=len(preview.new), updated=len(preview.updated), unchanged=len(preview.unchanged),
            errors=len(preview.errors))]
        if preview.sku_ids:
            lines.append(_("TikTok SKU IDs: {n} ({new} new), remembered for TikTok order imports").format(
                n=len(preview.sku_ids), new=preview.sku_ids_new))
        if preview.lines_to_map:
            lines.append(_("Order lines imported earlier without a product that now get one: {n}").format(
                n=preview.lines_to_map))
        summary = QLabel("\n".join(lines))
        summary.setStyleSheet("font-size: 14px;")
        layout.addWidget(summary)
        self.ignored = QLabel()
        self.ignored.setWordWrap(True)
        if preview.ignored_columns:
            self.ignored.setText(_("Columns not imported (CoopDesk has no field for them): {columns}").format(
                columns=", ".join(f"“{c}”" for c in preview.ignored_columns)))
            self.ignored.setStyleSheet("color: #8a5300;")
            layout.addWidget(self.ignored)
        if preview.notes:
            notes = QLabel("\n".join(preview.notes))
            notes.setWordWrap(True)
            layout.addWidget(notes)
        if preview.errors:
            note = QLabel(_("Nothing will be imported until every row is right. Fix these rows in the file "
                            "and import it again:"))
            note.setWordWrap(True)
            note.setStyleSheet("color: #b71c1c;")
            layout.addWidget(note)
            box = QPlainTextEdit("\n".join(str(e) for e in preview.errors))
            box.setReadOnly(True)
            layout.addWidget(box, 1)
        else:
            layout.addStretch(1)
        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton(_("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(preview.ok and preview.has_work)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class ProductsPage(QWidget):
    """Connects the product model, the form and the toolbar to the catalog service."""

    changed = Signal(object)  # Changes

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window_ = window
        self.model = ProductsTableModel()
        self.proxy = ProductFilterProxy()
        self.proxy.setSourceModel(self.model)
        layout = QVBoxLayout(self)
        title = QLabel(_("Products"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)

        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_action = self._action(_("New product"), QKeySequence.StandardKey.New, self.add_product)
        self.edit_action = self._action(_("Edit"), QKeySequence(Qt.Key.Key_F2), self.edit_selected)
        self.delete_action = self._action(_("Delete"), QKeySequence(QKeySequence.StandardKey.Delete),
                                          self.delete_selected)
        self.toolbar.addSeparator()
        self.import_action = self._action(_("Import products…"), QKeySequence("Ctrl+I"), self.import_file)
        self.export_action = self._action(_("Export xlsx…"), QKeySequence("Ctrl+E"), self.export_xlsx)
        layout.addWidget(self.toolbar)

        row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("productSearch")
        self.search.setPlaceholderText(_("Search by SKU, name or origin — no need for diacritics (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_changed)
        self.count_label = QLabel()
        row.addWidget(self.search, 1)
        row.addWidget(self.count_label)
        layout.addLayout(row)
        find = QAction(_("Find"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        # The name takes the spare width; origin and certificates get a fixed share (tooltips show all).
        for col, width in ((COL_ORIGIN, 190), (COL_CERTS, 220)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(col, width)
        # activated is a double-click (or Enter) already; connecting doubleClicked too opened two dialogs.
        self.table.activated.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        self._task = None

    def _action(self, text: str, shortcut, slot) -> QAction:  # noqa: ANN001
        return page_action(self, self.toolbar, text, shortcut, slot)

    @property
    def database(self):  # noqa: ANN201
        return self.window_.database

    def refresh(self) -> None:
        self.model.set_rows(catalog.list_products(self.database))
        self._update_count()
        read_only = self.database.read_only
        for action in (self.add_action, self.edit_action, self.delete_action, self.import_action):
            action.setEnabled(not read_only or action is self.edit_action)

    def on_changes(self, changes: Changes, initiator: object | None = None) -> None:
        """Update the products a write names, in place; reload when it names none."""
        ids = changes.rows_only("products")
        if ids is None:
            if changes.products:
                self.refresh()
            return
        for product_id in sorted(ids):
            self.model.upsert(product_id, catalog.get_product(self.database, product_id))
        self._update_count()

    def _on_search_changed(self, text: str) -> None:
        self.proxy.set_query(text)
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(_("{shown} of {total} products").format(
            shown=self.proxy.rowCount(), total=self.model.rowCount()))

    def selected_product(self):  # noqa: ANN201
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return index.data(PRODUCT_ROLE)

    def _open_form(self, draft: ProductDraft | None, product_id: int | None) -> ProductForm:
        media = str(paths.media_dir_for(self.database.path))

        def save(d: ProductDraft):  # noqa: ANN202
            product, changes = catalog.save_product(self.database, d, product_id)
            self.changed.emit(changes)
            return product

        form = ProductForm(self, media, on_save=save)
        if draft is not None:
            form.set_value(draft)
        if self.database.read_only:
            form.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        return form

    def add_product(self) -> ProductForm:
        form = self._open_form(None, None)
        form.setWindowTitle(_("New product"))
        form.open()
        return form

    def edit_selected(self) -> ProductForm | None:
        product = self.selected_product()
        if product is None:
            return None
        open_form = getattr(self, "_edit_form", None)
        if open_form is not None and open_form.isVisible():
            open_form.raise_()
            open_form.activateWindow()  # one product dialog at a time: a second click brings it forward
            return open_form
        form = self._open_form(draft_from_product(product), product.id)
        self._edit_form = form
        form.setWindowTitle(_("Product {sku}").format(sku=product.sku))
        form.open()
        return form

    def delete_selected(self) -> None:
        product = self.selected_product()
        if product is None:
            return
        if ask(self, _("Delete product"), _(
                "Delete {sku} — {name}? This cannot be undone (a backup is kept).").format(
                sku=product.sku, name=product.name), yes=_("Delete")):
            self.window_.ops.run(self, lambda db: catalog.delete_product(db, product.id), title=_("Not deleted"))

    def export_xlsx(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, _("Export the catalog"), str(Path.home() / "san-pham.xlsx"),
                                               _("Excel workbook (*.xlsx)"))
        if not path:
            return
        self.window_.ops.run(self, lambda db: catalog.export_xlsx(db, Path(path)), title=_("Not exported"),
                             success=lambda n: self.window_.statusBar().showMessage(
                                 _("{n} products written to {file}").format(n=n, file=path), 8000))

    def import_file(self, path: str | None = None) -> None:
        """Pick a product list (xlsx, or CSV from a spreadsheet or another program), preview it, then import."""
        if not path:
            path, _f = QFileDialog.getOpenFileName(
                self, _("Import products"), str(Path.home()),
                ";;".join((_("Product lists (*.xlsx *.csv)"), _("Excel workbook (*.xlsx)"), _("CSV text (*.csv)"),
                           _("All files (*)"))))
        if not path:
            return
        self._task = self.window_.ops.start(self, _("Reading {file}…").format(file=Path(path).name),
                                            lambda reader: catalog.preview_import(reader, Path(path)),
                                            title=_("Not imported"), success=self.show_import_preview)

    def show_import_preview(self, preview: catalog.CatalogImport) -> ImportPreviewDialog:
        dialog = ImportPreviewDialog(preview, self)
        dialog.accepted.connect(lambda: self._commit_import(preview))
        dialog.open()
        return dialog

    def _commit_import(self, preview: catalog.CatalogImport) -> None:
        self.window_.ops.run(self, lambda db: catalog.commit_import(db, preview), title=_("Not imported"),
                             success=lambda _c: self.window_.statusBar().showMessage(
                                 _("Imported: {new} new, {updated} updated").format(
                                     new=len(preview.new), updated=len(preview.updated)), 8000))
