"""The errors a person can cause or fix, kept apart from bugs (qutebrowser's KnownError split)."""

from __future__ import annotations

from dataclasses import dataclass


class CoopDeskError(Exception):
    """A known, user-facing error: shown in a plain message box, never as a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldError:
    """One wrong field: its key in the form and the reason, in the UI language."""

    field: str
    message: str


class ValidationError(CoopDeskError):
    """One or more fields are wrong; nothing was saved."""

    def __init__(self, errors: list[FieldError], label: str = "") -> None:
        self.errors = list(errors)
        prefix = f"{label}: " if label else ""
        super().__init__(prefix + "; ".join(e.message for e in self.errors))

    @property
    def fields(self) -> list[str]:
        """The keys of the wrong fields, in form order."""
        return [e.field for e in self.errors]


class Collector:
    """Gathers field errors so a form can show all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append(FieldError(field, message))

    def has(self, field: str) -> bool:
        return any(e.field == field for e in self.errors)

    def raise_if_any(self, label: str = "") -> None:
        if self.errors:
            raise ValidationError(self.errors, label)
