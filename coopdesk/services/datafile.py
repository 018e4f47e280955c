"""Opening, checking, backing up and restoring the data file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from coopdesk import paths
from coopdesk.i18n import _
from coopdesk.storage import backup as backups
from coopdesk.storage import settings
from coopdesk.storage.database import CheckResult, Database, check_file, open_database
from coopdesk.storage.errors import DatabaseDamaged, DatabaseInUse, StorageError

BackupInfo = backups.BackupInfo
__all__ = ["BackupInfo", "Database", "DatabaseDamaged", "DatabaseInUse", "StorageError"]


def open_data(path: Path, allow_read_only: bool = False) -> Database:
    """Open the data file for this session: checked, migrated (after a backup), locked."""
    path = Path(path)
    return open_database(path, allow_read_only=allow_read_only, backup_dir=paths.backup_dir_for(path))


def check(path: Path, full: bool = False) -> CheckResult:
    """The start-up check, usable on a file another CoopDesk has open."""
    return check_file(Path(path), full=full)


def auto_backup(database: Database, now: datetime | None = None) -> Path | None:
    """The rotating automatic backup (at start, every hour, at exit). None for a read-only window."""
    if database.read_only:
        return None
    folder = paths.backup_dir_for(database.path)
    made = backups.backup_to(database, folder, now)
    backups.rotate(folder, int(settings.get(database, "backup_keep")))
    return made


def backup_now(database: Database, folder: Path) -> Path:
    """'Back up now' to a chosen folder, e.g. a USB stick; those are never rotated away."""
    return backups.backup_to(database, Path(folder))


def list_backups(database_path: Path) -> list[BackupInfo]:
    """The automatic backups of a data file, newest first, with their dates and counts."""
    out = []
    for p in backups.list_backups(paths.backup_dir_for(Path(database_path))):
        try:
            out.append(backups.describe(p))
        except DatabaseDamaged:
            continue
    return out


def describe_backup(path: Path) -> BackupInfo:
    return backups.describe(Path(path))


def restore(database: Database, backup_file: Path) -> Path | None:
    """Restore a backup into the open file; what is there now is backed up first."""
    safety = auto_backup(database)
    backups.restore_into(database, Path(backup_file))
    return safety


def restore_latest(path: Path) -> tuple[Path, Path | None]:
    """Put the newest good automatic backup in place of a damaged file (closed).

    Returns (backup used, where the damaged file was moved).
    """
    for candidate in backups.list_backups(paths.backup_dir_for(Path(path))):
        if check_file(candidate, full=True).ok:
            moved = backups.restore_file(candidate, Path(path))
            return candidate, moved
    raise StorageError(_("No good backup of {path} was found.").format(path=path))


def latest_backup(path: Path) -> Path | None:
    found = backups.list_backups(paths.backup_dir_for(Path(path)))
    return found[0] if found else None


def get_setting(database: Database, key: str) -> object:
    return settings.get(database, key)


def set_setting(database: Database, key: str, value: object) -> None:
    with database.transaction() as db:
        settings.put(db, key, value)


def open_writer(path: Path) -> Database:
    """A read-write connection of its own, for a background job of this window (the lock is already ours)."""
    from coopdesk.storage.database import connect_worker

    return connect_worker(Path(path))


def open_reader(path: Path) -> Database:
    """A read-only connection of its own, for work on another thread."""
    return open_database(Path(path), read_only=True, check=False)
