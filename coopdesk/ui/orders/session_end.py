"""What a live session came to, shown when it ends, with the way to the after-live documents."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from coopdesk.domain.money import format_vnd
from coopdesk.i18n import _


class SessionEndDialog(QDialog):
    """The tally (orders, packs, revenue, COD, cancelled) and a button to the Shipping page."""

    def __init__(self, parent: QWidget | None, session: dict, tally: dict,
                 open_documents: Callable[[], None] | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Live session ended"))
        self.setMinimumWidth(460)
        self.tally = tally
        layout = QVBoxLayout(self)
        title = QLabel(_("“{name}” has ended.").format(name=session["name"]))
        title.setStyleSheet("font-size: 15px; font-weight: bold;")
        layout.addWidget(title)
        form = QFormLayout()
        self.figures: dict[str, QLabel] = {}
        for key, label, value in (("orders", _("Orders"), str(tally["orders"])),
                                  ("items", _("Packs"), str(tally["items"])),
                                  ("revenue", _("Revenue (goods)"), format_vnd(tally["revenue"])),
                                  ("shipping", _("Shipping fees"), format_vnd(tally.get("shipping", 0))),
                                  ("prepaid", _("Prepaid"), "−" + format_vnd(tally.get("prepaid", 0))),
                                  ("cod", _("COD to collect"), format_vnd(tally["cod"])),
                                  ("cancelled", _("Cancelled orders"), str(tally.get("cancelled", 0)))):
            shown = QLabel(value)
            shown.setStyleSheet("font-weight: bold;")
            form.addRow(label, shown)
            self.figures[key] = shown
        layout.addLayout(form)
        hint = QLabel(_("Next: packing slips, the picking list and the carrier handover sheets, on the Shipping "
                        "page."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox()
        self.documents_button = QPushButton(_("Open the after-live documents"))
        self.documents_button.setDefault(True)
        self.documents_button.setEnabled(open_documents is not None)
        buttons.addButton(self.documents_button, QDialogButtonBox.ButtonRole.AcceptRole)
        close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if open_documents is not None:
            self.documents_button.clicked.connect(lambda _c=False: open_documents())
        layout.addWidget(buttons)
