"""Checking parcels at handover: a barcode scanner types each code and Enter like a keyboard; each known code
ticks its order, an unknown or repeated one beeps and flashes red; confirming moves the ticked orders to
"handed to carrier" in one transaction."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.money import format_vnd
from coopdesk.domain.shipping import OK, TWICE, UNKNOWN, Parcel, ScanCheck
from coopdesk.i18n import _
from coopdesk.services import shipping_documents as sd
from coopdesk.ui.operations import run_anywhere
from coopdesk.ui.widgets.dialogs import ask

GREEN, RED, AMBER = "#c8e6c9", "#ffcdd2", "#ffe0b2"


class ScanCheckDialog(QDialog):
    """One carrier's parcels against its sheet. At most a few hundred rows: a QTableWidget is fine here."""

    confirmed = Signal(list)  # order ids moved to handed

    def __init__(self, parent: QWidget | None, database, carrier: str, parcels: list[Parcel]) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.database, self.carrier = database, carrier
        self.check = ScanCheck(list(parcels))
        self.events: list[str] = []  # what each scan did, for tests and for the log line
        self.setWindowTitle(_("Handover check — {carrier}").format(carrier=carrier))
        self.resize(760, 600)
        layout = QVBoxLayout(self)
        self.hint = QLabel(_("Scan each parcel's tracking or order barcode (or type it and press Enter)."))
        layout.addWidget(self.hint)
        self.scan = QLineEdit()
        self.scan.setPlaceholderText(_("Scan here…"))
        self.scan.setStyleSheet("font-size: 18px; padding: 6px;")
        self.scan.returnPressed.connect(self._on_scan)
        layout.addWidget(self.scan)
        self.flash = QLabel()
        self.flash.setWordWrap(True)
        self.flash.setStyleSheet("font-size: 15px; padding: 6px;")
        layout.addWidget(self.flash)
        self.table = QTableWidget(len(parcels), 5)
        self.table.setHorizontalHeaderLabels([_("Order"), _("Tracking"), _("Recipient"), _("COD"), _("Scanned")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self._rows: dict[int, int] = {}
        for row, p in enumerate(parcels):
            self._rows[p.id] = row
            for col, text in enumerate((p.code, p.tracking or "—", p.name, format_vnd(p.cod), "")):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        for col, width in enumerate((90, 150, 220, 110)):
            self.table.setColumnWidth(col, width)
        layout.addWidget(self.table, 1)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #b71c1c;")
        self.missing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.missing)
        buttons = QHBoxLayout()
        self.untick_button = QPushButton(_("Untick selected"))
        self.untick_button.clicked.connect(self._untick_selected)
        self.confirm_button = QPushButton()
        self.confirm_button.clicked.connect(self.confirm)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.reject)
        buttons.addWidget(self.untick_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.confirm)
        self._clear_flash = QTimer(self)
        self._clear_flash.setSingleShot(True)
        self._clear_flash.setInterval(1500)
        self._clear_flash.timeout.connect(lambda: self.scan.setStyleSheet("font-size: 18px; padding: 6px;"))
        self._update()
        self.scan.setFocus()

    def _on_scan(self) -> None:
        text = self.scan.text()
        self.scan.clear()
        result, parcel = self.check.scan(text)
        if not text.strip():
            return
        self.events.append(result)
        if result == OK:
            row = self._rows[parcel.id]
            self.table.item(row, 4).setText("✔")
            for col in range(5):
                self.table.item(row, col).setBackground(QBrush(QColor(GREEN)))
            self.table.scrollToItem(self.table.item(row, 0))
            self._say(_("✔ {code} · {name} · COD {cod}").format(code=parcel.code, name=parcel.name,
                                                               cod=format_vnd(parcel.cod)), GREEN)
        elif result == TWICE:
            self._alarm(_("Scanned twice: {code} ({name}) is already ticked.").format(code=parcel.code,
                                                                                      name=parcel.name), AMBER)
        elif result == UNKNOWN:
            self._alarm(_("“{text}” is not on this sheet ({carrier}). Put that parcel aside.").format(
                text=text.strip(), carrier=self.carrier), RED)
        self._update()

    def _say(self, text: str, colour: str) -> None:
        self.flash.setText(text)
        self.flash.setStyleSheet(f"font-size: 15px; padding: 6px; background: {colour};")

    def _alarm(self, text: str, colour: str) -> None:
        QApplication.beep()
        self._say("⚠ " + text, colour)
        self.scan.setStyleSheet(f"font-size: 18px; padding: 6px; background: {colour};")
        self._clear_flash.start()

    def _untick_selected(self) -> None:
        by_row = {row: order_id for order_id, row in self._rows.items()}
        for index in self.table.selectionModel().selectedRows():
            order_id = by_row[index.row()]
            self.check.untick(order_id)
            self.table.item(index.row(), 4).setText("")
            for col in range(5):
                self.table.item(index.row(), col).setBackground(QBrush())
        self._update()
        self.scan.setFocus()

    def _update(self) -> None:
        missing = self.check.missing()
        done = len(self.check.ticked)
        self.confirm_button.setText(_("Confirm handover of {n} orders").format(n=done))
        self.confirm_button.setEnabled(done > 0 and not self.database.read_only)
        if missing:
            codes = ", ".join(p.code for p in missing[:30]) + (" …" if len(missing) > 30 else "")
            self.missing.setStyleSheet("color: #b71c1c;")
            self.missing.setText(_("Missing {n} of {total}: {codes}").format(n=len(missing),
                                                                          total=len(self.check.parcels), codes=codes))
        else:
            self.missing.setStyleSheet("color: #1b5e20; font-weight: bold;")  # all there: good news in green
            self.missing.setText(_("All {n} parcels scanned.").format(n=len(self.check.parcels)))

    def confirm(self) -> list[int]:
        ids = list(self.check.ticked)
        if not ids:
            return []
        missing = self.check.missing()
        if missing and not ask(self, _("Handover check"), _(
                "{n} parcels on the sheet were not scanned. Hand over only the {done} scanned ones?").format(
                n=len(missing), done=len(ids)), yes=_("Hand over {n}").format(n=len(ids)), no=_("Keep scanning")):
            return []
        # The page that opened this dialog hands on the change when told ``confirmed``.
        done, moved = run_anywhere(self, lambda: sd.confirm_handover(self.database, ids, _("staff"))[0],
                                   title=_("Not handed over"))
        if not done:
            return []
        self.confirmed.emit(moved)
        self.accept()
        return moved

    def reject(self) -> None:
        if self.check.ticked and not ask(self, _("Handover check"), _(
                "Close without confirming? The {n} scans are not kept.").format(n=len(self.check.ticked)),
                yes=_("Close"), no=_("Keep scanning")):
            return
        super().reject()
