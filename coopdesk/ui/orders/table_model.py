"""The order list as a Qt model over plain tuples: smooth with 100,000 orders (no widget per cell)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
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
STATUS_COLOURS = {"cancelled": "#9e9e9e", "returned": "#b71c1c", "delivered": "#1b5e20", "new": "#0d47a1"}


class OrdersTableModel(QAbstractTableModel):
    """Holds the rows as tuples straight from the query and filters them in one Python pass.

    With 100,000 orders a QSortFilterProxyModel calls back into Python once per row per keystroke;
    one list comprehension over the tuples is several times faster, so filtering and sorting live here.
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple] = []
        self._where: dict[int, int] = {}  # order id -> index in rows
        self._visible: list[int] = []
        self._phones: dict[str, str] = {}
        self._filters: tuple = ("", "", None, "", "", "")
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.DescendingOrder)
        self._headers = [_("No."), _("Time"), _("Customer"), _("Phone"), _("Items"), _("Total"), _("COD"),
                         _("Status")]

    def set_rows(self, rows: list[tuple]) -> None:
        self.rows = rows
        self._where = {r[R_ID]: i for i, r in enumerate(rows)}
        self._refilter()

    def upsert(self, rows: list[tuple]) -> None:
        """Put these rows in place (a save touched them) without reloading or refiltering the rest.

        A changed row that stays visible is repainted (dataChanged); a new row that passes the filters is
        inserted where the sort puts it; anything else (a row leaving the filter) refilters.
        """
        for row in sorted(rows, key=lambda r: r[R_ID]):
            i = self._where.get(row[R_ID])
            if i is None:
                self._where[row[R_ID]] = len(self.rows)
                self.rows.append(row)
                if self._passes(row):
                    self._insert_visible(len(self.rows) - 1)
                continue
            old, self.rows[i] = self.rows[i], row
            was, now = self._passes(old), self._passes(row)
            sorted_field = COLUMNS[self._sort[0]]
            if was and now and old[sorted_field] == row[sorted_field]:
                pos = self._visible.index(i)
                self.dataChanged.emit(self.index(pos, 0), self.index(pos, len(COLUMNS) - 1))
            elif was or now:
                self._refilter()

    def _passes(self, r: tuple) -> bool:
        text, status, session, carrier, since, until = self._filters
        until = f"{until} 99" if until else ""
        return ((not status or r[R_STATUS] == status) and (session is None or r[R_SESSION] == session)
                and (not carrier or fold(r[R_CARRIER] or "") == fold(carrier))
                and (not since or r[R_CREATED] >= since) and (not until or r[R_CREATED] <= until)
                and all(w in r[R_SEARCH] for w in fold(text).split()))

    def _insert_visible(self, i: int) -> None:
        column, order = self._sort
        if COLUMNS[column] != R_ID:
            self._refilter()
            return
        # Sorted by number: a new order (the highest number) goes first (descending) or last (ascending).
        pos = 0 if order == Qt.SortOrder.DescendingOrder else len(self._visible)
        self.beginInsertRows(QModelIndex(), pos, pos)
        self._visible.insert(pos, i)
        self.endInsertRows()

    def set_filters(self, text: str = "", status: str = "", session: int | None = None, carrier: str = "",
                    since: str = "", until: str = "") -> None:
        """``since``/``until`` are ISO days (yyyy-mm-dd), compared with the order's creation time."""
        self._filters = (text, status, session, carrier, since, until)
        self._refilter()

    def carriers(self) -> list[str]:
        return sorted({r[R_CARRIER] for r in self.rows if r[R_CARRIER]})

    def _refilter(self) -> None:
        text, status, session, carrier, since, until = self._filters
        until = f"{until} 99" if until else ""
        words = fold(text).split()
        carrier = fold(carrier)
        rows = self.rows
        visible = [i for i, r in enumerate(rows)
                   if (not status or r[R_STATUS] == status) and (session is None or r[R_SESSION] == session)
                   and (not carrier or fold(r[R_CARRIER] or "") == carrier)
                   and (not since or r[R_CREATED] >= since) and (not until or r[R_CREATED] <= until)
                   and all(w in r[R_SEARCH] for w in words)]
        self.beginResetModel()
        self._visible = self._sorted(visible)
        self.endResetModel()

    def _sorted(self, visible: list[int]) -> list[int]:
        column, order = self._sort
        field = COLUMNS[column]
        rows = self.rows
        numeric = field in (R_ID, R_TOTAL, R_COD)
        visible.sort(key=(lambda i: rows[i][field] or 0) if numeric else (lambda i: str(rows[i][field] or "")),
                     reverse=order == Qt.SortOrder.DescendingOrder)
        return visible

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._visible = self._sorted(self._visible)
        self.layoutChanged.emit()

    def row_id(self, row: int) -> int:
        return self.rows[self._visible[row]][R_ID]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def total_count(self) -> int:
        return len(self.rows)

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
        row = self.rows[self._visible[index.row()]]
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
        if role == Qt.ItemDataRole.TextAlignmentRole and field in (R_ID, R_TOTAL, R_COD):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and field == R_STATUS and row[R_STATUS] in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[row[R_STATUS]]))
        if role == ID_ROLE:
            return row[R_ID]
        return None
