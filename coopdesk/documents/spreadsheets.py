"""Reading and writing xlsx sheets as plain rows, safe against formula injection."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import _

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Sheet:
    """A sheet as text: the header cells and each row keyed by header, with its row number."""

    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]


def neutralise_csv(value: str) -> str:
    """Prefix a formula trigger with an apostrophe so a spreadsheet shows it as text (OWASP)."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value))


def write_xlsx(sheets: list[tuple[str, list[str], list[list[object]]]]) -> bytes:
    """Sheets of (name, headers, rows) as xlsx bytes; every string cell is stored as text, never a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(name)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDEEDD")
        for row in rows:
            ws.append([None if v is None else v for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # '=1+1' stays the text '=1+1'
        for i, header in enumerate(headers, start=1):
            width = max([len(str(header))] + [len(str(r[i - 1])) for r in rows if i - 1 < len(r) and r[i - 1]])
            ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width + 2, 8), 60)
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def check_size(path: Path, max_bytes: int, too_large: str) -> int:
    """The file's size; a missing, empty or oversized file is refused with a message naming it.

    ``too_large`` is the translated message, with {file}, {mb} and {limit} (MB) to fill.
    """
    try:
        size = path.stat().st_size
    except OSError as e:
        raise CoopDeskError(_("Cannot read {file}: {detail}").format(file=path.name, detail=e.strerror)) from e
    if size == 0:
        raise CoopDeskError(_("{file} is empty.").format(file=path.name))
    if size > max_bytes:
        raise CoopDeskError(too_large.format(file=path.name, mb=size // (1024 * 1024),
                                             limit=max_bytes // (1024 * 1024)))
    return size


def read_xlsx(path: Path) -> list[Sheet]:
    """Every sheet of an xlsx file as text rows; a clear error for what is not an xlsx file."""
    from openpyxl import load_workbook

    path = Path(path)
    check_size(path, MAX_BYTES, _("{file} is too large ({mb} MB) for a catalog."))
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as e:
        raise CoopDeskError(_("{file} is not an Excel (.xlsx) file or is damaged.").format(file=path.name)) from e
    sheets = []
    try:
        for ws in wb.worksheets:
            rows_iter = ws.iter_rows(values_only=True)
            headers: list[str] = []
            for raw in rows_iter:
                headers = [_text(v) for v in raw]
                break
            rows = []
            for number, raw in enumerate(rows_iter, start=2):
                values = [_text(v) for v in raw]
                if not any(values):
                    continue
                rows.append((number, {h: values[i] if i < len(values) else "" for i, h in enumerate(headers) if h}))
            sheets.append(Sheet(ws.title, [h for h in headers if h], rows))
    finally:
        wb.close()
    return sheets


def header_key(header: str) -> str:
    """Headers compared without diacritics, case or extra spaces."""
    return " ".join(fold(header).split())


def columns_of(sheet: Sheet, spec: tuple[tuple[str, str, str], ...]) -> dict[str, str]:
    """Map each (key, Vietnamese header, English header) of ``spec`` to the sheet's header, found by name."""
    by_key = {header_key(h): h for h in sheet.headers}
    found = {}
    for key, vi, en in spec:
        for name in (vi, en, key):
            if header_key(name) in by_key:
                found[key] = by_key[header_key(name)]
                break
    return found


def sheet_with_columns(sheets: list[Sheet], file: str, name: str, spec: tuple[tuple[str, str, str], ...],
                       required: tuple[str, ...], no_sheet: str) -> tuple[Sheet, dict[str, str]]:
    """The sheet called ``name`` (else the first) and its columns; refuse it when a required column is missing.

    ``no_sheet`` is the translated message for a file without sheets, with {file} to fill.
    """
    sheet = next((s for s in sheets if header_key(s.name) == header_key(name)), sheets[0] if sheets else None)
    if sheet is None:
        raise CoopDeskError(no_sheet.format(file=file))
    cols = columns_of(sheet, spec)
    missing = [vi for key, vi, _en in spec if key in required and key not in cols]
    if missing:
        raise CoopDeskError(_("{file}: the sheet “{sheet}” has no column {columns}.").format(
            file=file, sheet=sheet.name, columns=", ".join(f"“{m}”" for m in missing)))
    return sheet, cols
