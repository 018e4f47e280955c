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


def translate(error: sqlite3.Error, path: str) -> StorageError:
    """A plain message for the SQLite errors an office PC actually meets."""
    text = str(error).lower()
    if "full" in text:
        return StorageError(_("The disk is full: the change to {path} was not saved. "
                              "Free some space and try again.").format(path=path))
    if "readonly" in text or "read-only" in text:
        return ReadOnlyDatabase(_("{path} is read-only: nothing was saved. "
                                  "Check that the folder is writable and the file is not open elsewhere.").format(
            path=path))
    if "locked" in text or "busy" in text:
        return DatabaseInUse(_("{path} is busy in another program: nothing was saved. Try again in a moment.").format(
            path=path))
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseDamaged(_("{path} is damaged ({detail}).").format(path=path, detail=error))
    if "unable to open" in text:
        return StorageError(_("Cannot open {path}: the folder is missing or not writable.").format(path=path))
    return StorageError(_("The data file {path} reported an error: {detail}").format(path=path, detail=error))
