"""The order form of the livestream desk: phone first, items by SKU or name, Enter saves, keyboard only."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.errors import ValidationError
from coopdesk.domain.money import MoneyError, format_vnd, parse_vnd
from coopdesk.domain.orders import (
    CatalogItem,
    LineDraft,
    OrderDraft,
    find_items,
    parse_qty,
    split_item,
    sure_item,
)
from coopdesk.i18n import _
from coopdesk.ui.orders.picker import SKU_ROLE, ItemPicker
from coopdesk.ui.shortcuts import HELP_PROPERTY
from coopdesk.ui.widgets.dialogs import ask
from coopdesk.ui.widgets.errors import ErrorBanner
from coopdesk.ui.widgets.fields import MoneyEdit, PlacePicker

COL_SKU, COL_NAME, COL_QTY, COL_PRICE, COL_REASON, COL_AMOUNT, COL_LOT = range(7)
LINE_ROLE = Qt.ItemDataRole.UserRole + 1  # on the SKU cell: (stored line id, discount text) of an edited line
DELIVERY_NOTES = ("Cho xem hàng", "Cho xem hàng, không cho thử", "Không cho xem hàng", "Gọi trước khi giao")


class _LineDelegate(QStyledItemDelegate):
    """Edits of the order lines pass the form's checks before they are kept (typed edits only)."""

    def __init__(self, form: OrderForm) -> None:
        super().__init__(form)
        self.form = form

    def setModelData(self, editor: QWidget, model, index) -> None:  # noqa: ANN001, N802 - Qt override
        if not isinstance(editor, QLineEdit):
            super().setModelData(editor, model, index)
            return
        kept = self.form.accept_edit(index.row(), index.column(), editor.text())
        if kept is not None:
            model.setData(index, kept)


class _Card(QLabel):
    """The customer card under the phone: takes no room while it has nothing to say."""

    def __init__(self) -> None:
        super().__init__()
        self.hide()

    def setText(self, text: str) -> None:  # noqa: N802 - Qt override
        super().setText(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        self.setText("")


class OrderForm(QWidget):
    """Collects an OrderDraft. Enter in the phone field looks the customer up; Enter in an empty item
    field saves; Enter after typing an item adds the line."""

    submitted = Signal()  # Enter on an empty item field, Ctrl+Enter or Ctrl+S
    phone_entered = Signal(str)
    lines_changed = Signal()
    discarded = Signal()  # staff cleared the form on purpose (Esc or Clear, confirmed): an edit is left

    def __init__(self, catalog: Callable[[], list[CatalogItem]], stock: Callable[[], dict] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        frame = QVBoxLayout(self)
        frame.setContentsMargins(0, 0, 0, 0)
        frame.setSpacing(4)
        # The fields scroll when error messages and warnings need more than a 768-pixel screen has;
        # the buttons below them never leave the screen.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.scroll.setWidget(body)
        frame.addWidget(self.scroll, 1)
        outer = QVBoxLayout(body)
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
        self.customer_card = _Card()
        self.customer_card.setWordWrap(True)
        self.name = QLineEdit()
        self.street = QLineEdit()
        self.street.setPlaceholderText(_("house number, street, village (thôn, bản, ấp)"))
        self.place = PlacePicker(vertical=False)
        self.legacy_button = QPushButton(_("Old address…"))
        self.legacy_button.setToolTip(_("Turn a pre-2025 address (ward, district, province) into the new commune"))
        self.legacy_button.clicked.connect(lambda _c=False: self.convert_old_address())
        place_row = QHBoxLayout()
        place_row.addWidget(self.place, 1)
        place_row.addWidget(self.legacy_button)
        f.addRow(_("&Phone *"), self.phone)
        f.addRow(self.customer_card)  # hidden while empty: the desk needs every line of a 768-pixel screen
        f.addRow(_("&Name"), self.name)
        f.addRow(_("&Street"), self.street)
        f.addRow(_("Commune"), place_row)
        outer.addWidget(buyer)

        items = QGroupBox(_("Items"))
        iv = QVBoxLayout(items)
        self.item = QLineEdit()
        self.item.setObjectName("orderItem")
        # A commune chosen with Enter moves the typist on to the items (the Old address button is for the mouse).
        self.place.chosen.connect(lambda: QTimer.singleShot(0, self.item.setFocus))
        self.item.setPlaceholderText(_("SKU or part of the name, e.g. nem50 x3 — Enter adds; Enter on empty saves"))
        self._completer = ItemPicker(self.item, stock)
        self._completer.popup().clicked.connect(lambda index: self._take(index.data(SKU_ROLE)))
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
        self.lines.verticalHeader().setDefaultSectionSize(24)
        # six lines in view without scrolling: a live order rarely has more
        self._lines_header = self.lines.horizontalHeader().sizeHint().height()
        self.lines.setMinimumHeight(self._lines_header + 6 * 24 + 2 * self.lines.frameWidth() + 2)
        self.lines.itemChanged.connect(lambda _i: (self._recompute(), self.lines_changed.emit()))
        self.lines.setItemDelegate(_LineDelegate(self))
        # Typing never lands in a cell by accident: a cell is edited with F2 or a double-click, and Tab
        # leaves the table for the shipping fee instead of walking its cells.
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.lines.setTabKeyNavigation(False)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.lines, activated=self.remove_selected_line,
                  context=Qt.ShortcutContext.WidgetShortcut).setWhatsThis(_("Order lines: remove the selected line"))
        self.lines.setProperty(HELP_PROPERTY, ("F2", _("Order lines: edit the quantity, price or lot of a line")))
        iv.addWidget(self.lines)
        self.stock_warning = _Card()
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
        self.delivery_note.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # a typed note is not added to the list
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
        for layout in (f, iv, m):
            layout.setContentsMargins(8, 4, 8, 4)
            layout.setSpacing(4)
        self.button_bar = QWidget()
        buttons = QHBoxLayout(self.button_bar)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.paste_button = QPushButton(_("Paste a &comment (Ctrl+Shift+V)"))
        self.clear_button = QPushButton(_("C&lear (Esc)"))
        self.save_button = QPushButton(_("Save order (Enter)"))
        self.save_button.setDefault(False)
        self.save_button.setStyleSheet("font-weight: bold;")
        self.save_button.clicked.connect(self.submitted.emit)
        self.clear_button.clicked.connect(lambda _c=False: self.request_clear())
        for b in (self.paste_button, self.clear_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        self._build_question(frame)
        frame.addWidget(self.button_bar)
        for seq in ("Ctrl+Return", "Ctrl+Enter", QKeySequence.StandardKey.Save):
            QShortcut(QKeySequence(seq), self, activated=self.submitted.emit,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut).setWhatsThis(_("Save the order"))
        QShortcut(QKeySequence("Escape"), self, activated=self.on_escape,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut).setWhatsThis(
            _("Close the suggestion list; on a filled form, ask before clearing it"))
        # Enter walks the buyer's fields like Tab, and saves from the money and note fields (the button says Enter).
        for w in (self.name, self.street):
            w.returnPressed.connect(lambda w=w: w.focusNextPrevChild(True))
        for w in (self.shipping, self.prepaid, self.internal_note, self.delivery_note.lineEdit()):
            # after the field has finished with the key (the money fields write 30k as 30.000 first)
            w.returnPressed.connect(lambda: QTimer.singleShot(0, self.submitted.emit))
        self.phone.setProperty(HELP_PROPERTY, (_("Enter"), _("Phone: find the customer, then go to the items")))
        self.item.setProperty(HELP_PROPERTY, (_("Enter"), _("Item: add the line; on an empty item field, save")))
        self.fields: dict[str, QWidget] = {
            "phone": self.phone, "name": self.name, "street": self.street, "province": self.place.province,
            "commune": self.place.commune, "items": self.item, "shipping": self.shipping, "prepaid": self.prepaid,
            "cod": self.prepaid}
        self._recompute()

    # --- the question before saving an order that cannot ship as typed ---
    def _build_question(self, frame: QVBoxLayout) -> None:
        self.question = QFrame()
        self.question.setObjectName("saveQuestion")
        self.question.setStyleSheet("QFrame#saveQuestion { background: #fff4d6; border: 1px solid #e0a800;"
                                    " border-radius: 4px; }")
        q = QVBoxLayout(self.question)
        q.setContentsMargins(8, 6, 8, 6)
        self.question_text = QLabel()
        self.question_text.setWordWrap(True)
        q.addWidget(self.question_text)
        row = QHBoxLayout()
        self.backorder_button = QPushButton(_("Save as a backorder"))
        self.backorder_button.setToolTip(_("Saved now; the lines wait for stock, and the internal note says so"))
        self.save_anyway_button = QPushButton(_("Save anyway"))
        self.fix_button = QPushButton(_("Fix it (Esc)"))
        for b in (self.fix_button, self.backorder_button, self.save_anyway_button):
            b.setAutoDefault(True)  # Enter on the focused choice takes it
            row.addWidget(b)
        row.addStretch(1)
        q.addLayout(row)
        self.backorder_button.clicked.connect(lambda _c=False: self._confirm(backorder=True))
        self.save_anyway_button.clicked.connect(lambda _c=False: self._confirm(backorder=False))
        self.fix_button.clicked.connect(lambda _c=False: self.fix_problems())
        self.question.hide()
        frame.addWidget(self.question)
        self._asked: tuple | None = None
        self._confirmed: tuple | None = None

    def confirm_save(self, problems: list) -> bool:
        """True when the order may be saved: nothing stands in the way, or staff chose to save it anyway.

        Otherwise the question shows in the form (not only in the status bar): save as a backorder, save
        anyway, or fix; the focus rests on Fix, so a second Enter typed from habit saves nothing.
        """
        key = tuple((p.kind, p.message) for p in problems)
        if not key or key == self._confirmed:
            self._confirmed = None
            self._show_question(False)
            return True
        self._asked = key
        stock = any(p.kind == "stock" for p in problems)
        self.question_text.setText(_("This order cannot ship as typed:") + "\n" +
                                   "\n".join("• " + p.message for p in problems))
        self.backorder_button.setVisible(stock)
        self.save_anyway_button.setText(_("Save anyway") if stock else _("Save, add the address later"))
        self._show_question(True)
        self.fix_button.setFocus()
        return False

    def _show_question(self, on: bool) -> None:
        """The question takes the place of the buttons and the stock note it repeats, so the form keeps its
        height on a 768-pixel screen."""
        self.question.setVisible(on)
        self.button_bar.setVisible(not on)
        self.stock_warning.setVisible(not on and bool(self.stock_warning.text()))
        # The question is taller than the buttons: the lines table lends it the room of its empty rows, so the
        # shipping fee and notes stay in view without a scroll bar.
        rows = max(self.lines.rowCount(), 2) if on else 6
        self.lines.setMinimumHeight(self._lines_header + rows * 24 + 2 * self.lines.frameWidth() + 2)

    def _confirm(self, backorder: bool) -> None:
        if backorder:
            mark = _("BACKORDER")
            if mark not in self.internal_note.text():
                self.internal_note.setText(" ".join(x for x in (mark, self.internal_note.text()) if x))
        self._confirmed = self._asked
        self._show_question(False)
        self.submitted.emit()

    def fix_problems(self) -> None:
        """Back to the form, at the first thing to fix."""
        self._show_question(False)
        kinds = {k for k, _m in (self._asked or ())}
        self._asked = None
        if "address" in kinds:
            self.place.commune.setFocus()
        else:
            self.item.setFocus()

    # --- Esc and clearing: never lose typed work to one key ---
    def _open_popups(self) -> list[QWidget]:
        popups = [self._completer.popup(), *self.place.popups()]
        return [p for p in popups if p.isVisible()]

    def on_escape(self) -> None:
        """Esc closes an open suggestion list and nothing else; on a form holding data it asks first."""
        popups = self._open_popups()
        if popups:
            for p in popups:
                p.hide()
            return
        if self.question.isVisible():
            self.fix_problems()
            return
        self.request_clear()

    def has_data(self) -> bool:
        """Anything typed that clearing would lose."""
        texts = (self.phone, self.name, self.street, self.place.commune, self.item, self.shipping, self.prepaid,
                 self.internal_note)
        return (any(w.text().strip() for w in texts) or self.lines.rowCount() > 0
                or self.place.province.currentIndex() > 0 or bool(self.delivery_note.currentText().strip()))

    def request_clear(self) -> bool:
        """Clear for the next order, after asking when something typed would be lost. True if cleared."""
        if self.has_data():
            lines = self.lines.rowCount()
            text = _("Clear this order? What is typed here (phone, address, {n} line(s)) is not saved and will "
                     "be lost.").format(n=lines)
            if not ask(self, _("Clear the order?"), text, yes=_("Clear it"), no=_("Keep typing")):
                return False
        self.clear()
        self.discarded.emit()
        return True

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
        catalog = self._catalog()
        found = find_items(query, catalog, limit=12) if query.strip() else []
        self._completer.show_items(found, sure_item(query, catalog) if found else None)

    def _take(self, sku: str | None) -> None:
        """Add the chosen product with the quantity typed after it ('nem50 x3')."""
        if not sku:
            return
        _query, qty = split_item(self.item.text())
        self._completer.popup().hide()
        if self._qty_refused(qty):
            return
        self.add_line(sku, qty, merge=True)

    def _qty_refused(self, qty: str) -> bool:
        try:
            parse_qty(qty)
        except ValueError:
            self.stock_warning.setText("⚠ " + _("Quantity “{text}”: type a whole number above 0, e.g. nem50 x3.")
                                       .format(text=qty))
            self.item.setFocus()
            return True
        return False

    def _on_item_enter(self) -> None:
        """Enter adds the highlighted product, or the one the text names beyond doubt; between several it
        asks staff to choose (↓ then Enter) rather than take the first; on an empty field it saves."""
        popup = self._completer.popup()
        chosen = self._completer.chosen_sku() if popup.isVisible() else None
        if chosen:
            self._take(chosen)
            return
        text = self.item.text().strip()
        if not text:
            popup.hide()
            self.submitted.emit()
            return
        query, qty = split_item(text)
        catalog = self._catalog()
        sure = sure_item(query, catalog)
        if sure is not None:
            self._take(sure.sku)
            return
        found = find_items(query, catalog, limit=12)
        if found:
            self.stock_warning.setText("⚠ " + _("“{text}” matches {n} products: choose one with ↓ and Enter, or "
                                                "type more of it.").format(text=query, n=len(found)))
            QTimer.singleShot(0, lambda: self._completer.show_items(found, None))  # after the completer hid it
        elif query.isdigit():
            popup.hide()
            self.stock_warning.setText("⚠ " + _("“{text}” is a number: type the product too (e.g. nem50 x{text}), or "
                                                "change the quantity in the line's Qty column.").format(text=query))
        else:
            popup.hide()
            self.stock_warning.setText(_("No product matches “{text}”.").format(text=query))

    def add_line(self, sku: str, qty: str = "1", line: LineDraft | None = None, merge: bool = False) -> None:
        """Add a row; ``line`` (from ``draft_for_edit``) brings its price, reason, lots, discount and line id; with
        ``merge``, the same product typed again adds to its line instead."""
        item = next((c for c in self._catalog() if c.sku == sku), None)
        if item is None:
            return
        if merge:
            for r in range(self.lines.rowCount()):
                same = (self.lines.item(r, COL_SKU).text() == sku and not self.lines.item(r, COL_LOT).text().strip()
                        and not self.lines.item(r, COL_REASON).text().strip())
                if same:
                    try:
                        total = parse_qty(self.lines.item(r, COL_QTY).text()) + parse_qty(qty or "1")
                    except ValueError:
                        break
                    self.lines.item(r, COL_QTY).setText(str(total))
                    self.lines.selectRow(r)
                    self._after_line_added()
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
        self._after_line_added()

    def _catalog_price(self, row: int) -> int | None:
        sku = self.lines.item(row, COL_SKU).text()
        return next((c.price_vnd for c in self._catalog() if c.sku == sku), None)

    def accept_edit(self, row: int, col: int, text: str) -> str | None:
        """What staff typed into a cell, as it is kept, or None when refused (the message says why).

        A quantity of 0 or less is refused on the line itself, not at save; a price other than the catalog's
        is kept, and the reason cell opens for the why.
        """
        if col == COL_QTY:
            try:
                return str(parse_qty(text))
            except ValueError:
                self.stock_warning.setText("⚠ " + _("Line {n}: quantity “{text}” refused — type a whole number "
                                                    "above 0.").format(n=row + 1, text=text))
                return None
        if col == COL_PRICE:
            try:
                price = parse_vnd(text)
            except MoneyError:
                self.stock_warning.setText("⚠ " + _("Line {n}: “{text}” is not an amount in đồng.").format(
                    n=row + 1, text=text))
                return None
            catalog = self._catalog_price(row)
            reason = self.lines.item(row, COL_REASON)
            if price != catalog and reason is not None and not reason.text().strip():
                why = "⚠ " + _("Line {n} sells at {price} instead of the catalog's {catalog}: type the reason.").format(
                    n=row + 1, price=format_vnd(price), catalog=format_vnd(catalog or 0))
                QTimer.singleShot(0, lambda: self._edit_cell(row, COL_REASON, why))
            return f"{price:,}".replace(",", ".")
        return text

    def _edit_cell(self, row: int, col: int, message: str = "") -> None:
        if message:
            self.stock_warning.setText(message)
        self.lines.setFocus()
        self.lines.setCurrentCell(row, col)
        self.lines.editItem(self.lines.item(row, col))

    def _after_line_added(self) -> None:
        self.item.clear()
        self._completer.clear()
        self.stock_warning.clear()
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
        self._show_question(False)
        self._asked = self._confirmed = None
        self._completer.clear()
        self._completer.forget_stock()  # an order was saved or dropped: stock is read afresh for the next
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
