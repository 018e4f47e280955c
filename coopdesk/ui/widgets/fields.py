"""Form fields that speak the domain's formats: money in đồng, dd/mm/yyyy dates, places of the 2025 map."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from coopdesk.domain import addresses
from coopdesk.domain.dates import DateError, format_date, parse_date
from coopdesk.domain.money import MoneyError, format_number, parse_vnd
from coopdesk.domain.text import fold_place
from coopdesk.i18n import _

ERROR_STYLE = "border: 2px solid #c62828; background: #fff5f5;"
FOLDED_ROLE = Qt.ItemDataRole.UserRole + 1
CODE_ROLE = Qt.ItemDataRole.UserRole + 2
PROVINCE_ROLE = Qt.ItemDataRole.UserRole + 3


def mark_error(widget: QWidget, on: bool) -> None:
    """Red border on a wrong field (and off again once it is fixed)."""
    widget.setProperty("hasError", on)
    widget.setStyleSheet(ERROR_STYLE if on else "")


class MoneyEdit(QLineEdit):
    """Accepts 120000, 120.000 or 120k and shows 120.000 once the cursor leaves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("e.g. 120.000 or 120k"))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.editingFinished.connect(self._reformat)

    def _reformat(self) -> None:
        try:
            self.setText(format_number(parse_vnd(self.text())))
        except MoneyError:
            pass  # left as typed; the form names the field when it is saved


class DateEdit(QLineEdit):
    """A date typed as dd/mm/yyyy (or 1/7/2025, 2025-07-01); empty means none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(_("dd/mm/yyyy"))
        self.setMaxLength(10)
        self.editingFinished.connect(self._reformat)

    def _reformat(self) -> None:
        try:
            d = parse_date(self.text())
        except DateError:
            return
        if d:
            self.setText(format_date(d))


class _FoldedFilter(QSortFilterProxyModel):
    """Keeps the places whose folded name holds every typed word."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.words = fold_place(text).split()
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: ANN001 - Qt override
        folded = self.sourceModel().index(row, 0, parent).data(FOLDED_ROLE) or ""
        return all(w in folded for w in self.words)


class PlacePicker(QWidget):
    """Province combo plus a commune field whose completion ignores diacritics ('na tau' -> Xã Nà Tấu)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, vertical: bool = False) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.province = QComboBox()
        self.province.setObjectName("province")
        self.province.addItem(_("— province —"), None)
        for p in addresses.provinces():
            self.province.addItem(p.name, p.code)
        self.commune = QLineEdit()
        self.commune.setObjectName("commune")
        self.commune.setPlaceholderText(_("type the commune, e.g. yen dinh"))
        self.commune.setToolTip(_("Type part of the name without diacritics; with no province chosen, the "
                                  "list shows communes of every province and choosing one sets the province."))
        self._model = QStandardItemModel(self)
        self._filter = _FoldedFilter()
        self._filter.setSourceModel(self._model)
        self._completer = QCompleter(self._filter, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setMaxVisibleItems(12)
        self._completer.setWidget(self.commune)
        self._completer.activated[QModelIndex].connect(self._on_commune_chosen)
        self.commune.textEdited.connect(self._on_commune_edited)
        self.province.currentIndexChanged.connect(self._on_province_changed)
        self._built_for: int | None = -1
        layout.addWidget(self.province, 2)
        layout.addWidget(self.commune, 3)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _on_province_changed(self) -> None:
        self._built_for = -1  # rebuilt lazily on the next keystroke: building 3,321 items takes ~60 ms
        self.changed.emit()

    def _ensure_model(self) -> None:
        """Offer that province's communes; with no province, all 3,321 with their province named."""
        code = self.province.currentData()
        if self._built_for == code:
            return
        self._built_for = code
        self._model.clear()
        provinces = [p for p in addresses.provinces() if code is None or p.code == code]
        for p in provinces:
            for c in addresses.communes(p.code):
                item = QStandardItem(c.name if code is not None else f"{c.name} — {p.name}")
                item.setData(c.folded if code is not None else f"{c.folded} {p.folded}", FOLDED_ROLE)
                item.setData(c.code, CODE_ROLE)
                item.setData(p.code, PROVINCE_ROLE)
                self._model.appendRow(item)

    def _on_commune_edited(self, text: str) -> None:
        self._ensure_model()
        self._filter.set_text(text)
        if text.strip() and self._filter.rowCount():
            self._completer.complete()
        else:
            self._completer.popup().hide()
        self.changed.emit()

    def _on_commune_chosen(self, index: QModelIndex) -> None:
        """Choosing 'Xã Nà Tấu — Tỉnh Điện Biên' also sets the province."""
        code, province = index.data(CODE_ROLE), index.data(PROVINCE_ROLE)
        if province is not None and province != self.province.currentData():
            self.province.blockSignals(True)
            self.province.setCurrentIndex(self.province.findData(province))
            self.province.blockSignals(False)
            self._on_province_changed()
        self.commune.setText(addresses.commune_name(code) if code is not None else index.data())
        self.changed.emit()

    def province_code(self) -> int | None:
        return self.province.currentData()

    def values(self) -> tuple[str, str]:
        """(province code or '', commune text) for a draft; the domain resolves and checks them."""
        code = self.province.currentData()
        return ("" if code is None else str(code), self.commune.text().strip())

    def set_values(self, province: int | str | None, commune: int | str | None) -> None:
        index = self.province.findData(int(province)) if str(province or "").isdigit() else 0
        self.province.setCurrentIndex(max(index, 0))
        if str(commune or "").isdigit():
            self.commune.setText(addresses.commune_name(int(commune)))
        else:
            self.commune.setText(str(commune or ""))
