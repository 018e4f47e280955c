"""Starting the window: fonts, the data file (with every way it can fail), the welcome, the error hook."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog, QPlainTextEdit, QVBoxLayout, QWidget

from coopdesk import paths
from coopdesk.domain.errors import CoopDeskError
from coopdesk.i18n import _
from coopdesk.services import cooperative, datafile, demo
from coopdesk.services.datafile import Database, DatabaseDamaged, DatabaseInUse
from coopdesk.ui.widgets.dialogs import ask, warn

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


def open_with_questions(path: Path, parent: QWidget | None = None) -> Database | None:
    """Open the data file, asking the person what to do when it is in use or damaged."""
    try:
        return datafile.open_data(path)
    except DatabaseInUse as e:
        if ask(parent, _("File in use"), e.message + "\n\n" + _("Open it read-only?"), yes=_("Open read-only"),
               no=_("Quit")):
            try:
                return datafile.open_data(path, allow_read_only=True)
            except CoopDeskError as e2:
                warn(parent, _("Cannot open the data file"), e2.message)
        return None
    except DatabaseDamaged as e:
        latest = datafile.latest_backup(path)
        if latest is None:
            warn(parent, _("The data file is damaged"), e.message + "\n\n" + _("No backup of it was found."))
            return None
        info = datafile.describe_backup(latest)
        from coopdesk.ui.settings.page import backup_summary

        question = e.message + "\n\n" + _("Restore the latest backup?\n{summary}\n\nThe damaged file is kept "
                                          "beside it, renamed.").format(summary=backup_summary(info))
        if not ask(parent, _("The data file is damaged"), question, yes=_("Restore the backup"), no=_("Quit")):
            return None
        try:
            datafile.restore_latest(path)
            return datafile.open_data(path)
        except CoopDeskError as e2:
            warn(parent, _("Not restored"), e2.message)
            return None
    except CoopDeskError as e:
        warn(parent, _("Cannot open the data file"), e.message)
        return None


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
    config = paths.load_config()
    if data_arg:
        path = Path(data_arg)
    elif config.get("last_file") and Path(config["last_file"]).exists():
        path = Path(config["last_file"])
    else:
        path = paths.default_data_file()
    database = open_with_questions(path)
    if database is None:
        return 1
    is_demo = path.name == paths.DEMO_FILE_NAME
    if not cooperative.is_set_up(database) and not database.read_only:
        from coopdesk.ui.welcome import DEMO

        choice = run_welcome(None, database)
        if choice == 0:
            database.close()
            return 0
        if choice == DEMO:
            demo_db = open_demo_database(beside=path if data_arg else None)
            if demo_db is None:
                database.close()
                return 1
            database.close()
            database, is_demo = demo_db, True
    try:
        datafile.auto_backup(database)
    except CoopDeskError as e:
        log.warning("start-up backup failed: %s", e.message)
    paths.save_config(last_file=str(database.path))
    from coopdesk.ui.main_window import MainWindow

    window = MainWindow(database, is_demo)
    window.show_fitted()
    return app.exec()



