"""The order form of the livestream desk: phone first, items by SKU or name, Enter saves, keyboard only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.errors import ValidationError
from coopdesk.domain.money import MoneyError, format_vnd, parse_vnd
from coopdesk.domain.orders import CatalogItem, LineDraft, OrderDraft, find_items, split_item
from coopdesk.i18n import _
from coopdesk.ui.widgets.errors import ErrorBanner
from coopdesk.ui.widgets.fields import MoneyEdit, PlacePicker

COL_SKU, COL_NAME, COL_QTY, COL_PRICE, COL_REASON, COL_AMOUNT, COL_LOT = range(7)
LINE_ROLE = Qt.ItemDataRole.UserRole + 1  # on the SKU cell: (stored line id, discount text) of an edited line
DELIVERY_NOTES = ("Cho xem hàng", "Cho xem hàng, không cho thử", "Không cho xem hàng", "Gọi trước khi giao")


class OrderForm(QWidget):
    """Collects an OrderDraft. Enter in the phone field looks the customer up; Enter in an empty item
    field saves; Enter after typing an item adds the line."""

    submitted = Signal()  # Enter on an empty item field, Ctrl+Enter or Ctrl+S
    phone_entered = Signal(str)
    lines_changed = Signal()

    def __init__(self, catalog: Callable[[], list[CatalogItem]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self.errors = ErrorBanner()
        outer.addWidget(self.errors)
        buyer = QGroupBox(_("Buyer"))
        f = QFormLayout(buyer)
        self.phone = QLineEdit()
        self.phone.setObjectName("orderPhone")
        self.phone.setPlaceholderText(_("phone first, then Enter"))
        self.phone.returnPressed.connect(lambda: self.phone_entered.emit(self.phone.text()))
        self.customer_card = QLabel()
        self.customer_card.setWordWrap(True)
        self.name = QLineEdit()
        self.street = QLineEdit()
        self.street.setPlaceholderText(_("house number, street, village (thôn, bản, ấp)"))
        self.place = PlacePicker(vertical=False)
        self.legacy_button = QPushButton(_("Old address…"))
        self.legacy_button.setToolTip(_("Turn a pre-2025 address (ward, district, province) into the new commune"))
        self.legacy_button.clicked.connect(self.convert_old_address)
        place_row = QHBoxLayout()
        place_row.addWidget(self.place, 1)
        place_row.addWidget(self.legacy_button)
        f.addRow(_("&Phone *"), self.phone)
        f.addRow("", self.customer_card)
        f.addRow(_("&Name"), self.name)
        f.addRow(_("&Street"), self.street)
        f.addRow(_("Commune"), place_row)
        outer.addWidget(buyer)

        items = QGroupBox(_("Items"))
        iv = QVBoxLayout(items)
        self.item = QLineEdit()
        self.item.setObjectName("orderItem")
        self.item.setPlaceholderText(_("SKU or part of the name, e.g. nem50 x3 — Enter adds; Enter on empty saves"))
        self._item_model = QStringListModel(self)  # 'SKU — name', ranked by the save's own search
        self._completer = QCompleter(self._item_model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setWidget(self.item)
        self._completer.activated[str].connect(self._on_completion_chosen)
        self.item.textEdited.connect(self._on_item_edited)
        self.item.returnPressed.connect(self._on_item_enter)
        iv.addWidget(self.item)
        self.lines = QTableWidget(0, 7)
        self.lines.setHorizontalHeaderLabels([_("SKU"), _("Product"), _("Qty"), _("Price"), _("Price reason"),
                                              _("Amount"), _("Lot")])
        self.lines.horizontalHeaderItem(COL_LOT).setToolTip(_("Empty: first-expiring packed lot first. "
                                                               "Type a lot code to take the packs from it."))
        self.lines.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lines.horizontalHeader().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.lines.verticalHeader().hide()
        self.lines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines.setMinimumHeight(72)
        self.lines.itemChanged.connect(lambda _i: self._recompute())
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.lines, activated=self.remove_selected_line,
                  context=Qt.ShortcutContext.WidgetShortcut)
        iv.addWidget(self.lines)
        self.stock_warning = QLabel()
        self.stock_warning.setStyleSheet("color:#8d5300")
        self.stock_warning.setWordWrap(True)
        iv.addWidget(self.stock_warning)
        outer.addWidget(items, 1)

        money = QGroupBox(_("Money and notes"))
        m = QFormLayout(money)
        self.shipping = MoneyEdit()
        self.prepaid = MoneyEdit()
        for w in (self.shipping, self.prepaid):
            w.setPlaceholderText("0")
            w.textChanged.connect(lambda _t: self._recompute())
        self.totals = QLabel()
        self.totals.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.delivery_note = QComboBox()
        self.delivery_note.setEditable(True)
        self.delivery_note.addItems(["", *DELIVERY_NOTES])
        self.internal_note = QLineEdit()
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Shipping")))
        row.addWidget(self.shipping)
        row.addWidget(QLabel(_("Prepaid")))
        row.addWidget(self.prepaid)
        m.addRow(row)
        m.addRow(self.totals)
        notes = QHBoxLayout()  # one row for both notes keeps the desk inside a 768-pixel-high screen
        self.delivery_note.setToolTip(_("Delivery note, printed for the carrier"))
        self.internal_note.setPlaceholderText(_("internal note"))
        notes.addWidget(self.delivery_note, 1)
        notes.addWidget(self.internal_note, 1)
        m.addRow(_("Delivery note"), notes)
        outer.addWidget(money)
        buttons = QHBoxLayout()
        self.paste_button = QPushButton(_("Paste a &comment (Ctrl+Shift+V)"))
        self.clear_button = QPushButton(_("C&lear (Esc)"))
        self.save_button = QPushButton(_("Save order (Enter)"))
        self.save_button.setDefault(False)
        self.save_button.setStyleSheet("font-weight: bold;")
        self.save_button.clicked.connect(self.submitted.emit)
        self.clear_button.clicked.connect(lambda: self.clear())
        for b in (self.paste_button, self.clear_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter", QKeySequence.StandardKey.Save):
            QShortcut(QKeySequence(seq), self, activated=self.submitted.emit,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Escape"), self, activated=self.clear,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.fields: dict[str, QWidget] = {
            "phone": self.phone, "name": self.name, "street": self.street, "province": self.place.province,
            "commune": self.place.commune, "items": self.item, "shipping": self.shipping, "prepaid": self.prepaid,
            "cod": self.prepaid}
        self._recompute()

    def convert_old_address(self, text: str | None = None) -> bool:
        """Ask for the old address, show the new communes it became, and fill the one chosen."""
        from PySide6.QtWidgets import QInputDialog

        from coopdesk.domain.addresses import legacy_candidates

        if text is None:
            text, ok = QInputDialog.getText(self, _("Old address"), _(
                "The address as written before July 2025 (ward, district, province):"), text=self._raw_address)
            if not ok:
                return False
        options = [(m, c) for m in legacy_candidates(text) for c in m.candidates]
        if not options:
            self.stock_warning.setText(_("No pre-2025 ward matches “{text}”.").format(text=text))
            return False
        labels = [f"{c.name} ← {m.old}" for m, c in options]
        choice = labels[0]
        if len(options) > 1:
            choice, ok = QInputDialog.getItem(self, _("Old address"), _("It became one of these; choose:"), labels,
                                              0, False)
            if not ok:
                return False
        match, commune = options[labels.index(choice)]
        self.place.set_values(match.province, commune.name)
        self._raw_address = self._raw_address or text
        return True

    # --- items ---
    def _on_item_edited(self, text: str) -> None:
        query, _qty = split_item(text)
        found = find_items(query, self._catalog()) if query.strip() else []
        self._item_model.setStringList([f"{c.sku} — {c.name}" for c in found])
        if found:
            self._completer.complete()
        else:
            self._completer.popup().hide()

    def _on_completion_chosen(self, text: str) -> None:
        _query, qty = split_item(self.item.text())
        self.add_line(text.split(" — ")[0], qty)

    def _on_item_enter(self) -> None:
        if self._completer.popup().isVisible():
            index = self._completer.popup().currentIndex()
            if not index.isValid():
                index = self._completer.completionModel().index(0, 0)
            self._completer.popup().hide()
            if index.isValid():
                self._on_completion_chosen(index.data())
                return
        text = self.item.text().strip()
        if not text:
            self.submitted.emit()
            return
        query, qty = split_item(text)
        found = find_items(query, self._catalog())
        if found:
            self.add_line(found[0].sku, qty)
        else:
            self.stock_warning.setText(_("No product matches “{text}”.").format(text=query))

    def add_line(self, sku: str, qty: str = "1", line: LineDraft | None = None) -> None:
        """Add a row; ``line`` (from ``draft_for_edit``) brings its price, reason, lots, discount and line id."""
        item = next((c for c in self._catalog() if c.sku == sku), None)
        if item is None:
            return
        self.lines.blockSignals(True)
        r = self.lines.rowCount()
        self.lines.insertRow(r)
        price = line.price if line is not None and line.price else f"{item.price_vnd:,}".replace(",", ".")
        for col, value in ((COL_SKU, item.sku), (COL_NAME, item.name), (COL_QTY, qty or "1"),
                           (COL_PRICE, price), (COL_REASON, line.price_reason if line else ""), (COL_AMOUNT, ""),
                           (COL_LOT, line.lot if line else "")):
            cell = QTableWidgetItem(value)
            if col in (COL_SKU, COL_NAME, COL_AMOUNT):
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.lines.setItem(r, col, cell)
        # What the row edits but does not show as a column: the stored line and its discount.
        self.lines.item(r, COL_SKU).setData(LINE_ROLE, (line.line_id, line.discount) if line else (None, ""))
        if line is not None and line.discount:
            self.lines.item(r, COL_AMOUNT).setToolTip(_("Line discount: {amount}").format(amount=line.discount))
        self.lines.blockSignals(False)
        self.item.clear()
        self._item_model.setStringList([])
        self._recompute()
        self.lines_changed.emit()

    def remove_selected_line(self) -> None:
        rows = sorted({i.row() for i in self.lines.selectedIndexes()}, reverse=True)
        for r in rows:
            self.lines.removeRow(r)
        self._recompute()
        self.lines_changed.emit()

    def _recompute(self) -> None:
        subtotal = 0
        self.lines.blockSignals(True)
        for r in range(self.lines.rowCount()):
            try:
                qty = int(self.lines.item(r, COL_QTY).text())
                price = parse_vnd(self.lines.item(r, COL_PRICE).text())
                discount = self._line_extra(r)[1]
                amount = qty * price - (parse_vnd(discount) if discount else 0)
                subtotal += amount
                self.lines.item(r, COL_AMOUNT).setText(format_vnd(amount))
            except (ValueError, MoneyError, AttributeError):
                if self.lines.item(r, COL_AMOUNT):
                    self.lines.item(r, COL_AMOUNT).setText("?")
        self.lines.blockSignals(False)

        def money(edit: QLineEdit) -> int:
            try:
                return parse_vnd(edit.text()) if edit.text().strip() else 0
            except MoneyError:
                return 0

        total = subtotal + money(self.shipping)
        cod = total - money(self.prepaid)
        self.totals.setText(_("Total {total} · COD to collect {cod}").format(total=format_vnd(total),
                                                                           cod=format_vnd(max(cod, 0))))

    def _line_extra(self, row: int) -> tuple[int | None, str]:
        data = self.lines.item(row, COL_SKU).data(LINE_ROLE) if self.lines.item(row, COL_SKU) else None
        return tuple(data) if data else (None, "")

    # --- value ---
    def value(self) -> OrderDraft:
        province, commune = self.place.values()
        cell = self.lines.item
        lines = [LineDraft(item=cell(r, COL_SKU).text(), qty=cell(r, COL_QTY).text(), price=cell(r, COL_PRICE).text(),
                           price_reason=cell(r, COL_REASON).text(), lot=cell(r, COL_LOT).text(),
                           discount=self._line_extra(r)[1], line_id=self._line_extra(r)[0])
                 for r in range(self.lines.rowCount())]
        pending = self.item.text().strip()
        if pending:
            item, qty = split_item(pending)
            lines.append(LineDraft(item=item, qty=qty))
        return OrderDraft(phone=self.phone.text(), name=self.name.text(), street=self.street.text(),
                          province=province, commune=commune, raw_address=self._raw_address, lines=lines,
                          shipping=self.shipping.text(), prepaid=self.prepaid.text(), cod=self._cod,
                          delivery_note=self.delivery_note.currentText(), internal_note=self.internal_note.text())

    _raw_address = ""
    _cod = ""  # an edited order's own COD (set apart from total − prepaid), kept as it was

    def set_value(self, d: OrderDraft) -> None:
        """Fill the form (from a pasted comment or an order being edited) for staff to confirm."""
        self.clear(keep_focus=True)
        self.phone.setText(d.phone)
        self.name.setText(d.name)
        self.street.setText(d.street)
        self.place.set_values(d.province, d.commune)
        self._raw_address = d.raw_address
        self._cod = d.cod
        for line in d.lines:
            self.add_line(line.item, line.qty, line if line.line_id is not None else None)
        self.shipping.setText(d.shipping)
        self.prepaid.setText(d.prepaid)
        self.delivery_note.setCurrentText(d.delivery_note)
        self.internal_note.setText(d.internal_note)

    def clear(self, keep_focus: bool = False) -> None:
        for w in (self.phone, self.name, self.street, self.item, self.shipping, self.prepaid, self.internal_note):
            w.clear()
        self.place.set_values(None, "")
        self.delivery_note.setCurrentIndex(0)
        self.lines.setRowCount(0)
        self.customer_card.clear()
        self.customer_card.setStyleSheet("")
        self.stock_warning.clear()
        self._raw_address = ""
        self._cod = ""
        self.errors.show_error(None, self.fields)
        self._recompute()
        if not keep_focus:
            self.phone.setFocus()

    def show_error(self, error: ValidationError) -> None:
        fields = dict(self.fields)
        for e in error.errors:
            if e.field.startswith("line"):
                fields[e.field] = self.lines
        self.errors.show_error(error, fields)
