"""The Cài đặt screen: cooperative profile, backups, language and the data file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk import i18n, paths
from coopdesk.domain.dates import format_date
from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.lots import check_lot_pattern
from coopdesk.domain.phones import display_phone
from coopdesk.i18n import _
from coopdesk.services import cooperative, datafile
from coopdesk.services import traceability as trace
from coopdesk.services.changes import Changes
from coopdesk.ui.settings.profile_form import ProfileForm
from coopdesk.ui.widgets.dialogs import inform


def backup_summary(info: datafile.BackupInfo) -> str:
    """'23/11/2026 14:05 — 15 products, 3 members' for the confirmation."""
    counts = info.counts
    return _("{when} — {coop}: {orders} orders, {products} products, {certs} certifications, "
             "{members} member households, {lots} lots, {events} diary entries").format(
        when=f"{format_date(info.made_at.date())} {info.made_at:%H:%M}", coop=info.cooperative or _("(no name)"),
        orders=counts.get("orders", 0), products=counts.get("products", 0), certs=counts.get("certifications", 0),
        members=counts.get("members", 0), lots=counts.get("lots", 0), events=counts.get("events", 0))


class SettingsPage(QWidget):
    """Settings that belong to the cooperative live in the data file; the language belongs to this PC."""

    changed = Signal(object)  # Changes
    language_changed = Signal(str)

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.window_ = window
        layout = QVBoxLayout(self)
        title = QLabel(_("Settings"))
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        # Cooperative profile
        profile_tab = QWidget()
        p = QVBoxLayout(profile_tab)
        self.profile = ProfileForm(media_dir=str(paths.media_dir_for(self.database.path)))
        p.addWidget(self.profile)
        self.save_profile_button = QPushButton(_("Sa&ve profile"))
        self.save_profile_button.clicked.connect(self.save_profile)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_profile_button)
        p.addLayout(row)
        self.members_label = QLabel()
        self.members_label.setWordWrap(True)
        p.addWidget(self.members_label)
        p.addStretch(1)
        self.tabs.addTab(profile_tab, _("Cooperative"))

        # Backups
        backup_tab = QWidget()
        b = QVBoxLayout(backup_tab)
        form = QFormLayout()
        self.keep = QSpinBox()
        self.keep.setRange(1, 500)
        self.keep.setSuffix(_(" backups"))
        self.interval = QSpinBox()
        self.interval.setRange(5, 24 * 60)
        self.interval.setSuffix(_(" minutes"))
        self.keep.editingFinished.connect(self._on_backup_settings_changed)
        self.interval.editingFinished.connect(self._on_backup_settings_changed)
        form.addRow(_("Keep the last"), self.keep)
        form.addRow(_("Automatic backup every"), self.interval)
        self.backup_folder = QLabel()
        self.backup_folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(_("Folder"), self.backup_folder)
        b.addLayout(form)
        note = QLabel(_("CoopDesk backs up the data file when it starts, at the interval above and when it closes. "
                        "Use “Back up now” to put a copy on a USB stick as well."))
        note.setWordWrap(True)
        b.addWidget(note)
        self.backups = QTableWidget(0, 2)
        self.backups.setHorizontalHeaderLabels([_("Backup"), _("Contents")])
        self.backups.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.backups.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.backups.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.backups.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.backups.verticalHeader().hide()
        b.addWidget(self.backups, 1)
        row = QHBoxLayout()
        self.backup_now_button = QPushButton(_("&Back up now to a folder…"))
        self.backup_now_button.clicked.connect(lambda: self.window_.backup_now())
        self.restore_button = QPushButton(_("&Restore the selected backup…"))
        self.restore_button.clicked.connect(self._on_restore_selected)
        self.restore_file_button = QPushButton(_("Restore from a f&ile…"))
        self.restore_file_button.clicked.connect(lambda: self.window_.restore_from_file())
        for w in (self.backup_now_button, self.restore_button, self.restore_file_button):
            row.addWidget(w)
        row.addStretch(1)
        b.addLayout(row)
        self.tabs.addTab(backup_tab, _("Backups"))

        # Lot codes
        lot_tab = QWidget()
        lt = QFormLayout(lot_tab)
        self.lot_pattern = QLineEdit()
        self.lot_pattern.setPlaceholderText("HP-{YYYY}-{NNNN}")
        self.lot_example = QLabel()
        self.lot_pattern.textChanged.connect(self._on_lot_pattern_edited)
        save_pattern = QPushButton(_("Save the &pattern"))
        save_pattern.clicked.connect(self.save_lot_pattern)
        lt.addRow(_("Lot code pattern"), self.lot_pattern)
        lt.addRow(_("Next code looks like"), self.lot_example)
        lt.addRow("", save_pattern)
        help_text = QLabel(_("{YYYY} year, {YY} two-digit year, {MM} month, {NNNN} a number that only goes up "
                             "(as many N as digits). Codes are never reused."))
        help_text.setWordWrap(True)
        lt.addRow(help_text)
        self.lot_errors = QLabel()
        self.lot_errors.setStyleSheet("color:#b71c1c")
        lt.addRow(self.lot_errors)
        self.tabs.addTab(lot_tab, _("Lot codes"))

        # Language
        lang_tab = QWidget()
        lf = QFormLayout(lang_tab)
        self.language = QComboBox()
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(i18n.language()), 0))
        self.language.activated.connect(self._on_language_chosen)
        lf.addRow(_("Language of the interface / Ngôn ngữ"), self.language)
        hint = QLabel(_("Money is shown as 1.250.000 ₫ and dates as dd/mm/yyyy in both languages."))
        hint.setWordWrap(True)
        lf.addRow(hint)
        self.tabs.addTab(lang_tab, _("Language"))

        # Data file
        file_tab = QWidget()
        ff = QFormLayout(file_tab)
        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label.setWordWrap(True)
        self.check_label = QLabel()
        self.check_button = check_button = QPushButton(_("&Check the file now"))
        check_button.clicked.connect(self._on_check_clicked)
        ff.addRow(_("Data file"), self.file_label)
        ff.addRow(check_button, self.check_label)
        self.location_warning = QLabel()
        self.location_warning.setWordWrap(True)
        self.location_warning.setStyleSheet("color:#b71c1c")
        self.move_backups_button = QPushButton()
        self.move_backups_button.clicked.connect(self._on_move_backups)
        ff.addRow(self.location_warning)
        ff.addRow("", self.move_backups_button)
        self.tabs.addTab(file_tab, _("Data file"))

    @property
    def database(self):  # noqa: ANN201
        return self.window_.database

    def refresh(self) -> None:
        self.profile.set_value(cooperative.get_profile(self.database))
        members = cooperative.members(self.database)
        if members:
            self.members_label.setText(_("Member households: ") + "; ".join(
                f"{m['name']}" + (f" ({display_phone(m['phone'])})" if m["phone"] else "") for m in members))
        else:
            self.members_label.setText("")
        self.lot_pattern.setText(trace.lot_pattern(self.database))
        self.keep.setValue(int(datafile.get_setting(self.database, "backup_keep")))
        self.interval.setValue(int(datafile.get_setting(self.database, "backup_interval_minutes")))
        self.backup_folder.setText(str(paths.backup_dir_for(self.database.path)))
        self.file_label.setText(str(self.database.path) + (_(" (read-only)") if self.database.read_only else ""))
        warning = datafile.data_file_warning(self.database.path)
        self.location_warning.setText(warning or "")
        self.location_warning.setVisible(bool(warning))
        offer = bool(warning) and datafile.backups_in_synced_folder(self.database.path) and not self.database.read_only
        self.move_backups_button.setText(_("Keep the backups in {folder}").format(
            folder=datafile.suggested_backup_root(self.database.path)) if offer else "")
        self.move_backups_button.setVisible(offer)
        for w in (self.save_profile_button, self.restore_button, self.restore_file_button, self.keep, self.interval):
            w.setEnabled(not self.database.read_only)
        self.refresh_backups()

    def refresh_backups(self) -> None:
        self._backups = datafile.list_backups(self.database.path)
        self.backups.setRowCount(len(self._backups))
        for r, info in enumerate(self._backups):
            self.backups.setItem(r, 0, QTableWidgetItem(f"{format_date(info.made_at.date())} {info.made_at:%H:%M:%S}"))
            self.backups.setItem(r, 1, QTableWidgetItem(backup_summary(info)))

    def on_changes(self, changes: Changes, initiator: object | None = None) -> None:
        if changes.cooperative or changes.settings:
            self.refresh()

    def save_profile(self) -> bool:
        draft = self.profile.value()
        if not self.window_.ops.run(self, lambda db: cooperative.save_profile(db, draft), title=_("Not saved"),
                                    invalid=self.profile.show_error):
            return False
        self.profile.show_error(None)
        self.window_.statusBar().showMessage(_("Cooperative profile saved."), 5000)
        return True

    def _on_backup_settings_changed(self) -> None:
        if self.database.read_only:
            return
        keep, interval = self.keep.value(), self.interval.value()

        def save(db) -> None:  # noqa: ANN001
            with db.unit_of_work():  # both settings, or neither
                datafile.set_setting(db, "backup_keep", keep)
                datafile.set_setting(db, "backup_interval_minutes", interval)

        self.window_.ops.run(self, save, title=_("Not saved"))
        self.window_.restart_backup_timer()

    def _on_lot_pattern_edited(self, text: str) -> None:
        try:
            self.lot_example.setText(trace.next_lot_code(self.database, check_lot_pattern(text)))
            self.lot_errors.clear()
        except ValidationError as e:
            self.lot_example.clear()
            self.lot_errors.setText(e.errors[0].message)

    def save_lot_pattern(self) -> bool:
        pattern = self.lot_pattern.text()
        if not self.window_.ops.run(self, lambda db: trace.set_lot_pattern(db, pattern), title=_("Not saved"),
                                    invalid=lambda e: self.lot_errors.setText(e.errors[0].message)):
            return False
        self.window_.statusBar().showMessage(_("Lot code pattern saved."), 5000)
        return True

    def _on_restore_selected(self) -> None:
        row = self.backups.currentRow()
        if row < 0 or row >= len(self._backups):
            inform(self, _("Restore"), _("Choose a backup in the list first."))
            return
        self.window_.restore_backup(self._backups[row].path)

    def _on_language_chosen(self) -> None:
        code = self.language.currentData()
        if code != i18n.language():
            self.language_changed.emit(code)

    def _on_move_backups(self) -> None:
        def move(db) -> Path:  # noqa: ANN001 - the window's Database
            try:
                return datafile.move_backups_to(db.path, datafile.suggested_backup_root(db.path))
            except OSError as e:  # a folder that cannot be written: a known condition, said plainly
                raise CoopDeskError(str(e)) from e

        moved: list[Path] = []
        if not self.window_.ops.run(self, move, title=_("Not saved"), success=moved.append):
            return
        folder = moved[0]
        self.refresh()
        self.window_.statusBar().showMessage(_("Backups are now kept in {folder}").format(folder=folder), 8000)

    def _on_check_clicked(self) -> None:
        """The full check reads every row (seconds on a season's file): off the GUI thread, on its own
        connections (it works from the path)."""
        from coopdesk.ui.workers import run_in_background

        path = Path(self.database.path)
        self.check_button.setEnabled(False)
        self.check_label.setText(_("Checking every row of the file…"))

        def done(result: object) -> None:
            self.check_button.setEnabled(True)
            self.check_label.setText(_("The file is sound.") if result.ok else
                                     _("Problems: {problems}").format(problems="; ".join(result.problems[:3])))

        def failed(error: BaseException) -> None:
            self.check_button.setEnabled(True)
            self.check_label.setText(getattr(error, "message", None) or str(error))

        self._check_task = run_in_background(self, lambda _cancel: datafile.check(path, full=True), done, failed)
