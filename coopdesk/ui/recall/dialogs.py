"""The recall's small dialogs: open a recall, record what a customer said, close or withdraw it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain.dates import DateError, format_date, parse_date
from coopdesk.domain.errors import FieldError, ValidationError
from coopdesk.domain.recall import OUTCOMES, outcome_label
from coopdesk.i18n import _
from coopdesk.ui.widgets.dialogs import ask
from coopdesk.ui.widgets.fields import DateEdit


class _FormDialog(QDialog):
    """A short form whose OK runs ``save``; a refused save keeps the dialog and what was typed, and says why.
    Esc or Cancel with typed text asks first, so nothing typed is lost by a stray key."""

    def __init__(self, parent: QWidget | None, title: str, intro: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.layout_ = QVBoxLayout(self)
        text = QLabel(intro)
        text.setWordWrap(True)
        self.layout_.addWidget(text)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b71c1c")
        self.error.setWordWrap(True)
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)
        self.result_value: object = None

    def typed(self) -> bool:
        return False

    def save(self) -> object:  # pragma: no cover - overridden
        raise NotImplementedError

    def submit(self) -> None:
        from coopdesk.ui.operations import run_save

        def invalid(e: ValidationError) -> None:
            self.error.setText("\n".join(x.message for x in e.errors))
            # once shown, its room stays when typing hides it: the fields never jump under the mouse
            policy = self.error.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            self.error.setSizePolicy(policy)
            self.error.show()

        ok, self.result_value = run_save(self, self.save, title=self.windowTitle(), invalid=invalid)
        if ok:
            self.accept()

    def reject(self) -> None:
        if self.typed() and not ask(self, self.windowTitle(), _("Discard what you typed?"), yes=_("Discard"),
                                    no=_("Keep editing")):
            return
        super().reject()


class OpenRecallDialog(_FormDialog):
    """Reason, the reason to publish, the day it was decided and who decided (the record the authorities read
    names both)."""

    def __init__(self, parent: QWidget | None, what: str, lots: list[str],
                 save: Callable[[str, str, str, date], object], decided_by: str = "") -> None:
        super().__init__(parent, _("Open a recall: {what}").format(what=what), _(
            "Every lot below is marked recalled: no order can take it, labels and slips refuse it, and its public "
            "trace page shows THU HỒI / RECALLED with the reason you publish.\nLots: {lots}").format(
            lots=", ".join(lots) or "—"), _("Open the recall"))
        self._save = save
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(64)
        self.reason.setTabChangesFocus(True)  # Tab moves on to the next field, as everywhere else
        self.reason.setPlaceholderText(_("e.g. Lab result: pesticide residue above the limit"))
        self.public_reason = QLineEdit()
        self.public_reason.setPlaceholderText(_("shown to buyers on the trace page (empty: the reason)"))
        self.day = DateEdit()
        self.day.setText(format_date(date.today()))
        self.decided_by = QLineEdit(decided_by)
        self.decided_by.setPlaceholderText(_("name of the person who decided"))
        self.reason.textChanged.connect(self.error.hide)
        self.form.addRow(_("Reason"), self.reason)
        self.form.addRow(_("Reason to publish"), self.public_reason)
        self.form.addRow(_("Date decided"), self.day)
        self.form.addRow(_("Decided by"), self.decided_by)

    def typed(self) -> bool:
        return bool(self.reason.toPlainText().strip() or self.public_reason.text().strip())

    def save(self) -> object:
        errors: list[FieldError] = []
        if not self.reason.toPlainText().strip():
            errors.append(FieldError("reason", _("Reason: a recall needs a reason")))
        day: date | None = None
        try:
            day = parse_date(self.day.text())
        except DateError as e:
            errors.append(FieldError("day", _("Date decided: {error}").format(error=e)))
        else:
            if day is None:
                errors.append(FieldError("day", _("Date decided: type the day (dd/mm/yyyy)")))
            elif day > date.today():
                errors.append(FieldError("day", _("Date decided: {day} is in the future").format(
                    day=format_date(day))))
        if not self.decided_by.text().strip():
            errors.append(FieldError("decided_by", _("Decided by: say who decided the recall")))
        if errors:
            raise ValidationError(errors)
        return self._save(self.reason.toPlainText(), self.public_reason.text(), self.decided_by.text(), day)


class OutcomeDialog(_FormDialog):
    """What telling one customer gave, and who did it."""

    def __init__(self, parent: QWidget | None, customer: str, current: str, save: Callable[[str, str, str], object],
                 who: str = "") -> None:
        super().__init__(parent, _("Outcome of the call: {name}").format(name=customer), _(
            "Every entry is kept with who and when; the newest one counts."), _("Save"))
        self._save = save
        self.outcome = QComboBox()
        for key in OUTCOMES:
            self.outcome.addItem(outcome_label(key), key)
        # Not called yet: the likely entry is that the call was made, so it is chosen already.
        self.outcome.setCurrentIndex(max(self.outcome.findData("called" if current == "not_called" else current), 0))
        self.who = QLineEdit(who)
        self.who.setPlaceholderText(_("your name"))
        self.note = QLineEdit()
        self.form.addRow(_("Outcome"), self.outcome)
        self.form.addRow(_("Who called"), self.who)
        self.form.addRow(_("Note"), self.note)

    def typed(self) -> bool:
        return bool(self.note.text().strip())

    def save(self) -> object:
        return self._save(self.outcome.currentData(), self.who.text(), self.note.text())


class EndRecallDialog(_FormDialog):
    """Close (the buyers were told) or withdraw (opened by mistake), with the reason it needs."""

    def __init__(self, parent: QWidget | None, title: str, intro: str, ok_text: str,
                 save: Callable[[str, str], object], who: str = "") -> None:
        super().__init__(parent, title, intro, ok_text)
        self._save = save
        self.reason = QPlainTextEdit()
        self.reason.setFixedHeight(64)
        self.reason.setTabChangesFocus(True)  # Tab moves on to the next field, as everywhere else
        self.who = QLineEdit(who)
        self.reason.textChanged.connect(self.error.hide)
        self.form.addRow(_("Reason"), self.reason)
        self.form.addRow(_("Who"), self.who)

    def typed(self) -> bool:
        return bool(self.reason.toPlainText().strip())

    def save(self) -> object:
        return self._save(self.reason.toPlainText(), self.who.text())
