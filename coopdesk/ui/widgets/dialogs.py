"""Message boxes with buttons in the UI language, and dialogs that never drop typed work on Esc."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QGuiApplication
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


def ask(parent: QWidget | None, title: str, text: str, yes: str | None = None, no: str | None = None,
        warning: bool = False) -> bool:
    """A yes/no question; No is the default so Enter never destroys anything. ``warning``: something is wrong."""
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question, title, text,
                      parent=parent)
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


# The office laptop: 1366×768 with the Windows task bar leaves about 1366×728 for a window and its frame.
LAPTOP = QSize(1366, 728)
FRAME = QSize(16, 40)  # what a window manager adds around a window (title bar and borders), roughly


def available_size(widget: QWidget | None = None) -> QSize:
    """The usable part of the widget's screen (the office laptop's when there is no screen)."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    return screen.availableGeometry().size() if screen is not None else LAPTOP


def opens_maximised(room: QSize) -> bool:
    """A laptop-sized screen (1366×768 and the like) has no room to spare: the main window fills it."""
    return room.width() < 1500 or room.height() < 900


def fit_to_screen(window: QWidget) -> None:
    """Shrink a window that is taller or wider than the usable screen, so its buttons stay on it."""
    room = available_size(window) - FRAME
    if window.width() > room.width() or window.height() > room.height():
        window.resize(window.size().boundedTo(room).expandedTo(window.minimumSize()))


class ScreenFitter(QObject):
    """Installed on the application: every dialog shown is shrunk to the usable screen first."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Show and isinstance(obj, QDialog):
            fit_to_screen(obj)
        return False


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
            fit_to_screen(self)
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
