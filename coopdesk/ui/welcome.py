"""First run: set up the cooperative, or look around the demo cooperative first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.cooperative import CooperativeDraft
from coopdesk.i18n import _
from coopdesk.ui.operations import run_anywhere
from coopdesk.ui.settings.profile_form import ProfileForm
from coopdesk.ui.widgets.dialogs import GuardedDialog

CREATE, DEMO = 1, 2


class WelcomeDialog(GuardedDialog):
    """Returns CREATE (after the profile was saved through ``save``) or DEMO; Esc quits."""

    def __init__(self, save, parent: QWidget | None = None, media_dir: str = "") -> None:  # noqa: ANN001
        super().__init__(parent)
        self._save = save
        self.choice = 0
        self.setWindowTitle(_("Welcome to CoopDesk"))
        self.resize(760, 560)
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        start = QWidget()
        s = QVBoxLayout(start)
        title = QLabel(_("Welcome to CoopDesk"))
        title.setObjectName("welcomeTitle")
        title.setStyleSheet("font-size: 24px; font-weight: bold; color: #2e7d32;")
        s.addWidget(title)
        text = QLabel(_("CoopDesk keeps your product catalog, the farming diary of every lot, QR trace labels and "
                        "livestream orders in one file on this computer. It works without the internet.\n\n"
                        "How would you like to begin?"))
        text.setWordWrap(True)
        text.setStyleSheet("font-size: 14px;")
        s.addWidget(text)
        s.addSpacing(16)
        self.create_button = QPushButton(_("&Set up my cooperative"))
        self.demo_button = QPushButton(_("&Open the demo cooperative (invented data, to look around)"))
        for b in (self.create_button, self.demo_button):
            b.setMinimumHeight(48)
            b.setStyleSheet("font-size: 15px; text-align: left; padding-left: 16px;")
            s.addWidget(b)
        s.addStretch(1)
        self.create_button.clicked.connect(lambda: self.stack.setCurrentIndex(1))
        self.demo_button.clicked.connect(self._choose_demo)
        self.create_button.setDefault(True)
        self.stack.addWidget(start)

        create = QWidget()
        c = QVBoxLayout(create)
        heading = QLabel(_("Your cooperative"))
        heading.setStyleSheet("font-size: 18px; font-weight: bold;")
        c.addWidget(heading)
        hint = QLabel(_("Only the name is needed now; the rest can be filled in later under Settings."))
        hint.setWordWrap(True)
        c.addWidget(hint)
        self.profile = ProfileForm(media_dir=media_dir)
        c.addWidget(self.profile, 1)
        row = QHBoxLayout()
        back = QPushButton(_("← &Back"))
        back.clicked.connect(lambda: self.stack.setCurrentIndex(0))
        self.save_button = QPushButton(_("&Create the cooperative"))
        self.save_button.clicked.connect(self._create)
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(self.save_button)
        c.addLayout(row)
        self.stack.addWidget(create)
        self.stack.currentChanged.connect(self._on_page_changed)

    def _on_page_changed(self, index: int) -> None:
        if index == 1:
            self.save_button.setDefault(True)
            self.profile.name.setFocus()

    def _choose_demo(self) -> None:
        self.choice = DEMO
        self.accept()

    def _create(self) -> None:
        draft: CooperativeDraft = self.profile.value()
        # The first run has no window yet; "New data file…" opens this from the window, whose runner handles it.
        if not run_anywhere(self, lambda: self._save(draft), title=_("Not saved"), invalid=self.profile.show_error)[0]:
            return
        self.choice = CREATE
        self.accept()

    def keyPressEvent(self, event) -> None:  # noqa: ANN001 - Qt override
        if event.key() == Qt.Key.Key_Escape and self.stack.currentIndex() == 1:
            self.stack.setCurrentIndex(0)
            return
        super().keyPressEvent(event)
