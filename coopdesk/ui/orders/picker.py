"""The item picker of the order desk: suggestions like a shop program's, with SKU, name, pack, price and stock."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QHeaderView, QLineEdit, QTreeView

from coopdesk.domain.money import format_vnd
from coopdesk.domain.orders import CatalogItem
from coopdesk.i18n import _

SKU_ROLE = Qt.ItemDataRole.UserRole + 40
GREY = QColor("#9e9e9e")


class ItemPicker(QCompleter):
    """Suggestions under the item field, one product a row in columns; a row with nothing to sell is grey.

    The form decides what Enter does (it never guesses between several products); this class only shows.
    """

    def __init__(self, field: QLineEdit, stock: Callable[[], dict] | None = None) -> None:
        self.model = QStandardItemModel(0, 5)
        super().__init__(self.model, field)
        self.model.setParent(self)
        self.model.setHorizontalHeaderLabels([_("SKU"), _("Product"), _("Pack"), _("Price"), _("In stock")])
        self._stock = stock
        self._stock_cache: dict | None = None
        view = QTreeView()
        view.setRootIsDecorated(False)
        view.setUniformRowHeights(True)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.header().setStretchLastSection(False)
        view.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.setPopup(view)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setMaxVisibleItems(10)
        self.setWidget(field)
        self.field = field

    def forget_stock(self) -> None:
        """Stock is read once per order typed; saving an order or a refresh reads it again."""
        self._stock_cache = None

    def stock(self) -> dict:
        if self._stock_cache is None:
            self._stock_cache = self._stock() if self._stock is not None else {}
        return self._stock_cache

    def show_items(self, items: list[CatalogItem], sure: CatalogItem | None) -> None:
        """Fill and open the list; the row of the product meant beyond doubt (if any) is highlighted."""
        self.model.removeRows(0, self.model.rowCount())
        stock = self.stock()
        for c in items:
            s = stock.get(c.product_id)
            on_hand, recalled = (s.on_hand, s.recalled) if s is not None else (0, 0)
            shown = str(on_hand) + (" " + _("(+{n} recalled)").format(n=recalled) if recalled else "")
            row = [QStandardItem(c.sku), QStandardItem(c.name), QStandardItem(c.pack),
                   QStandardItem(format_vnd(c.price_vnd)), QStandardItem(shown)]
            row[3].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row[4].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = f"{c.sku} — {c.name}"
            if on_hand <= 0:
                tip += "\n" + (_("Nothing to sell: its only stock is in a recalled lot") if recalled
                               else _("Out of stock: saving asks whether to take it as a backorder"))
            for cell in row:
                cell.setData(c.sku, SKU_ROLE)
                cell.setToolTip(tip)
                if on_hand <= 0:
                    cell.setForeground(QBrush(GREY))
            self.model.appendRow(row)
        if not items:
            self.popup().hide()
            return
        width = max(self.field.width(), 680)
        self.complete(QRect(0, 0, width, self.field.height()))
        view = self.popup()
        # Qt sizes the list for its rows only; the column header needs room too, or the last row hides.
        rows = min(len(items), self.maxVisibleItems())
        needed = view.header().height() + rows * view.sizeHintForRow(0) + 2 * view.frameWidth() + 2
        if view.height() < needed:
            view.resize(view.width(), needed)
        view.setCurrentIndex(QModelIndex())
        view.clearSelection()
        if sure is not None:
            row = next(r for r, c in enumerate(items) if c.sku == sure.sku)
            view.setCurrentIndex(self.completionModel().index(row, 0))

    def chosen_sku(self) -> str | None:
        """The SKU of the highlighted row, if staff (or a sure match) highlighted one."""
        index = self.popup().currentIndex()
        return index.data(SKU_ROLE) if index.isValid() else None

    def clear(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.popup().hide()
