"""Opening the data file: pragmas, the single-writer lock, the start-up check, migrations."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from coopdesk.domain.text import fold
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
        self.db = sqlite_utils.Database(conn, execute_plugins=False)  # no plugin scan: ~10 ms off every command
        self.lock = lock
        self.read_only = read_only
        self._depth = 0  # unit-of-work nesting: 0 outside, 1 in the transaction, more in savepoints
        self.check_deferred = False  # opened without the start-up check: the caller runs check_file after

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One BEGIN IMMEDIATE … COMMIT: all of it lands, or none of it.

        Nested calls join the outer transaction through a SAVEPOINT, so a service that calls another
        service (an import creating products) is still one operation: the outer COMMIT or ROLLBACK decides.
        """
        with self.unit_of_work():
            yield self.db

    @contextmanager
    def unit_of_work(self) -> Iterator[Database]:
        """Take the write lock (BEGIN IMMEDIATE) before the reads that decide a write (Cosmic Python's UoW).

        Reads made through this Database inside the block see the data as it is committed, with no other
        writer able to change it until COMMIT. Nested blocks become savepoints.
        """
        if self.read_only:
            raise ReadOnlyDatabase(_("This data file is open read-only (another CoopDesk is using it): "
                                     "nothing was saved."))
        if self._depth:
            yield from self._savepoint()
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as e:
            raise translate(e, str(self.path)) from e
        self._depth = 1
        try:
            yield self
        except sqlite3.Error as e:  # a full disk, a lost USB stick… or a bug: classified by its result code
            self._depth = 0
            self._rollback()
            raise translate(e, str(self.path)) from e
        except BaseException:
            self._depth = 0
            self._rollback()
            raise
        self._depth = 0
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:
            self._rollback()
            raise translate(e, str(self.path)) from e

    def _rollback(self) -> None:
        # SQLite may already have rolled back by itself (SQLITE_FULL, SQLITE_IOERR): then there is nothing to undo.
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _savepoint(self) -> Iterator[Database]:
        name = f"uow{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self.conn.in_transaction:
                try:
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                except sqlite3.Error:
                    pass  # SQLite already rolled the whole transaction back; the outer level reports it
            raise
        self._depth -= 1
        self.conn.execute(f"RELEASE {name}")

    @property
    def in_unit_of_work(self) -> bool:
        """True inside ``unit_of_work()`` or ``transaction()``."""
        return self._depth > 0

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict]:
        """Rows as dicts; SQLite errors become StorageError."""
        try:
            return list(self.db.query(sql, params))
        except sqlite3.Error as e:
            raise translate(e, str(self.path)) from e

    def close(self) -> None:
        """Checkpoint (so the file stands alone), close and release the lock."""
        try:
            if not self.read_only and self.lock is not None:  # the owner's connection, not a worker's
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        self.conn.close()
        if self.lock:
            self.lock.release()


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        # check_same_thread stays on: a connection belongs to the thread that opened it (workers open their own).
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys=ON")
    # Queries (never triggers: other tools write the file too) may fold text as the app does.
    conn.create_function("coopdesk_fold", 1, fold, deterministic=True)
    if not read_only:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StorageError(_("Cannot switch {path} to WAL mode (got {mode}).").format(path=path, mode=mode))
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def connect_worker(path: Path) -> Database:
    """A read-write connection of its own for a worker thread of the process that holds the file's lock.

    Open it on the worker thread and close it there. Its writes and the window's are serialised by
    SQLite's write lock (each unit of work begins with BEGIN IMMEDIATE and waits up to the busy timeout).
    """
    path = Path(path)
    return Database(path, _connect(path, False), None, False)


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


def _raise_if_damaged(path: Path) -> None:
    result = check_file(path)
    if not result.ok:
        raise DatabaseDamaged(_("{path} is damaged: {problems}").format(
            path=path, problems="; ".join(result.problems[:3])))


def open_database(path: Path, *, read_only: bool = False, allow_read_only: bool = False,
                  check: bool = True, backup_dir: Path | None = None, lock_wait: float = 0.0,
                  program: str = "command", on_wait: Callable[[str], None] | None = None,
                  defer_check: bool = False) -> Database:
    """Open (creating when missing) and migrate the data file.

    When another CoopDesk holds the file, wait up to ``lock_wait`` seconds for it (``on_wait`` is told who),
    then raise DatabaseInUse naming the holder, or with ``allow_read_only`` open it read-only instead
    (``Database.read_only`` tells which happened).
    Raises DatabaseDamaged when the start-up check fails, DatabaseTooNew for a newer schema.
    A file that already holds data is backed up into ``backup_dir`` before it is migrated.
    ``defer_check`` leaves the check (a read of the whole file: seconds in a big season) to the caller, who
    runs check_file off the GUI thread once the window shows (``Database.check_deferred`` says so); a file
    that needs a migration is still checked first, and one SQLite cannot read at all is still refused here.
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
            holder = lock.holder()
            if not allow_read_only and program == "command" and holder is not None and holder.program == "window":
                raise DatabaseInUse(_("{path} is open in {holder}: do this from the window, or close the window "
                                      "first.").format(path=path, holder=holder_text(holder)))
            if not allow_read_only:
                raise DatabaseInUse(_("{path} is in use by {holder}. Close it first, or open this file "
                                      "read-only.").format(path=path, holder=holder_text(lock.holder())))
            lock, read_only = None, True
    if read_only and not path.exists():
        raise StorageError(_("{path} does not exist.").format(path=path))
    try:
        has_data = path.exists() and path.stat().st_size > 0
        if check and has_data and not defer_check:
            _raise_if_damaged(path)
        conn = _connect(path, read_only)
        database = Database(path, conn, lock, read_only)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if check and has_data and defer_check:
            if version < SCHEMA_VERSION:
                try:
                    _raise_if_damaged(path)  # never migrate a damaged file
                except DatabaseDamaged:
                    conn.close()
                    raise
            else:
                database.check_deferred = True
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
