"""Showing a domain ValidationError on a form: a list of messages, red fields, focus on the first.

An error clears once it is fixed: editing a red field (or hiding it, as when another kind of diary entry
is chosen) takes its red border and its message away, and the banner goes when no message is left.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from coopdesk.domain.errors import ValidationError
from coopdesk.ui.widgets.fields import mark_error


def _change_signals(widget: QWidget) -> list:
    """The signals that say a person changed what the widget holds."""
    if isinstance(widget, QLineEdit):
        return [widget.textEdited, widget.textChanged]
    if isinstance(widget, QComboBox):
        return [widget.currentIndexChanged, widget.editTextChanged]
    if isinstance(widget, QPlainTextEdit):
        return [widget.textChanged]
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        return [model.dataChanged, model.rowsInserted, model.rowsRemoved]
    if isinstance(widget, QAbstractButton):
        return [widget.clicked]
    return []


class ErrorBanner(QLabel):
    """The messages, in the UI language, above the form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#errorBanner { color: #b71c1c; background: #ffebee; border: 1px solid #ef9a9a;"
                           " border-radius: 4px; padding: 6px 8px; }")
        self._messages: list[tuple[str, str]] = []
        self._marked: dict[QWidget, set[str]] = {}
        self._connections: list = []
        self.hide()

    def show_error(self, error: ValidationError | None, fields: dict[str, QWidget]) -> QWidget | None:
        """Mark the named fields and focus the first; return it. None clears the marks."""
        self._forget()
        for widget in fields.values():
            mark_error(widget, False)
        if error is None:
            self._messages = []
            self._render()
            return None
        self._messages = [(e.field, e.message) for e in error.errors]
        first = None
        for e in error.errors:
            widget = fields.get(e.field)
            if widget is not None:
                mark_error(widget, True)
                self._marked.setdefault(widget, set()).add(e.field)
                first = first or widget
        for widget in self._marked:
            for signal in _change_signals(widget):
                self._connections.append((signal, signal.connect(lambda *_a, w=widget: self.fixed(w))))
            widget.installEventFilter(self)
        self._render()
        if first is not None:
            first.setFocus()
        return first

    def fixed(self, widget: QWidget) -> None:
        """The field was changed: its red border and its messages go (it is checked again at the next save)."""
        names = self._marked.pop(widget, None)
        if names is None:
            return
        mark_error(widget, False)
        widget.removeEventFilter(self)
        self._messages = [(f, m) for f, m in self._messages if f not in names]
        self._render()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Hide and obj in self._marked and not obj.window().isHidden():
            self.fixed(obj)  # a field no longer asked for (another kind of entry) has nothing to fix
        return False

    def _render(self) -> None:
        if self._messages:
            self.setText("\n".join(f"• {m}" for _f, m in self._messages))
            self.show()
        else:
            self.clear()
            self.hide()

    def _forget(self) -> None:
        for signal, connection in self._connections:
            try:
                signal.disconnect(connection)
            except (RuntimeError, TypeError):
                pass  # the widget is gone already
        self._connections = []
        for widget in self._marked:
            widget.removeEventFilter(self)
        self._marked = {}
