"""Dates as Vietnamese documents write them: dd/MM/yyyy, never MM/dd."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from coopdesk.i18n import _


class DateError(ValueError):
    """The text is not a date."""


def format_date(d: date | None) -> str:
    """date(2025, 7, 1) -> '01/07/2025'; None -> ''."""
    return d.strftime("%d/%m/%Y") if d else ""


def format_iso(text: str | None) -> str:
    """A stored ISO day or timestamp as people read it: '2026-11-18' -> '18/11/2026',
    '2026-11-18T14:05:09' -> '18/11/2026 14:05'; anything else is shown as it is."""
    raw = (text or "").strip()
    if not raw:
        return ""
    try:
        if len(raw) <= 10:
            return format_date(date.fromisoformat(raw))
        return datetime.fromisoformat(raw.replace(" ", "T", 1)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return raw


def parse_date(text: str) -> date | None:
    """Read '01/07/2025', '1-7-2025', '1.7.2025' or ISO '2025-07-01'; '' -> None."""
    raw = (text or "").strip()
    if not raw:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", raw)
        if not m:
            raise DateError(_("“{text}” is not a date (dd/mm/yyyy)").format(text=text))
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateError(_("“{text}” is not a date (dd/mm/yyyy)").format(text=text)) from None


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31/01 + 1 -> 28/02)."""
    month_index = d.month - 1 + months
    year, month = d.year + month_index // 12, month_index % 12 + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)
