"""Dialogs of the labels screen: a label stock of the cooperative's own, and sending to a thermal printer."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.labels import LabelTemplate
from coopdesk.i18n import _
from coopdesk.services import labels as service
from coopdesk.ui.widgets.errors import ErrorBanner


class TemplateDialog(QDialog):
    """Page or label size, rows, columns, margins, gaps and dpi of a label stock CoopDesk does not ship."""

    def __init__(self, parent: QWidget | None, database, start: LabelTemplate | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.database = database
        self.saved: LabelTemplate | None = None
        self.setWindowTitle(_("Label template of your own"))
        outer = QVBoxLayout(self)
        intro = QLabel(_("Measure the label stock with a ruler, in millimetres. A roll is one row of labels "
                         "across the roll; a sheet is a page of labels for an office printer."))
        intro.setWordWrap(True)
        outer.addWidget(intro)
        self.errors = ErrorBanner()
        outer.addWidget(self.errors)
        form = QFormLayout()
        outer.addLayout(form)
        self.fields: dict[str, QWidget] = {}

        def line(key: str, label: str, value: str = "") -> QLineEdit:
            edit = QLineEdit(value)
            edit.setMaximumWidth(220)
            self.fields[key] = edit
            form.addRow(label, edit)
            return edit

        self.name = line("name", _("&Name (for the command line)"))
        self.name.setPlaceholderText("vd. nhan-50x25")
        self.title_edit = line("title", _("&Description"))
        self.title_edit.setMaximumWidth(420)
        self.kind = QComboBox()
        self.kind.addItem(_("Roll (thermal printer)"), "roll")
        self.kind.addItem(_("Sheet (office printer)"), "sheet")
        self.fields["kind"] = self.kind
        form.addRow(_("&Kind"), self.kind)
        self.label_w = line("label_w", _("Label &width (mm)"), "50")
        self.label_h = line("label_h", _("Label &height (mm)"), "25")
        self.columns = line("columns", _("&Columns"), "1")
        self.rows = line("rows", _("R&ows (sheet)"), "1")
        self.margin_left = line("margin_left", _("&Left margin (mm)"), "0")
        self.margin_top = line("margin_top", _("&Top margin (mm, sheet)"), "0")
        self.gap_x = line("gap_x", _("Gap &across (mm)"), "0")
        self.gap_y = line("gap_y", _("Ga&p down (mm, sheet)"), "0")
        self.page_w = line("page_w", _("Sheet width (mm)"), "210")
        self.page_h = line("page_h", _("Sheet height (mm)"), "297")
        self.dpi = QComboBox()
        for dpi in (203, 300, 600):
            self.dpi.addItem(f"{dpi} dpi", dpi)
        self.fields["dpi"] = self.dpi
        form.addRow(_("&Resolution"), self.dpi)
        self.error = QComboBox()
        for key, text in (("l", _("L — smallest QR (small labels)")), ("m", _("M — standard")),
                          ("q", "Q"), ("h", "H")):
            self.error.addItem(text, key)
        self.error.setCurrentIndex(1)
        self.fields["qr_error"] = self.error
        form.addRow(_("QR &error correction"), self.error)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.setMinimumWidth(520)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.deleted = False
        if start is not None and start.custom:
            delete = buttons.addButton(_("&Delete this template"), QDialogButtonBox.ButtonRole.DestructiveRole)
            delete.clicked.connect(self.delete)
        outer.addWidget(buttons)
        if start is not None:
            self.set_value(start)
        self._on_kind_changed()

    def _on_kind_changed(self) -> None:
        sheet = self.kind.currentData() == "sheet"
        for w in (self.rows, self.margin_top, self.gap_y, self.page_w, self.page_h):
            w.setEnabled(sheet)
        if not sheet and self.dpi.currentData() != 203:
            self.dpi.setCurrentIndex(0)
        elif sheet and self.dpi.currentData() == 203:
            self.dpi.setCurrentIndex(1)

    def set_value(self, t: LabelTemplate) -> None:
        data = t.as_dict()
        for key, widget in self.fields.items():
            if isinstance(widget, QLineEdit):
                widget.setText(f"{data[key]:g}" if isinstance(data[key], float) else str(data[key]))
        self.kind.setCurrentIndex(self.kind.findData(t.kind))
        self.dpi.setCurrentIndex(self.dpi.findData(t.dpi))
        self.error.setCurrentIndex(self.error.findData(t.qr_error))

    def value(self) -> dict:
        data = {k: w.text() for k, w in self.fields.items() if isinstance(w, QLineEdit)}
        data.update(kind=self.kind.currentData(), dpi=self.dpi.currentData(), qr_error=self.error.currentData())
        if data["kind"] == "roll":
            data.pop("page_w")
            data.pop("page_h")
        return data

    def delete(self) -> None:
        from coopdesk.ui.widgets.dialogs import ask

        name = self.name.text().strip()
        if not ask(self, _("Delete template"), _("Delete the label template {name}? Labels already printed keep "
                                                 "their log.").format(name=name), yes=_("Delete")):
            return
        service.delete_template(self.database, name)
        self.deleted = True
        self.accept()

    def save(self) -> None:
        try:
            self.saved, _changes = service.save_template(self.database, self.value())
        except ValidationError as e:
            self.errors.show_error(e, self.fields)
            self.adjustSize()
            return
        self.accept()


class SendDialog(QDialog):
    """Where TSPL or ZPL goes: a network printer (port 9100), a raw print queue, or a file."""

    def __init__(self, parent: QWidget | None, template_name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Send to a thermal label printer"))
        settings = QSettings()
        outer = QVBoxLayout(self)
        note = QLabel(_("For Xprinter, TSC and other label printers used without a driver: the labels go as "
                        "pictures at the printer's resolution, so Vietnamese text and the QR print exactly."))
        note.setWordWrap(True)
        outer.addWidget(note)
        form = QFormLayout()
        outer.addLayout(form)
        self.language = QComboBox()
        self.language.addItem(_("TSPL (Xprinter, TSC, most label printers)"), "tspl")
        self.language.addItem(_("ZPL (Zebra and compatibles)"), "zpl")
        self.language.setCurrentIndex(max(0, self.language.findData(settings.value("labels/language", "tspl"))))
        form.addRow(_("Printer &language"), self.language)
        self.group = QButtonGroup(self)
        self.network = QRadioButton(_("&Network printer"))
        self.queue = QRadioButton(_("Raw print &queue (lp -o raw)"))
        self.file = QRadioButton(_("&File"))
        self.address = QLineEdit(str(settings.value("labels/address", "")))
        self.address.setPlaceholderText("192.168.1.50:9100")
        self.queue_name = QLineEdit(str(settings.value("labels/queue", "")))
        self.queue_name.setPlaceholderText("XP-365B")
        self.path = QLineEdit()
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        self.template_name = template_name
        for i, (radio, edit) in enumerate(((self.network, self.address), (self.queue, self.queue_name),
                                           (self.file, self.path))):
            self.group.addButton(radio, i)
            row = QHBoxLayout()
            row.addWidget(edit, 1)
            if radio is self.file:
                row.addWidget(browse)
            form.addRow(radio, row)
        self.group.button(int(settings.value("labels/destination", 0) or 0)).setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Send"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)
        self.errors = ErrorBanner()
        outer.addWidget(self.errors)
        self.resize(560, self.sizeHint().height())

    def _browse(self) -> None:
        ext = self.language.currentData()
        path, _f = QFileDialog.getSaveFileName(self, _("Save printer commands"), f"nhan-{self.template_name}.{ext}",
                                               f"{ext.upper()} (*.{ext})")
        if path:
            self.path.setText(path)
            self.file.setChecked(True)

    def destination(self) -> tuple[str, str, str]:
        """(language, 'tcp'|'lp'|'file', address / queue / path)."""
        kind = ("tcp", "lp", "file")[self.group.checkedId()]
        text = (self.address, self.queue_name, self.path)[self.group.checkedId()].text().strip()
        return self.language.currentData(), kind, text

    def _accept(self) -> None:
        from coopdesk.domain.errors import FieldError

        language, kind, text = self.destination()
        widget = (self.address, self.queue_name, self.path)[self.group.checkedId()]
        try:
            if not text:
                raise ValidationError([FieldError("destination", _("Say where the labels go"))])
            if kind == "tcp":
                service.parse_host(text)
        except ValidationError as e:
            self.errors.show_error(e, {"destination": widget})
            return
        except CoopDeskError as e:
            self.errors.show_error(ValidationError([FieldError("destination", e.message)]), {"destination": widget})
            return
        settings = QSettings()
        settings.setValue("labels/language", language)
        settings.setValue("labels/destination", self.group.checkedId())
        if kind == "tcp":
            settings.setValue("labels/address", text)
        elif kind == "lp":
            settings.setValue("labels/queue", text)
        self.accept()
