"""Message boxes with buttons in the UI language (Qt ships no Vietnamese translation of its own)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from coopdesk.i18n import _


def ask(parent: QWidget | None, title: str, text: str, yes: str | None = None, no: str | None = None,
        warning: bool = False) -> bool:
    """A yes/no question; No is the default so Enter never destroys anything. ``warning``: something is wrong."""
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question, title, text,
                      parent=parent)
    yes_button = box.addButton(yes or _("Yes"), QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no or _("No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.addButton(_("OK"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()
