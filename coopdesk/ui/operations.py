"""The one runner for what screens ask of services (the shape of Anki's CollectionOp and QueryOp).

``Operations.run`` calls a quick service on the window's connection (GUI thread): a known error
(CoopDeskError) is shown plainly, a ValidationError can go to the form instead, anything else is a
bug and reaches the bug hook; on success the result's Changes go to the window, which hands them to
the pages. ``Operations.start`` runs a long job off the GUI thread on a connection of its own, with a
progress bar and Cancel: a job is a callable taking that Database and returning either a result or a
generator that yields Progress (and returns the result). Jobs that write run one at a time on the
single writer thread; cancelling closes the generator, so its unit of work rolls back.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.i18n import _
from coopdesk.services.changes import Changes
from coopdesk.services.progress import Progress
from coopdesk.ui.widgets.dialogs import warn


def changes_of(result: object) -> Changes | None:
    """The Changes a service returned: the value itself, its ``changes`` attribute, or one item of a tuple."""
    if isinstance(result, Changes):
        return result
    found = getattr(result, "changes", None)
    if isinstance(found, Changes):
        return found
    if isinstance(result, tuple):
        return next((x for x in result if isinstance(x, Changes)), None)
    return None


# Python may collect garbage on whatever thread allocates: a worker would then free widgets of the GUI thread
# and crash Qt. While jobs run, automatic collection is off; the GUI thread collects once they are done
# (Anki collects on the main thread for the same reason).
_gc_holds = 0


def hold_gc() -> None:
    """A worker thread starts: no automatic garbage collection until it ends (GUI thread only)."""
    global _gc_holds
    if _gc_holds == 0:
        gc.disable()
    _gc_holds += 1


def release_gc() -> None:
    """A worker thread ended (called on the GUI thread): collect here, and turn collection back on."""
    global _gc_holds
    _gc_holds = max(_gc_holds - 1, 0)
    if _gc_holds == 0:
        gc.enable()
        gc.collect()


def _known_error(parent: QWidget | None, title: str, error: CoopDeskError,
                 invalid: Callable[[ValidationError], None] | None,
                 failed: Callable[[CoopDeskError], None] | None) -> None:
    """The one place a known error reaches the person: the form, the caller's own handler, or a message box."""
    if isinstance(error, ValidationError) and invalid is not None:
        invalid(error)
    elif failed is not None:
        failed(error)
    else:
        warn(parent, title, error.message)


def report_bug(error: BaseException) -> None:
    """Hand an unexpected error to the one bug hook (logged with its traceback, shown to copy)."""
    sys.excepthook(type(error), error, error.__traceback__)


class JobCancelled(CoopDeskError):
    """Staff pressed Cancel: the job stopped and what it was writing was rolled back."""


class _Signals(QObject):
    progressed = Signal(object)  # Progress
    finished = Signal(object)  # the job's result
    failed = Signal(object)  # the exception


class _Runner(QRunnable):
    """Runs on a worker thread; must not touch widgets. Opens, uses and closes its own connection."""

    def __init__(self, path: Any, write: bool, job: Callable[[Any], object], signals: _Signals,
                 cancel: threading.Event) -> None:
        super().__init__()
        self.path, self.write, self.job, self.signals, self.cancel = path, write, job, signals, cancel

    def run(self) -> None:
        from coopdesk.services import datafile

        try:
            database = datafile.open_writer(self.path) if self.write else datafile.open_reader(self.path)
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread
            self.signals.failed.emit(e)
            return
        try:
            result = self._drive(self.job(database))
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread
            self.signals.failed.emit(e)
        else:
            self.signals.finished.emit(result)
        finally:
            database.close()

    def _drive(self, outcome: object) -> object:
        if not isinstance(outcome, Iterator):
            return outcome
        while True:
            if self.cancel.is_set():
                outcome.close()  # GeneratorExit inside the job: its unit of work rolls back
                raise JobCancelled(_("Cancelled: nothing was stored."))
            try:
                step = next(outcome)
            except StopIteration as stop:
                return stop.value
            if isinstance(step, tuple):
                step = Progress(*step)
            if isinstance(step, Progress):
                self.signals.progressed.emit(step)


@dataclass
class BackgroundTask:
    """A running job: ``cancel()`` stops it between two steps; ``done`` turns True when it has ended."""

    cancel_event: threading.Event
    progress: QProgressDialog | None
    signals: _Signals
    done: bool = False

    def cancel(self) -> None:
        self.cancel_event.set()


class Operations(QObject):
    """Owns success and failure handling for every screen operation, and the one writer thread."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)  # writes run one at a time, in the order they were asked
        self.tasks: list[BackgroundTask] = []

    @property
    def writing(self) -> bool:
        """True while a background job that writes is running (the backup timer waits for it)."""
        return self.writer.activeThreadCount() > 0

    def run(self, parent: QWidget, op: Callable[[Any], object], *, title: str,
            success: Callable[[Any], None] | None = None,
            invalid: Callable[[ValidationError], None] | None = None,
            failed: Callable[[CoopDeskError], None] | None = None) -> bool:
        """Call ``op(database)`` now; True when it succeeded (its Changes are already applied).

        A known error is shown in a message box unless ``failed`` (any known error) or ``invalid`` (a form's
        ValidationError) takes it instead: a page that shows errors in its own pane, a timer that only notes it.
        """
        try:
            result = op(self.window.database)
        except CoopDeskError as e:
            _known_error(parent, title, e, invalid, failed)
            return False
        changes = changes_of(result)
        if changes:
            self.window.apply_changes(changes, initiator=parent)
        if success is not None:
            success(result)
        return True

    def start(self, parent: QWidget, label: str, job: Callable[[Any], object], *, title: str, write: bool = False,
              success: Callable[[Any], None] | None = None, cancelled: Callable[[], None] | None = None,
              failed: Callable[[CoopDeskError], None] | None = None) -> BackgroundTask:
        """Run ``job(own_database)`` on a worker thread with a progress bar and Cancel."""
        cancel = threading.Event()
        signals = _Signals(self)
        progress = QProgressDialog(label, _("Cancel"), 0, 0, parent)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0 if write else 300)
        task = BackgroundTask(cancel, progress, signals)
        self.tasks.append(task)
        progress.canceled.connect(task.cancel)

        def moved(step: Progress) -> None:
            if step.total:
                progress.setMaximum(step.total)
                progress.setValue(min(step.done, step.total))
            if step.note:
                progress.setLabelText(step.note)

        def finish() -> None:
            release_gc()
            task.done = True
            progress.canceled.disconnect(task.cancel)
            progress.close()
            if task in self.tasks:
                self.tasks.remove(task)

        def on_finished(result: object) -> None:
            finish()
            changes = changes_of(result)
            if changes:
                self.window.apply_changes(changes, initiator=parent)
            if success is not None:
                success(result)

        def on_failed(error: BaseException) -> None:
            finish()
            if isinstance(error, JobCancelled) or (cancel.is_set() and isinstance(error, CoopDeskError)):
                if cancelled is not None:
                    cancelled()
                return
            if isinstance(error, CoopDeskError):
                warn(parent, title, error.message)
                if failed is not None:
                    failed(error)
                return
            report_bug(error)

        signals.progressed.connect(moved)
        signals.finished.connect(on_finished)
        signals.failed.connect(on_failed)
        pool = self.writer if write else QThreadPool.globalInstance()
        hold_gc()
        pool.start(_Runner(self.window.database.path, write, job, signals, cancel))
        return task


def operations_for(widget: QWidget) -> Operations | None:
    """The runner of the window a widget belongs to (a dialog's parent page's window), if any."""
    w: QObject | None = widget
    while w is not None:
        ops = getattr(getattr(w, "window_", None), "ops", None) or getattr(w, "ops", None)
        if isinstance(ops, Operations):
            return ops
        w = w.parent()
    return None


def run_anywhere(parent: QWidget | None, op: Callable[[], object], *, title: str,
                 invalid: Callable[[ValidationError], None] | None = None,
                 failed: Callable[[CoopDeskError], None] | None = None) -> tuple[bool, object]:
    """``op()`` through the runner of the window ``parent`` belongs to: (succeeded, result).

    For code that runs both inside the window and before it exists (opening a data file, the start-up
    checks, the welcome form): with no window yet, a known error gets the same handling, here.
    """
    got: list[object] = []
    ops = operations_for(parent) if parent is not None else None
    if ops is not None:
        ok = ops.run(parent, lambda _db: op(), title=title, invalid=invalid, failed=failed, success=got.append)
        return ok, (got[0] if got else None)
    try:
        return True, op()
    except CoopDeskError as e:
        _known_error(parent, title, e, invalid, failed)
    return False, None


def run_save(dialog: QWidget, save: Callable[[], object], *, title: str,
             invalid: Callable[[ValidationError], None]) -> tuple[bool, object]:
    """A form dialog's save through the window's runner: (saved, result).

    The dialog's own callback does the service call (and hands on its Changes); the runner owns what
    happens when it fails. A dialog opened on its own (no window) gets the same handling.
    """
    return run_anywhere(dialog, save, title=title, invalid=invalid)
