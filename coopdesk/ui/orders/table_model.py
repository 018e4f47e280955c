"""The order list as a Qt model over plain tuples: smooth with 100,000 orders (no widget per cell)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from coopdesk.domain.money import format_vnd
from coopdesk.domain.orders import order_status_label
from coopdesk.domain.phones import display_phone
from coopdesk.domain.text import fold
from coopdesk.i18n import _

# Row tuple: id, created, name, phone, total, cod, status, session, carrier, search text, items
R_ID, R_CREATED, R_NAME, R_PHONE, R_TOTAL, R_COD, R_STATUS, R_SESSION, R_CARRIER, R_SEARCH, R_ITEMS = range(11)
COLUMNS = (R_ID, R_CREATED, R_NAME, R_PHONE, R_ITEMS, R_TOTAL, R_COD, R_STATUS)
ID_ROLE = Qt.ItemDataRole.UserRole + 30
SORT_ROLE = Qt.ItemDataRole.UserRole + 31
STATUS_COLOURS = {"cancelled": "#9e9e9e", "returned": "#b71c1c", "delivered": "#1b5e20", "new": "#0d47a1"}


class OrdersTableModel(QAbstractTableModel):
    """Holds the rows as tuples straight from the query; formats only the cells Qt asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple] = []
        self._phones: dict[str, str] = {}
        self._headers = [_("No."), _("Time"), _("Customer"), _("Phone"), _("Items"), _("Total"), _("COD"),
                         _("Status")]

    def set_rows(self, rows: list[tuple]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def _phone(self, e164: str) -> str:
        shown = self._phones.get(e164)
        if shown is None:
            shown = self._phones[e164] = display_phone(e164)
        return shown

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        field = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[field]
            if field in (R_TOTAL, R_COD):
                return format_vnd(value)
            if field == R_STATUS:
                return order_status_label(value)
            if field == R_PHONE:
                return self._phone(value)
            if field == R_CREATED:
                return f"{value[8:10]}/{value[5:7]} {value[11:16]}" if value else ""
            return value
        if role == SORT_ROLE:
            return row[field] or 0 if field in (R_ID, R_TOTAL, R_COD) else str(row[field] or "")
        if role == Qt.ItemDataRole.TextAlignmentRole and field in (R_ID, R_TOTAL, R_COD):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and field == R_STATUS and row[R_STATUS] in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[row[R_STATUS]]))
        if role == ID_ROLE:
            return row[R_ID]
        return None


class OrderFilterProxy(QSortFilterProxyModel):
    """Session, status, carrier and text (without diacritics) filters, read straight from the tuples."""

    def __init__(self) -> None:
        super().__init__()
        self.setSortRole(SORT_ROLE)
        self._words: list[str] = []
        self._status = ""
        self._session: int | None = None
        self._carrier = ""

    def set_filters(self, text: str = "", status: str = "", session: int | None = None, carrier: str = "") -> None:
        self.beginFilterChange()
        self._words, self._status, self._session, self._carrier = fold(text).split(), status, session, carrier
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        row = self.sourceModel().rows[source_row]
        if self._status and row[R_STATUS] != self._status:
            return False
        if self._session is not None and row[R_SESSION] != self._session:
            return False
        if self._carrier and fold(row[R_CARRIER] or "") != fold(self._carrier):
            return False
        hay = row[R_SEARCH]
        return all(w in hay for w in self._words)
