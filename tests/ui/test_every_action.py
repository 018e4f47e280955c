"""Every button and every action of every page, clicked once on the demo data: no exception, no Qt warning.

Anything that would wait for a person (dialogs run with exec, file and input dialogs, print dialogs) is
answered 'cancel' at once, so the walk never blocks offscreen.
"""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QSize, QtMsgType
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QWidget,
)

SKIP_TEXTS = ("Thoát", "Quit")  # closing the window ends the walk
OFFSCREEN_NOISE = ("This plugin does not support",)  # the offscreen platform plugin's own chatter, not the app's


def _problems(records) -> list[str]:
    return [r.message for r in records
            if r.type != QtMsgType.QtDebugMsg and not any(n in r.message for n in OFFSCREEN_NOISE)]


@pytest.fixture
def nothing_blocks(monkeypatch):
    """Dialogs answer at once: exec() is Rejected, file pickers and input boxes are cancelled."""
    opened: list[str] = []

    def exec_(dialog) -> int:
        opened.append(type(dialog).__name__ + ": " + dialog.windowTitle())
        SEEN.append(dialog)
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(QDialog, "exec", exec_)
    from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog

    for cls in (QPrintDialog, QPageSetupDialog):  # they override exec(): patching QDialog's misses them
        monkeypatch.setattr(cls, "exec", exec_)
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("", False)))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (0, False)))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(lambda *a, **k: ("", False)))
    return opened


SEEN: list[QWidget] = []  # every dialog the walk opened, for the size check


def _close_new_windows(window) -> None:
    for w in QApplication.topLevelWidgets():
        if w is not window and w.isVisible() and not w.inherits("QMenu") and not w.inherits("QListView"):
            SEEN.append(w)
            w.hide()
    QApplication.processEvents()


def _label(obj) -> str:
    return (obj.text() if hasattr(obj, "text") else "") or obj.objectName() or type(obj).__name__


def _walk(window, qtbot, qtlog, click) -> list[str]:
    failures: list[str] = []
    for index in range(window.nav.count()):
        window.nav.setCurrentRow(index)
        page = window.stack.currentWidget()
        targets: list = [a for a in page.findChildren(QAction) if a.text()]
        targets += [b for b in page.findChildren(QAbstractButton) if b.isVisibleTo(page)]
        for target in targets:
            if not shiboken6.isValid(target) or not target.isEnabled() or _label(target) in SKIP_TEXTS:
                continue
            what = f"page {index}: {_label(target)}"
            before = len(qtlog.records)
            with qtbot.captureExceptions() as exceptions:
                click(target)
                QApplication.processEvents()
            warnings = _problems(qtlog.records[before:])
            if exceptions:
                failures.append(f"{what}: {exceptions[0][1]!r}")
            if warnings:
                failures.append(f"{what}: Qt said {warnings}")
            _close_new_windows(window)
            if window.nav.currentRow() != index:
                window.nav.setCurrentRow(index)
    return failures


def _click(target) -> None:
    if isinstance(target, QAction):
        target.trigger()
    else:
        target.click()


def test_every_button_and_page_action_once(window, qtbot, qtlog, nothing_blocks):
    failures = _walk(window, qtbot, qtlog, _click)
    print("\n".join(failures))
    assert failures == []


def _menu_actions(window) -> dict[tuple[str, str], QAction]:
    found = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if not action.isSeparator():
                found[(menu_action.text(), action.text())] = action
    return found


ROOM = QSize(1366 - 16, 728 - 40)  # the office laptop's usable 1366×728, less a window frame


def _misfit(w: QWidget) -> str | None:
    """Why ``w`` would not fit the office laptop with its buttons on screen, or None."""
    name = f"{type(w).__name__} “{w.windowTitle()}”"
    least = w.minimumSizeHint().expandedTo(w.minimumSize())
    if least.width() > ROOM.width() or least.height() > ROOM.height():
        return f"{name}: needs at least {least.width()}×{least.height()}"
    if w.width() > ROOM.width() or w.height() > ROOM.height():
        return f"{name}: opens at {w.width()}×{w.height()}"
    w.show()  # message boxes lay themselves out when shown
    QApplication.processEvents()
    w.resize(w.sizeHint().expandedTo(w.size()).boundedTo(ROOM).expandedTo(least))
    if w.layout() is not None:
        w.layout().activate()
    w.hide()
    for b in w.findChildren(QAbstractButton):
        if not b.isVisibleTo(w) or b.inherits("QToolButton") or _scrolled(b, w):
            continue
        top_left = b.mapTo(w, b.rect().topLeft())
        bottom_right = b.mapTo(w, b.rect().bottomRight())
        if not (w.rect().contains(top_left) and w.rect().contains(bottom_right)):
            return f"{name}: button “{b.text()}” is off the window at {w.width()}×{w.height()}"
    return None


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    """Inside a scroll area: reachable by scrolling, so it may sit beyond the window's edge."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def test_every_page_and_dialog_fits_the_office_laptop(window, qtbot, qtlog, nothing_blocks, demo_db):
    """7. Each page, every dialog the walk opens and the dialogs behind a selection fit 1366×728."""
    from coopdesk.ui.orders.page import OrderDialog, SessionDialog
    from coopdesk.ui.welcome import WelcomeDialog

    SEEN.clear()
    _walk(window, qtbot, qtlog, _click)
    window.nav.setCurrentRow(0)
    window.products_page.table.setCurrentIndex(window.products_page.proxy.index(0, 0))
    SEEN.append(window.products_page.edit_selected())
    window.nav.setCurrentRow(1)
    window.lots_page.table.selectRow(0)
    SEEN.append(window.lots_page.add_event())
    SEEN.extend([OrderDialog(window, demo_db, 3, lambda _c: None, lambda _i: None), SessionDialog(window),
             WelcomeDialog(lambda _d: None, window, "")])
    window.show_shortcuts()
    SEEN.extend(w for w in QApplication.topLevelWidgets() if w.inherits("QMessageBox"))
    names = {type(w).__name__ for w in SEEN if w is not None}
    assert {"ProductForm", "NewLotDialog", "RegistersDialog", "EventDialog", "OrderDialog"} <= names, names
    problems = [m for w in SEEN if w is not None and shiboken6.isValid(w) and (m := _misfit(w))]
    least = window.minimumSizeHint()
    if least.width() > ROOM.width() or least.height() > ROOM.height():
        problems.append(f"main window needs {least.width()}×{least.height()}")
    for index in range(window.nav.count()):
        window.nav.setCurrentRow(index)
        page = window.stack.currentWidget()
        if page.minimumSizeHint().height() > ROOM.height() - 90:  # menu, status bar and demo banner above it
            problems.append(f"page {index} needs {page.minimumSizeHint().height()} px")
    assert problems == [], "\n".join(problems)


def test_the_order_desk_shows_six_lines_and_the_money_columns(window, qtbot):
    """7. At 1366×728: six order lines in view, and Total, COD and status without scrolling."""
    from coopdesk.ui.orders.table_model import COLUMNS, R_COD, R_STATUS, R_TOTAL

    window.resize(ROOM)
    window.nav.setCurrentRow(3)
    page = window.orders_page
    QApplication.processEvents()
    lines = page.form.lines
    rows_in_view = (lines.viewport().height()) // lines.verticalHeader().defaultSectionSize()
    assert rows_in_view >= 6
    assert page.form.scroll.verticalScrollBar().maximum() == 0  # the whole form in view, demo banner and all
    table = page.table
    for field in (R_TOTAL, R_COD, R_STATUS):
        col = COLUMNS.index(field)
        right = table.columnViewportPosition(col) + table.columnWidth(col)
        assert 0 <= table.columnViewportPosition(col) and right <= table.viewport().width(), field
    items = page.model.index(0, COLUMNS.index(11 - 1)).data()
    assert "Bún sắn khô" in items or "Bí đỏ" in items  # product names, not SKUs


def test_every_menu_action_once(window, qtbot, qtlog, nothing_blocks):
    """Each menu action, looked up afresh (opening another data file rebuilds the menus)."""
    failures = []
    for key in list(_menu_actions(window)):
        action = _menu_actions(window).get(key)
        if action is None or key[1].replace("&", "") in SKIP_TEXTS or not action.isEnabled():
            continue
        with qtbot.captureExceptions() as exceptions:
            action.trigger()
            QApplication.processEvents()
        if exceptions:
            failures.append(f"{key}: {exceptions[0][1]!r}")
        _close_new_windows(window)
    assert failures == [] and _problems(qtlog.records) == []


def test_the_old_address_button_converts(window, qtbot, monkeypatch):
    window.nav.setCurrentRow(3)
    form = window.orders_page.form
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(
        lambda *a, **k: ("Phường Phú Cường, Thành phố Thủ Dầu Một, Bình Dương", True)))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda parent, title, label, items, *a, **k:
                                                              (items[0], True)))
    with qtbot.captureExceptions() as exceptions:
        form.legacy_button.click()
    assert exceptions == []
    assert form.place.commune.text() == "Phường Thủ Dầu Một" and form.place.province_code() == 79


def test_walk_would_catch_an_exception(window, qtbot, qtlog, nothing_blocks):
    """The walk itself can fail: a button whose slot raises is reported."""
    from PySide6.QtWidgets import QPushButton

    bad = QPushButton("boom", window.products_page)
    bad.clicked.connect(lambda: 1 / 0)
    bad.show()
    failures = _walk(window, qtbot, qtlog, _click)
    assert any("boom" in f and "ZeroDivisionError" in f for f in failures)
    assert isinstance(bad, QWidget)


def test_the_main_window_opens_within_the_screen(app, qtbot, demo_db):
    """7. Maximised on a laptop-sized screen; never larger than the screen's usable part."""
    from coopdesk.ui.main_window import MainWindow
    from coopdesk.ui.widgets.dialogs import available_size

    w = MainWindow(demo_db, is_demo=True)
    qtbot.addWidget(w)
    room = available_size(w)
    assert w.width() <= room.width() and w.height() <= room.height()
    w.show_fitted()
    qtbot.waitExposed(w)
    assert w.isMaximized() == (room.width() < 1500 or room.height() < 900)
    w.backup_timer.stop()


def _mnemonic(text: str) -> str | None:
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


def _mnemonics(root: QWidget, with_menus: bool = False) -> list[tuple[str, str]]:
    """(letter, text) of every Alt-key shown under ``root``: buttons, form labels, tabs, menus."""
    from PySide6.QtWidgets import QLabel, QTabBar

    found = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root):
            continue  # Qt ignores the mnemonics of hidden widgets
        texts = []
        if isinstance(w, QAbstractButton) and not w.inherits("QToolButton"):
            texts.append(w.text())
        elif isinstance(w, QLabel) and w.buddy() is not None:
            texts.append(w.text())
        elif isinstance(w, QTabBar):
            texts += [w.tabText(i) for i in range(w.count())]
        found += [(m, t) for t in texts if (m := _mnemonic(t))]
    if with_menus:
        found += [(m, a.text()) for a in root.menuBar().actions() if (m := _mnemonic(a.text()))]
    return found


def _states(w: QWidget):
    """The dialog in each of its looks: every tab, every kind of diary entry."""
    from PySide6.QtWidgets import QTabWidget

    tabs = w.findChildren(QTabWidget)
    kind = getattr(w, "kind", None)
    if tabs:
        for i in range(tabs[0].count()):
            tabs[0].setCurrentIndex(i)
            yield f" tab {i}"
    elif kind is not None and hasattr(kind, "count"):
        for i in range(kind.count()):
            kind.setCurrentIndex(i)
            yield f" kind {i}"
    else:
        yield ""


def _mnemonic_problems(where: str, found: list[tuple[str, str]]) -> list[str]:
    problems, seen = [], {}
    for letter, text in found:
        if not (letter.isascii() and letter.isalnum()):
            problems.append(f"{where}: “{text}” puts Alt on “{letter}”, which a keyboard cannot type with Alt")
        elif letter in seen and seen[letter] != text:
            problems.append(f"{where}: “{seen[letter]}” and “{text}” share Alt+{letter}")
        seen.setdefault(letter, text)
    return problems


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_two_actions_share_a_mnemonic_and_none_is_on_a_letter_alt_cannot_type(window, qtbot, qtlog,
                                                                                 nothing_blocks, language):
    """9. Per page of the window (with the menus) and per dialog, in both languages the window speaks."""
    if language != "vi":
        window.switch_language(language)
    problems = []
    for index in range(window.nav.count()):
        window.nav.setCurrentRow(index)
        page = window.stack.currentWidget()
        for state in _states(page):
            problems += _mnemonic_problems(f"page {window.nav.item(index).text()}{state}",
                                           _mnemonics(page) + [(m, a.text()) for a in window.menuBar().actions()
                                                               if (m := _mnemonic(a.text()))])
    for menu_action in window.menuBar().actions():
        items = [(m, a.text()) for a in menu_action.menu().actions() if (m := _mnemonic(a.text()))]
        problems += _mnemonic_problems(f"menu {menu_action.text()}", items)
    SEEN.clear()
    _walk(window, qtbot, qtlog, _click)
    window.nav.setCurrentRow(1)
    window.lots_page.table.selectRow(0)
    SEEN.append(window.lots_page.add_event())
    for w in SEEN:
        if w is not None and shiboken6.isValid(w) and w is not window:
            for state in _states(w):
                problems += _mnemonic_problems(f"{type(w).__name__}{state}", _mnemonics(w))
    assert problems == [], "\n".join(sorted(set(problems)))
