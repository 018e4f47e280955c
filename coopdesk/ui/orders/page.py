"""The Đơn hàng screen: the live session bar, the keyboard order form and the order list.

The session and order dialogs are in ``dialogs.py``, the form in ``form.py``, the list's model in ``table_model.py``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.dates import DateError, parse_date
from coopdesk.domain.money import format_vnd
from coopdesk.domain.orders import STATUS_LABELS
from coopdesk.domain.phones import display_phone, normalize_phone
from coopdesk.i18n import _
from coopdesk.services import order_entry, order_import
from coopdesk.services.changes import Changes
from coopdesk.ui.orders.dialogs import OrderDialog, SessionDialog, history_text  # noqa: F401 - history_text re-exported
from coopdesk.ui.orders.form import OrderForm
from coopdesk.ui.orders.import_dialog import OrderImport
from coopdesk.ui.orders.table_model import ID_ROLE, OrdersTableModel
from coopdesk.ui.widgets.actions import page_action
from coopdesk.ui.widgets.dialogs import ask, warn
from coopdesk.ui.widgets.fields import DateEdit
from coopdesk.ui.widgets.file_dialogs import open_path, save_path


class OrdersPage(QWidget):
    """The order desk. Saving goes through order_entry.save_order, which commits before the form clears."""

    changed = Signal(object)  # Changes

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window_ = window
        self._catalog_cache = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # the window already has margins; the desk needs the height
        title_row = QHBoxLayout()
        title = QLabel(_("Orders"))
        title.setObjectName("pageTitle")
        title_row.addWidget(title)
        self.session_label = QLabel()
        self.session_label.setStyleSheet("font-size: 14px; padding-left: 16px;")
        title_row.addWidget(self.session_label, 1)
        layout.addLayout(title_row)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.start_action = page_action(self, self.toolbar, _("Start live session…"), QKeySequence("Ctrl+L"),
                                        self.start_session)
        self.end_action = page_action(self, self.toolbar, _("End session"), None, self.end_session)
        self.toolbar.addSeparator()
        self.new_action = page_action(self, self.toolbar, _("New order"), QKeySequence.StandardKey.New,
                                      self.new_order)
        self.paste_action = page_action(self, self.toolbar, _("Paste comment"), QKeySequence("Ctrl+Shift+V"),
                                        self.paste_comment)
        self.open_action = page_action(self, self.toolbar, _("Open order"), None, self.open_selected)
        self.flag_action = page_action(self, self.toolbar, _("Flag customer (bom hàng)…"), None, self.flag_customer)
        self.documents_action = page_action(self, self.toolbar, _("Print documents…"), QKeySequence("Ctrl+P"),
                                            self.print_documents)
        self.lots_action = page_action(self, self.toolbar, _("Lots in this order"), None, self.show_lots)
        self.toolbar.addSeparator()
        self.import_action = page_action(self, self.toolbar, _("Import TikTok orders…"), QKeySequence("Ctrl+I"),
                                         self.import_orders)
        self.template_action = page_action(self, self.toolbar, _("Order sheet template…"), None,
                                           self.save_order_template)
        layout.addWidget(self.toolbar)

        split = QSplitter()
        self.form = OrderForm(self._catalog, lambda: order_entry.item_stock(self.database))
        self.form.phone_entered.connect(self.on_phone_entered)
        self.form.submitted.connect(self.save)
        self.form.lines_changed.connect(self._on_lines_changed)
        self.form.paste_button.clicked.connect(lambda _c=False: self.paste_comment())
        self.form.discarded.connect(lambda: setattr(self, "editing_id", None))
        self.form.setMinimumWidth(470)
        split.addWidget(self.form)

        right = QWidget()
        r = QVBoxLayout(right)
        r.setContentsMargins(8, 0, 0, 0)
        filters = QHBoxLayout()
        self.session_filter = QComboBox()
        self.status_filter = QComboBox()
        self.status_filter.addItem(_("All statuses"), "")
        for key, label in STATUS_LABELS.items():
            self.status_filter.addItem(_(label), key)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search name, phone, SKU — no need for diacritics"))
        self.search.setClearButtonEnabled(True)
        self.session_filter.setMinimumContentsLength(14)
        self.session_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.carrier_filter = QComboBox()
        self.since, self.until = DateEdit(), DateEdit()
        self.since.setPlaceholderText(_("from dd/mm/yyyy"))
        self.until.setPlaceholderText(_("to dd/mm/yyyy"))
        filters.addWidget(self.session_filter, 2)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.carrier_filter, 1)
        r.addLayout(filters)
        second = QHBoxLayout()  # two rows, so the desk fits a 1366-pixel screen beside the form
        second.addWidget(self.search, 3)
        second.addWidget(self.since, 1)
        second.addWidget(self.until, 1)
        r.addLayout(second)
        self.model = OrdersTableModel(lambda: self.database)
        self.model.count_changed.connect(self._update_count)  # a broad filter's count arrives in steps
        self.table = QTableView()
        self.table.setModel(self.model)  # it filters and sorts in SQL, a page at a time: fast at 500,000 orders
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        fm = self.table.fontMetrics()  # no., time, customer, total, COD, status, phone: Total to status fit 1366 px
        for col, sample in enumerate(("888888", "26/11/2026", "Nguyễn Thị Hồng", "1.250.000 ₫", "1.250.000 ₫",
                                      "Đã giao vận chuyển", "0912 345 001")):
            width = max(fm.horizontalAdvance(sample), fm.horizontalAdvance("26/11 19:56")) if col == 1 else \
                fm.horizontalAdvance(sample)
            self.table.setColumnWidth(col, width + 22)  # room for the cell's padding and the sort arrow
        self.table.activated.connect(lambda _i: self.open_selected())
        r.addWidget(self.table, 1)
        self.count_label = QLabel()
        r.addWidget(self.count_label)
        split.addWidget(right)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setSizes([480, 700])
        layout.addWidget(split, 1)
        self.session_filter.currentIndexChanged.connect(self._apply_filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.carrier_filter.currentIndexChanged.connect(self._apply_filters)
        self.since.editingFinished.connect(self._apply_filters)
        self.until.editingFinished.connect(self._apply_filters)
        self.search.textChanged.connect(self._apply_filters)
        find = QAction(_("Find"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)

    @property
    def database(self):  # noqa: ANN201
        return self.window_.database

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        self.model.resume()
        self.form.phone.setFocus()  # the desk is ready for the next phone number as soon as it shows

    def hideEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        # The list's count and fill steps run only while it shows: never after the window closed the file.
        self.model.pause()
        super().hideEvent(event)

    def _catalog(self):  # noqa: ANN202
        if self._catalog_cache is None:
            self._catalog_cache = order_entry.catalog_items(self.database)
        return self._catalog_cache

    # --- refresh ---
    def refresh(self) -> None:
        self._catalog_cache = None
        self.model.recount_total()
        current = self.session_filter.currentData()
        self.session_filter.blockSignals(True)
        self.session_filter.clear()
        self.session_filter.addItem(_("All sessions"), None)
        for s in order_entry.sessions(self.database):
            self.session_filter.addItem(f"{s['started_at'][:16]} · {s['name']}", s["id"])
        self.session_filter.setCurrentIndex(max(self.session_filter.findData(current), 0))
        self.session_filter.blockSignals(False)
        carrier = self.carrier_filter.currentData()
        self.carrier_filter.blockSignals(True)
        self.carrier_filter.clear()
        self.carrier_filter.addItem(_("All carriers"), "")
        for c in self.model.carriers():
            self.carrier_filter.addItem(c, c)
        self.carrier_filter.setCurrentIndex(max(self.carrier_filter.findData(carrier or ""), 0))
        self.carrier_filter.blockSignals(False)
        self._apply_filters()
        self._update_session()
        ro = self.database.read_only
        for a in (self.start_action, self.end_action, self.new_action, self.paste_action, self.flag_action,
                  self.import_action):
            a.setEnabled(not ro)
        self.form.save_button.setEnabled(not ro)

    def on_changes(self, changes: Changes, initiator: object | None = None) -> None:
        """Update the orders a write names, in place; reload only for changes that name no rows."""
        ids = changes.rows_only("orders")
        if changes.products or (changes.orders and ids is None):
            self.refresh()
            return
        if ids is None:
            return  # lots alone: the list shows no stock (the desk asks for it while typing)
        rows = order_entry.order_rows(self.database, ids=sorted(ids))
        self.model.upsert(rows)
        carriers = {self.carrier_filter.itemData(i) for i in range(self.carrier_filter.count())}
        for carrier in sorted({r[8] for r in rows if r[8]} - carriers):
            self.carrier_filter.addItem(carrier, carrier)
        self._update_count()
        self._update_session()

    def _apply_filters(self) -> None:
        def iso(edit: DateEdit) -> str:
            try:
                d = parse_date(edit.text())
            except DateError:
                return ""
            return d.isoformat() if d else ""

        self.model.set_filters(self.search.text(), self.status_filter.currentData() or "",
                               self.session_filter.currentData(), self.carrier_filter.currentData() or "",
                               iso(self.since), iso(self.until))
        self._update_count()

    def _update_count(self) -> None:
        def n(count: int) -> str:  # 500.000, as Vietnamese writes thousands
            return f"{count:,}".replace(",", ".")

        shown = self.model.matched_count()
        shown_text = n(shown) + "+" if self.model.counting else n(shown)  # "12.400+" while still counting
        self.count_label.setText(_("{shown} of {total} orders").format(shown=shown_text,
                                                                      total=n(self.model.total_count())))

    def _update_session(self) -> None:
        s = order_entry.current_session(self.database)
        self.session = s
        self.end_action.setEnabled(s is not None and not self.database.read_only)
        if s is None:
            self.session_label.setText(_("No live session open — orders are saved without one (Ctrl+L starts one)"))
            return
        tally = order_entry.tally(self.database, s["id"])
        self.session_label.setText(_("● {name} ({channel}): {orders} orders · {items} packs · {revenue} · COD {cod}")
                                   .format(name=s["name"], channel=s["channel"] or "-", orders=tally["orders"],
                                           items=tally["items"], revenue=format_vnd(tally["revenue"]),
                                           cod=format_vnd(tally["cod"])))

    # --- the desk ---
    def on_phone_entered(self, text: str) -> None:
        card = order_entry.find_customer(self.database, text)
        if card is None and text.strip() and normalize_phone(text) is None:
            self.form.customer_card.setText("⚠ " + _("“{text}” is not a Vietnamese phone number").format(text=text))
            self.form.customer_card.setStyleSheet("color:#b71c1c")
            return  # stays on the phone, to be corrected
        if card is None:
            self.form.customer_card.setText(_("New customer") if text.strip() else "")
            self.form.customer_card.setStyleSheet("color:#555")
            self.form.name.setFocus()
            return
        self.form.name.setText(card.name)
        self.form.street.setText(card.street)
        self.form.place.set_values(card.province, card.commune)
        self.form.customer_card.setText(card.summary())
        self.form.customer_card.setStyleSheet("color:#b71c1c; font-weight:bold" if card.flagged else "color:#1b5e20")
        self.form.item.setFocus()

    def _on_lines_changed(self) -> None:
        warnings = order_entry.stock_warnings(self.database, self.form.value())
        self.form.stock_warning.setText("\n".join("⚠ " + w for w in warnings))

    editing_id: int | None = None

    def edit_order(self, order_id: int) -> None:
        """Load a saved order into the form; saving then changes it and keeps the change in its history."""
        drafts: list = []
        if not self.window_.ops.run(self, lambda db: order_entry.draft_for_edit(db, order_id), title=_("Cannot edit"),
                                    success=drafts.append):
            return
        self.form.set_value(drafts[0])
        self.editing_id = order_id
        self.form.customer_card.setText(_(
            "Editing order {id}: Enter on the empty item field saves the change, Esc leaves it.").format(id=order_id))
        self.form.item.setFocus()

    def save(self) -> bool:
        """Save (or save the edit of) the order in the form; the form clears only after COMMIT."""
        if not self.form.confirm_save(order_entry.shipping_problems(self.database, self.form.value())):
            return False  # the form asks: save as a backorder, save anyway, or fix
        session_id = self.session["id"] if getattr(self, "session", None) else None
        draft, editing = self.form.value(), self.editing_id

        def op(database) -> order_entry.SavedOrder:  # noqa: ANN001
            if editing is not None:
                return order_entry.edit_order(database, editing, draft, _("staff"))
            return order_entry.save_order(database, draft, session_id, _("staff"))

        return self.window_.ops.run(self, op, title=_("Not saved"), invalid=self.form.show_error,
                                    success=self._on_saved)

    def _on_saved(self, saved: order_entry.SavedOrder) -> None:
        # Committed: only now does the form clear.
        self.form.clear()
        self.editing_id = None
        self.last_saved = saved
        note = " — ".join(["", *saved.warnings]) if saved.warnings else ""
        self.window_.statusBar().showMessage(_("Saved order {id}: {total}, COD {cod}").format(
            id=saved.order_id, total=format_vnd(saved.total_vnd), cod=format_vnd(saved.cod_vnd)) + note, 10000)

    def new_order(self) -> None:
        self.form.request_clear()  # asks first when something typed would be lost; ends an edit

    def paste_comment(self, text: str | None = None) -> None:
        text = text if isinstance(text, str) else QGuiApplication.clipboard().text()
        if not text.strip():
            return
        draft = order_entry.draft_from_comment(self.database, text)
        self.form.set_value(draft)
        self.on_phone_entered(draft.phone) if draft.phone and not draft.name else None
        self.form.customer_card.setText(_("Filled from the comment — check it, then press Enter to save.") + "\n"
                                        + self.form.customer_card.text())
        self.form.item.setFocus()

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        """The orders selected in the list (several with Shift or Ctrl), oldest first."""
        rows = {i.row() for i in self.table.selectionModel().selectedRows()} or (
            {self.table.currentIndex().row()} if self.table.currentIndex().isValid() else set())
        return sorted(self.model.row_id(r) for r in rows)

    def print_documents(self) -> None:
        """Slips, picking list or handover sheets for the selected orders, on the Shipping page."""
        ids = self.selected_ids()
        if not ids:
            warn(self, _("Print documents"), _("Select the orders first (Shift or Ctrl to select several)."))
            return
        self.window_.show_documents(ids)

    def open_selected(self) -> OrderDialog | None:
        order_id = self.selected_id()
        if order_id is None:
            return None
        dialog = OrderDialog(self, self.database, order_id, self.changed.emit, self.edit_order)
        dialog.open()
        return dialog

    def show_lots(self) -> None:
        """Every lot, raw lot, input and growing area in what the selected order received."""
        order_id = self.selected_id()
        if order_id is not None:
            self.window_.show_received(order_id)

    def start_session(self) -> None:
        dialog = SessionDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, channel, host = dialog.name.text(), dialog.channel.currentText(), dialog.host.text()
        if self.window_.ops.run(self, lambda db: (order_entry.start_session(db, name, channel, host),
                                                  Changes(orders=True)), title=_("Not started")):
            self.form.phone.setFocus()

    def end_session(self) -> None:
        s = order_entry.current_session(self.database)
        if s and ask(self, _("End session"), _("End the live session “{name}”?").format(name=s["name"]),
                     yes=_("End session")):
            order_entry.end_session(self.database, s["id"])
            self.changed.emit(Changes(orders=True))
            from coopdesk.ui.orders.session_end import SessionEndDialog

            self.session_summary = SessionEndDialog(self, s, order_entry.tally(self.database, s["id"]),
                                                    lambda: self.window_.show_shipping(s["id"]))
            self.session_summary.open()

    def import_orders(self, path: str | None = None) -> OrderImport | None:
        """A TikTok Shop export (CSV or XLSX) or CoopDesk's order sheet: preview, map SKUs, then commit."""
        if not path:
            path = open_path(self, _("Import orders"), _("Order exports (*.csv *.xlsx)"))
        if not path:
            return None
        self.importer = OrderImport(self, self.database)
        self.importer.finished.connect(self._on_import_finished)
        self.importer.start(path)
        return self.importer

    def _on_import_finished(self, report: dict | None) -> None:
        self.last_import = report
        if report is None:
            return  # the runner already handed the import's Changes to the pages
        self.window_.statusBar().showMessage(_("Imported {file}: {new} new, {updated} updated, {unchanged} unchanged")
                                             .format(file=report["file"], new=report["orders_new"],
                                                     updated=report["orders_updated"],
                                                     unchanged=report["orders_unchanged"]), 10000)

    def save_order_template(self, target: str | None = None) -> None:
        if not target:
            target = save_path(self, _("Save the order sheet"), "don-hang.xlsx", _("Excel workbook (*.xlsx)"))
        if not target:
            return
        self.window_.ops.run(self, lambda _db: order_import.write_template(Path(target)), title=_("Not written"))

    def flag_customer(self) -> None:
        phone = self.form.phone.text()
        if not phone:
            order_id = self.selected_id()
            if order_id:
                phone = order_entry.get_order(self.database, order_id)["phone"]
        if not phone:
            return
        reason, ok = QInputDialog.getText(self, _("Flag customer"), _(
            "Why is {phone} flagged (refused COD, fake orders…)?").format(phone=display_phone(phone)))
        if not ok:
            return
        self.window_.ops.run(self, lambda db: (order_entry.flag_customer(db, phone, reason), Changes(orders=True)),
                             title=_("Not flagged"))
