"""The Giao hàng screen: choose the orders, see their counts and COD, make the slips, picking list, handover sheets
or the after-live report in the background, preview them, print at 100% or save; check parcels at handover.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.dates import DateError, format_iso, parse_date
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.orders import CHANNELS, STATUS_LABELS
from coopdesk.domain.shipping import (
    HANDOVER,
    KIND_LABELS,
    KINDS,
    PICKING,
    REPORT,
    SIZE_LABELS,
    SIZES,
    SLIPS,
    Selection,
    order_code,
    parse_tracking_lines,
)
from coopdesk.i18n import _
from coopdesk.services import order_entry
from coopdesk.services import shipping_documents as sd
from coopdesk.services.changes import Changes
from coopdesk.ui.printing import (
    PartPrinter,
    PdfPreview,
    ask_printer,
    print_pdf,
    print_pdf_to_printer,
    remembered_printer,
)
from coopdesk.ui.widgets.dialogs import ask, inform, warn
from coopdesk.ui.widgets.fields import DateEdit
from coopdesk.ui.widgets.file_dialogs import folder_path, save_path
from coopdesk.ui.workers import run_in_background


class _Relay(QObject):
    """Carries progress from the worker thread to the GUI thread (a queued signal)."""

    progress = Signal(int, int, str)
    ready = Signal(str)  # a finished part file, printed while the next is made


class DocumentsPage(QWidget):
    """Everything after the live. Documents are made on a read-only connection of their own, off the GUI thread;
    what was printed and the status moves are written here, on the window's connection, after the fact."""

    changed = Signal(object)  # Changes

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window_ = window
        self.hand_ids: tuple[int, ...] = ()
        self.chosen: sd.Chosen | None = None
        self.made: sd.Made | None = None
        self.task = None
        self._count_task = None
        self._printing: PartPrinter | None = None  # a job printing while the document is made
        self._tmp = Path(tempfile.mkdtemp(prefix="coopdesk-docs-"))
        layout = QVBoxLayout(self)
        title = QLabel(_("Shipping"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        split = QSplitter()
        layout.addWidget(split, 1)

        left = QWidget()
        left.setMaximumWidth(430)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 6, 0)
        pick = QGroupBox(_("1. Choose the orders"))
        f = QFormLayout(pick)
        self.session = QComboBox()
        self.session.setMinimumContentsLength(18)
        self.session.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.since, self.until = DateEdit(), DateEdit()
        days = QHBoxLayout()
        days.addWidget(self.since)
        days.addWidget(QLabel("–"))
        days.addWidget(self.until)
        self.status = QComboBox()
        self.status.addItem(_("New and packed"), "")
        for key, label in STATUS_LABELS.items():
            self.status.addItem(_(label), key)
        self.carrier = QComboBox()
        self.channel = QComboBox()
        self.channel.addItem(_("Any channel"), "")
        self.channel.addItem("TikTok Shop", "tiktok")
        for c in CHANNELS[1:]:
            self.channel.addItem(_(c), c)
        self.hand = QLabel()
        self.hand.setWordWrap(True)
        self.clear_hand = QPushButton(_("Clear"))
        self.clear_hand.clicked.connect(lambda: self.set_order_ids(()))
        hand_row = QHBoxLayout()
        hand_row.addWidget(self.hand, 1)
        hand_row.addWidget(self.clear_hand)
        f.addRow(_("Live &session"), self.session)
        days_label = QLabel(_("&Days"))
        days_label.setBuddy(self.since)
        f.addRow(days_label, days)
        f.addRow(_("S&tatus"), self.status)
        f.addRow(_("&Carrier"), self.carrier)
        f.addRow(_("Cha&nnel"), self.channel)
        f.addRow(_("By hand"), hand_row)
        lv.addWidget(pick)

        what = QGroupBox(_("2. The document"))
        g = QFormLayout(what)
        self.kind = QComboBox()
        for k in KINDS:
            self.kind.addItem(_(KIND_LABELS[k]), k)
        self.size = QComboBox()
        for s in SIZES:
            self.size.addItem(_(SIZE_LABELS[s]), s)
        self.per_carrier = QCheckBox(_("One file per carrier"))
        self.mark_packed = QCheckBox(_("Once printed or saved, move the orders from New to Packed"))
        self.mark_packed.setChecked(True)
        g.addRow(_("&Kind"), self.kind)
        g.addRow(_("Si&ze"), self.size)
        g.addRow("", self.per_carrier)
        g.addRow("", self.mark_packed)
        lv.addWidget(what)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 14px; font-weight: bold; color: #1b5e20;")
        lv.addWidget(self.summary)
        # Refused orders and warnings can run to dozens of lines after a live with a recalled lot: they scroll
        # in their own box below the buttons, so the buttons never move and the page never outgrows the screen.
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #8a4b00;")
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.notes_box = QScrollArea()
        self.notes_box.setWidget(self.notes)
        self.notes_box.setWidgetResizable(True)
        self.notes_box.setFrameShape(QScrollArea.Shape.NoFrame)
        self.notes_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.notes_box.setMinimumHeight(24)  # explicit: a scroll area would otherwise ask for ~70 px
        self.progress = QProgressBar()
        self.progress.hide()
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        prow = QHBoxLayout()
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        lv.addLayout(prow)
        buttons = QHBoxLayout()
        self.make_button = QPushButton(_("&Make preview"))
        self.make_button.setDefault(True)
        self.print_button = QPushButton(_("&Print…"))
        self.save_button = QPushButton(_("Sa&ve…"))
        buttons.addWidget(self.make_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        lv.addLayout(buttons)
        more = QHBoxLayout()
        self.carrier_button = QPushButton(_("Set carrier…"))
        self.check_button = QPushButton(_("Handover check…"))
        more.addWidget(self.carrier_button)
        more.addWidget(self.check_button)
        lv.addLayout(more)
        lv.addWidget(self.notes_box, 1)
        split.addWidget(left)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(6, 0, 0, 0)
        self.file_choice = QComboBox()
        self.file_choice.hide()
        self.file_choice.currentIndexChanged.connect(self._show_file)
        rv.addWidget(self.file_choice)
        self.preview = PdfPreview()
        rv.addWidget(self.preview, 1)
        split.addWidget(right)
        split.setSizes([420, 700])

        for combo in (self.session, self.status, self.carrier, self.channel, self.kind, self.size):
            combo.currentIndexChanged.connect(self._on_choice_changed)
        self.per_carrier.toggled.connect(self._on_choice_changed)
        self.since.editingFinished.connect(self._on_choice_changed)
        self.until.editingFinished.connect(self._on_choice_changed)
        self.make_button.clicked.connect(self.make)
        self.print_button.clicked.connect(self.print_)
        self.save_button.clicked.connect(lambda: self.save())
        self.carrier_button.clicked.connect(lambda: self.set_carrier())
        self.check_button.clicked.connect(lambda: self.open_check())
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(150)
        self._recount.timeout.connect(self.recount)
        self.set_order_ids(())

    @property
    def database(self):  # noqa: ANN201
        return self.window_.database

    # --- choosing ---
    def refresh(self) -> None:
        current = self.session.currentData()
        self.session.blockSignals(True)
        self.session.clear()
        self.session.addItem(_("All sessions"), None)
        for s in order_entry.sessions(self.database):
            self.session.addItem(f"{format_iso(s['started_at'])} · {s['name']}", s["id"])
        if current is None and self.session.count() > 1 and not self.hand_ids:
            self.session.setCurrentIndex(1)  # the latest live: what the team prints after it
        else:
            self.session.setCurrentIndex(max(self.session.findData(current), 0))
        self.session.blockSignals(False)
        carrier = self.carrier.currentData()
        self.carrier.blockSignals(True)
        self.carrier.clear()
        self.carrier.addItem(_("Any carrier"), None)
        self.carrier.addItem(_("No carrier yet"), "")
        for c in self._carriers():
            self.carrier.addItem(c, c)
        index = self.carrier.findData(carrier)
        self.carrier.setCurrentIndex(index if index >= 0 else 0)
        self.carrier.blockSignals(False)
        self.recount()

    def _carriers(self) -> list[str]:
        return sd.recent_carriers(self.database)

    _stale = False

    def on_changes(self, changes: Changes, initiator: object | None = None) -> None:
        """During a live every saved order is a change: a hidden page only notes it and counts again when shown."""
        if changes.orders or changes.products or changes.lots or changes.cooperative:
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def set_order_ids(self, ids: tuple[int, ...] | list[int]) -> None:
        """Orders chosen by hand in the order list (the other filters then only narrow them)."""
        self.hand_ids = tuple(ids)
        self.hand.setText(_("{n} orders chosen in the order list").format(n=len(self.hand_ids)) if self.hand_ids
                          else _("— (select orders in the order list, then “Print documents…”)"))
        self.clear_hand.setVisible(bool(self.hand_ids))
        if self.hand_ids:
            self.session.blockSignals(True)
            self.session.setCurrentIndex(0)
            self.session.blockSignals(False)
        self._on_choice_changed()

    def selection(self) -> Selection:
        def day(edit: DateEdit) -> date | None:
            try:
                return parse_date(edit.text())
            except DateError:
                return None

        status = self.status.currentData()
        return Selection(session_id=self.session.currentData(), since=day(self.since), until=day(self.until),
                         statuses=(status,) if status else (), carrier=self.carrier.currentData(),
                         channel=self.channel.currentData() or "", order_ids=self.hand_ids)

    def kind_value(self) -> str:
        return self.kind.currentData()

    def _on_choice_changed(self) -> None:
        kind = self.kind_value()
        # With no status chosen, documents cover new and packed orders; the report covers every order.
        self.status.setItemText(0, _("All statuses") if kind == REPORT else _("New and packed"))
        self.size.setEnabled(kind == SLIPS)
        self.per_carrier.setEnabled(kind == HANDOVER)
        self.mark_packed.setEnabled(kind == SLIPS)
        self.save_button.setText(_("Sa&ve…"))
        self._recount.start()

    def recount(self) -> None:
        """Counts, COD total, orders already printed and refused, before anything is made.

        Choosing the ids is one indexed query; reading what a few hundred orders hold is quick, so it is done
        at once; a bigger batch (a 5,000-order live) is read on a connection of its own, off the GUI thread."""
        if not self.isVisible():  # hidden (or its window closed, the data file with it): count when shown
            self._stale = True
            return
        if self.made is not None:
            self.preview.set_pdf(None)  # a preview of other choices would be mistaken for this one
            self.file_choice.hide()
        self.made = None
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        if self._count_task is not None:
            self._count_task.cancel()
            self._count_task = None
        sel, kind = self.selection(), self.kind_value()
        if sel.is_empty():
            self._show_error(_("No orders chosen: pick a live session, days, or orders in the order list."))
            return
        selected: list[list[int]] = []
        if not self.window_.ops.run(self, lambda db: sd.select(db, sel, kind), title=_("No document made"),
                                    success=selected.append, failed=lambda e: self._show_error(e.message)):
            return  # the page's own error line says why, not a box
        ids = selected[0]
        if len(ids) <= self.count_at_once:
            self.window_.ops.run(self, lambda db: sd.choose(db, sel, kind), title=_("No document made"),
                                 success=self._show_chosen, failed=lambda e: self._show_error(e.message))
            return
        self.chosen = None
        self.summary.setText(_("Counting {n} orders…").format(n=len(ids)))
        self.notes.setText("")
        path = self.database.path

        def job(_cancel: threading.Event) -> object:
            from coopdesk.services.datafile import open_reader

            reader = open_reader(path)
            try:
                return sd.choose(reader, sel, kind)
            finally:
                reader.close()

        def failed(error: BaseException) -> None:
            self._count_task = None
            if not isinstance(error, CoopDeskError):
                raise error
            self._show_error(error.message)

        def done(chosen: object) -> None:
            self._count_task = None
            self._show_chosen(chosen)  # type: ignore[arg-type]

        self._count_task = run_in_background(self, job, done, failed)
        self._update_buttons()

    count_at_once = 1000  # orders counted on the GUI thread (about 0.1 s); more are counted in the background

    def counting(self) -> bool:
        return self._count_task is not None

    def _show_error(self, message: str) -> None:
        self.chosen = None
        self.summary.setText(message)
        self.notes.setText("")
        self._update_buttons()

    def _show_chosen(self, chosen: sd.Chosen) -> None:
        self.chosen = chosen
        self.summary.setText(chosen.summary() if chosen.order_ids else _("No orders match."))
        notes = []
        if chosen.printed_before:
            again = list(chosen.printed_before)
            notes.append(_("⚠ {n} of these orders already had this document printed (a reprint is allowed and "
                           "recorded): {ids}").format(n=len(again), ids=", ".join(str(i) for i in again[:12])))
        for _i, reason in chosen.refused[:8]:
            notes.append("⛔ " + reason)
        if len(chosen.refused) > 8:
            notes.append(_("… and {n} more refused").format(n=len(chosen.refused) - 8))
        if self.kind_value() == HANDOVER and chosen.printable:
            groups = chosen.carriers()
            notes.append(" · ".join(f"{c}: {len(g)}" for c, g in groups.items()))
        self.notes.setText("\n".join(notes))
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.task is not None or self._count_task is not None or self._printing is not None
        ready = bool(self.chosen and self.chosen.printable)
        ro = self.database.read_only
        self.make_button.setEnabled(ready and not busy)
        self.carrier_button.setEnabled(bool(self.chosen and self.chosen.order_ids) and not busy and not ro)
        self.check_button.setEnabled(ready and not busy and not ro)
        # Print with nothing made yet makes and prints in one go (the first pages print while the rest are made).
        self.print_button.setEnabled((self.made is not None or ready) and not busy)
        self.save_button.setEnabled(self.made is not None and not busy)

    # --- making, in the background ---
    def make_and_print(self, printer: QPrinter | None = None) -> bool:
        """Make the document and print it in the same go, with one print dialog: slips come in parts of
        1,000, and each finished part goes to the printer (on this thread) while the next is made (on the
        worker). ``printer`` skips the dialog (tests print to a PDF file). False when nothing was started."""
        if self._recount.isActive():
            self._recount.stop()
            self.recount()
        if self.task is not None or not self.chosen or not self.chosen.printable:
            return False
        kind = self.kind_value()
        key = f"documents/{kind}" + (f"/{self.size.currentData()}" if kind == SLIPS else "")
        size_mm = self._page_size_mm(kind)
        if printer is None:
            printer = ask_printer(self, key, size_mm)
            if printer is None:
                return False
        job = PartPrinter(printer, size_mm)
        job.on_page = self._on_page_printed
        job.on_done = self._on_printed
        self._printing = job
        self.make()
        return True

    def _page_size_mm(self, kind: str) -> tuple[float, float]:
        from coopdesk.documents import shipping as docs

        w, h = docs.PAGE_SIZES[self.size.currentData()] if kind == SLIPS else docs.A4
        return w * 25.4 / 72, h * 25.4 / 72

    def _on_part_ready(self, path: str) -> None:
        job = self._printing
        if job is None:
            return
        self.window_.ops.run(self, lambda _db: job.add(Path(path)), title=_("Printing stopped"),
                             failed=lambda e: self._stop_printing(e.message))

    def _stop_printing(self, message: str) -> None:
        if self._printing is not None:
            self._printing.abort()
        self._printing = None
        if self.task is not None:
            self.task.cancel()
        self._finish()
        warn(self, _("Printing stopped"), message)

    def _on_page_printed(self, n: int) -> None:
        self.window_.statusBar().showMessage(_("Printing: {n} pages sent to the printer").format(n=n))

    def _on_printed(self) -> None:
        job, self._printing = self._printing, None
        self._finish()
        if job is not None and not job.cancelled:
            self.window_.statusBar().showMessage(_("Printed {n} pages.").format(n=job.pages), 8000)
            self._after_output(_("printer"))

    def make(self) -> None:
        if self._recount.isActive():  # a choice changed a moment ago: count what will be made first
            self._recount.stop()
            self.recount()
        if self.task is not None or not self.chosen or not self.chosen.printable:
            return
        sel, kind, size = self.selection(), self.kind_value(), self.size.currentData()
        per_carrier = self.per_carrier.isChecked() and kind == HANDOVER
        run_dir = Path(tempfile.mkdtemp(dir=self._tmp))
        names = {SLIPS: "phieu-giao-hang", PICKING: "danh-sach-lay-hang", HANDOVER: "bien-ban-ban-giao",
                 REPORT: "bao-cao-sau-live"}
        out = run_dir / f"{names[kind]}.pdf"
        path = self.database.path
        relay = _Relay(self)
        relay.progress.connect(self._on_progress)
        relay.ready.connect(self._on_part_ready)
        parts_dir = None
        if self._printing is not None:
            parts_dir = run_dir / "parts"
            parts_dir.mkdir()

        def job(cancel: threading.Event) -> object:
            from coopdesk.services.datafile import open_reader

            reader = open_reader(path)
            try:
                made = None
                for step in sd.make(reader, sel, kind, out, size, per_carrier, cancel, parts_dir=parts_dir):
                    if isinstance(step, sd.Made):
                        made = step
                    else:
                        relay.progress.emit(step.done, step.total, step.message)
                        if step.ready is not None and parts_dir is not None:
                            relay.ready.emit(str(step.ready))
                return made
            finally:
                reader.close()

        self.progress.setRange(0, max(1, len(self.chosen.printable)))
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.task = run_in_background(self, job, self._on_made, self._on_failed)
        self._update_buttons()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.progress.setFormat(f"{message} %v / %m")

    def cancel(self) -> None:
        printing, self._printing = self._printing, None
        if printing is not None:
            printing.abort()
        if self.task is not None:
            self.task.cancel()
        if printing is not None or self.task is not None:
            self._finish()
            message = (_("Printing cancelled after {n} pages; nothing recorded.").format(n=printing.pages)
                       if printing is not None and printing.pages else _("Cancelled: nothing was written."))
            self.window_.statusBar().showMessage(message, 5000)

    def _finish(self) -> None:
        self.task = None
        printing = self._printing is not None and not self._printing.closed
        self.progress.setVisible(printing)
        self.cancel_button.setVisible(printing)  # the pages still going out can be stopped
        self._update_buttons()

    def _on_made(self, made: object) -> None:
        self._finish()
        self.made = made  # type: ignore[assignment]
        self.file_choice.blockSignals(True)
        self.file_choice.clear()
        for f in self.made.files:
            self.file_choice.addItem(f.name, str(f))
        self.file_choice.blockSignals(False)
        self.file_choice.setVisible(len(self.made.files) > 1)
        self._show_file()
        warnings = [reason for _i, reason in self.made.refused]
        self.preview.set_warnings(warnings[:5] + ([_("… and {n} more refused").format(n=len(warnings) - 5)]
                                                  if len(warnings) > 5 else []))
        self._update_buttons()
        # Printing while making: what came in no parts (a short job) goes now; then the job is closed and
        # recorded (which counts the choice again, as after any print).
        job = self._printing
        if job is not None:
            files = self.made.files

            def rest(_db) -> None:  # noqa: ANN001 - prints files, reads nothing
                if job.parts == 0 and not job._queue:
                    for f in files:
                        job.add(f)
                job.finish()

            self.window_.ops.run(self, rest, title=_("Printing stopped"),
                                 failed=lambda e: self._stop_printing(e.message))

    def _show_file(self) -> None:
        if self.made and self.made.files:
            index = max(self.file_choice.currentIndex(), 0)
            self.preview.set_pdf(self.made.files[index])

    def _on_failed(self, error: BaseException) -> None:
        if self._printing is not None:
            self._printing.abort()
            self._printing = None
        self._finish()
        if isinstance(error, CoopDeskError):
            warn(self, _("No document made"), error.message)
            return
        raise error

    # --- printing and saving ---
    def _after_output(self, target: str) -> None:
        """Record what was printed or saved; move slips' orders to Packed when asked."""
        made = self.made
        if made is None:
            return
        moved: list[int] = []

        def record(db) -> None:  # noqa: ANN001 - the window's Database
            sd.record(db, made, _("staff"), target)
            if made.kind == SLIPS and self.mark_packed.isChecked():
                moved.extend(sd.mark_packed(db, made.order_ids, _("staff"))[0])

        if not self.window_.ops.run(self, record, title=_("Not recorded")):
            return
        note = _(" — {n} orders moved to Packed").format(n=len(moved)) if moved else ""
        if made.kind == SLIPS and self.mark_packed.isChecked():
            short = sd.short_of_lots(self.database, made.order_ids)
            if short:
                warn(self, _("Some orders stay New"), _(
                    "These orders have lines that no lot fills (backorders or oversells), so they were not moved to "
                    "Packed: {codes}. Pack them from the order's own window, where the reason is asked.").format(
                    codes=", ".join(order_code(i) for i in short[:20]) + (" …" if len(short) > 20 else "")))
        self.window_.statusBar().showMessage(_("{kind}: {n} orders recorded").format(
            kind=_(KIND_LABELS[made.kind]), n=len(made.order_ids)) + note, 8000)
        if moved:
            # Only a status change concerns the other pages; a recorded print keeps this preview ready, so the
            # report can be saved as PDF and then as xlsx without making it again.
            self.changed.emit(Changes(orders=True, order_ids=frozenset(moved)))

    def print_(self) -> bool:
        if self.made is None:
            return self.make_and_print()
        key = f"documents/{self.made.kind}" + (f"/{self.size.currentData()}" if self.made.kind == SLIPS else "")
        files = self.made.files

        def print_all(_db) -> bool:  # noqa: ANN001 - prints files, reads nothing
            # One print dialog: the first file asks for the printer, the others (one per carrier) follow it.
            if not print_pdf(self, files[0], key):
                return False
            for f in files[1:]:
                printer = QPrinter(QPrinter.PrinterMode.HighResolution)
                printer.setPrinterName(remembered_printer(key))
                print_pdf_to_printer(printer, f)
            return True

        printed: list[bool] = []
        if not self.window_.ops.run(self, print_all, title=_("Printing stopped"), success=printed.append) \
                or not printed[0]:
            return False
        self._after_output(_("printer"))
        return True

    def save(self, target: str | None = None) -> list[Path]:
        """Save the PDF (or the report as xlsx, or one PDF per carrier into a folder)."""
        from coopdesk.documents import typeset as ts

        if self.made is None:
            return []
        files = self.made.files
        if target is None:
            if len(files) > 1:
                target = folder_path(self, _("Choose the folder for the files"))
            else:
                filters = _("PDF (*.pdf)") + (";;" + _("Excel workbook (*.xlsx)") if self.made.kind == REPORT else "")
                target = save_path(self, _("Save"), files[0].name, filters)
        if not target:
            return []
        written: list[Path] = []
        kind, selection = self.made.kind, self.selection()

        def write(db) -> None:  # noqa: ANN001 - the window's Database
            try:
                if len(files) > 1:
                    for f in files:
                        with ts.atomic_write(Path(target) / f.name) as temp:
                            shutil.copyfile(f, temp)
                        written.append(Path(target) / f.name)
                elif Path(target).suffix.lower() == ".xlsx" and kind == REPORT:
                    with ts.atomic_write(Path(target)) as temp:
                        temp.write_bytes(sd.report_xlsx(sd.report(db, selection)))
                    written.append(Path(target))
                else:
                    with ts.atomic_write(Path(target)) as temp:
                        shutil.copyfile(files[0], temp)
                    written.append(Path(target))
            except OSError as e:  # a folder that cannot be written: a known condition, said plainly
                raise CoopDeskError(str(e)) from e

        if not self.window_.ops.run(self, write, title=_("Not saved")):
            return []
        self._after_output(str(written[0]))
        return written

    # --- carriers and the handover check ---
    def set_carrier(self, name: str | None = None, tracking_text: str | None = None) -> bool:
        """A carrier for the chosen orders, and (optional) their tracking numbers pasted from the carrier's app."""
        if not self.chosen or not self.chosen.order_ids:
            return False
        if name is None:
            label = _("Carrier for the {n} chosen orders (GHN, GHTK, Viettel Post, J&T, VNPost…)").format(
                n=len(self.chosen.order_ids))
            # A label's "&" marks a shortcut: "J&T" showed as "JT" with the T underlined.
            name, ok = QInputDialog.getItem(self, _("Set carrier"), label.replace("&", "&&"), [
                "GHTK", "GHN", "Viettel Post", "J&T Express", "VNPost", *self._carriers()], 0, True)
            if not ok:
                return False
        if tracking_text is None:
            tracking_text, ok = QInputDialog.getMultiLineText(self, _("Tracking numbers"), _(
                "Optional: paste the tracking numbers from the carrier's app, one order a line\n"
                "(DH000123  GHTK84123456). Leave empty to keep the ones the orders have."), "")
            if not ok:
                return False
        tracking, problems = parse_tracking_lines(tracking_text)
        if problems:
            warn(self, _("Not changed"), "\n".join(problems[:12]))
            return False
        order_ids = self.chosen.order_ids
        if not self.window_.ops.run(self, lambda db: sd.assign_carrier(db, order_ids, name, tracking, who=_("staff")),
                                    title=_("Not changed")):  # the runner hands its Changes to the pages
            return False
        said = _("Carrier {carrier} set on {n} orders; {t} tracking numbers saved")
        self.window_.statusBar().showMessage(said.format(carrier=name, n=len(order_ids), t=len(tracking)), 10000)
        return True

    def open_check(self):  # noqa: ANN201
        from coopdesk.ui.shipping.scan_check import ScanCheckDialog

        if not self.chosen or not self.chosen.printable:
            return None
        groups = self.chosen.carriers()
        carrier = next(iter(groups))
        if len(groups) > 1:
            carrier, ok = QInputDialog.getItem(self, _("Handover check"), _("Which carrier is collecting?"),
                                               list(groups), 0, False)
            if not ok:
                return None
        dialog = ScanCheckDialog(self, self.database, carrier, groups[carrier])
        dialog.confirmed.connect(self._on_handed)
        dialog.open()
        self.check_dialog = dialog
        return dialog

    def _on_handed(self, ids: list) -> None:
        inform(self, _("Handed over"), _("{n} orders are now “Handed to carrier”.").format(n=len(ids)))
        self.changed.emit(Changes(orders=True))

    def ask_discard(self) -> bool:
        return ask(self, _("Shipping"), _("Discard the document being made?"), yes=_("Discard"))
