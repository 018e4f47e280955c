"""Opening, checking, backing up and restoring the data file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from coopdesk import paths
from coopdesk.i18n import N_, _
from coopdesk.storage import backup as backups
from coopdesk.storage import known_good, manifest, settings, verify
from coopdesk.storage.database import CheckResult, Database, check_file, open_database
from coopdesk.storage.errors import DatabaseDamaged, DatabaseInUse, StorageError
from coopdesk.storage.lock import FileLock, holder_text

BackupInfo = backups.BackupInfo
__all__ = ["BackupInfo", "Database", "DatabaseDamaged", "DatabaseInUse", "StorageError"]

CLI_LOCK_WAIT_S = 10.0  # a command waits this long for another CoopDesk to finish its write
WINDOW_LOCK_WAIT_S = 2.0

_session: dict = {"program": "command", "lock_wait": 0.0, "on_wait": None}
# Files this process opened for writing -> (when their content was last verified, their inode then); None while
# the window's deferred check has not passed. mark_closed_files() leaves the mark (storage.known_good) from it.
_verified: dict[Path, tuple[datetime | None, int | None]] = {}


def set_session(program: str, lock_wait: float, on_wait: Callable[[str], None] | None = None) -> None:
    """Say who this process is ('window' or 'command') and how long its writers wait for the lock."""
    _session.update(program=program, lock_wait=lock_wait, on_wait=on_wait)


def open_data(path: Path, allow_read_only: bool = False, *, lock_wait: float | None = None,
              program: str | None = None, on_wait: Callable[[str], None] | None = None,
              defer_check: bool = False) -> Database:
    """Open the data file for this session: checked, migrated (after a backup), locked.

    ``defer_check``: the window shows first and runs the check behind it (start_up_backup); see open_database.

    Waits up to ``lock_wait`` seconds (default: as set_session said, or not at all when ``allow_read_only``)
    when another CoopDesk holds the file.
    Half-written backups of a killed backup are removed, and order numbers are kept above every number the
    backups ever saw.
    """
    path = Path(path)
    if lock_wait is None:
        # A command that only reads opens read-only at once beside a window (WAL lets it read while the window
        # writes); only a writer waits for the file.
        lock_wait = 0 if allow_read_only else _session["lock_wait"]
    program = program or _session["program"]
    on_wait = on_wait or _session["on_wait"]
    # A command skips the whole-file check of the file CoopDesk closed cleanly after verifying it (known_good).
    verified = known_good.verified_at(paths.backup_dir_for(path), path) if program == "command" else None
    database = open_database(path, allow_read_only=allow_read_only, backup_dir=paths.backup_dir_for(path),
                             lock_wait=lock_wait, program=program, on_wait=on_wait, defer_check=defer_check,
                             check=verified is None)
    if not database.read_only:
        if verified is None and not database.check_deferred:
            verified = datetime.now()  # checked just now (or a new, empty file)
        _verified[path.absolute()] = (verified, _inode(path))
        backups.clean_parts(paths.backup_dir_for(path))
        try:
            guard_order_ids(database)
        except BaseException:
            database.close()
            raise
    return database


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def mark_closed_files() -> None:
    """At the end of a command or of the window: each file this process verified (or found known good) and has
    closed cleanly is marked, so the next command on it skips the whole-file check (storage.known_good)."""
    for path, (verified, inode) in list(_verified.items()):
        if verified is not None:
            known_good.write(paths.backup_dir_for(path), path, verified, inode)
    _verified.clear()


def check(path: Path, full: bool = False) -> CheckResult:
    """The start-up check, usable on a file another CoopDesk has open.

    ``full`` adds the logical pass (every value of every row decoded, the money and stock rules) and the
    comparison with the backups (a file that went back in time).
    """
    path = Path(path)
    result = check_file(path, full=full)
    if full and path.exists():
        problems = list(result.problems)
        if result.ok or not any("not a database" in p for p in problems):
            problems += verify.logical_problems(path)
        behind = compare_with_backups(path) if not problems else None
        if behind is not None:
            problems.append(behind.summary())
        result = CheckResult(not problems, problems, result.schema_version)
    return result


def auto_backup(database: Database, now: datetime | None = None) -> Path | None:
    """The rotating automatic backup (at start, every hour, at exit). None for a read-only window.

    What the backup holds is recorded in the manifest beside the backups: the mark the file must not
    fall behind.
    """
    if database.read_only:
        return None
    folder = paths.backup_dir_for(database.path)
    made = backups.backup_to(database, folder, now)
    _record(folder, made, "backup")
    deleted = backups.rotate(folder, int(settings.get(database, "backup_keep")))
    manifest.forget_backups(folder, [p.name for p in deleted])
    return made


def start_up_backup(database: Database, check_first: bool = True) -> Path | None:
    """The window's start-up job, on its writer thread: the check a deferred open skipped, then the backup.

    Raises DatabaseDamaged (before any backup is made: a damaged copy must not rotate a good one out) when the
    check finds damage.
    """
    if check_first:
        result = check_file(database.path)
        if not result.ok:
            raise DatabaseDamaged(_("{path} is damaged: {problems}").format(
                path=database.path, problems="; ".join(result.problems[:3])))
        key = Path(database.path).absolute()
        if key in _verified:
            _verified[key] = (datetime.now(), _verified[key][1])
    return auto_backup(database)


def _record(folder: Path, source_file: Path, source: str, backup_name: str | None = None) -> None:
    try:
        fid, marks = manifest.read_marks(source_file)
        manifest.set_baseline(folder, fid, marks, source,
                              backup_name if backup_name is not None else Path(source_file).name)
    except (OSError, StorageError) as e:
        raise StorageError(_("Cannot write the backup record in {folder}: {detail}").format(
            folder=folder, detail=e)) from e


def guard_order_ids(database: Database) -> bool:
    """Keep the next order number above every number a backup ever saw (a file that went back in time
    would otherwise give the numbers of the lost orders again). True when it had to raise it."""
    data = manifest.load(paths.backup_dir_for(database.path))
    high = int(data.get("high_water", {}).get("orders", 0))
    fid, _marks = manifest.database_marks(database)
    if not high or (data.get("file_id") and fid and data["file_id"] != fid):
        return False
    return manifest.keep_order_ids_above(database, high)


@dataclass
class Rollback:
    """A data file that holds less than it held at its last backup: writes were lost."""

    made_at: datetime | None
    backup: Path | None  # a verified backup holding what is missing (None when none verifies)
    behind: dict[str, tuple[int, int]]  # table -> (rows in the file, rows at the backup)
    last_order: tuple[int, int]  # (last order number in the file, at the backup)
    missing_orders: list[dict] = field(default_factory=list)  # from the backup: id, created_at, name, phone, total
    missing_count: int = 0

    def summary(self) -> str:
        when = f"{self.made_at:%d/%m/%Y %H:%M}" if self.made_at else "?"
        if "orders" not in self.behind:
            return _("The data file has gone back in time: it holds fewer rows than at the backup of {when} "
                     "({tables}).").format(when=when, tables=", ".join(
                         f"{table_name(t)} {n} < {ref}" for t, (n, ref) in self.behind.items()))
        return _("The data file has gone back in time: it holds {file} orders (last number {file_last}), "
                 "but the backup of {when} held {ref} (last number {ref_last}). {missing} orders are "
                 "missing.").format(
            file=self.behind["orders"][0], file_last=self.last_order[0], when=when,
            ref=self.behind["orders"][1], ref_last=self.last_order[1], missing=self.missing_count)


TABLE_NAMES = {"orders": N_("orders"), "order_history": N_("order history"), "customers": N_("customers"),
               "live_sessions": N_("live sessions"), "lots": N_("lots"), "stock_adjustments": N_("stock adjustments"),
               "recalls": N_("recalls"), "lot_corrections": N_("diary corrections")}


def table_name(table: str) -> str:
    """A table of the growing kind, in words."""
    return _(TABLE_NAMES[table]) if table in TABLE_NAMES else table


def compare_with_backups(path: Path) -> Rollback | None:
    """Compare the file with what it held at its last backup (the manifest beside the backups, or the newest
    verified backup itself); None when it has not gone backwards. Reads only: safe while a window writes."""
    path = Path(path)
    folder = paths.backup_dir_for(path)
    data = manifest.load(folder)
    try:
        fid, now_marks = manifest.read_marks(path)
    except StorageError:
        return None
    ref_marks, made_at, backup = None, None, None
    baseline = data.get("baseline")
    if baseline and not (data.get("file_id") and fid and data["file_id"] != fid):
        ref_marks = baseline.get("marks") or {}
        try:
            made_at = datetime.fromisoformat(baseline.get("at", ""))
        except ValueError:
            made_at = None
        if baseline.get("backup") and (folder / baseline["backup"]).exists():
            backup = folder / baseline["backup"]
    if ref_marks is None:
        good = newest_good_backup(path)
        if good is None:
            return None
        try:
            bfid, ref_marks = manifest.read_marks(good.path)
        except StorageError:
            return None
        if bfid and fid and bfid != fid:
            return None
        made_at, backup = good.made_at, good.path
    behind = {t: (now_marks.get(t, {}).get("count", 0), m.get("count", 0)) for t, m in ref_marks.items()
              if now_marks.get(t, {}).get("count", 0) < m.get("count", 0)
              or now_marks.get(t, {}).get("last_id", 0) < m.get("last_id", 0)}
    if not behind:
        return None
    last = (now_marks.get("orders", {}).get("last_id", 0), ref_marks.get("orders", {}).get("last_id", 0))
    if backup is not None and not check_file(backup).ok:
        backup = None
    if backup is None:
        good = newest_good_backup(path)
        backup = good.path if good else None
    rollback = Rollback(made_at, backup, behind, last)
    if backup is not None and "orders" in behind:
        rollback.missing_orders, rollback.missing_count = manifest.orders_missing(backup, path)
    if not rollback.missing_count and "orders" in behind:
        rollback.missing_count = behind["orders"][1] - behind["orders"][0]
    return rollback


def accept_as_is(database: Database) -> None:
    """The person chose to go on with the file as it is: it becomes the mark, order numbers stay above
    every number given before, and the backups that hold the lost orders are kept as they are."""
    folder = paths.backup_dir_for(database.path)
    fid, marks = manifest.database_marks(database)
    manifest.set_baseline(folder, fid, marks, "accepted", "")
    guard_order_ids(database)


def backup_now(database: Database, folder: Path) -> Path:
    """'Back up now' to a chosen folder, e.g. a USB stick; those are never rotated away."""
    return backups.backup_to(database, Path(folder))


@dataclass(frozen=True)
class BackupCheck:
    """One automatic backup as the `backups` command lists it."""

    path: Path
    made_at: datetime | None
    size: int
    counts: dict[str, int]
    ok: bool
    problems: list[str]

    def as_json(self) -> dict:
        return {"backup": str(self.path), "made_at": self.made_at.isoformat() if self.made_at else None,
                "size": self.size, "counts": self.counts, "verifies": self.ok, "problems": self.problems}


def check_backups(database_path: Path) -> list[BackupCheck]:
    """Every automatic backup of a data file, newest first, each verified (integrity_check) and counted."""
    out = []
    for p in backups.list_backups(paths.backup_dir_for(Path(database_path))):
        result = check_file(p, full=True)
        try:
            info = backups.describe(p)
            made, counts = info.made_at, info.counts
        except DatabaseDamaged as e:
            made, counts = None, {}
            if result.ok:
                result = CheckResult(False, [e.message])
        size = p.stat().st_size if p.exists() else 0
        out.append(BackupCheck(p, made, size, counts, result.ok, result.problems[:3]))
    return out


def newest_good_backup(database_path: Path) -> BackupInfo | None:
    """The newest automatic backup that passes integrity_check and can be read, with its date and counts."""
    for p in backups.list_backups(paths.backup_dir_for(Path(database_path))):
        if not check_file(p, full=True).ok:
            continue
        try:
            return backups.describe(p)
        except DatabaseDamaged:
            continue
    return None


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
    _record(paths.backup_dir_for(database.path), Path(backup_file), "restore", "")
    guard_order_ids(database)
    return safety


def restore_latest(path: Path) -> tuple[Path, Path | None]:
    """Put the newest good automatic backup in place of a damaged file (closed).

    Returns (backup used, where the damaged file was moved).
    """
    good = newest_good_backup(path)
    if good is None:
        raise StorageError(_("No good backup of {path} was found.").format(path=path))
    return good.path, restore_backup_file(path, good.path)


def restore_backup_file(path: Path, backup_file: Path) -> Path | None:
    """Put a backup in place of a closed data file (damaged or not); what was there is kept beside it, renamed.

    Refused while another CoopDesk has the file open. Returns where the old file was moved (None: there was none).
    """
    path, backup_file = Path(path), Path(backup_file)
    if not backup_file.exists():
        raise StorageError(_("{path} does not exist.").format(path=backup_file))
    lock = FileLock(path)
    try:
        got = lock.acquire()
    except OSError as e:
        raise StorageError(_("Cannot write in {folder} ({detail}). Choose a folder you can write to.").format(
            folder=path.parent, detail=e.strerror)) from e
    if not got:
        raise DatabaseInUse(_("{path} is in use by {holder}. Close it first, then restore.").format(
            path=path, holder=holder_text(lock.holder())))
    try:
        sound = path.exists() and check_file(path).ok
        moved = backups.restore_file(backup_file, path, "before-restore" if sound else "damaged")
        _record(paths.backup_dir_for(path), backup_file, "restore", "")
    except OSError as e:
        raise StorageError(_("Cannot restore into {path}: {detail}").format(path=path, detail=e.strerror or e)) from e
    finally:
        lock.release()
    return moved


def data_file_warning(path: Path) -> str | None:
    """A warning when the data file sits in a folder a sync tool copies (OneDrive, Google Drive, Dropbox)."""
    service = paths.sync_service(Path(path))
    if service is None:
        return None
    return _("The data file is inside a folder synced by {service}: {folder}. A sync tool can copy the file "
             "while CoopDesk writes it, or put an older copy back, and orders are lost. Move the data file to a "
             "folder on this PC that is not synced, and keep the backups outside the synced folder too.").format(
        service=service, folder=Path(path).parent)


def backups_in_synced_folder(path: Path) -> bool:
    return paths.sync_service(paths.backup_dir_for(Path(path)) / "x") is not None


def suggested_backup_root(path: Path) -> Path:
    return paths.local_backup_root(Path(path))


def move_backups_to(path: Path, root: Path) -> Path:
    """Keep this data file's automatic backups under ``root`` from now on; the record beside them goes along."""
    old = paths.backup_dir_for(Path(path))
    paths.set_backup_root(Path(path), Path(root))
    new = paths.backup_dir_for(Path(path))
    new.mkdir(parents=True, exist_ok=True)
    data = manifest.load(old)
    if data and not (new / manifest.MANIFEST).exists():
        (new / manifest.MANIFEST).write_text((old / manifest.MANIFEST).read_text(encoding="utf-8"), encoding="utf-8")
    return new



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
