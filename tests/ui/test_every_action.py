"""Every button and every action of every page, clicked once on the demo data: no exception, no Qt warning.

Anything that would wait for a person (dialogs run with exec, file and input dialogs, print dialogs) is
answered 'cancel' at once, so the walk never blocks offscreen.
"""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import QtMsgType
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QFileDialog, QInputDialog, QWidget

SKIP_TEXTS = ("Thoát", "Quit")  # closing the window ends the walk
OFFSCREEN_NOISE = ("propagateSizeHints",)  # the offscreen platform plugin's own chatter, not the app's


def _problems(records) -> list[str]:
    return [r.message for r in records
            if r.type != QtMsgType.QtDebugMsg and not any(n in r.message for n in OFFSCREEN_NOISE)]


@pytest.fixture
def nothing_blocks(monkeypatch):
    """Dialogs answer at once: exec() is Rejected, file pickers and input boxes are cancelled."""
    opened: list[str] = []

    def exec_(dialog) -> int:
        opened.append(type(dialog).__name__ + ": " + dialog.windowTitle())
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(QDialog, "exec", exec_)
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *a, **k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([], "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: ""))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda *a, **k: ("", False)))
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (0, False)))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", staticmethod(lambda *a, **k: ("", False)))
    return opened


def _close_new_windows(window) -> None:
    for w in QApplication.topLevelWidgets():
        if w is not window and w.isVisible() and not w.inherits("QMenu"):
            w.hide()
            w.deleteLater()
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
