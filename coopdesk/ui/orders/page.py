"""The Đơn hàng screen: the live session bar, the keyboard order form and the order list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import addresses
from coopdesk.domain.dates import DateError, parse_date
from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.money import format_vnd
from coopdesk.domain.orders import CHANNELS, NEXT, STATUS_LABELS, OrderDraft, order_status_label
from coopdesk.domain.phones import display_phone
from coopdesk.i18n import _
from coopdesk.services import order_entry, order_import
from coopdesk.services.changes import Changes
from coopdesk.ui.orders.form import OrderForm
from coopdesk.ui.orders.import_dialog import OrderImport
from coopdesk.ui.orders.table_model import ID_ROLE, OrdersTableModel
from coopdesk.ui.widgets.actions import page_action
from coopdesk.ui.widgets.dialogs import ask, warn
from coopdesk.ui.widgets.fields import DateEdit


class SessionDialog(QDialog):
    """Start a live session: name, channel, host."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Start a live session"))
        f = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. Live tối thứ Sáu — bún & nem"))
        self.channel = QComboBox()
        self.channel.setEditable(True)
        self.channel.addItems([_(c) for c in CHANNELS])
        self.host = QLineEdit()
        f.addRow(_("&Name *"), self.name)
        f.addRow(_("&Channel"), self.channel)
        f.addRow(_("&Host"), self.host)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Start"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        f.addRow(buttons)


def history_text(action: str, detail: str) -> str:
    """One line of an order's history in words, not JSON."""
    import json

    try:
        d = json.loads(detail or "{}")
    except ValueError:
        d = {}
    if action == "create":
        return _("created: total {total}, COD {cod}").format(total=format_vnd(d.get("total", 0)),
                                                             cod=format_vnd(d.get("cod", 0)))
    if action == "status":
        return f"{order_status_label(d.get('from', ''))} → {order_status_label(d.get('to', ''))}"
    if action == "edit":
        return _("edited: total {old} → {new}").format(old=format_vnd(d.get("before", {}).get("total", 0)),
                                                       new=format_vnd(d.get("after", {}).get("total", 0)))
    if action == "cancel_line":
        return _("line cancelled: {sku} × {qty}").format(sku=d.get("sku", ""), qty=d.get("qty", ""))
    if action in ("import", "import_update"):
        changes = ", ".join(f"{k}: {v[0]} → {v[1]}" for k, v in d.items() if isinstance(v, list))
        return _("imported from {file}").format(file=d.get("file", "")) + (f" ({changes})" if changes else "")
    return f"{action} {detail}"


class OrderDialog(QDialog):
    """One order: its lines and lots, its history, and the next statuses it can take."""

    def __init__(self, parent: QWidget | None, database, order_id: int, on_change, on_edit=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.database, self.order_id, self._on_change, self._on_edit = database, order_id, on_change, on_edit
        self.setWindowTitle(_("Order {id}").format(id=order_id))
        self.resize(640, 520)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        layout.addWidget(self.text, 1)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        o = order_entry.get_order(self.database, self.order_id)
        place = ", ".join(x for x in (o["street"], addresses.commune_name(o["commune"]),
                                      addresses.province_name(o["province"])) if x)
        lines = [_("Order {id} · {status}").format(id=o["id"], status=order_status_label(o["status"])),
                 f"{o['name']} · {display_phone(o['phone'])}", place or o["raw_address"]]
        if o["raw_address"] and o["raw_address"] != place:
            lines.append(_("As written: {text}").format(text=o["raw_address"]))
        lines.append("")
        for x in o["lines"]:
            lots = ", ".join(f"{a['code']} ×{a['qty']}" for a in x["lots"]) or _("no lot (oversold)")
            state = _(" (cancelled)") if x["cancelled"] else ""
            lines.append(f"{x['sku']} × {x['qty']} @ {format_vnd(x['unit_price'])}{state} — {_('lots')}: {lots}")
        lines += ["", _("Total {total} · COD to collect {cod}").format(total=format_vnd(o["total"]),
                                                                       cod=format_vnd(o["cod"])), "", _("History:")]
        for h in order_entry.history(self.database, self.order_id):
            lines.append(f"{h['at'][8:10]}/{h['at'][5:7]}/{h['at'][:4]} {h['at'][11:16]}  {h['who'] or '-'}  "
                         f"{history_text(h['action'], h['detail'])}")
        self.text.setPlainText("\n".join(lines))
        while self.buttons.count():
            w = self.buttons.takeAt(0).widget()
            if w:
                w.hide()  # gone at once; Qt frees it on the next turn of the event loop
                w.deleteLater()
        if self._on_edit is not None and o["status"] in ("new", "packed") and not self.database.read_only:
            edit = QPushButton(_("&Edit order"))
            edit.clicked.connect(lambda: (self._on_edit(self.order_id), self.accept()))
            self.buttons.addWidget(edit)
        for status in sorted(NEXT.get(o["status"], ())):
            b = QPushButton("→ " + _(STATUS_LABELS[status]))
            b.clicked.connect(lambda _c=False, s=status: self.move(s))
            b.setEnabled(not self.database.read_only)
            self.buttons.addWidget(b)

    def move(self, status: str) -> None:
        carrier = ""
        if status == "handed":
            carrier, ok = QInputDialog.getText(self, _("Handed to carrier"), _("Carrier (GHTK, GHN, Viettel Post…)"))
            if not ok:
                return
        if status == "cancelled" and not ask(self, _("Cancel order"), _(
                "Cancel order {id}? Its packs go back to their lots.").format(id=self.order_id), yes=_("Cancel order"),
                no=_("Keep it")):
            return
        try:
            self._on_change(order_entry.set_status(self.database, self.order_id, status, _("staff"), carrier))
        except CoopDeskError as e:
            warn(self, _("Not changed"), e.message)
            return
        self.refresh()


class OrdersPage(QWidget):
    """The order desk. Saving goes through order_entry.save_order, which commits before the form clears."""

    changed = Signal(object)  # Changes

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window_ = window
        self._catalog_cache = None
        layout = QVBoxLayout(self)
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
        self.lots_action = page_action(self, self.toolbar, _("Lots in this order"), None, self.show_lots)
        self.toolbar.addSeparator()
        self.import_action = page_action(self, self.toolbar, _("Import TikTok orders…"), QKeySequence("Ctrl+I"),
                                         self.import_orders)
        self.template_action = page_action(self, self.toolbar, _("Order sheet template…"), None,
                                           self.save_order_template)
        layout.addWidget(self.toolbar)

        split = QSplitter()
        self.form = OrderForm(self._catalog)
        self.form.phone_entered.connect(self.on_phone_entered)
        self.form.submitted.connect(self.save)
        self.form.lines_changed.connect(self._on_lines_changed)
        self.form.paste_button.clicked.connect(self.paste_comment)
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
        self.model = OrdersTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)  # it filters and sorts itself: fast with 100,000 orders
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((50, 95, 150, 105, 170, 95, 95)):
            self.table.setColumnWidth(col, width)
        self.table.activated.connect(lambda _i: self.open_selected())
        r.addWidget(self.table, 1)
        self.count_label = QLabel()
        r.addWidget(self.count_label)
        split.addWidget(right)
        split.setSizes([500, 560])
        layout.addWidget(split, 1)
        self.session_filter.currentIndexChanged.connect(self._apply_filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.carrier_filter.currentIndexChanged.connect(self._apply_filters)
        self.since.editingFinished.connect(self._apply_filters)
        self.until.editingFinished.connect(self._apply_filters)
        self.search.textChanged.connect(self._apply_filters)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)

    @property
    def database(self):  # noqa: ANN201
        return self.window_.database

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        self.form.phone.setFocus()  # the desk is ready for the next phone number as soon as it shows

    def _catalog(self):  # noqa: ANN202
        if self._catalog_cache is None:
            self._catalog_cache = order_entry.catalog_items(self.database)
        return self._catalog_cache

    # --- refresh ---
    def refresh(self) -> None:
        self._catalog_cache = None
        current = self.session_filter.currentData()
        self.session_filter.blockSignals(True)
        self.session_filter.clear()
        self.session_filter.addItem(_("All sessions"), None)
        for s in order_entry.sessions(self.database):
            self.session_filter.addItem(f"{s['started_at'][:16]} · {s['name']}", s["id"])
        self.session_filter.setCurrentIndex(max(self.session_filter.findData(current), 0))
        self.session_filter.blockSignals(False)
        self.model.set_rows(order_entry.order_rows(self.database))
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

    def on_changes(self, changes: Changes) -> None:
        if changes.orders or changes.products or changes.lots:
            self.refresh()

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
        self.count_label.setText(_("{shown} of {total} orders").format(shown=self.model.rowCount(),
                                                                      total=self.model.total_count()))

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
        o = order_entry.get_order(self.database, order_id)
        draft = OrderDraft(phone=display_phone(o["phone"]), name=o["name"], street=o["street"],
                           province=str(o["province"] or ""), commune=str(o["commune"] or ""),
                           raw_address=o["raw_address"], shipping=str(o["shipping"] or ""),
                           prepaid=str(o["prepaid"] or ""), delivery_note=o["delivery_note"],
                           internal_note=o["internal_note"])
        self.form.set_value(draft)
        for x in o["lines"]:
            if not x["cancelled"]:
                self.form.add_line(x["sku"], str(x["qty"]))
                row = self.form.lines.rowCount() - 1
                self.form.lines.item(row, 3).setText(f"{x['unit_price']:,}".replace(",", "."))
                self.form.lines.item(row, 4).setText(x["price_reason"])
        self.editing_id = order_id
        self.form.customer_card.setText(_("Editing order {id}: Enter saves the change, Esc leaves it.").format(
            id=order_id))
        self.form.item.setFocus()

    def save(self) -> bool:
        session_id = self.session["id"] if getattr(self, "session", None) else None
        try:
            if self.editing_id is not None:
                saved = order_entry.edit_order(self.database, self.editing_id, self.form.value(), _("staff"))
            else:
                saved = order_entry.save_order(self.database, self.form.value(), session_id, _("staff"))
        except ValidationError as e:
            self.form.show_error(e)
            return False
        except CoopDeskError as e:
            warn(self, _("Not saved"), e.message)
            return False
        # Committed: only now does the form clear.
        self.form.clear()
        self.editing_id = None
        self.last_saved = saved
        note = " — ".join(["", *saved.warnings]) if saved.warnings else ""
        self.window_.statusBar().showMessage(_("Saved order {id}: {total}, COD {cod}").format(
            id=saved.order_id, total=format_vnd(saved.total_vnd), cod=format_vnd(saved.cod_vnd)) + note, 10000)
        self.changed.emit(Changes(orders=True, lots=True))
        return True

    def new_order(self) -> None:
        self.editing_id = None
        self.form.clear()

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
        try:
            order_entry.start_session(self.database, dialog.name.text(), dialog.channel.currentText(),
                                      dialog.host.text())
        except (ValidationError, CoopDeskError) as e:
            warn(self, _("Not started"), e.message)
            return
        self.changed.emit(Changes(orders=True))
        self.form.phone.setFocus()

    def end_session(self) -> None:
        s = order_entry.current_session(self.database)
        if s and ask(self, _("End session"), _("End the live session “{name}”?").format(name=s["name"]),
                     yes=_("End session")):
            order_entry.end_session(self.database, s["id"])
            self.changed.emit(Changes(orders=True))

    def import_orders(self, path: str | None = None) -> OrderImport | None:
        """A TikTok Shop export (CSV or XLSX) or CoopDesk's order sheet: preview, map SKUs, then commit."""
        if not path:
            path, _f = QFileDialog.getOpenFileName(self, _("Import orders"), str(Path.home()),
                                                   _("Order exports (*.csv *.xlsx)"))
        if not path:
            return None
        self.importer = OrderImport(self, self.database)
        self.importer.finished.connect(self._on_import_finished)
        self.importer.start(path)
        return self.importer

    def _on_import_finished(self, report: dict | None) -> None:
        self.last_import = report
        if report is None:
            return
        self.changed.emit(Changes(orders=True, lots=True, products=True))
        self.window_.statusBar().showMessage(_("Imported {file}: {new} new, {updated} updated, {unchanged} unchanged")
                                             .format(file=report["file"], new=report["orders_new"],
                                                     updated=report["orders_updated"],
                                                     unchanged=report["orders_unchanged"]), 10000)

    def save_order_template(self, target: str | None = None) -> None:
        if not target:
            target, _f = QFileDialog.getSaveFileName(self, _("Save the order sheet"),
                                                     str(Path.home() / "don-hang.xlsx"), _("Excel workbook (*.xlsx)"))
        if not target:
            return
        try:
            order_import.write_template(Path(target))
        except CoopDeskError as e:
            warn(self, _("Not written"), e.message)

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
        try:
            order_entry.flag_customer(self.database, phone, reason)
        except CoopDeskError as e:
            warn(self, _("Not flagged"), e.message)
            return
        self.changed.emit(Changes(orders=True))
