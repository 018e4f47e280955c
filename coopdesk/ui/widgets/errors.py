"""Showing a domain ValidationError on a form: a list of messages, red fields, focus on the first."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from coopdesk.domain.errors import ValidationError
from coopdesk.ui.widgets.fields import mark_error


class ErrorBanner(QLabel):
    """The messages, in the UI language, above the form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#errorBanner { color: #b71c1c; background: #ffebee; border: 1px solid #ef9a9a;"
                           " border-radius: 4px; padding: 6px 8px; }")
        self.hide()

    def show_error(self, error: ValidationError | None, fields: dict[str, QWidget]) -> QWidget | None:
        """Mark the named fields and focus the first; return it. None clears the marks."""
        for widget in fields.values():
            mark_error(widget, False)
        if error is None:
            self.clear()
            self.hide()
            return None
        self.setText("\n".join(f"• {e.message}" for e in error.errors))
        self.show()
        first = None
        for e in error.errors:
            widget = fields.get(e.field)
            if widget is not None:
                mark_error(widget, True)
                first = first or widget
        if first is not None:
            first.setFocus()
        return first
