"""The main window: a section list on the left, one page per section, the data file in the status bar."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QProgressDialog,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk import __version__, i18n, paths
from coopdesk.domain.errors import CoopDeskError
from coopdesk.i18n import _
from coopdesk.services import cooperative, datafile
from coopdesk.services.changes import Changes
from coopdesk.services.datafile import Database
from coopdesk.ui.labels.page import LabelsPage
from coopdesk.ui.lots.page import LotsPage
from coopdesk.ui.operations import Operations, _Runner, _Signals, run_anywhere
from coopdesk.ui.orders.page import OrdersPage
from coopdesk.ui.products.page import ProductsPage
from coopdesk.ui.recall.page import RecallPage
from coopdesk.ui.settings.page import SettingsPage, backup_summary
from coopdesk.ui.shipping.page import DocumentsPage
from coopdesk.ui.widgets.dialogs import FRAME, ask, available_size, inform, opens_maximised, warn

STYLE = """
QListWidget#nav { background: #1b5e20; color: white; border: none; font-size: 14px; }
QListWidget#nav::item { padding: 10px 14px; }
QListWidget#nav::item:selected { background: #43a047; color: white; }
QLabel#pageTitle { font-size: 20px; font-weight: bold; color: #1b5e20; padding: 0 0 2px 0; }
QLabel#banner { background: #fff4d6; color: #6d4c00; padding: 6px 10px; border-bottom: 1px solid #e0c068; }
QTableView { gridline-color: #ddd; }
"""

PRODUCTS, LOTS, LABELS, ORDERS, SHIPPING, TRACE, SETTINGS = range(7)

log = logging.getLogger(__name__)


def _sections() -> list[tuple[str, str]]:
    return [
        (_("Products"), ""),
        (_("Production lots"), _("Every production lot with its farming diary, from seed to pack, and its public "
                                 "trace page.")),
        (_("QR labels"), _("QR traceability labels for thermal label printers and A4 label sheets.")),
        (_("Orders"), _("Livestream orders typed by keyboard, and TikTok Shop order exports.")),
        (_("Shipping"), _("Packing slips, picking lists and carrier handover sheets with the COD to collect.")),
        (_("Trace & recall"), _("Who got lot X? One click finds every order and buyer of a lot.")),
        (_("Settings"), ""),
    ]


class MainWindow(QMainWindow):
    """Owns the open data file and sends every service's Changes to every page."""

    language_switched = Signal()

    def __init__(self, database: Database, is_demo: bool = False) -> None:
        super().__init__()
        self.database = database
        self.is_demo = is_demo
        self.setStyleSheet(STYLE)
        room = available_size(None) - FRAME
        self.resize(QSize(1280, 800).boundedTo(room))
        self.backup_timer = QTimer(self)
        self.backup_timer.timeout.connect(self._on_backup_timer)
        self.ops = Operations(self)  # the one runner for screen operations and the one writer thread
        self.backups_running = 0
        self.damaged = ""  # what the check behind the window found wrong with the file, shown in the banner
        self.last_backup: object = None
        self._pending: dict[QWidget, Changes] = {}  # what hidden pages have yet to catch up with
        self._unloaded: set[QWidget] = set()  # pages not shown yet: they read their data when first shown
        self._build()
        self.restart_backup_timer()

    # --- building (again after a language switch) ---
    def _build(self) -> None:
        self.setWindowTitle(self._title())
        self.menuBar().clear()
        central = QWidget()
        outer = QHBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(168)
        self.nav.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        self.products_page = ProductsPage(self)
        self.lots_page = LotsPage(self)
        self.labels_page = LabelsPage(self)
        self.orders_page = OrdersPage(self)
        self.settings_page = SettingsPage(self)
        self.recall_page = RecallPage(self)
        self.documents_page = DocumentsPage(self)
        self.pages: list[QWidget] = []
        for i, (title, purpose) in enumerate(_sections()):
            page = {PRODUCTS: self.products_page, LOTS: self.lots_page, LABELS: self.labels_page,
                    ORDERS: self.orders_page, SHIPPING: self.documents_page, TRACE: self.recall_page,
                    SETTINGS: self.settings_page}[i]
            item = QListWidgetItem(title)
            item.setToolTip(f"{title} (Ctrl+{i + 1})" + (f"\n{purpose}" if purpose else ""))
            self.nav.addItem(item)
            self.stack.addWidget(page)
            self.pages.append(page)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self._pending = {}
        self.stack.currentChanged.connect(self._on_page_shown)
        self.nav.currentRowChanged.connect(lambda _r: QTimer.singleShot(0, self.focus_first_field))
        outer.addWidget(self.nav)
        right = QWidget()
        r = QVBoxLayout(right)
        r.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        r.addWidget(self.banner)
        inner = QWidget()
        il = QHBoxLayout(inner)
        il.setContentsMargins(12, 8, 12, 8)
        il.addWidget(self.stack)
        r.addWidget(inner, 1)
        outer.addWidget(right, 1)
        self.setCentralWidget(central)
        for page in (self.products_page, self.lots_page, self.labels_page, self.orders_page, self.settings_page,
                     self.recall_page, self.documents_page):
            page.changed.connect(lambda changes, page=page: self.apply_changes(changes, initiator=page))
        self.settings_page.language_changed.connect(self.switch_language)
        self._build_menus()
        self.file_label = QLabel()
        self.statusBar().addPermanentWidget(self.file_label)
        self._refresh_all()
        self.nav.setCurrentRow(PRODUCTS)
        self._ensure_loaded(self.stack.currentWidget())  # the first page: shown without a page change

    def show_fitted(self) -> None:
        """Maximised on a laptop-sized screen (a 1366×768 office laptop has no room to spare), else shown at
        a size that fits the screen."""
        if opens_maximised(available_size(self)):
            self.showMaximized()
        else:
            self.show()

    def show_shipping(self, session_id: int | None = None) -> None:
        """The Shipping page after a live: packing slips, picking lists and handover sheets of that session."""
        self.nav.setCurrentRow(SHIPPING)
        if session_id is not None:
            page = self.documents_page
            page.refresh()
            page.session.setCurrentIndex(max(page.session.findData(session_id), 0))

    def focus_first_field(self) -> None:
        """The shown page's first field takes the keys (unless staff are walking the section list)."""
        page = self.stack.currentWidget()
        inputs = (QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit)
        now = QApplication.focusWidget()
        if page is None or self.nav.hasFocus() or (isinstance(now, inputs) and page.isAncestorOf(now)):
            return
        w = page.nextInFocusChain()
        for _step in range(500):
            if w is page or w is None:
                break
            if (page.isAncestorOf(w) and isinstance(w, inputs) and w.isVisible() and w.isEnabled()
                    and w.focusPolicy() & Qt.FocusPolicy.TabFocus):
                w.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            w = w.nextInFocusChain()

    def _title(self) -> str:
        coop = cooperative.get_profile(self.database)
        name = coop.name if coop else _("New cooperative")
        demo = _(" — DEMO DATA") if self.is_demo else ""
        return f"{name}{demo} — CoopDesk"

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        self._menu_action(file_menu, _("&Back up now…"), "Ctrl+B", self.backup_now)
        self._menu_action(file_menu, _("&Restore from a backup…"), None, self.restore_from_file)
        file_menu.addSeparator()
        self._menu_action(file_menu, _("&Open a data file…"), QKeySequence.StandardKey.Open, self.open_other_file)
        self._menu_action(file_menu, _("&New data file…"), "Ctrl+Shift+N", self.new_data_file)
        self._menu_action(file_menu, _("Open the &demo cooperative"), None, self.open_demo)
        file_menu.addSeparator()
        self._menu_action(file_menu, _("&Quit"), QKeySequence.StandardKey.Quit, self.close)
        go = self.menuBar().addMenu(_("&Go"))
        for i, (title, _purpose) in enumerate(_sections()):
            self._menu_action(go, title.replace("&", "&&"), f"Ctrl+{i + 1}",  # “Trace & recall”: no Alt on a space
                              lambda _c=False, i=i: self.nav.setCurrentRow(i))
        help_menu = self.menuBar().addMenu(_("&Help"))
        self._menu_action(help_menu, _("&Keyboard shortcuts"), QKeySequence.StandardKey.HelpContents,
                          self.show_shortcuts)
        self._menu_action(help_menu, _("&About CoopDesk"), None, self.show_about)

    def _menu_action(self, menu, text: str, shortcut, slot) -> QAction:  # noqa: ANN001
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _refresh_all(self) -> None:
        """Every page loads the first time it is shown, not at start: a season's lots, orders and recall
        pickers are read only by the page a person opens (the window shows in the same time at 500,000 orders
        as at 100)."""
        self._unloaded = set(self.pages)
        self._pending = {}
        self._update_status()

    def _ensure_loaded(self, page: QWidget) -> None:
        if page in self._unloaded:
            self._unloaded.discard(page)
            self._pending.pop(page, None)  # a full load includes whatever it had missed
            page.refresh()

    def is_loaded(self, page: QWidget) -> bool:
        """True once the page has been shown (and so read its data)."""
        return page not in self._unloaded

    def _update_status(self) -> None:
        flags = []
        if self.database.read_only:
            flags.append(_("read-only"))
        if self.is_demo:
            flags.append(_("demo"))
        extra = f" ({', '.join(flags)})" if flags else ""
        self.file_label.setText(_("Data file: {path}").format(path=self.database.path) + extra)
        banners = []
        if self.database.read_only:
            banners.append(_("This data file is open in another CoopDesk window, so this one is read-only: "
                             "you can look, but not save."))
        if self.is_demo:
            banners.append(_("You are looking at the demo cooperative (invented data). Use File → New data file "
                             "to set up your own."))
        if self.damaged:
            banners.append(_("The data file is damaged: {message} Restore a backup (File → Restore from a "
                             "backup…) before entering more.").format(message=self.damaged))
        self.banner.setText("\n".join(banners))
        self.banner.setVisible(bool(banners))
        self.setWindowTitle(self._title())

    def apply_changes(self, changes: Changes, initiator: object | None = None) -> None:
        """Tell the pages what a write changed (Anki's operation_did_execute).

        The page on screen updates now (only the rows named, when the Changes names them); a hidden
        page only notes the change and catches up once when it is shown (Anki's _refresh_needed), so
        a save at the desk never reloads the screens nobody is looking at. The page on screen is also told
        who asked (``initiator``: a page, or the dialog a page opened), so it can skip refreshing what it
        has just changed itself (Anki's ``handler is self``); a page catching up later is told None.
        """
        current = self.stack.currentWidget()
        for page in self.pages:
            if not hasattr(page, "on_changes") or page in self._unloaded:
                continue
            if page is current:
                page.on_changes(changes, initiator)
            else:
                old = self._pending.get(page)
                self._pending[page] = changes if old is None else old | changes
        if changes.cooperative:
            self.setWindowTitle(self._title())

    def is_stale(self, page: QWidget) -> bool:
        """True when a hidden page has something to catch up with when shown (changes, or its first load)."""
        return page in self._pending or page in self._unloaded

    def _on_page_shown(self, index: int) -> None:
        page = self.stack.widget(index)
        self._ensure_loaded(page)
        pending = self._pending.pop(page, None)
        if pending is not None:
            page.on_changes(pending)

    def show_documents(self, order_ids: list[int]) -> None:
        """The Shipping page with these orders chosen (the order list's "Print documents…")."""
        self.nav.setCurrentRow(SHIPPING)  # loaded first, then told the orders
        self.documents_page.set_order_ids(order_ids)

    def open_labels(self, code: str) -> LabelsPage:
        """The labels page with ``code`` added to the job (the lots page's "Print labels…")."""
        self.nav.setCurrentRow(LABELS)
        self.labels_page.add_lot(code)
        return self.labels_page

    # --- trace & recall, one click from a lot or an order ---
    def show_who_got(self, lot_code: str) -> None:
        """Who got this lot: the Truy xuất/Thu hồi page, answered."""
        self.nav.setCurrentRow(TRACE)
        self.recall_page.show_lot(lot_code)

    def show_received(self, order_id: int) -> None:
        """Every lot (and raw lot, input, area) in what this order received."""
        self.nav.setCurrentRow(TRACE)
        self.recall_page.show_order(order_id)

    # --- language ---
    def switch_language(self, code: str) -> None:
        i18n.set_language(code)
        from coopdesk.ui.qt_language import install_qt_language

        install_qt_language(code)  # Qt's own dialogs and menus follow
        paths.save_config(language=code)
        current = self.nav.currentRow()
        self.statusBar().removeWidget(self.file_label)
        self._build()
        self.nav.setCurrentRow(current)
        self.language_switched.emit()

    # --- backups ---
    def restart_backup_timer(self) -> None:
        minutes = int(datafile.get_setting(self.database, "backup_interval_minutes"))
        self.backup_timer.start(minutes * 60 * 1000)

    def _on_backup_timer(self) -> None:
        if self.ops.writing:  # never make the window wait behind an import's commit: try again in a minute
            QTimer.singleShot(60_000, self, self._on_backup_timer)  # dropped if the window goes first
            return
        got: list[object] = []
        if not self.ops.run(self, datafile.auto_backup, title=_("Backup failed"), success=got.append,
                            failed=lambda e: self.statusBar().showMessage(  # a timer never pops up a box
                                _("Automatic backup failed: {message}").format(message=e.message), 15000)):
            return
        if got[0]:
            self.statusBar().showMessage(_("Backed up at {time}").format(time=f"{datetime.now():%H:%M}"), 5000)
            if self.is_loaded(self.settings_page):
                self.settings_page.refresh_backups()

    def backup_now(self, folder: str | None = None) -> Path | None:
        if not folder:
            folder = QFileDialog.getExistingDirectory(self, _("Choose where to put the backup (e.g. a USB stick)"))
        if not folder:
            return None
        made: list[Path] = []
        if not self.ops.run(self, lambda db: datafile.backup_now(db, Path(folder)), title=_("Backup failed"),
                            success=made.append):
            return None
        inform(self, _("Backup written"), _("The backup was written and checked:\n{path}").format(path=made[0]))
        return made[0]

    def restore_from_file(self) -> None:
        start = str(paths.backup_dir_for(self.database.path))
        path, _f = QFileDialog.getOpenFileName(self, _("Choose a backup to restore"), start,
                                               _("CoopDesk backups (*.db)"))
        if path:
            self.restore_backup(Path(path))

    def restore_backup(self, backup: Path, confirm: bool = True) -> bool:
        described: list = []
        if not self.ops.run(self, lambda _db: datafile.describe_backup(backup), title=_("Cannot restore"),
                            success=described.append):
            return False
        info = described[0]
        question = _("Restore this backup?\n\n{summary}\n\nEverything entered after it will be replaced. "
                     "What is there now is backed up first, so this can be undone.").format(
            summary=backup_summary(info))
        if confirm and not ask(self, _("Restore from backup"), question, yes=_("Restore")):
            return False
        if not self.ops.run(self, lambda db: (datafile.restore(db, backup), Changes.everything()),
                            title=_("Not restored")):
            return False
        self._update_status()
        self.statusBar().showMessage(_("Restored the backup of {when}").format(
            when=backup_summary(info).split(" — ")[0]), 8000)
        return True

    # --- data files ---
    def switch_database(self, database: Database, is_demo: bool) -> None:
        old = self.database
        self.ops.run(self, datafile.auto_backup, title=_("Backup failed"),  # the file being left: best effort
                     failed=lambda e: log.warning("backup before switching files failed: %s", e.message))
        old.close()
        self.database, self.is_demo = database, is_demo
        paths.save_config(last_file=str(database.path))
        self.statusBar().removeWidget(self.file_label)
        self._build()
        self.restart_backup_timer()

    def _open_path(self, path: Path, is_demo: bool = False) -> Database | None:
        if path.resolve() == self.database.path.resolve():
            return None
        opened: list[Database] = []
        if not self.ops.run(self, lambda _db: datafile.open_data(path), title=_("Cannot open the data file"),
                            success=opened.append):
            return None
        database = opened[0]
        from coopdesk.ui.app import start_checks

        start_checks(database, self)  # a file that went back in time, or sits in a synced folder, is said at once
        return database

    def open_other_file(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Open a data file"), str(paths.data_dir()),
                                               _("CoopDesk data (*.db)"))
        if path:
            db = self._open_path(Path(path))
            if db:
                self.switch_database(db, Path(path).name == paths.DEMO_FILE_NAME)

    def new_data_file(self) -> None:
        path, _f = QFileDialog.getSaveFileName(self, _("New data file"), str(paths.data_dir() / "htx.db"),
                                               _("CoopDesk data (*.db)"))
        if not path:
            return
        if Path(path).exists():
            warn(self, _("New data file"), _("{path} already exists; choose another name.").format(path=path))
            return
        db = self._open_path(Path(path))
        if db:
            self.switch_database(db, False)
            from coopdesk.ui.app import run_welcome

            run_welcome(self, self.database)

    def open_demo(self) -> None:
        from coopdesk.ui.app import open_demo_database

        db = open_demo_database(self, beside=self.database.path)
        if db:
            self.switch_database(db, True)

    # --- help ---
    def show_shortcuts(self) -> QDialog:
        """F1: every shortcut, read from the actions themselves."""
        from coopdesk.ui.shortcuts import ShortcutsDialog

        dialog = ShortcutsDialog(self)
        dialog.open()
        return dialog

    def show_about(self) -> None:
        inform(self, _("About CoopDesk"), _(
            "CoopDesk {version}\nCatalog, traceability, labels and orders for OCOP cooperatives, offline.\n\n"
            "Licence: GNU GPL version 3 or later. Font: Be Vietnam Pro (SIL Open Font License 1.1).\n"
            "Data file: {path}").format(version=__version__, path=self.database.path))

    def start_backup(self, then: Callable[[BaseException | None], None] | None = None,
                     check_first: bool = False) -> _Signals | None:
        """The automatic backup and its check on the one writer thread, with a connection of its own, while the
        window stays usable ("Backing up…" in the status bar). Used at start-up, once the window shows.

        ``check_first``: the start-up check of the file the open deferred runs first (datafile.start_up_backup);
        damage found then gets the question the open would have asked (restore the newest good backup).

        On the writer thread it waits behind any write already asked for, and the exit backup waits behind it.
        ``then(error or None)`` is called once it has ended (connected before the job starts: none is missed).
        """
        if self.database.read_only:
            return None
        signals = _Signals(self)
        self.backups_running += 1
        self.statusBar().showMessage(_("Backing up…"))

        def landed(made: object) -> None:
            self.backups_running -= 1
            self.last_backup = made
            if made:
                self.statusBar().showMessage(_("Backed up at {time}").format(time=f"{datetime.now():%H:%M}"), 5000)
                if self.is_loaded(self.settings_page):
                    self.settings_page.refresh_backups()
            if then is not None:
                then(None)

        def failed(error: BaseException) -> None:
            self.backups_running -= 1
            if check_first and isinstance(error, datafile.DatabaseDamaged):
                self.damaged_file(error.message)
                if then is not None:
                    then(error)
                return
            message = error.message if isinstance(error, CoopDeskError) else str(error)
            log.warning("background backup failed: %s", message)
            self.statusBar().showMessage(_("Automatic backup failed: {message}").format(message=message), 15000)
            if then is not None:
                then(error)

        signals.finished.connect(landed)
        signals.failed.connect(failed)
        job = (lambda db: datafile.start_up_backup(db)) if check_first else datafile.auto_backup
        self.ops.writer.start(_Runner(self.database.path, True, job, signals, threading.Event()))
        return signals

    def damaged_file(self, message: str) -> bool:
        """The check behind the window found damage: offer the newest good backup, as the start would have.

        Restoring keeps the damaged file beside it, renamed, and reopens the window on the restored one. Declined
        (or with no good backup), the window stays open with a banner saying so; True when restored.
        """
        from coopdesk.ui.app import offer_restore

        path = self.database.path
        log.warning("data file damaged, found after start: %s", message)
        info = offer_restore(path, message, self, no=_("Not now"))
        if info is not None:
            self.ops.writer.waitForDone()
            self.backup_timer.stop()
            self.database.close()
            reopened: list[Database] = []

            def restore_and_open() -> Database:
                datafile.restore_backup_file(path, info.path)
                return datafile.open_data(path, program="window")

            ok, db = run_anywhere(self, restore_and_open, title=_("Not restored"))
            if ok:
                reopened.append(db)
            else:  # the file as it was, so the window can go on (read what it can, say what is wrong)
                ok, db = run_anywhere(self, lambda: datafile.open_data(path, program="window", defer_check=True),
                                      title=_("Cannot open the data file"))
                if not ok:
                    self.close()
                    return False
            self.database = db
            self.statusBar().removeWidget(self.file_label)
            self._build()
            self.restart_backup_timer()
            if reopened:
                self.statusBar().showMessage(_("Restored the backup of {when}").format(
                    when=backup_summary(info).split(" — ")[0]), 15000)
                return True
        self.damaged = message
        self._update_status()
        return False

    def _exit_backup(self) -> None:
        """The exit backup off the GUI thread, shown as "Backing up…" until it has landed: closing quickly (even
        while the start-up backup still runs) waits for it, so the backup is never lost."""
        dialog = QProgressDialog(_("Backing up…"), "", 0, 0, self)
        dialog.setCancelButton(None)  # nothing to cancel: the window closes once the backup is on disk
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        dialog.setMinimumDuration(0)
        dialog.show()
        loop = QEventLoop()
        errors: list[BaseException] = []
        ended: list[bool] = []

        def then(error: BaseException | None) -> None:
            ended.append(True)
            if error is not None:
                errors.append(error)
            loop.quit()

        if self.start_backup(then) is not None and not ended:
            loop.exec()
        dialog.close()
        for e in errors:
            warn(self, _("Backup failed"), e.message if isinstance(e, CoopDeskError) else str(e))

    def closeEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()  # a field saved when left is saved now, while the data file is still open
        self.backup_timer.stop()
        self._exit_backup()
        self.ops.writer.waitForDone()  # nothing of ours writes after the file is closed
        self.database.close()
        super().closeEvent(event)
