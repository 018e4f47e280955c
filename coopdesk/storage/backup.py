"""Backups with SQLite's online backup API: never a file copy, which can tear a live WAL file."""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coopdesk.i18n import _
from coopdesk.storage.database import Database, check_file
from coopdesk.storage.errors import DatabaseDamaged, StorageError, translate
from coopdesk.storage.lock import FileLock
from coopdesk.storage.migrations import SCHEMA_VERSION

PREFIX = "coopdesk-"
_NAME = re.compile(r"coopdesk-(\d{8}-\d{6})(?:-(\d+))?\.db$")
_PART = re.compile(r"coopdesk-\d{8}-\d{6}(?:-\d+)?\.db\.part$")
COUNTED_TABLES = ("products", "certifications", "members", "lots", "events", "customers", "orders")
FOLDER_LOCK = ".backup"  # FileLock adds ".lock": one backup at a time per folder
FOLDER_LOCK_WAIT_S = 60.0


@dataclass(frozen=True)
class BackupInfo:
    """A backup file: when it was made and what it holds."""

    path: Path
    made_at: datetime
    counts: dict[str, int]
    cooperative: str


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()


def backup_to(database: Database, folder: Path, now: datetime | None = None) -> Path:
    """Write a verified backup into ``folder`` and return its path.

    Written under a temporary name, fsynced, checked with integrity_check, then renamed,
    so a USB stick pulled out halfway never leaves a file that looks like a good backup.
    """
    folder = Path(folder)
    now = now or datetime.now()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(_("Cannot create the backup folder {folder}: {detail}").format(
            folder=folder, detail=e.strerror)) from e
    lock = FileLock(folder / FOLDER_LOCK)
    try:
        got = lock.acquire(wait=FOLDER_LOCK_WAIT_S)
    except OSError as e:
        raise StorageError(_("Cannot write the backup to {folder}: {detail}").format(
            folder=folder, detail=e.strerror or e)) from e
    if not got:
        raise StorageError(_("Another backup into {folder} is still running; try again in a moment.").format(
            folder=folder))
    try:
        _remove_parts(folder)
        return _write_backup(database, folder, now)
    finally:
        lock.release()


def _remove_parts(folder: Path) -> list[Path]:
    """Half-written backups of a killed or crashed backup; call only while holding the folder lock."""
    gone = []
    for p in folder.iterdir():
        if _PART.match(p.name):
            try:
                p.unlink()
                gone.append(p)
            except OSError:
                pass
    return gone


def clean_parts(folder: Path) -> list[Path]:
    """Remove what killed backups left in ``folder``, unless a backup is being written there right now."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    lock = FileLock(folder / FOLDER_LOCK)
    try:
        if not lock.acquire():
            return []
    except OSError:
        return []
    try:
        return _remove_parts(folder)
    finally:
        lock.release()


def _write_backup(database: Database, folder: Path, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    final = folder / f"{PREFIX}{stamp}.db"
    n = 1
    while final.exists():
        final = folder / f"{PREFIX}{stamp}-{n}.db"
        n += 1
    tmp = final.with_suffix(".db.part")
    try:
        _copy(database.conn, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        result = check_file(tmp, full=True)
        if not result.ok:
            raise DatabaseDamaged(_("The backup failed its check: {problems}").format(
                problems="; ".join(result.problems[:3])))
        os.replace(tmp, final)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StorageError(_("Cannot write the backup to {folder}: {detail}").format(
            folder=folder, detail=e.strerror or e)) from e
    except sqlite3.Error as e:
        tmp.unlink(missing_ok=True)
        raise translate(e, str(final)) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return final


def list_backups(folder: Path) -> list[Path]:
    """Backup files in ``folder``, newest first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = [(m, p) for p in folder.iterdir() if (m := _NAME.match(p.name))]
    # Two backups in one second are -1, -2 …: the suffix orders them (by name, "-1" would sort before ".db").
    found.sort(key=lambda mp: (mp[0].group(1), int(mp[0].group(2) or 0)), reverse=True)
    return [p for _m, p in found]


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups (and parts left by killed backups); return what was deleted."""
    old = list_backups(folder)[max(keep, 1):]
    for p in old:
        p.unlink(missing_ok=True)
    return old + clean_parts(folder)


def describe(path: Path) -> BackupInfo:
    """Date and row counts of a backup, read without changing it."""
    path = Path(path)
    if not path.is_file():
        raise StorageError(_("{path} does not exist.").format(path=path))
    m = _NAME.match(path.name)
    made = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S") if m else datetime.fromtimestamp(path.stat().st_mtime)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.text_factory = lambda b: b.decode("utf-8", "replace")
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES
                      if t in names}
            coop = ""
            if "cooperative" in names:
                row = conn.execute("SELECT name FROM cooperative WHERE id = 1").fetchone()
                coop = row[0] if row else ""
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeError) as e:
        raise DatabaseDamaged(_("{path} is not a readable backup: {detail}").format(path=path, detail=e)) from e
    return BackupInfo(path, made, counts, coop)


def _refuse_foreign(backup: Path, version: int) -> None:
    """An empty file or another program's SQLite file passes SQLite's own check (an empty file is an empty
    database): restored, it would replace every order with nothing. Only a CoopDesk file this version reads."""
    if version < 1:
        raise DatabaseDamaged(_("{path} is not a CoopDesk backup (it holds no CoopDesk data) and was not "
                                "restored.").format(path=backup))
    if version > SCHEMA_VERSION:
        raise DatabaseDamaged(_("{path} was made by a newer CoopDesk and was not restored.").format(path=backup))


def restore_into(database: Database, backup: Path) -> None:
    """Replace the open file's content with a verified backup, through the backup API."""
    result = check_file(Path(backup), full=True)
    if not result.ok:
        raise DatabaseDamaged(_("{path} failed its check and was not restored: {problems}").format(
            path=backup, problems="; ".join(result.problems[:3])))
    _refuse_foreign(Path(backup), result.schema_version)
    src = sqlite3.connect(f"{Path(backup).resolve().as_uri()}?mode=ro", uri=True)
    try:
        src.backup(database.conn)
    except sqlite3.Error as e:
        raise translate(e, str(database.path)) from e
    finally:
        src.close()
    database.conn.execute("PRAGMA journal_mode=WAL")


def restore_file(backup: Path, target: Path, label: str = "damaged") -> Path | None:
    """Put a backup in place of a damaged, closed file; the damaged one is kept beside it.

    Returns where the damaged file was moved (``<name>.<label>-<time>``), or None when there was none.
    """
    target = Path(target)
    result = check_file(Path(backup), full=True)
    if not result.ok:
        raise DatabaseDamaged(_("{path} failed its check and was not restored.").format(path=backup))
    _refuse_foreign(Path(backup), result.schema_version)
    moved = None
    if target.exists():
        moved = target.with_name(target.name + f".{label}-{datetime.now():%Y%m%d-%H%M%S}")
        os.replace(target, moved)
        for suffix in ("-wal", "-shm"):
            side = Path(str(target) + suffix)
            if side.exists():
                os.replace(side, Path(str(moved) + suffix))
    src = sqlite3.connect(f"{Path(backup).resolve().as_uri()}?mode=ro", uri=True)
    try:
        _copy(src, target)
    finally:
        src.close()
    return moved
