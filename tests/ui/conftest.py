"""Widget fixtures: real windows on real data files, offscreen."""

from __future__ import annotations

import pytest

from tests.conftest import artifact


@pytest.fixture(autouse=True)
def _no_blocking_print_dialogs(monkeypatch):
    """A system print dialog offscreen would wait for a click forever (it hung a walk test once a preview stayed
    ready): it answers Cancel at once. Tests that print use print_pdf_to_printer or patch print_pdf."""
    from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog

    for cls in (QPrintDialog, QPageSetupDialog):
        monkeypatch.setattr(cls, "exec", lambda _self: 0)


@pytest.fixture(autouse=True)
def _no_blocking_message_boxes(monkeypatch, request):
    """A message box offscreen would wait for a click forever: record it and go on instead.

    A box the test did not ask about fails it (qutebrowser's message mock): a test that expects boxes
    requests this fixture (or ``message_boxes``) by name and checks what it recorded.
    """
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []

    def exec_(box) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    yield shown
    expected = {"_no_blocking_message_boxes", "message_boxes"} & set(request.fixturenames)
    if shown and not expected:
        pytest.fail(f"unexpected message box: {shown}")


@pytest.fixture
def message_boxes(_no_blocking_message_boxes):
    """The texts of the message boxes shown during the test, for a test that expects some."""
    return _no_blocking_message_boxes


@pytest.fixture
def app(qapp):
    from coopdesk.ui.app import load_fonts

    load_fonts(qapp)
    return qapp


@pytest.fixture
def window(qtbot, app, demo_db):
    from coopdesk.ui.main_window import MainWindow

    w = MainWindow(demo_db, is_demo=True)
    qtbot.addWidget(w)
    w.resize(1280, 760)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.backup_timer.stop()
    from PySide6.QtWidgets import QApplication

    if QApplication.focusWidget() is not None:
        QApplication.focusWidget().clearFocus()  # a field saved on leaving it, while the data file is open


def snapshot(widget, name: str) -> None:
    """Save what a person would see, for review (artifacts/ui/)."""
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    widget.grab().save(str(artifact("ui", f"{name}.png")))


def focused(app):
    return app.focusWidget()


def type_text(qtbot, widget, text: str) -> None:
    """Type like a person with a Vietnamese keyboard (Unikey sends finished letters such as 'ế').

    QTest.keyClicks only knows ASCII (it asserts on 'ơ'), so other letters go as key events carrying text.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier,
                                                         ch))
