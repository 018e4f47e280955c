"""The mark a data file gets when CoopDesk closes it cleanly after verifying it, so the next command skips the check.

The start-up check (quick_check and foreign_key_check) reads every page of the file: about a second at 100,000
orders and seconds more at 500,000, which every ``coopdesk`` command paid before doing its work. Like a file
system's clean flag (fsck runs only after an unclean unmount), a command skips it when the file is the very one
CoopDesk closed cleanly after verifying it: the same file (not a copy or a restored backup: its inode), the same
size, modification time and header, nothing waiting in its ``-wal``, and the verification less than a day old.
Any other writer, a copy, a crash or a day gone by brings the check back. The window still checks every start.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

MARK_NAME = "checked.json"  # beside the file's backups
RECHECK_AFTER = timedelta(days=1)


def file_state(path: Path) -> dict | None:
    """What identifies the file's bytes cheaply; None when writes wait in its -wal (or it cannot be read)."""
    path = Path(path)
    try:
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return None
        st = path.stat()
        with open(path, "rb") as f:
            header = f.read(100)  # SQLite's header: change counter, page count, schema cookie
    except OSError:
        return None
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino,
            "header": hashlib.sha256(header).hexdigest()}


def verified_at(folder: Path, path: Path, now: datetime | None = None) -> datetime | None:
    """When the file was last verified, if it is still exactly the file CoopDesk then closed cleanly; else None."""
    now = now or datetime.now()
    try:
        mark = json.loads((Path(folder) / MARK_NAME).read_text(encoding="utf-8"))
        verified = datetime.fromisoformat(mark["verified"])
        same = mark["file"] == str(Path(path).absolute()) and mark["state"] == file_state(path)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not same or not now - RECHECK_AFTER < verified <= now:
        return None
    return verified


def write(folder: Path, path: Path, verified: datetime, inode: int | None = None) -> bool:
    """Mark the file, as it is now, as verified at ``verified``; False when it cannot be marked.

    ``inode``: the file that was verified; a file replaced since (a restored backup) is not marked.
    """
    state = file_state(path)
    if state is None or (inode is not None and state["inode"] != inode):
        forget(folder)
        return False
    target = Path(folder) / MARK_NAME
    data = {"file": str(Path(path).absolute()), "state": state, "verified": verified.isoformat()}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{MARK_NAME}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        return False  # only a shortcut: the next command checks the file
    return True


def forget(folder: Path) -> None:
    """Remove the mark: the next command checks the file."""
    try:
        (Path(folder) / MARK_NAME).unlink(missing_ok=True)
    except OSError:
        pass
