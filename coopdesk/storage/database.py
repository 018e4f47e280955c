"""Opening the data file: pragmas, the single-writer lock, the start-up check, migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from coopdesk.i18n import _
from coopdesk.storage.errors import (
    DatabaseDamaged,
    DatabaseInUse,
    DatabaseTooNew,
    ReadOnlyDatabase,
    StorageError,
    translate,
)
from coopdesk.storage.lock import FileLock, holder_text
from coopdesk.storage.migrations import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 5000


@dataclass
class CheckResult:
    """What PRAGMA quick_check (or integrity_check) found."""

    ok: bool
    problems: list[str]
    schema_version: int = 0


class Database:
    """One open data file. Threading: use it only from the thread that opened it."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: FileLock | None, read_only: bool) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.lock = lock
        self.read_only = read_only

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One BEGIN IMMEDIATE … COMMIT: all of it lands, or none of it."""
        if self.read_only:
            raise ReadOnlyDatabase(_("This data file is open read-only (another CoopDesk is using it): "
                                     "nothing was saved."))
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise translate(e, str(self.path)) from e
        try:
            yield self.db
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise translate(e, str(self.path)) from e

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        """Rows as dicts; SQLite errors become StorageError."""
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as e:
            raise translate(e, str(self.path)) from e

    def close(self) -> None:
        """Checkpoint (so the file stands alone), close and release the lock."""
        try:
            if not self.read_only:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self.conn.close()
        if self.lock:
            self.lock.release()


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    if not read_only:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StorageError(_("Cannot switch {path} to WAL mode (got {mode}).").format(path=path, mode=mode))
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def check_file(path: Path, full: bool = False) -> CheckResult:
    """quick_check (or integrity_check) plus foreign_key_check, without locking or changing the file."""
    path = Path(path)
    if not path.exists():
        return CheckResult(False, [_("{path} does not exist").format(path=path)])
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.text_factory = lambda b: b.decode("utf-8", "replace")  # a damaged page can hold any bytes
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeError) as e:  # a damaged name in an error message
        return CheckResult(False, [str(e)])
    problems = [r for r in rows if r != "ok"]
    problems += [_("foreign key broken in {table} row {row}").format(table=t, row=r) for t, r, *_x in fk]
    return CheckResult(not problems, problems, version)


def open_database(path: Path, *, read_only: bool = False, allow_read_only: bool = False,
                  check: bool = True, backup_dir: Path | None = None, lock_wait: float = 0.0,
                  program: str = "command", on_wait: Callable[[str], None] | None = None) -> Database:
    """Open (creating when missing) and migrate the data file.

    When another CoopDesk holds the file, wait up to ``lock_wait`` seconds for it (``on_wait`` is told who),
    then raise DatabaseInUse naming the holder, or with ``allow_read_only`` open it read-only instead
    (``Database.read_only`` tells which happened).
    Raises DatabaseDamaged when the start-up check fails, DatabaseTooNew for a newer schema.
    A file that already holds data is backed up into ``backup_dir`` before it is migrated.
    """
    path = Path(path)
    if not path.parent.exists():
        raise StorageError(_("The folder {folder} does not exist.").format(folder=path.parent))
    lock = None
    if not read_only:
        lock = FileLock(path, program)
        try:
            got = lock.acquire(lock_wait, (lambda h: on_wait(holder_text(h))) if on_wait else None)
        except OSError as e:
            raise StorageError(_("Cannot write in {folder} ({detail}). Choose a folder you can write to.").format(
                folder=path.parent, detail=e.strerror)) from e
        if not got:
            if not allow_read_only:
                raise DatabaseInUse(_("{path} is in use by {holder}. Close it first, or open this file "
                                      "read-only.").format(path=path, holder=holder_text(lock.holder())))
            lock, read_only = None, True
    if read_only and not path.exists():
        raise StorageError(_("{path} does not exist.").format(path=path))
    try:
        if check and path.exists() and path.stat().st_size > 0:
            result = check_file(path)
            if not result.ok:
                raise DatabaseDamaged(_("{path} is damaged: {problems}").format(
                    path=path, problems="; ".join(result.problems[:3])))
        conn = _connect(path, read_only)
        database = Database(path, conn, lock, read_only)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.close()
            raise DatabaseTooNew(_("{path} was written by a newer CoopDesk (schema {found}, this one knows "
                                   "{known}). Update CoopDesk to open it.").format(
                path=path, found=version, known=SCHEMA_VERSION))
        if version < SCHEMA_VERSION:
            if read_only:
                conn.close()
                raise ReadOnlyDatabase(_("{path} needs an update that a read-only window cannot make.").format(
                    path=path))
            if version > 0 and backup_dir is not None:
                from coopdesk.storage.backup import backup_to

                backup_to(database, backup_dir)
            migrate(database)
        return database
    except sqlite3.Error as e:
        if lock:
            lock.release()
        raise translate(e, str(path)) from e
    except BaseException:
        if lock:
            lock.release()
        raise


def migrate(database: Database, target: int = SCHEMA_VERSION) -> int:
    """Run the missing migrations, each in its own transaction; return the new version.

    Foreign keys are off while a migration rebuilds a table (SQLite's documented procedure) and
    checked before each commit, so a migration can never leave a broken reference behind.
    """
    version = database.conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= target:
        return version
    database.conn.execute("PRAGMA foreign_keys=OFF")
    try:
        for number in range(version + 1, target + 1):
            with database.transaction() as db:
                MIGRATIONS[number - 1](db)
                broken = db.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StorageError(_("Migration {n} would break {count} references; nothing was changed.")
                                       .format(n=number, count=len(broken)))
                db.execute(f"PRAGMA user_version = {number}")
    finally:
        database.conn.execute("PRAGMA foreign_keys=ON")
    return database.conn.execute("PRAGMA user_version").fetchone()[0]


def schema_sql(database: Database) -> list[str]:
    """The normalised schema, to compare a migrated file with a fresh one."""
    rows = database.conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()
    return [f"{t} {n}: {' '.join((s or '').split())}" for t, n, s in rows]


def pragma(database: Database, name: str) -> object:
    """One PRAGMA's value (for tests and the about box)."""
    return database.conn.execute(f"PRAGMA {name}").fetchone()[0]
