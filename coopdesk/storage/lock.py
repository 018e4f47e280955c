"""An OS lock beside the data file so two copies of CoopDesk never write the same file.

The OS drops the lock when the process dies, so a crash never leaves a stale lock. The holder writes who it
is (which program, its process id, since when) into the lock file, so a refused writer can name it.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coopdesk.i18n import _

POLL_S = 0.1


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as the holder wrote it."""

    program: str  # "window" or "command"
    pid: int
    since: datetime | None


class FileLock:
    """Exclusive lock on ``<file>.lock``, tried at once or for a few seconds."""

    def __init__(self, path: Path, program: str = "command") -> None:
        self.path = Path(str(path) + ".lock")
        self.program = program
        self._fd: int | None = None

    def _try(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        # Byte 0 is the locked byte on Windows, so the holder's note starts after it and stays readable.
        note = {"program": self.program, "pid": os.getpid(), "since": datetime.now().isoformat(timespec="seconds")}
        os.write(fd, b"#" + json.dumps(note).encode())
        self._fd = fd
        return True

    def acquire(self, wait: float = 0.0, on_wait: object = None) -> bool:
        """True when this process now holds the lock; False when another one still does after ``wait`` seconds.

        ``on_wait(holder)`` is called once, when the lock is busy and waiting starts (to say so).
        """
        if self._try():
            return True
        if wait <= 0:
            return False
        if callable(on_wait):
            on_wait(self.holder())
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            time.sleep(POLL_S)
            if self._try():
                return True
        return False

    def holder(self) -> Holder | None:
        """What the current holder wrote about itself; None when unknown (an older CoopDesk, or no holder)."""
        try:
            with open(self.path, "rb") as fh:
                fh.seek(1)
                note = json.loads(fh.read(4096).decode("utf-8"))
            since = datetime.fromisoformat(note["since"]) if note.get("since") else None
            return Holder(str(note.get("program", "")), int(note.get("pid", 0)), since)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def release(self) -> None:
        if self._fd is None:
            return
        if os.name == "nt":
            import msvcrt

            try:
                os.lseek(self._fd, 0, os.SEEK_SET)
                msvcrt.locking(self._fd, msvcrt.LK_UNLCK, 1)
            except OSError:
                pass
        os.close(self._fd)  # closing drops a POSIX flock
        self._fd = None


def holder_text(holder: Holder | None) -> str:
    """'the CoopDesk window (since 14:02)' for a lock's holder."""
    if holder is None:
        return _("another CoopDesk program")
    what = _("the CoopDesk window") if holder.program == "window" else _("another CoopDesk program")
    if holder.since is None:
        return what
    return _("{what} (since {time})").format(what=what, time=f"{holder.since:%H:%M}")
