"""Form fields that speak the domain's formats: money in đồng, dd/mm/yyyy dates, places of the 2025 map."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRect, QStringListModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QCompleter, QHBoxLayout, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from coopdesk.domain import addresses
from coopdesk.domain.dates import DateError, format_date, parse_date
from coopdesk.domain.money import MoneyError, format_number, parse_vnd
from coopdesk.domain.text import fold_place
from coopdesk.i18n import _

ERROR_STYLE = "border: 2px solid #c62828; background: #fff5f5;"
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


@lru_cache(maxsize=1)
def _all_communes() -> tuple[tuple[addresses.Place, addresses.Place, str], ...]:
    """(commune, province, folded 'commune province') for all 3,321 communes, built once (~60 ms)."""
    return tuple((c, p, f"{c.folded} {p.folded}") for p in addresses.provinces() for c in addresses.communes(p.code))


class ProvinceBox(QComboBox):
    """The 34 provinces; typing filters them without diacritics and keeps the best match first.

    'thanh' -> Thanh Hóa, 'hcm' / 'tphcm' / 'sai gon' -> TP. Hồ Chí Minh, 'hn' -> Hà Nội. Enter or leaving the
    field takes the best match; text that matches nothing goes back to the province chosen before.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(12)  # room for "Tỉnh Thanh Hóa" without crowding out the commune
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setCompleter(None)  # Qt's own completion matches prefixes of 'Thành phố …': the wrong province
        self.addItem("", None)  # none chosen: the field stays empty, ready to type into
        for p in addresses.provinces():
            self.addItem(p.name, p.code)
        self.lineEdit().setPlaceholderText(_("province (thanh, hcm…)"))  # short: the box is narrow
        self.setToolTip(_("Type part of the province without diacritics, e.g. thanh, hcm, hn, sai gon"))
        self._matches = QStringListModel(self)
        self.suggestions = QCompleter(self._matches, self)
        self.suggestions.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.suggestions.setMaxVisibleItems(10)
        self.suggestions.setWidget(self.lineEdit())
        self.suggestions.activated[str].connect(self._take)
        self.lineEdit().textEdited.connect(self._on_edited)
        self.lineEdit().editingFinished.connect(lambda: self.commit_text())
        # Tab (or Shift+Tab) with the list open leaves the field before editingFinished can commit: take the
        # best match on the key itself, in the field and in the list, so "thanh" + Tab is Thanh Hóa.
        self.lineEdit().installEventFilter(self)
        self.suggestions.popup().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.commit_text(enter=True)
        return super().eventFilter(watched, event)

    def _on_edited(self, text: str) -> None:
        found = addresses.search_provinces(text) if text.strip() else []
        self._matches.setStringList([p.name for p in found])
        if found:
            field = self.lineEdit()
            self.suggestions.complete(QRect(0, 0, max(field.width(), 240), field.height()))  # names fit
            self.suggestions.popup().setCurrentIndex(self._matches.index(0, 0))
        else:
            self.suggestions.popup().hide()

    def _take(self, name: str) -> None:
        index = self.findText(name, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(self.itemText(self.currentIndex()))
        self.lineEdit().setCursorPosition(0)  # the start of a long name in a narrow box

    def commit_text(self, enter: bool = False) -> None:
        """The typed text becomes the best-matching province (or the previous one when nothing matches).

        Opening the suggestion list takes the focus from the field on some platforms; that is not leaving it.
        """
        if self.suggestions.popup().isVisible() and not enter:
            return
        text = self.currentText()
        if text == self.itemText(self.currentIndex()):
            return
        if not text.strip():
            self.setCurrentIndex(0)
            return
        popup = self.suggestions.popup()
        if popup.isVisible() and popup.currentIndex().isValid():
            name = popup.currentIndex().data()
        else:
            found = addresses.search_provinces(text)
            name = found[0].name if found else self.itemText(self.currentIndex())
        popup.hide()
        self._take(name)

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentText() != self.itemText(
                self.currentIndex()):
            self.commit_text(enter=True)
            return  # taken here: Enter chooses the province, it does not also save the form
        super().keyPressEvent(event)


class PlacePicker(QWidget):
    """Province box plus a commune field searching all 3,321 communes without diacritics ('na tau' ->
    Xã Nà Tấu — Tỉnh Điện Biên): those of the chosen province come first, and choosing one of another
    province sets the province, so a commune can never sit in the wrong province silently."""

    changed = Signal()
    #: A commune was chosen from the list (the form moves on to its next field).
    chosen = Signal()

    def __init__(self, parent: QWidget | None = None, vertical: bool = False) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self) if vertical else QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.province = ProvinceBox()
        self.province.setObjectName("province")
        self.commune = QLineEdit()
        self.commune.setObjectName("commune")
        self.commune.setPlaceholderText(_("commune (yen dinh…)"))
        self.commune.setToolTip(_("Type part of the commune without diacritics, e.g. yen dinh; communes of every "
                                  "province are offered, and choosing one sets its province"))
        self.commune.setToolTip(_("Type part of the name without diacritics. The list shows communes of every "
                                  "province, the chosen province's first; choosing one sets the province."))
        self._model = QStandardItemModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setMaxVisibleItems(12)
        self._completer.setWidget(self.commune)
        self._completer.activated[QModelIndex].connect(self._on_commune_chosen)
        self.commune.textEdited.connect(self._on_commune_edited)
        self.commune.installEventFilter(self)
        self.province.currentIndexChanged.connect(self._on_province_changed)
        layout.addWidget(self.province, 2)
        layout.addWidget(self.commune, 3)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # However the commune field is reached (a click, a Tab the box did not see), a province still being
        # typed is settled first, so the commune list puts that province's communes first.
        if watched is self.commune and event.type() == QEvent.Type.FocusIn:
            self.province.commit_text(enter=True)
        return super().eventFilter(watched, event)

    def popups(self) -> list[QWidget]:
        """The suggestion lists of this picker (Esc closes them before anything else)."""
        return [self._completer.popup(), self.province.suggestions.popup(), self.province.view()]

    def _on_province_changed(self) -> None:
        self.changed.emit()

    def search(self, text: str, limit: int = 40) -> list[tuple[addresses.Place, addresses.Place]]:
        """(commune, province) pairs for the typed words, the chosen province's first, then names that start
        with the words."""
        words = fold_place(text).split()
        if not words:
            return []
        current = self.province.currentData()
        key = " ".join(words)
        found = [(c, p) for c, p, hay in _all_communes() if all(w in hay for w in words)]
        found.sort(key=lambda cp: (cp[1].code != current, cp[0].folded != key, not cp[0].folded.startswith(words[0])))
        return found[:limit]

    def _on_commune_edited(self, text: str) -> None:
        self._model.clear()
        for c, p in self.search(text):
            item = QStandardItem(f"{c.name} — {p.name}")
            item.setData(c.code, CODE_ROLE)
            item.setData(p.code, PROVINCE_ROLE)
            self._model.appendRow(item)
        if self._model.rowCount():
            self._completer.complete(self._popup_rect())
            self._completer.popup().setCurrentIndex(self._completer.completionModel().index(0, 0))
        else:
            self._completer.popup().hide()
        self.changed.emit()

    def _popup_rect(self) -> QRect:
        """As wide as the longest suggestion ('Phường Bến Thành — Thành phố Hồ Chí Minh'), not the narrow field:
        two communes that begin alike must be told apart before one is chosen."""
        popup = self._completer.popup()
        metrics = popup.fontMetrics()
        widest = max(metrics.horizontalAdvance(self._model.item(r).text()) for r in range(self._model.rowCount()))
        room = self.window().width() - 24 if self.window() is not self else 520
        width = min(max(self.commune.width(), widest + 40), max(room, self.commune.width()))
        return QRect(0, 0, width, self.commune.height())

    def _on_commune_chosen(self, index: QModelIndex) -> None:
        """Choosing 'Xã Nà Tấu — Tỉnh Điện Biên' also sets the province."""
        code, province = index.data(CODE_ROLE), index.data(PROVINCE_ROLE)
        if province is not None and province != self.province.currentData():
            self.province.setCurrentIndex(self.province.findData(province))
        self.commune.setText(addresses.commune_name(code) if code is not None else index.data())
        self._show_starts()
        self.changed.emit()
        self.chosen.emit()

    def _show_starts(self) -> None:
        """A narrow box shows the start of a chosen name ('Phường Bến…'), not its end ('ường Bến Thành')."""
        self.commune.setCursorPosition(0)
        self.province.lineEdit().setCursorPosition(0)

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
        self._show_starts()
