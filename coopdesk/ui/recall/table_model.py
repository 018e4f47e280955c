"""The recall page's tables: plain rows of text, one colour column, sorting by the shown text or a number.

A model rather than table items: a recall from a pesticide batch can reach 10,000 buyers, and a model shows
them at once where items would build 100,000 objects.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from coopdesk.i18n import _

DATA_ROLE = Qt.ItemDataRole.UserRole
_DAY = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsModel(QAbstractTableModel):
    """Rows of cells (text), a colour per row for one column, and the object behind each row."""

    def __init__(self, headers: tuple[str, ...], coloured: int = -1) -> None:
        super().__init__()
        self.headers = headers
        self.coloured = coloured
        self.rows: list[list[str]] = []
        self.colours: list[str | None] = []
        self.objects: list[object] = []

    def set_rows(self, rows: list[list[str]], colours: list[str | None] | None = None,
                 objects: list[object] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.colours = colours or [None] * len(rows)
        self.objects = objects or [None] * len(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.rows[r][c]
        if role == Qt.ItemDataRole.ForegroundRole and c == self.coloured and self.colours[r]:
            return QColor(self.colours[r])
        if role == DATA_ROLE:
            return self.objects[r]
        if role == SORT_ROLE:
            text = self.rows[r][c].lstrip("#")
            if text.isdigit():
                return int(text)
            day = _DAY.match(text)  # dd/mm/yyyy [HH:MM] sorts by the date, not by the day of the month
            return f"{day[3]}-{day[2]}-{day[1]}{text[10:]}" if day else self.rows[r][c]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(self.headers[section])
        return None

    def text(self, row: int, column: int) -> str:
        return self.rows[row][column]
