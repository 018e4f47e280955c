"""Starting the window: fonts, the data file (with every way it can fail), the welcome, the error hook."""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit, QVBoxLayout, QWidget

from coopdesk import paths
from coopdesk.domain.errors import CoopDeskError
from coopdesk.i18n import _
from coopdesk.services import cooperative, datafile, demo
from coopdesk.services.datafile import Database, DatabaseDamaged, DatabaseInUse
from coopdesk.ui.operations import run_anywhere
from coopdesk.ui.widgets.dialogs import ask, warn

if TYPE_CHECKING:
    from coopdesk.ui.main_window import MainWindow

log = logging.getLogger("coopdesk")


def load_fonts(app: QApplication) -> str:
    """Register the bundled Be Vietnam Pro and make it the UI font; return its family."""
    family = ""
    for name in ("BeVietnamPro-Regular.ttf", "BeVietnamPro-Bold.ttf", "BeVietnamPro-Italic.ttf"):
        font_id = QFontDatabase.addApplicationFont(str(paths.font_path(name)))
        if font_id >= 0 and not family:
            family = QFontDatabase.applicationFontFamilies(font_id)[0]
    if family:
        app.setFont(QFont(family, 10))
    return family


def make_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CoopDesk")
    app.setOrganizationName("CoopDesk")
    load_fonts(app)
    from coopdesk import i18n
    from coopdesk.ui.qt_language import install_qt_language
    from coopdesk.ui.widgets.dialogs import ScreenFitter

    install_qt_language(i18n.language())
    app._screen_fitter = ScreenFitter(app)  # kept alive with the app
    app.installEventFilter(app._screen_fitter)
    return app


def show_bug(exc_type, exc, tb) -> None:  # noqa: ANN001
    """The one hook for bugs: log the traceback and offer it to copy, never a silent crash."""
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.error("unexpected error\n%s", details)
    if QApplication.instance() is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    dialog = QDialog()
    dialog.setWindowTitle(_("Something went wrong"))
    layout = QVBoxLayout(dialog)
    text = QPlainTextEdit(_("CoopDesk met an error it did not expect. Your saved data is safe. "
                            "Please copy the details below and send them to whoever supports CoopDesk.\n\n")
                          + details)
    text.setReadOnly(True)
    layout.addWidget(text)
    dialog.resize(700, 400)
    dialog.exec()


def open_with_questions(path: Path, parent: QWidget | None = None, defer_check: bool = False) -> Database | None:
    """Open the data file, asking the person what to do when it is in use or damaged.

    ``defer_check``: at start-up the whole-file check runs behind the shown window (open_window), so a season's
    file opens in the same time as a new one; damage it finds then gets the same question, from the window.

    At start-up there is no window yet; opened from the File menu, the window's runner handles what fails.
    """
    refused: list[CoopDeskError] = []

    def in_use_or_damaged(e: CoopDeskError) -> None:
        if isinstance(e, (DatabaseInUse, DatabaseDamaged)):
            refused.append(e)  # a question follows, not a message
        else:
            warn(parent, _("Cannot open the data file"), e.message)

    ok, database = run_anywhere(parent, lambda: datafile.open_data(
        path, lock_wait=datafile.WINDOW_LOCK_WAIT_S, program="window", defer_check=defer_check),
        title=_("Cannot open the data file"), failed=in_use_or_damaged)
    if ok or not refused:
        return database
    e = refused[0]
    if isinstance(e, DatabaseInUse):
        if ask(parent, _("File in use"), e.message + "\n\n" + _("Open it read-only?"), yes=_("Open read-only"),
               no=_("Quit")):
            return run_anywhere(parent, lambda: datafile.open_data(path, allow_read_only=True, program="window"),
                                title=_("Cannot open the data file"))[1]
        return None
    if isinstance(e, DatabaseDamaged):
        info = offer_restore(path, e.message, parent, no=_("Quit"))
        if info is None:
            return None

        def restore_and_open() -> Database:
            datafile.restore_backup_file(path, info.path)
            return datafile.open_data(path, program="window")

        return run_anywhere(parent, restore_and_open, title=_("Not restored"))[1]
    return None


def offer_restore(path: Path, message: str, parent: QWidget | None, no: str) -> datafile.BackupInfo | None:
    """A damaged data file: offer its newest backup that passes the check; the backup when the person agreed.

    Newest first, each verified: an unreadable newest backup never hides an older good one. When none passes,
    says so and returns None.
    """
    info = datafile.newest_good_backup(path)
    if info is None:
        warn(parent, _("The data file is damaged"), message + "\n\n" + _("No backup of it was found.")
             if datafile.latest_backup(path) is None else
             message + "\n\n" + _("None of its backups passes the check either."))
        return None
    from coopdesk.ui.settings.page import backup_summary

    skipped = ""
    latest = datafile.latest_backup(path)
    if latest is not None and latest != info.path:
        skipped = "\n" + _("(Newer backups failed their check and are not offered.)")
    question = message + "\n\n" + _("Restore the latest backup?\n{summary}\n\nThe damaged file is kept "
                                    "beside it, renamed.").format(summary=backup_summary(info)) + skipped
    if not ask(parent, _("The data file is damaged"), question, yes=_("Restore the backup"), no=no):
        return None
    return info


def rollback_message(rollback: datafile.Rollback) -> str:
    """What the person reads when the file holds less than at its last backup."""
    from coopdesk.domain.money import format_vnd

    lines = [rollback.summary()]
    if rollback.missing_orders:
        lines.append("")
        lines.append(_("Missing orders (kept in the backup):"))
        for o in rollback.missing_orders[:8]:
            when = str(o["created_at"] or "")
            try:
                when = f"{datetime.fromisoformat(when):%d/%m/%Y %H:%M}"
            except ValueError:
                pass
            lines.append(f"  #{o['id']}  {when}  {o['name'] or o['phone']}  {format_vnd(o['total'])}")
        if rollback.missing_count > 8:
            lines.append("  " + _("… and {n} more").format(n=rollback.missing_count - 8))
    other = [datafile.table_name(t) for t in rollback.behind if t != "orders"]
    if other:
        lines.append(_("Also fewer rows in: {tables}").format(tables=", ".join(other)))
    lines.append("")
    if rollback.backup is not None:
        lines.append(_("Restore that backup now (recommended; what the file holds now is backed up first), or "
                       "keep working with the file as it is. Either way, new orders get numbers above "
                       "{last}.").format(last=rollback.last_order[1]))
    else:
        lines.append(_("No backup that passes its check holds them. New orders get numbers above {last}.").format(
            last=rollback.last_order[1]))
    return "\n".join(lines)


def check_rollback(database: Database, parent: QWidget | None = None) -> bool:
    """Before the start-up backup and before anyone types an order: has the file gone back in time?

    Returns True when it had and the person was told (whatever they chose).
    """
    if database.read_only:
        return False
    rollback = datafile.compare_with_backups(database.path)
    if rollback is None:
        return False
    log.warning("data file went back in time: %s", rollback.summary())
    text = rollback_message(rollback)
    if rollback.backup is not None and ask(parent, _("Orders are missing from the data file"), text,
                                           yes=_("Restore the backup"), no=_("Keep the file as it is"),
                                           warning=True):
        if run_anywhere(parent, lambda: datafile.restore(database, rollback.backup), title=_("Not restored"))[0]:
            return True
    elif rollback.backup is None:
        warn(parent, _("Orders are missing from the data file"), text)
    datafile.accept_as_is(database)
    return True


def check_location(database: Database, parent: QWidget | None = None) -> bool:
    """Warn about a data file in a synced folder and offer to keep the backups on this PC instead."""
    warning = datafile.data_file_warning(database.path)
    if warning is None:
        return False
    if datafile.backups_in_synced_folder(database.path) and not database.read_only:
        root = datafile.suggested_backup_root(database.path)
        if ask(parent, _("Data file in a synced folder"), warning + "\n\n" + _(
                "Keep the automatic backups in {folder} instead?").format(folder=root),
               yes=_("Keep backups on this PC"), no=_("Not now")):
            datafile.move_backups_to(database.path, root)
    else:
        warn(parent, _("Data file in a synced folder"), warning)
    return True


def start_checks(database: Database, parent: QWidget | None = None) -> None:
    """What the window checks once the file is open, before its start-up backup."""
    check_rollback(database, parent)
    check_location(database, parent)


def open_demo_database(parent: QWidget | None = None, beside: Path | None = None) -> Database | None:
    """The demo file beside the real one (``beside``, e.g. the --data FILE), written on first use."""
    path = beside.parent / paths.DEMO_FILE_NAME if beside is not None else paths.demo_data_file()
    db = open_with_questions(path, parent)
    if db is not None and not cooperative.is_set_up(db) and not db.read_only:
        demo.write_demo(db)
    return db


def run_welcome(parent: QWidget | None, database: Database) -> int:
    """The first-run dialog; returns welcome.CREATE, welcome.DEMO or 0 (quit)."""
    from coopdesk.ui.welcome import WelcomeDialog

    dialog = WelcomeDialog(lambda draft: cooperative.save_profile(database, draft), parent,
                           str(paths.media_dir_for(database.path)))
    dialog.exec()
    return dialog.choice if dialog.result() == QDialog.DialogCode.Accepted else 0


def run(data_arg: str | None = None) -> int:
    """Open the window on the data file (``--data``, the last one used, or the default) and run."""
    logging.basicConfig(filename=paths.data_dir() / "coopdesk.log", level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s")
    app = make_app()
    sys.excepthook = show_bug
    datafile.set_session("window", datafile.WINDOW_LOCK_WAIT_S)
    config = paths.load_config()
    if data_arg:
        path = Path(data_arg)
    elif config.get("last_file") and Path(config["last_file"]).exists():
        path = Path(config["last_file"])
    else:
        path = paths.default_data_file()
    database = open_with_questions(path, defer_check=True)
    if database is None:
        return 1
    is_demo = path.name == paths.DEMO_FILE_NAME
    if not cooperative.is_set_up(database) and not database.read_only:
        from coopdesk.ui.welcome import DEMO

        choice = run_welcome(None, database)
        if choice == 0:
            database.close()
            return 0
        if choice == DEMO and data_arg:
            # The file named with --data is empty (the welcome shows only then): the demo goes into it, as
            # `coopdesk demo --data FILE` does, so the window and the commands on that file see the same data.
            demo.write_demo(database)
            is_demo = True
        elif choice == DEMO:
            demo_db = open_demo_database()
            if demo_db is None:
                database.close()
                return 1
            database.close()
            database, is_demo = demo_db, True
    paths.save_config(last_file=str(database.path))
    window = open_window(database, is_demo)  # noqa: F841 - kept alive while the application runs
    code = app.exec()
    datafile.mark_closed_files()  # a command run after the window skips the whole-file check (known_good)
    return code


def open_window(database: Database, is_demo: bool = False) -> MainWindow:
    """Check the file, show the window, then back it up in the background.

    The lost-write check comes first (it compares the file with its backups, so it must run before a new
    backup is made, and before anyone types an order); the backup and its verification run on the writer
    thread once the window shows, so a season-sized file opens as fast as a new one.
    """
    start_checks(database)
    from coopdesk.ui.main_window import MainWindow
    from coopdesk.ui.widgets.dialogs import available_size, opens_maximised

    window = MainWindow(database, is_demo)
    if opens_maximised(available_size(None)):  # as MainWindow.show_fitted
        window.showMaximized()
    else:
        window.show()
    window.start_backup(check_first=database.check_deferred)
    return window



