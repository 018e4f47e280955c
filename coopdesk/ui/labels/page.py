"""The Nhãn QR screen: choose lots, a template, counts, the start position and the printer's offset; see the PDF
as it will print; print it at 100%, save it, or send it as TSPL/ZPL to a thermal printer.

Everything shown and printed comes from the services' one PDF; long jobs run off the GUI thread with a progress
bar and a Cancel that leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.labels import MAX_COUNT, LabelTemplate
from coopdesk.i18n import _
from coopdesk.services import labels as service
from coopdesk.services.changes import Changes
from coopdesk.services.progress import Progress
from coopdesk.ui.operations import BackgroundTask
from coopdesk.ui.printing import PdfPreview, remember_printer, remembered_printer, ui_locale
from coopdesk.ui.widgets.actions import page_action
from coopdesk.ui.widgets.dialogs import inform, warn
from coopdesk.ui.widgets.file_dialogs import save_path

PREVIEW_PAGES = 12  # the preview draws at most this many pages; printing and saving always do the whole job
NO_PRINTER = ""


class LabelsPage(QWidget):
    """Connects the job form, the live preview and the outputs to services.labels."""

    changed = Signal(object)  # Changes

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window_ = window
        self._task: BackgroundTask | None = None
        self.last_output: object = None
        self._loading = False
        self._stale = True
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.update_preview)
        layout = QVBoxLayout(self)
        title = QLabel(_("QR labels"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.print_action = page_action(self, self.toolbar, _("Print…"), QKeySequence.StandardKey.Print,
                                        self.print_labels)
        self.pdf_action = page_action(self, self.toolbar, _("Save PDF…"), QKeySequence("Ctrl+Shift+S"),
                                      self.save_pdf)
        self.send_action = page_action(self, self.toolbar, _("Send to thermal printer…"), QKeySequence("Ctrl+T"),
                                       self.send_thermal)
        self.toolbar.addSeparator()
        self.test_action = page_action(self, self.toolbar, _("Test page…"), None, self.test_page)
        self.template_action = page_action(self, self.toolbar, _("Own template…"), None, self.new_template)
        self.template_action.setToolTip(_("Make a label template of your own, or change or delete the chosen one "
                                          "when it is your own"))
        layout.addWidget(self.toolbar)

        split = QSplitter()
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 8, 0)
        lots_box = QGroupBox(_("Lots"))
        lb = QVBoxLayout(lots_box)
        pick = QHBoxLayout()
        self.lot_picker = QComboBox()
        self.lot_picker.setEditable(True)
        self.lot_picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lot_picker.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.lot_picker.setMinimumContentsLength(18)
        self.lot_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_COUNT)
        self.count.setValue(10)
        self.count.setSuffix(_(" labels"))
        self.add_button = QPushButton(_("&Add"))
        self.add_button.clicked.connect(lambda: self.add_lot(self.lot_picker.currentData() or "",
                                                             self.count.value()))
        pick.addWidget(self.lot_picker, 1)
        pick.addWidget(self.count)
        pick.addWidget(self.add_button)
        lb.addLayout(pick)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("Lot"), _("Product"), _("Labels")])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(110)
        lb.addWidget(self.table, 1)
        self.remove_button = QPushButton(_("Re&move the selected lot"))
        self.remove_button.clicked.connect(self.remove_selected)
        lb.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignRight)
        lv.addWidget(lots_box, 1)

        form = QFormLayout()
        self.template = QComboBox()
        self.template.currentIndexChanged.connect(self._on_template_changed)
        form.addRow(_("&Template"), self.template)
        self.dpi = QComboBox()
        self.dpi.currentIndexChanged.connect(self._schedule)
        form.addRow(_("&Resolution"), self.dpi)
        self.start = QSpinBox()
        self.start.setRange(1, 1)
        self.start.valueChanged.connect(self._schedule)
        form.addRow(_("&Start at label"), self.start)
        self.price = QCheckBox(_("Print the pri&ce"))
        self.price.toggled.connect(self._schedule)
        self.who = QLineEdit(str(QSettings().value("labels/who", "") or service.current_user()))
        self.who.setPlaceholderText(_("who prints (kept in each lot's print log)"))
        self.who.editingFinished.connect(lambda: QSettings().setValue("labels/who", self.who.text().strip()))
        row = QHBoxLayout()
        row.addWidget(self.price)
        who_label = QLabel(_("Printed &by"))
        who_label.setBuddy(self.who)
        row.addWidget(who_label)
        row.addWidget(self.who, 1)
        form.addRow("", row)
        self.printer = QComboBox()
        self.printer.currentIndexChanged.connect(self._on_printer_changed)
        form.addRow(_("&Printer"), self.printer)
        offsets = QHBoxLayout()
        self.dx, self.dy = QDoubleSpinBox(), QDoubleSpinBox()
        for spin, suffix in ((self.dx, _(" mm right")), (self.dy, _(" mm down"))):
            spin.setRange(-10, 10)
            spin.setSingleStep(0.1)
            spin.setDecimals(2)
            spin.setLocale(ui_locale())  # 0,50 mm in Vietnamese, 0.50 mm in English
            spin.setSuffix(suffix)
            spin.valueChanged.connect(self._schedule)
            offsets.addWidget(spin)
        self.save_offset_button = QPushButton(_("Keep"))
        self.save_offset_button.setToolTip(_("Keep this offset for this printer and template"))
        self.save_offset_button.clicked.connect(self.save_offset)
        offsets.addWidget(self.save_offset_button)
        offset_label = QLabel(_("&Offset"))
        offset_label.setBuddy(self.dx)
        form.addRow(offset_label, offsets)
        lv.addLayout(form)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lv.addWidget(self.summary)
        drop = QLabel(_("Small labels leave off, in this order: {order}.").format(order=service.drop_order_text()))
        drop.setWordWrap(True)
        drop.setStyleSheet("color: #555;")
        lv.addWidget(drop)
        split.addWidget(left)
        self.preview = PdfPreview()
        split.addWidget(self.preview)
        split.setSizes([430, 700])
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)

    @property
    def database(self):  # noqa: ANN201
        return self.window_.database

    # --- data ---
    def refresh(self) -> None:
        """Reload the lots and templates now if the page shows, else when it is next shown (start-up stays fast)."""
        self._stale = True
        if self.isVisible():
            self._reload()

    def _reload(self) -> None:
        self._stale = False
        self._loading = True
        try:
            current = self.lot_picker.currentData()
            self.lot_picker.clear()
            for v in service.packed_lots(self.database):
                self.lot_picker.addItem(f"{v.code} — {v.product.name}", v.code)
            self.lot_picker.setCurrentIndex(max(0, self.lot_picker.findData(current)))
            self.lot_picker.lineEdit().setCursorPosition(0)
            self._fit_popup(self.lot_picker)
            chosen = self.template.currentData() or "50x30"
            self.template.clear()
            for t in service.templates(self.database).values():
                custom = _(" (own)") if t.custom else ""
                self.template.addItem(f"{t.name} — {t.size_text}{custom}", t.name)
            self.template.setCurrentIndex(max(0, self.template.findData(chosen)))
        finally:
            self._loading = False
        self._on_template_changed()
        for action in (self.print_action, self.pdf_action):
            action.setEnabled(True)
        # A sheet template never goes to a thermal printer, whatever reloaded the page (a saved PDF does).
        self.send_action.setEnabled(self.template.currentData() is not None and self.current_template().is_thermal)

    @staticmethod
    def _fit_popup(box: QComboBox) -> None:
        """The drop-down list as wide as its longest item (the box itself stays narrow), so no lot name is cut."""
        view = box.view()
        metrics = view.fontMetrics()
        longest = max((metrics.horizontalAdvance(box.itemText(i)) for i in range(box.count())), default=0)
        scrollbar = view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(longest + scrollbar + 4 * view.frameWidth() + 24)

    def on_changes(self, changes: Changes, initiator: object | None = None) -> None:
        """Reload what other screens changed; a print log or an offset this page kept itself changes nothing
        it shows, so it does not rebuild its lists and preview for them."""
        if initiator is self:
            return
        if changes.lots or changes.products or changes.cooperative or changes.settings:
            self.refresh()

    def current_template(self) -> LabelTemplate:
        t = service.template(self.database, self.template.currentData() or "50x30")
        dpi = self.dpi.currentData()
        return t.with_dpi(dpi) if dpi else t

    def lots(self) -> list[tuple[str, int]]:
        return [(self.table.item(r, 0).text(), self.table.cellWidget(r, 2).value())
                for r in range(self.table.rowCount())]

    def add_lot(self, code: str, count: int | None = None) -> None:
        """Add a lot to the job (its count goes up when it is already there)."""
        code = code.strip()
        if not code:
            return
        if self._stale:
            self._reload()
        count = count or self.count.value()
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).text().upper() == code.upper():
                spin = self.table.cellWidget(r, 2)
                spin.setValue(min(MAX_COUNT, spin.value() + count))
                return
        product = ""
        index = self.lot_picker.findData(code)
        if index >= 0:
            product = self.lot_picker.itemText(index).split(" — ", 1)[-1]
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(code))
        self.table.setItem(r, 1, QTableWidgetItem(product))
        spin = QSpinBox()
        spin.setRange(1, MAX_COUNT)
        spin.setValue(count)
        spin.valueChanged.connect(self._schedule)
        self.table.setCellWidget(r, 2, spin)
        self.table.selectRow(r)
        self._schedule()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows:
            self.table.removeRow(r)
        self._schedule()

    # --- template, printer, offset ---
    def _on_template_changed(self) -> None:
        if self._loading or self.template.currentData() is None:
            return
        t = service.template(self.database, self.template.currentData())
        self._loading = True
        try:
            self.dpi.clear()
            choices = (203, 300) if t.is_thermal else (t.dpi,)
            for dpi in dict.fromkeys((t.dpi, *choices)):
                self.dpi.addItem(f"{dpi} dpi", dpi)
            self.start.setRange(1, t.per_page)
            self.start.setEnabled(t.per_page > 1)
            self.send_action.setEnabled(t.is_thermal)
            self._fill_printers(t)
        finally:
            self._loading = False
        self._on_printer_changed()

    def _fill_printers(self, t: LabelTemplate) -> None:
        from PySide6.QtPrintSupport import QPrinterInfo

        keep = self.printer.currentData() if t.name == getattr(self, "_printers_for", None) else None
        self._printers_for = t.name
        names = [p.printerName() for p in QPrinterInfo.availablePrinters()]
        self.printer.clear()
        self.printer.addItem(_("(no printer: PDF only)"), NO_PRINTER)
        for name in names:
            self.printer.addItem(name, name)
        remembered = remembered_printer(f"labels/{t.name}")
        if remembered and self.printer.findData(remembered) < 0:
            self.printer.addItem(remembered, remembered)
        if keep and self.printer.findData(keep) < 0:
            self.printer.addItem(keep, keep)
        # This template's last printer, else the system's default, else the first system printer: "PDF only"
        # only when there is no printer at all (a CUPS printer without a default is still a printer).
        default = QPrinterInfo.defaultPrinterName()
        index = -1
        for name in (keep, remembered, default, *names):
            if name and self.printer.findData(name) >= 0:
                index = self.printer.findData(name)
                break
        self.printer.setCurrentIndex(max(0, index))

    def _on_printer_changed(self) -> None:
        if self._loading:
            return
        if self.printer.currentData() and self.template.currentData():
            remember_printer(f"labels/{self.template.currentData()}", self.printer.currentData())
        dx, dy = service.offset_for(self.database, self.printer.currentData() or NO_PRINTER,
                                    self.template.currentData() or "")
        for spin, value in ((self.dx, dx), (self.dy, dy)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self._schedule()

    def select_printer(self, name: str) -> None:
        if self.printer.findData(name) < 0:
            self.printer.addItem(name, name)
        self.printer.setCurrentIndex(self.printer.findData(name))

    def offset(self) -> tuple[float, float]:
        return round(self.dx.value(), 2), round(self.dy.value(), 2)

    def save_offset(self) -> None:
        printer, template, offset = self.printer.currentData() or NO_PRINTER, self.template.currentData(), self.offset()
        if not self.window_.ops.run(self, lambda db: service.save_offset(db, printer, template, offset),
                                    title=_("Offset not kept")):
            return
        self.window_.statusBar().showMessage(_("Offset kept for {printer} and {template}.").format(
            printer=self.printer.currentText(), template=self.template.currentData()), 6000)

    # --- the job and its preview ---
    def _schedule(self) -> None:
        """Redraw the preview soon (a burst of edits redraws once); a hidden page redraws when shown."""
        if self._loading:
            return
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def build_job(self, lots: list[tuple[str, int]] | None = None) -> service.PreparedJob:
        return service.prepare_job(self.database, self.current_template(), self.lots() if lots is None else lots,
                                   start=self.start.value(), offset=self.offset(), with_price=self.price.isChecked())

    def _preview_lots(self, t: LabelTemplate) -> tuple[list[tuple[str, int]], bool]:
        room = PREVIEW_PAGES * t.per_page - (self.start.value() - 1)
        out, cut = [], False
        for code, n in self.lots():
            take = max(1, min(n, room))
            cut = cut or take < n
            out.append((code, take))
            room = max(room - take, 1)
        return out, cut

    def update_preview(self) -> None:
        """Redraw the preview from the services' PDF (the first pages of a long job)."""
        self._timer.stop()
        self._dirty = False
        t = self.current_template()
        if not self.lots():
            self.preview.set_pdf(service.calibration_page(t, self.offset(), _("Add a lot to see its labels.")))
            self.preview.set_warnings([])
            self.summary.setText(_("No lot chosen yet: the preview shows the label stock."))
            return
        lots, cut = self._preview_lots(t)

        def refused(e: CoopDeskError) -> None:  # said in the preview pane, not in a box over it
            self.preview.set_pdf(None)
            errors = e.errors if isinstance(e, ValidationError) else []
            self.preview.set_warnings([x.message for x in errors] or [e.message])
            self.summary.setText(_("Nothing can be printed until this is fixed."))

        built: list[tuple[service.PreparedJob, service.PreparedJob]] = []
        if not self.window_.ops.run(self, lambda _db: self._preview_jobs(lots, cut), title=_("Labels not printed"),
                                    success=built.append, failed=refused):
            return
        job, full = built[0]
        self.preview.set_pdf(service.pdf_bytes(job))
        notes = list(full.warnings)
        if cut:
            notes.append(_("The preview shows the first {n} pages; printing and saving make all {total}.").format(
                n=len(job.pages()), total=len(full.pages())))
        self.preview.set_warnings(notes)
        unit = _("sheets") if t.kind == "sheet" else _("rows")
        self.summary.setText(_("{n} labels on {pages} {unit} of {template} ({dpi} dpi); QR modules of {dots} "
                               "dots.").format(n=full.total, pages=len(full.pages()), unit=unit, template=t.name,
                                              dpi=t.dpi, dots=", ".join(sorted({str(lab.layout.module_dots)
                                                                                for lab in full.labels}))))

    def _preview_jobs(self, lots: list[tuple[str, int]], cut: bool) -> tuple[service.PreparedJob,
                                                                           service.PreparedJob]:
        """The job the preview shows (its first pages when ``cut``) and the whole job."""
        job = self.build_job(lots)
        return job, (self.build_job() if cut else job)

    def _job_or_warn(self) -> service.PreparedJob | None:
        built: list[service.PreparedJob] = []
        if not self.window_.ops.run(self, lambda _db: self.build_job(), title=_("Labels not printed"),
                                    success=built.append, failed=lambda e: warn(  # each refusal on its own line
                                        self, _("Labels not printed"), e.message.replace("; ", "\n"))):
            return None
        return built[0]

    # --- running long jobs ---
    @property
    def task(self) -> BackgroundTask | None:
        """The labels job running now, if any."""
        return self._task if self._task is not None and not self._task.done else None

    def run_job(self, title: str, total: int, steps: Callable[[], Iterator[object]],
                on_done: Callable[[object], None]) -> BackgroundTask:
        """Run a generator of Progress off the GUI thread through the window's runner (progress bar, Cancel);
        Cancel closes the generator, so its file is removed (atomic writes) and ``on_done`` is not called."""

        def job(_reader) -> Iterator[Progress]:  # noqa: ANN001 - the job is prepared: it reads nothing
            run = steps()
            result = None
            try:
                for item in run:
                    if isinstance(item, service.Progress):
                        yield Progress(item.done, max(total, 1), item.note)
                    else:
                        result = item
            finally:
                run.close()  # also on Cancel: the half-written file goes
            return result

        def cancelled() -> None:
            self.window_.statusBar().showMessage(_("Cancelled: nothing was written."), 8000)

        self._task = self.window_.ops.start(self, title, job, title=_("Labels not printed"), success=on_done,
                                            cancelled=cancelled)
        return self._task

    def _log(self, job: service.PreparedJob, output: str, target: str) -> None:
        who = self.who.text().strip()
        logged: list[list[str]] = []
        if not self.window_.ops.run(self, lambda db: service.record_print(db, job, output, target, who),
                                    title=_("Print log not written"), success=logged.append):
            return
        reprints = logged[0]
        note = _(" (reprint of {lots})").format(lots=", ".join(reprints)) if reprints else ""
        shown = Path(target).name if output in ("pdf", "tspl", "zpl") and "/" in target else target
        self.window_.statusBar().showMessage(_("{n} labels: {target}{note}").format(
            n=job.total, target=shown, note=note), 10000)
        self.last_output = target
        self.changed.emit(Changes(lots=True))

    # --- outputs ---
    def save_pdf(self, target: str | Path | None = None) -> BackgroundTask | None:
        job = self._job_or_warn()
        if job is None:
            return None
        if not target:
            name = f"nhan-{'-'.join(job.codes)[:60]}-{job.template.name}.pdf"
            target = save_path(self, _("Save the labels as PDF"), name, "PDF (*.pdf)")
        if not target:
            return None
        path = Path(target)
        return self.run_job(_("Writing {n} labels…").format(n=job.total), job.total,
                            lambda: service.write_pdf(job, path), lambda _r: self._log(job, "pdf", str(path)))

    def print_labels(self) -> None:
        """Ask for the printer (this template's one first), then print at 100%."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        if self._job_or_warn() is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.printer.currentData():
            printer.setPrinterName(self.printer.currentData())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print labels"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        if printer.printerName() and printer.printerName() != self.printer.currentData():
            self.select_printer(printer.printerName())  # its own offset is loaded with it
        self.print_to(printer)

    def print_to(self, printer) -> BackgroundTask | None:  # noqa: ANN001 - a QPrinter
        """Print the job on ``printer`` (no dialog): the PDF is made off the GUI thread, then painted at 100%."""
        import io

        from coopdesk.ui.printing import print_pdf_to_printer

        job = self._job_or_warn()
        if job is None:
            return None
        t = job.template
        target = printer.printerName() or printer.outputFileName()
        if not printer.docName():
            printer.setDocName(job.title)  # what the print queue shows

        def make() -> Iterator[object]:
            buf = io.BytesIO()
            yield from service.write_pdf(job, buf)
            yield buf.getvalue()

        def done(pdf: object) -> None:
            pages = len(job.pages())
            progress = QProgressDialog(_("Printing…"), _("Cancel"), 0, pages, self)
            progress.setWindowModality(Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(400)
            printed: list[bool] = []
            try:
                if not self.window_.ops.run(
                        self, lambda _db: print_pdf_to_printer(printer, pdf, (t.page_w, t.page_h), progress),
                        title=_("Labels not printed"), success=printed.append):
                    return
            finally:
                progress.close()
            if printed[0]:
                if printer.printerName():
                    remember_printer(f"labels/{t.name}", printer.printerName())
                self._log(job, "print", target)

        return self.run_job(_("Preparing {n} labels…").format(n=job.total), job.total, make, done)

    def send_thermal(self, language: str | None = None, kind: str | None = None,
                     where: str | None = None) -> BackgroundTask | None:
        """TSPL or ZPL to a network printer, a raw queue or a file (a dialog asks unless all three are given)."""
        from coopdesk.ui.labels.dialogs import SendDialog

        t = self.current_template()
        if not t.is_thermal:
            warn(self, _("Not a thermal roll"), _("{name} is a sheet for office printers: use Print or Save PDF.")
                 .format(name=t.name))
            return None
        if self._job_or_warn() is None:
            return None
        if language is None or kind is None or where is None:
            dialog = SendDialog(self, t.name)
            if dialog.exec() != SendDialog.DialogCode.Accepted:
                return None
            language, kind, where = dialog.destination()
        if kind != "file":  # the printer's own calibration offset comes with it
            self.select_printer(f"tcp:{where}" if kind == "tcp" else f"lp:{where}")
        job = self._job_or_warn()
        if job is None:
            return None
        if kind == "file":
            return self.run_job(_("Writing {n} labels…").format(n=job.total), job.total,
                                lambda: service.write_thermal(job, language, Path(where)),
                                lambda _r: self._log(job, language, where))

        def make() -> Iterator[object]:
            chunks = []
            for item in service.thermal_chunks(job, language):
                if isinstance(item, bytes):
                    chunks.append(item)
                else:
                    yield item
            data = b"".join(chunks)
            if kind == "tcp":
                service.send_tcp(data, where)
            else:
                service.send_lp(data, where)
            yield where

        def sent(_result: object) -> None:
            remember_printer(f"labels/{t.name}", f"tcp:{where}" if kind == "tcp" else f"lp:{where}")
            self._log(job, language, where)

        return self.run_job(_("Sending {n} labels…").format(n=job.total), job.total, make, sent)

    def test_page(self, target: str | Path | None = None) -> Path | None:
        """A page with the outlines and a ruler, moved by the offset: print it on the stock to calibrate."""
        t = self.current_template()
        if not target:
            target = save_path(self, _("Save the test page"), f"trang-thu-{t.name}.pdf", "PDF (*.pdf)")
        if not target:
            return None
        from coopdesk.documents.typeset import atomic_write

        def write(_db) -> None:  # noqa: ANN001 - writes a file, reads nothing
            with atomic_write(Path(target)) as temp:
                temp.write_bytes(service.calibration_page(t, self.offset(), self.printer.currentText()))

        if not self.window_.ops.run(self, write, title=_("Not written")):
            return None
        inform(self, _("Test page"), _("Print {file} on the label stock at actual size (never fit to page). "
                                       "Where the outlines miss the labels, measure how far with the ruler and "
                                       "enter it as the offset, then Keep.").format(file=target))
        return Path(target)

    def new_template(self):  # noqa: ANN201 - the dialog
        from coopdesk.ui.labels.dialogs import TemplateDialog

        t = self.current_template()
        dialog = TemplateDialog(self, self.database, t if t.custom else None)

        def saved() -> None:
            self.refresh()
            if dialog.saved is not None:
                self.template.setCurrentIndex(self.template.findData(dialog.saved.name))

        dialog.accepted.connect(saved)
        dialog.open()
        return dialog

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        if self._stale:
            self._reload()
        if self._dirty:
            self._timer.start()

    def hideEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().hideEvent(event)
        self._timer.stop()
