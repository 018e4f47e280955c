"""Importing an order export: read it off the GUI thread, show the preview, map unknown SKUs, then commit
with a progress bar and a Cancel button (cancel rolls the whole file back)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.money import format_vnd
from coopdesk.i18n import _
from coopdesk.services import catalog, order_import
from coopdesk.ui.operations import run_anywhere
from coopdesk.ui.widgets.dialogs import inform
from coopdesk.ui.workers import read_in_background

SKIP, CREATE = "skip", "create"


class ImportPreviewDialog(QDialog):
    """The counts, the rejected rows, the warnings and conflicts, and a choice for each unknown SKU."""

    def __init__(self, plan: order_import.ImportPlan, products: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(_("Import orders from {file}").format(file=plan.file))
        self.resize(820, 640)
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        figures = [(_("New orders"), len(plan.new)), (_("Updated"), len(plan.updates)),
                   (_("Unchanged"), len(plan.unchanged)), (_("Lines"), plan.lines), (_("Cancelled"), plan.cancelled),
                   (_("COD orders"), plan.cod_orders), (_("COD total"), format_vnd(plan.cod_total_vnd)),
                   (_("Rejected rows"), len(plan.rejected))]
        if plan.rejected:
            figures.append((_("Orders held back"), plan.held_orders))
        for i, (label, value) in enumerate(figures):
            name = QLabel(label)
            number = QLabel(f"<b>{value}</b>")
            number.setObjectName(f"figure{i}")
            grid.addWidget(name, i // 4, (i % 4) * 2)
            grid.addWidget(number, i // 4, (i % 4) * 2 + 1)
        layout.addLayout(grid)
        good = len(plan.new) + len(plan.updates)
        if plan.rejected and good:
            note = QLabel(_("{m} orders have rejected rows. You can import the other {n} orders now and hold these {m} "
                            "back: every row of a held-back order is saved in an Excel file beside this one, to fix "
                            "and import later. Rejected rows:").format(n=good, m=plan.held_orders))
        elif plan.rejected:
            note = QLabel(_("Nothing will be imported while rows are rejected. Fix them in the file (or export again) "
                            "and import it again:"))
        if plan.rejected:
            note.setWordWrap(True)
            note.setStyleSheet("color:#b71c1c")
            layout.addWidget(note)
            rejected = QPlainTextEdit("\n".join(_("Row {row}: {reason}").format(row=r.row, reason=r.reason)
                                                for r in plan.rejected))
            rejected.setReadOnly(True)
            layout.addWidget(rejected, 1)
        self.mapping = QTableWidget(0, 3)
        if plan.unknown_skus:
            layout.addWidget(QLabel(_("These SKUs are not in the catalog. Choose what each one is; CoopDesk remembers "
                                      "the answer for the next import:")))
            self.mapping.setHorizontalHeaderLabels([_("SKU in the file"), _("Product name in the file"),
                                                    _("In CoopDesk")])
            self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            self.mapping.verticalHeader().hide()
            for sku, name in sorted(plan.unknown_skus.items()):
                r = self.mapping.rowCount()
                self.mapping.insertRow(r)
                self.mapping.setItem(r, 0, QTableWidgetItem(sku))
                self.mapping.setItem(r, 1, QTableWidgetItem(name))
                combo = QComboBox()
                combo.addItem(_("Keep unmapped for now"), SKIP)
                combo.addItem(_("Create a new product"), CREATE)
                for p in products:
                    combo.addItem(f"{p.sku} — {p.name}", p.id)
                self.mapping.setCellWidget(r, 2, combo)
            layout.addWidget(self.mapping, 1)
        notes = plan.conflicts + plan.warnings
        if notes:
            layout.addWidget(QLabel(_("Warnings ({n}) — the orders are imported, these need a look:").format(
                n=len(notes))))
            box = QPlainTextEdit("\n".join(notes))
            box.setReadOnly(True)
            box.setMaximumHeight(160)
            layout.addWidget(box)
        buttons = QDialogButtonBox()
        label = _("Import")
        if plan.rejected and good:
            label = _("Import {n} orders, hold back {m}").format(n=good, m=plan.held_orders)
        self.import_button = buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(bool(good) if plan.rejected else bool(plan.new or plan.updates or
                                                                           plan.unknown_skus))
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choices(self) -> tuple[dict[str, int | None], list[str]]:
        """(SKU -> product id or None to keep unmapped, SKUs to create as products)."""
        mapping, create = {}, []
        for r in range(self.mapping.rowCount()):
            sku = self.mapping.item(r, 0).text()
            value = self.mapping.cellWidget(r, 2).currentData()
            if value == CREATE:
                create.append(sku)
            else:
                mapping[sku] = None if value == SKIP else value
        return mapping, create


class OrderImport(QObject):
    """Runs one import from the orders page: preview in the background, the dialog, then the commit."""

    finished = Signal(object)  # the report dict, or None when nothing was imported

    def __init__(self, page: QWidget, database) -> None:  # noqa: ANN001
        super().__init__(page)
        self.page, self.database = page, database
        self.dialog: ImportPreviewDialog | None = None
        self.task = None

    def start(self, path: str) -> None:
        def read(reader) -> order_import.ImportPlan:  # noqa: ANN001
            return order_import.preview_import(reader, Path(path))

        self.task = read_in_background(self.page, _("Reading {file}…").format(file=Path(path).name),
                                       self.database.path, read, self.show_preview, _("Not imported"),
                                       lambda: self.finished.emit(None))

    def show_preview(self, plan: order_import.ImportPlan) -> ImportPreviewDialog:
        self.dialog = ImportPreviewDialog(plan, catalog.list_products(self.database), self.page)
        self.dialog.accepted.connect(lambda: self.commit(plan))
        self.dialog.rejected.connect(lambda: self.finished.emit(None))
        self.dialog.open()
        return self.dialog

    def commit(self, plan: order_import.ImportPlan) -> None:
        """One operation, one transaction, on the writer thread's own connection; Cancel rolls all of it back."""
        mapping, create = self.dialog.choices() if self.dialog else ({}, [])
        held = None
        if plan.rejected:  # the person chose to hold the bad orders back: their rows go to a file first
            plan.hold_back = True
            written, held = run_anywhere(self.page, lambda: order_import.write_held_back(plan),
                                         title=_("Not imported"))
            if not written:
                self.finished.emit(None)
                return
        total = len(plan.new) + len(plan.updates)

        def job(database):  # noqa: ANN001, ANN202 - runs on the writer thread
            return order_import.commit_job(database, plan, mapping, create)

        def done(result: tuple) -> None:
            report = result[0]
            report["held_back_file"] = str(held) if held else None
            if held:
                inform(self.page, _("Orders held back"), _(
                    "{n} orders were imported. {m} orders were held back; their rows are in\n{path}\n"
                    "Fix them there and import that file.").format(n=report["orders_new"] + report["orders_updated"],
                                                                    m=plan.held_orders, path=held))
            self.finished.emit(report)

        def cancelled() -> None:
            self.page.window_.statusBar().showMessage(_("Import cancelled: nothing was stored."), 10000)
            self.finished.emit(None)

        self.task = self.page.window_.ops.start(self.page, _("Importing {n} orders…").format(n=total), job,
                                                title=_("Not imported"), write=True, success=done,
                                                cancelled=cancelled, failed=lambda _e: self.finished.emit(None))
        self.progress = self.task.progress

    def _cancel(self) -> None:
        # The runner sees the flag between chunks and closes the job: the transaction rolls back.
        self.task.cancel()
