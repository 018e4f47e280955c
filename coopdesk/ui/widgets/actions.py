"""Toolbar actions of a page, with their shortcuts live window-wide while the page shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget


def page_action(page: QWidget, toolbar: QToolBar, text: str,
                shortcut: QKeySequence | QKeySequence.StandardKey | None, slot: Callable) -> QAction:
    """An action on the page's toolbar; Qt ignores the shortcuts of hidden pages, so pages can share keys."""
    action = QAction(text, page)
    if shortcut is not None:
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        keys = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.replace('&&', '&')} ({keys})")
    action.triggered.connect(lambda _checked=False: slot())
    toolbar.addAction(action)
    page.addAction(action)
    return action
