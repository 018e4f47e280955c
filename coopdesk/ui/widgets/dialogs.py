"""Message boxes with buttons in the UI language, and dialogs that never drop typed work on Esc."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)

from coopdesk.i18n import _


def ask(parent: QWidget | None, title: str, text: str, yes: str | None = None, no: str | None = None) -> bool:
    """A yes/no question; No is the default so Enter never destroys anything."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes or _("Yes"), QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no or _("No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
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


def form_state(root: QWidget) -> tuple:
    """Every value a person can edit under ``root``: two equal states mean nothing was typed in between."""
    out: list = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLineEdit):
            if not w.isReadOnly():
                out.append(w.text())
        elif isinstance(w, QPlainTextEdit):
            if not w.isReadOnly():
                out.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            out.append((w.currentIndex(), w.currentText()))
        elif isinstance(w, QAbstractButton):
            if w.isCheckable():
                out.append(w.isChecked())
        elif isinstance(w, QTableWidget):
            out.append(tuple(tuple((w.item(r, c).text() if w.item(r, c) else "") for c in range(w.columnCount()))
                             for r in range(w.rowCount())))
        elif isinstance(w, QListWidget):
            out.append(tuple((w.item(i).text(), w.item(i).checkState().value) for i in range(w.count())))
    return tuple(out)


class GuardedDialog(QDialog):
    """A dialog that asks before Esc, Cancel or the close box throws away what was typed in it.

    The state when the dialog first shows (after the caller filled it) counts as clean.
    """

    _clean_state: tuple | None = None

    def showEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        if self._clean_state is None:
            self.mark_clean()
        super().showEvent(event)

    def mark_clean(self) -> None:
        self._clean_state = form_state(self)

    def has_edits(self) -> bool:
        return self._clean_state is not None and form_state(self) != self._clean_state

    def reject(self) -> None:
        if self.has_edits() and not ask(self, _("Discard the changes?"), _(
                "Close without saving? What you typed here would be lost."), yes=_("Discard"), no=_("Keep editing")):
            return
        super().reject()
