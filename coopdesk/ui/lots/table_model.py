"""The lot list as a Qt model, and the filter the list's controls drive."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from coopdesk.domain.dates import format_date
from coopdesk.domain.lots import format_kg, status_label
from coopdesk.domain.text import sort_key
from coopdesk.i18n import _
from coopdesk.services.traceability import LotView

COL_CODE, COL_PRODUCT, COL_STATUS, COL_SOURCE, COL_PLANTED, COL_HARVESTED, COL_PACKED, COL_EXPIRY, COL_STOCK = range(9)
VIEW_ROLE = Qt.ItemDataRole.UserRole + 20
SORT_ROLE = Qt.ItemDataRole.UserRole + 21
STATUS_COLOURS = {"recalled": "#b71c1c", "packed": "#1b5e20", "harvested": "#8d5300", "processed": "#4a148c"}


def stock_text(v: LotView) -> str:
    amount, unit = v.state.on_hand()
    return _("{n} packs").format(n=amount) if unit == "packs" else format_kg(amount)


_name_key = lru_cache(maxsize=8192)(sort_key)  # a season's 10,000 lots share a hundred product names


class LotsTableModel(QAbstractTableModel):
    """One row per lot; what each cell shows and how it sorts."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[LotView] = []
        self._headers = [_("Lot"), _("Product"), _("Status"), _("Areas / made from"), _("Planted"), _("Harvested"),
                         _("Packed"), _("Best before"), _("On hand")]

    def set_rows(self, rows: list[LotView]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def replace(self, views: list[LotView]) -> bool:
        """Put changed lots in place (dataChanged for their rows); False when one of them is not shown here."""
        where = {v.state.lot.id: i for i, v in enumerate(self._rows)}
        for v in views:
            i = where.get(v.state.lot.id)
            if i is None:
                return False
            self._rows[i] = v
            self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))
        return True

    def view(self, row: int) -> LotView:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        v = self._rows[index.row()]
        st, col = v.state, index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            source = ", ".join(a.name for a in v.areas) or ", ".join(v.made_from)
            return (v.code, v.product.name, status_label(st.status), source,
                    format_date(st.first("planting")), format_date(st.first("harvest")),
                    format_date(st.first("packing")), format_date(v.expiry), stock_text(v))[col]
        if role == SORT_ROLE:  # asked ~n·log n times when 10,000 lots sort: only the column asked, names cached
            if col == 0:
                return v.code
            if col == 1:
                return _name_key(v.product.name)
            if col == 2:
                return st.status
            if col in (4, 5, 6):
                return st.first(("planting", "harvest", "packing")[col - 4]) or date.min
            if col == 7:
                return v.expiry or date.min
            if col == 8:
                return st.on_hand()[0]
            return ""
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS and st.status in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[st.status]))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_STOCK:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_PRODUCT, COL_SOURCE):
            return f"{v.product.sku} — {v.product.name}" if col == COL_PRODUCT else ", ".join(
                [a.name for a in v.areas] + v.made_from) or None
        if role == VIEW_ROLE:
            return v
        return None
