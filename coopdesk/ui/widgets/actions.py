"""Toolbar actions of a page, with their shortcuts live window-wide while the page shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton, QWidget


def page_action(page: QWidget, toolbar: QToolBar | QMenu, text: str,
                shortcut: QKeySequence | QKeySequence.StandardKey | None, slot: Callable) -> QAction:
    """An action on the page's toolbar (or one of its drop-down menus); Qt ignores the shortcuts of hidden pages,
    so pages can share keys."""
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


def toolbar_menu(toolbar: QToolBar, text: str) -> QMenu:
    """A drop-down button on the toolbar for a group of actions (the diary's four files): a 1366-pixel screen
    shows every button without Qt's » overflow."""
    menu = QMenu(toolbar)
    button = QToolButton()
    button.setText(text)
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    toolbar.addWidget(button)
    return menu
