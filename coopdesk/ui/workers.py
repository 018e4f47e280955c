"""Running slow work off the GUI thread (Anki's QueryOp shape): callbacks always land on the GUI thread.

A job must not touch widgets; it gets plain data and returns plain data. A job that needs the
data file opens its own connection from the path (sqlite3 connections belong to one thread).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


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
    cancel = threading.Event()
    signals = _Signals(parent)
    signals.done.connect(lambda r: None if cancel.is_set() else on_done(r))
    signals.failed.connect(lambda e: None if cancel.is_set() else on_error(e))
    QThreadPool.globalInstance().start(_Job(fn, signals, cancel))
    return Task(signals, cancel)
