"""Storage failures a person can act on, with plain messages."""

from __future__ import annotations

import sqlite3

from coopdesk.domain.errors import CoopDeskError
from coopdesk.i18n import _


class StorageError(CoopDeskError):
    """The data file cannot be used as asked."""


class DatabaseInUse(StorageError):
    """Another CoopDesk has the file open for writing."""


class DatabaseDamaged(StorageError):
    """The file is not a database or fails its check."""


class DatabaseTooNew(StorageError):
    """The file was written by a newer CoopDesk."""


class ReadOnlyDatabase(StorageError):
    """The file is open read-only."""


class DiskFull(StorageError):
    """No room left on the disk (or the file hit its size limit): the change was rolled back."""


class DatabaseBusy(DatabaseInUse):
    """Another program held the file's write lock longer than the busy timeout."""


class DatabaseBug(Exception):
    """An SQLite error that no person can fix (a wrong column, a broken constraint): a bug in CoopDesk.

    Deliberately not a CoopDeskError: it goes to the bug hook, which logs the traceback and shows it to copy.
    """


# Primary result codes (https://sqlite.org/rescode.html); extended codes keep them in their low byte.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY = 3, 5, 6, 7, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26


def translate(error: sqlite3.Error, path: str) -> Exception:
    """Classify an SQLite error by its result code (qutebrowser's misc/sql.py): a known condition becomes a
    StorageError with a plain message; anything else is a DatabaseBug, to be logged and reported.
    """
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary == SQLITE_FULL:
        return DiskFull(_("The disk is full: the change to {path} was not saved. "
                          "Free some space and try again.").format(path=path))
    if primary in (SQLITE_READONLY, SQLITE_PERM):
        return ReadOnlyDatabase(_("{path} is read-only: nothing was saved. "
                                  "Check that the folder is writable and the file is not open elsewhere.").format(
            path=path))
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseBusy(_("{path} is busy in another program: nothing was saved. Try again in a moment.").format(
            path=path))
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DatabaseDamaged(_("{path} is damaged ({detail}).").format(path=path, detail=error))
    if primary == SQLITE_CANTOPEN:
        return StorageError(_("Cannot open {path}: the folder is missing or not writable.").format(path=path))
    if primary == SQLITE_IOERR:
        return StorageError(_("The disk holding {path} could not be read or written (was a USB stick removed?): "
                              "nothing was saved.").format(path=path))
    if primary == SQLITE_NOMEM:
        return StorageError(_("The computer ran out of memory: nothing was saved. Close other programs and "
                              "try again."))
    return DatabaseBug(f"{type(error).__name__} ({getattr(error, 'sqlite_errorname', '?')}) on {path}: {error}")
