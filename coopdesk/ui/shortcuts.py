"""The F1 list of keyboard shortcuts, read from the window's own actions so it can never be out of date."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from coopdesk.i18n import _

HELP_PROPERTY = "keyHelp"  # a widget's (keys, what they do) for keys that are not actions, e.g. Enter in a field


def _keys(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.NativeText)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def shortcut_rows(window) -> list[tuple[str, str, str]]:  # noqa: ANN001 - the MainWindow
    """(where, keys, what) for every menu action, page action, form shortcut and documented key."""
    rows: list[tuple[str, str, str]] = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        for a in menu.actions() if menu is not None else []:
            if not a.isSeparator() and not a.shortcut().isEmpty():
                rows.append((_("Everywhere"), _keys(a.shortcut()), _plain(a.text())))
    for i, page in enumerate(window.pages):
        where = window.nav.item(i).text()
        rows += page_rows(page, where)
    rows += [(_("Forms and dialogs"), _keys(QKeySequence(QKeySequence.StandardKey.Save)), _("Save the open form")),
             (_("Forms and dialogs"), _keys(QKeySequence("Esc")),
              _("Close the form; asks first when something typed would be lost"))]
    seen, out = set(), []
    for row in rows:
        if row not in seen:
            seen.add(row)
            out.append(row)
    return out


def page_rows(page: QWidget, where: str) -> list[tuple[str, str, str]]:
    rows = []
    for a in page.findChildren(QAction):
        if a.text() and not a.shortcut().isEmpty():
            rows.append((where, _keys(a.shortcut()), _plain(a.text())))
    for s in page.findChildren(QShortcut):
        if s.whatsThis() and not s.key().isEmpty():
            rows.append((where, _keys(s.key()), s.whatsThis()))
    for w in page.findChildren(QWidget):
        hint = w.property(HELP_PROPERTY)
        if hint:
            keys, what = hint
            rows.append((where, keys, what))
    return rows


class ShortcutsDialog(QDialog):
    """Every shortcut in a table: where it works, the keys, what it does."""

    def __init__(self, window) -> None:  # noqa: ANN001 - the MainWindow
        super().__init__(window)
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        self.rows = shortcut_rows(window)
        self.table = QTableWidget(len(self.rows), 3)
        self.table.setHorizontalHeaderLabels([_("Where"), _("Keys"), _("What it does")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
