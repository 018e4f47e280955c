"""Running slow work off the GUI thread (Anki's QueryOp shape): callbacks always land on the GUI thread.

Screens should use the window's runner, ``ui.operations.Operations`` (progress, Cancel, one writer thread,
Changes handed to the pages); these two helpers remain for callers not yet moved to it.

A job must not touch widgets; it gets plain data and returns plain data. A job that needs the
data file opens its own connection from the path (sqlite3 connections belong to one thread).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QWidget

from coopdesk.i18n import _


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[threading.Event], object], signals: _Signals,
                 cancel: threading.Event) -> None:
        super().__init__()
        self.fn, self.signals, self.cancel = fn, signals, cancel

    def run(self) -> None:
        try:
            result = self.fn(self.cancel)
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread to show
            self.signals.failed.emit(e)
        else:
            self.signals.done.emit(result)


class Task:
    """A running job: cancel() asks it to stop; its callbacks are then not called."""

    def __init__(self, signals: _Signals, cancel: threading.Event) -> None:
        self._signals = signals
        self.cancelled = cancel

    def cancel(self) -> None:
        self.cancelled.set()


def run_in_background(parent: QObject, fn: Callable[[threading.Event], object],
                      on_done: Callable[[object], None], on_error: Callable[[BaseException], None]) -> Task:
    """Run ``fn(cancel_event)`` on the thread pool and call back on the GUI thread."""
    from coopdesk.ui.operations import hold_gc, release_gc

    cancel = threading.Event()
    signals = _Signals(parent)
    signals.done.connect(release_gc)  # first: the GUI thread collects once the worker is done
    signals.failed.connect(release_gc)
    signals.done.connect(lambda r: None if cancel.is_set() else on_done(r))
    signals.failed.connect(lambda e: None if cancel.is_set() else on_error(e))
    hold_gc()
    QThreadPool.globalInstance().start(_Job(fn, signals, cancel))
    return Task(signals, cancel)


def read_in_background(parent: QWidget, label: str, data_file: Path, read: Callable[[object], object],
                       on_done: Callable[[object], None], error_title: str,
                       on_known_error: Callable[[], None] | None = None) -> Task:
    """Run ``read(reader)`` on a read-only connection of its own, with a busy dialog and a Cancel button.

    A known error (CoopDeskError) is shown plainly under ``error_title``; anything else is a bug and goes to
    the error hook. Cancel discards the result: a read changes nothing.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QProgressDialog

    from coopdesk.domain.errors import CoopDeskError
    from coopdesk.services.datafile import open_reader
    from coopdesk.ui.widgets.dialogs import warn

    busy = QProgressDialog(label, _("Cancel"), 0, 0, parent)
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setMinimumDuration(300)

    def job(_cancel: threading.Event) -> object:
        reader = open_reader(data_file)
        try:
            return read(reader)
        finally:
            reader.close()

    def done(result: object) -> None:
        busy.close()
        on_done(result)

    def failed(error: BaseException) -> None:
        busy.close()
        if not isinstance(error, CoopDeskError):
            raise error
        warn(parent, error_title, error.message)
        if on_known_error is not None:
            on_known_error()

    task = run_in_background(parent, job, done, failed)
    busy.canceled.connect(task.cancel)
    return task
