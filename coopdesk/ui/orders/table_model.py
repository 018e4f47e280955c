"""The order list as a Qt model over plain tuples, read a page at a time: as quick at 500,000 orders as at 500."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor

from coopdesk.domain.dates import format_iso
from coopdesk.domain.money import format_vnd
from coopdesk.domain.orders import order_status_label
from coopdesk.domain.phones import display_phone
from coopdesk.i18n import _
from coopdesk.services import order_entry

# Row tuple: id, created, name, phone, total, cod, status, session, carrier, search text, items
R_ID, R_CREATED, R_NAME, R_PHONE, R_TOTAL, R_COD, R_STATUS, R_SESSION, R_CARRIER, R_SEARCH, R_ITEMS = range(11)
# Total, COD and status come before phone and items: they must show without scrolling on a 1366-pixel screen.
COLUMNS = (R_ID, R_CREATED, R_NAME, R_TOTAL, R_COD, R_STATUS, R_PHONE, R_ITEMS)
ID_ROLE = Qt.ItemDataRole.UserRole + 30
STATUS_COLOURS = {"cancelled": "#9e9e9e", "returned": "#b71c1c", "delivered": "#1b5e20", "new": "#0d47a1"}


def short_when(value: str | None, this_year: str) -> str:
    """This year's orders as 'dd/mm hh:mm' (a live's evening at a glance); an older one with its year,
    'dd/mm/yyyy', so a 2025 TikTok import never looks like this week's."""
    if not value:
        return ""
    if value[:4] == this_year:
        return f"{value[8:10]}/{value[5:7]} {value[11:16]}".strip()
    return f"{value[8:10]}/{value[5:7]}/{value[:4]}"


SORT_NAMES = {R_ID: "id", R_CREATED: "created", R_NAME: "name", R_PHONE: "phone", R_TOTAL: "total", R_COD: "cod",
              R_STATUS: "status"}  # the item summary is not sortable: it is computed for shown rows only


class OrdersTableModel(QAbstractTableModel):
    """The order list, one page at a time: Qt asks for more (canFetchMore/fetchMore) as the user scrolls.

    Filtering, ranking and sorting happen in SQL (trigram indexes for the text, indexes for the filters and the
    sort columns, keyset paging), so a keystroke or a scroll reads one screenful whatever the season holds.
    ``rows`` holds the rows loaded so far, in display order; ``keys`` their (rank, sort value, id).

    No call blocks the window for long at 500,000 orders: a page read along a sort index stops after a bounded
    number of rows (a rare match may come back short; the rest is fetched a step at a time while the window
    stays free), and a broad filter's count is made a range of order numbers at a time, shown as "n+" meanwhile.
    """

    PAGE = 200
    count_changed = Signal()  # the count of matching orders moved (a step of counting, or it finished)

    def __init__(self, database: Callable[[], Any] | None = None) -> None:
        super().__init__()
        self._database = database
        self.rows: list[tuple] = []
        self.keys: list[tuple] = []
        self._phones: dict[str, str] = {}
        self._year = str(date.today().year)
        self._filter = order_entry.OrderFilter()
        self._sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.DescendingOrder)
        self._plan: order_entry.OrderList | None = None
        self._resume: tuple | None = None  # the key the next page starts after (None: everything is loaded)
        self._total: int | None = None
        self._matched = 0
        self._last_id = 0
        self.counting = False  # the count is still being made: matched_count() is a lower bound
        self._count_from = self._count_to = 0  # the order numbers still to count: [from, to)
        self._count_step = 5_000  # order numbers a step counts; it adapts (at most doubling) to about 10 ms
        self._filler = QTimer(self, singleShot=True, interval=0)  # fills a short first screen, a step at a time
        self._filler.timeout.connect(self._fill)
        self._counter = QTimer(self, singleShot=True, interval=0)
        self._counter.timeout.connect(self._count_some)
        titles = {R_ID: _("No."), R_CREATED: _("Time"), R_NAME: _("Customer"), R_PHONE: _("Phone"),
                  R_ITEMS: _("Items"), R_TOTAL: _("Total"), R_COD: _("COD"), R_STATUS: _("Status")}
        self._headers = [titles[c] for c in COLUMNS]

    def set_database(self, database: Callable[[], Any]) -> None:
        self._database = database
        self._total = None
        self._filler.stop()
        self._counter.stop()

    @property
    def database(self) -> Any:  # noqa: ANN401 - the file the page shows
        assert self._database is not None
        return self._database()

    # --- loading ---
    def _sort_args(self) -> tuple[str, bool]:
        column, order = self._sort
        return SORT_NAMES.get(COLUMNS[column], "id"), order == Qt.SortOrder.DescendingOrder

    def _read(self, keys: list[tuple]) -> list[tuple]:
        if not keys:
            return []
        by_id = {r[R_ID]: r for r in order_entry.order_rows(self.database, ids=[k[2] for k in keys])}
        return [by_id[k[2]] for k in keys if k[2] in by_id]

    def recount_total(self) -> None:
        """Count the file's orders again at the next reload (a refresh: another file, changes naming no rows)."""
        self._total = None

    def reload(self) -> None:
        """Read the first page again (start-up, a filter or sort change, a change that names no rows)."""
        self._filler.stop()
        self._counter.stop()
        sort, descending = self._sort_args()
        database = self.database
        self._plan = order_entry.plan_order_list(database, self._filter, sort, descending)
        keys, self._resume = order_entry.order_page(database, self._plan, None, self.PAGE)
        self.beginResetModel()
        self.keys = keys
        self.rows = self._read(keys)
        if self._total is None:
            self._total = order_entry.order_count(database)
        self._last_id = order_entry.last_order_id(database)
        self.counting = False
        if self._filter == order_entry.OrderFilter():
            self._matched = self._total
        elif self._resume is None:
            self._matched = len(keys)
        else:
            small = order_entry.order_count_small(database, self._plan)
            if small is not None:
                self._matched = small
            else:
                self._start_count()
        self.endResetModel()
        self._schedule()

    def pause(self) -> None:
        """Stop the steps between events (the list is hidden, or its window closing with the file)."""
        self._filler.stop()
        self._counter.stop()

    def resume(self) -> None:
        """Go on with the steps a pause stopped (the list is shown again)."""
        self._schedule()

    def _schedule(self) -> None:
        """The next step between events: filling a short first screen comes before counting."""
        if self._resume is not None and len(self.keys) < self.PAGE:
            self._filler.start()
        elif self.counting:
            self._counter.start()

    def _start_count(self) -> None:
        """Count a broad filter's orders a range of order numbers at a time, between events."""
        self.counting = True
        self._matched = 0
        # a date range's orders lie between its first and last numbers (read by the plan): only those are counted
        first, last = self._plan.numbers if self._plan and self._plan.numbers else (1, self._last_id)
        self._count_from, self._count_to = first, last + 1
        self._count_step = 5_000
        self._schedule()

    def _count_some(self) -> None:
        if not self.counting or self._plan is None:
            return
        high = min(self._count_to, self._count_from + self._count_step)
        t = time.perf_counter()
        self._matched += order_entry.order_count_range(self.database, self._plan, self._count_from, high)
        spent = time.perf_counter() - t
        # about 10 ms a step, whatever the machine and the filter: the window stays free between steps
        self._count_step = max(1_000, min(200_000, int(self._count_step * min(2.0, 0.01 / max(spent, 0.0005)))))
        self._count_from = high
        if self._count_from >= self._count_to:
            self.counting = False
        self._schedule()
        self.count_changed.emit()

    def _fill(self) -> None:
        """A short first screen (a rare match, read a bounded step at a time) is filled between events."""
        if self._resume is not None and len(self.keys) < self.PAGE:  # (the view may have fetched meanwhile)
            self.fetchMore()
        self._schedule()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._resume is not None

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        """The next page after the last key read (keyset paging: no OFFSET, no re-reading)."""
        if parent.isValid() or self._resume is None or self._plan is None:
            return
        keys, self._resume = order_entry.order_page(self.database, self._plan, self._resume, self.PAGE)
        rows = self._read(keys)
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.keys += keys
            self.rows += rows
            self.endInsertRows()

    # --- one saved row ---
    def _before(self, a: tuple, b: tuple) -> bool:
        """True when key ``a`` is shown above key ``b`` (rank first, then the sort column, then the number)."""
        if a[0] != b[0]:
            return a[0] < b[0]
        _sort, descending = self._sort_args()
        return (a[1], a[2]) > (b[1], b[2]) if descending else (a[1], a[2]) < (b[1], b[2])

    def _position(self, key: tuple) -> int:
        lo, hi = 0, len(self.keys)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._before(self.keys[mid], key):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def upsert(self, rows: list[tuple]) -> None:
        """Put these rows in place (a save touched them) without reloading the rest.

        A changed row that keeps its place is repainted (dataChanged); a row the filter now selects is inserted
        where its key puts it (or left for a later page when it falls below what was read so far); a row the
        filter no longer selects is removed. The count follows: exactly for new orders and shown rows; a change
        to an order not shown (it may have been counted already) has a broad filter counted again, in steps.
        """
        sort, _descending = self._sort_args()
        where = {k[2]: i for i, k in enumerate(self.keys)}
        unknown = False
        for row in sorted(rows, key=lambda r: r[R_ID]):
            oid = row[R_ID]
            key = order_entry.order_key(self.database, self._filter, oid, sort)
            i = where.get(oid)
            new = oid > self._last_id
            if new:
                self._total = (self._total or 0) + 1
                self._last_id = oid
            if i is not None and key is not None and key == self.keys[i]:
                self.rows[i] = row
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))
                continue
            counted = not self.counting or oid < self._count_from  # the count already holds this order
            if i is not None:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self.rows[i], self.keys[i]
                self.endRemoveRows()
                self._matched -= counted
            elif not new:
                unknown = True  # did it match before? Nothing shown says so
            if key is not None:
                if self._resume is None or not self._before(self._resume, key):  # within what was read
                    pos = self._position(key)
                    self.beginInsertRows(QModelIndex(), pos, pos)
                    self.rows.insert(pos, row)
                    self.keys.insert(pos, key)
                    self.endInsertRows()
                self._matched += new or (i is not None and counted)
            where = {k[2]: n for n, k in enumerate(self.keys)}
        if self._filter == order_entry.OrderFilter():
            self._matched = self._total or 0
        elif self._resume is None:
            self._matched = len(self.keys)  # every match is loaded
        elif unknown and self._plan is not None:
            small = order_entry.order_count_small(self.database, self._plan)
            if small is not None:
                self._matched = small
            else:
                self._start_count()
        self.count_changed.emit()

    def set_filters(self, text: str = "", status: str = "", session: int | None = None, carrier: str = "",
                    since: str = "", until: str = "") -> None:
        """``since``/``until`` are ISO days (yyyy-mm-dd), compared with the order's creation time."""
        self._filter = order_entry.OrderFilter(text, status, session, carrier, since, until)
        self.reload()

    def carriers(self) -> list[str]:
        return order_entry.order_carriers(self.database)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self._sort == (column, order):
            return
        self._sort = (column, order)
        if self._database is not None:
            self.reload()

    def row_id(self, row: int) -> int:
        return self.rows[row][R_ID]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def total_count(self) -> int:
        """Orders in the file."""
        return self._total or 0

    def matched_count(self) -> int:
        """Orders the filters select (loaded or not yet); while ``counting``, the most known so far."""
        return max(self._matched, len(self.keys)) if self.counting else self._matched

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
                return short_when(value, self._year)
            return value
        if role == Qt.ItemDataRole.ToolTipRole and field in (R_ITEMS, R_NAME):
            return row[field]
        if role == Qt.ItemDataRole.ToolTipRole and field == R_CREATED and row[field]:
            return format_iso(row[field])  # the full day and time
        if role == Qt.ItemDataRole.TextAlignmentRole and field in (R_ID, R_TOTAL, R_COD):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and field == R_STATUS and row[R_STATUS] in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[row[R_STATUS]]))
        if role == ID_ROLE:
            return row[R_ID]
        return None
