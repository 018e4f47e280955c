"""The 'add event' dialog: one form per event type, usable by keyboard alone (Enter or Ctrl+S saves)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.dates import format_date
from coopdesk.domain.lots import (
    EVENT_KINDS,
    FERTILISING,
    HARVEST,
    PACKING,
    PLANTING,
    PROCESSING,
    QUALITY_TEST,
    SPRAYING,
    EventDraft,
    GrowingArea,
    Input,
    TraceEvent,
    event_label,
    format_kg,
)
from coopdesk.domain.products import format_weight
from coopdesk.i18n import _
from coopdesk.ui.widgets.dialogs import GuardedDialog
from coopdesk.ui.widgets.errors import ErrorBanner
from coopdesk.ui.widgets.fields import DateEdit

# Which fields each event type asks for (beyond date, who, where, note, photos).
FIELDS = {
    PLANTING: ("input_id",), FERTILISING: ("input_id", "dose"), SPRAYING: ("input_id", "dose"),
    HARVEST: ("quantity_kg",), PROCESSING: ("method", "quantity_kg"), QUALITY_TEST: ("lab", "result", "passed"),
    PACKING: ("packs", "pack_size"),
}
INPUT_KIND = {PLANTING: "seed", FERTILISING: "fertiliser", SPRAYING: "pesticide"}


class EventDialog(GuardedDialog):
    """Collects an EventDraft for one lot; the service checks it against the lot's timeline."""

    def __init__(self, parent: QWidget | None, lot_code: str, packed: bool, inputs: dict[int, Input],
                 areas: list[GrowingArea], people: list[str], pack_size_g: int | None,
                 on_save: Callable[[EventDraft, str], object], kind: str = PLANTING) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Add to the diary of lot {code}").format(code=lot_code))
        self.setMinimumWidth(560)
        self._inputs, self._on_save, self.saved = inputs, on_save, None
        outer = QVBoxLayout(self)
        self.errors = ErrorBanner()
        outer.addWidget(self.errors)
        form = QFormLayout()
        outer.addLayout(form)
        self.kind = QComboBox()
        for k in EVENT_KINDS:
            self.kind.addItem(event_label(k), k)
        self.day = DateEdit()
        self.day.setText(format_date(date.today()))
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.addItems(people)
        self.person.setCurrentText(people[0] if people else "")
        self.area = QComboBox()
        self.area.addItem(_("— no growing area —"), "")
        for a in areas:
            self.area.addItem(a.name + (f" ({a.code})" if a.code else ""), str(a.id))
        if len(areas) == 1:
            self.area.setCurrentIndex(1)
        self.place = QLineEdit()
        self.place.setPlaceholderText(_("e.g. the cooperative's workshop"))
        self.input = QComboBox()
        self.dose = QLineEdit()
        self.dose.setPlaceholderText(_("e.g. 20 ml / bình 16 l, or 300 kg/ha"))
        self.quantity = QLineEdit()
        self.quantity.setPlaceholderText(_("kg, e.g. 2.400 or 12,5"))
        self.packs = QLineEdit()
        self.pack_size = QLineEdit(format_weight(pack_size_g))
        self.method = QLineEdit()
        self.method.setPlaceholderText(_("e.g. drying, fermenting"))
        self.lab = QLineEdit()
        self.result = QLineEdit()
        self.passed = QComboBox()
        self.passed.addItem(_("Passed"), "1")
        self.passed.addItem(_("Failed"), "0")
        self.passed.addItem(_("(not stated)"), "")
        self.note = QLineEdit()
        self.private = QCheckBox(_("Keep off the public trace page"))
        self.photos = QListWidget()
        self.photos.setMaximumHeight(60)
        self.photo_button = QPushButton(_("Add &photos…"))
        self.photo_button.clicked.connect(self._on_add_photos)
        photos_row = QHBoxLayout()
        photos_row.addWidget(self.photos, 1)
        photos_row.addWidget(self.photo_button)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("why this is added after packing"))
        self.rows: dict[str, QWidget] = {}
        for key, label, widget in (
                ("kind", _("&Work"), self.kind), ("day", _("&Date"), self.day), ("person", _("W&ho"), self.person),
                ("area_id", _("Growing &area"), self.area), ("place", _("Pla&ce"), self.place),
                ("input_id", _("&Input"), self.input), ("dose", _("D&ose"), self.dose),
                ("quantity_kg", _("&Quantity (kg)"), self.quantity), ("packs", _("Packs &made"), self.packs),
                ("pack_size", _("Pack si&ze"), self.pack_size), ("method", _("&Method"), self.method),
                ("lab", _("&Lab"), self.lab), ("result", _("&Result"), self.result),
                ("passed", _("Verdict"), self.passed), ("note", _("&Note"), self.note)):
            form.addRow(label, widget)
            self.rows[key] = widget
        form.addRow(_("Photos"), photos_row)
        form.addRow("", self.private)
        form.addRow(_("R&eason (lot is packed)"), self.reason)
        self.reason_label = form.labelForField(self.reason)
        self.reason.setVisible(packed)
        self.reason_label.setVisible(packed)
        self.form = form
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save (Ctrl+S)"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.button(QDialogButtonBox.StandardButton.Save).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.accept)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self._on_kind_changed()
        self.kind.setFocus()

    def _on_kind_changed(self) -> None:
        kind = self.kind.currentData()
        wanted = set(FIELDS.get(kind, ()))
        for key in ("input_id", "dose", "quantity_kg", "packs", "pack_size", "method", "lab", "result", "passed"):
            visible = key in wanted
            self.rows[key].setVisible(visible)
            self.form.labelForField(self.rows[key]).setVisible(visible)
        self.input.clear()
        if kind in INPUT_KIND:
            if kind == PLANTING:
                self.input.addItem(_("— not recorded —"), "")
            for i in self._inputs.values():
                if i.kind == INPUT_KIND[kind]:
                    extra = f" ({i.active_ingredient}, {i.phi_days} " + _("days") + ")" if i.phi_days else ""
                    self.input.addItem(i.name + extra, str(i.id))
        self.adjustSize()

    def _on_add_photos(self) -> None:
        files, _f = QFileDialog.getOpenFileNames(self, _("Choose photos"), "", _("Images (*.png *.jpg *.jpeg *.webp)"))
        for f in files:
            self.photos.addItem(f)

    def set_event(self, e: TraceEvent) -> None:
        """Fill the dialog with a recorded event, to correct it (the reason is then always asked)."""
        self.kind.setCurrentIndex(max(self.kind.findData(e.kind), 0))
        self.day.setText(format_date(e.day))
        self.person.setCurrentText(e.person)
        self.area.setCurrentIndex(max(self.area.findData(str(e.area_id) if e.area_id else ""), 0))
        self.place.setText(e.place)
        self.input.setCurrentIndex(max(self.input.findData(str(e.input_id) if e.input_id else ""), 0))
        self.dose.setText(e.dose)
        self.quantity.setText(format_kg(e.quantity_g).removesuffix(" kg") if e.quantity_g else "")
        self.packs.setText(str(e.packs or ""))
        self.pack_size.setText(format_weight(e.pack_size_g) if e.pack_size_g else self.pack_size.text())
        self.method.setText(e.method)
        self.lab.setText(e.lab)
        self.result.setText(e.result)
        self.passed.setCurrentIndex(max(self.passed.findData({True: "1", False: "0", None: ""}[e.passed]), 0))
        self.note.setText(e.note)
        self.private.setChecked(e.private)
        self.photos.clear()
        for p in e.photos:
            self.photos.addItem(p)
        self.reason.setVisible(True)
        self.reason_label.setVisible(True)
        self.reason.setPlaceholderText(_("why this entry is corrected"))

    def value(self) -> EventDraft:
        return EventDraft(
            kind=self.kind.currentData(), day=self.day.text(), person=self.person.currentText(),
            area_id=self.area.currentData() or "", place=self.place.text(), input_id=self.input.currentData() or "",
            dose=self.dose.text(), quantity_kg=self.quantity.text(), packs=self.packs.text(),
            pack_size=self.pack_size.text(), method=self.method.text(), lab=self.lab.text(),
            result=self.result.text(), passed=self.passed.currentData() or "", note=self.note.text(),
            photos=[self.photos.item(i).text() for i in range(self.photos.count())],
            private=self.private.isChecked())

    def accept(self) -> None:
        from coopdesk.ui.operations import run_save

        fields = dict(self.rows) | {"reason": self.reason, "photos": self.photo_button}
        draft, reason = self.value(), self.reason.text()
        ok, self.saved = run_save(self, lambda: self._on_save(draft, reason), title=_("Not saved"),
                                  invalid=lambda e: self.errors.show_error(e, fields))
        if not ok:
            return
        super().accept()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        # Enter saves from any field (a combo box would otherwise swallow it).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.kind.view().isVisible():
            self.accept()
            return
        super().keyPressEvent(event)
