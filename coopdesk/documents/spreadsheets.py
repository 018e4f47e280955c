"""Reading and writing xlsx sheets as plain rows, safe against formula injection."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import _

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024  # a 15,000-order export unpacks to about 40 MB
MAX_ROWS = 50_000  # rows of one sheet; a 15,000-order export has about 17,000


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


def write_xlsx(sheets: list[tuple[str, list[str], list[list[object]]]], text_only: bool = False) -> bytes:
    """Sheets of (name, headers, rows) as xlsx bytes; every string cell is stored as text, never a formula.

    ``text_only``: cells are also formatted as Text, so Excel keeps an 18-digit ID or a leading zero when
    someone edits the cell.
    """
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
                if text_only:
                    cell.number_format = "@"
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
    path = Path(path)
    check_size(path, MAX_BYTES, _("{file} is too large ({mb} MB) for a catalog."))
    return read_workbook(path, path.read_bytes())


def _formula_text(value: object) -> object:
    """A formula cell read without its cached value: its text, literally (it is data, never evaluated)."""
    text = getattr(value, "text", None)  # ArrayFormula / DataTableFormula
    return text if isinstance(text, str) else value


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _check_unpacked(name: str, data: bytes, max_rows: int) -> bool:
    """Refuse a zip bomb or a sheet of too many rows before openpyxl parses anything.

    zipfile never inflates a member beyond its declared size, so the declared sizes bound the real work; the
    rows are counted by streaming each sheet's XML (its declared <dimension> may be wrong either way).
    Returns whether any sheet holds a formula.
    """
    formulas = False
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = zf.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED:
            raise CoopDeskError(_("{file} unpacks to {mb} MB, more than any spreadsheet CoopDesk reads ({limit} MB "
                                  "at most). Is it the right file?").format(
                file=name, mb=unpacked // (1024 * 1024), limit=MAX_UNPACKED // (1024 * 1024)))
        for m in members:
            if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                rows, has_formulas = _count_rows(zf, m)
                if rows > max_rows + 1:  # the header row is not an order
                    raise _too_many_rows(name, max_rows)
                formulas = formulas or has_formulas
    return formulas


def _count_rows(zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, bool]:
    """(the <row> elements of a sheet, whether it has a formula), read in 1 MB chunks; a tag cut between two
    chunks is counted once."""
    count, tail, formulas = 0, b"", False
    with zf.open(member) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            count += sum(1 for m in _ROW_TAG.finditer(buf) if m.end() > len(tail))
            formulas = formulas or _FORMULA_TAG.search(buf) is not None
            tail = buf[-32:]
    return count, formulas


def _too_many_rows(name: str, max_rows: int) -> CoopDeskError:
    return CoopDeskError(_("{file} has more than {limit} rows, more than CoopDesk reads from one file. Split it "
                           "into smaller files.").format(file=name, limit=format(max_rows, ",").replace(",", ".")))


def _cells(raw: tuple, raw_formulas: tuple, text: Callable[[object], str]) -> list[str]:
    if not raw_formulas:
        return [text(v) for v in raw]
    return [text(_formula_text(f) if v is None else v)
            for v, f in zip(raw, raw_formulas + (None,) * (len(raw) - len(raw_formulas)), strict=False)]


def read_workbook(path: Path, data: bytes, text: Callable[[object], str] | None = None,
                  max_rows: int = MAX_ROWS) -> list[Sheet]:
    """Every sheet of xlsx ``data`` as text rows, bounded and safe.

    A formula cell shows its cached value, or its formula text when the file has none (never evaluated, never
    read as empty). Any failure of the parser becomes a message naming the file: no traceback.
    """
    from openpyxl import load_workbook

    path = Path(path)
    text = text or _text
    damaged = _("{file} is not an Excel (.xlsx) file or is damaged.").format(file=path.name)
    if not data.startswith(b"PK\x03\x04"):
        head = data[:2048].removeprefix(b"\xef\xbb\xbf")
        if head and b"\0" not in head and any(sep in head for sep in (b",", b";", b"\t")):
            raise CoopDeskError(_("{file} is a text (CSV) file; this import reads Excel (.xlsx) files. Open it in "
                                  "Excel and save it as an Excel workbook (.xlsx).").format(file=path.name))
        raise CoopDeskError(damaged)
    sheets = []
    try:
        has_formulas = _check_unpacked(path.name, data, max_rows)
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # A second reading, of the formulas' text, only for a file that has any (an export never does).
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False) if has_formulas else values
        try:
            for ws, wf in zip(values.worksheets, formulas.worksheets, strict=True):
                # The sheet's own <dimension> may be wrong (files written by scripts): read every row and
                # column there is, never only the declared range.
                ws.reset_dimensions()
                values_iter = ws.iter_rows(values_only=True)
                if has_formulas:
                    wf.reset_dimensions()
                    rows_iter = zip(values_iter, wf.iter_rows(values_only=True), strict=False)
                else:
                    rows_iter = ((raw, ()) for raw in values_iter)
                headers: list[str] = []
                for raw, raw_f in rows_iter:
                    headers = _cells(raw, raw_f, text)
                    break
                rows = []
                for number, (raw, raw_f) in enumerate(rows_iter, start=2):
                    if number > max_rows + 1:
                        raise _too_many_rows(path.name, max_rows)
                    cells = _cells(raw, raw_f, text)
                    if not any(c.strip() for c in cells):
                        continue
                    rows.append((number, {h: cells[i] if i < len(cells) else "" for i, h in enumerate(headers)
                                          if h}))
                sheets.append(Sheet(ws.title, [h for h in headers if h], rows))
        finally:
            values.close()
            formulas.close()
    except CoopDeskError:
        raise
    except MemoryError as e:
        raise CoopDeskError(_("{file} is too large to read.").format(file=path.name)) from e
    except Exception as e:  # noqa: BLE001 - whatever the parser trips on, the person sees the file named
        raise CoopDeskError(damaged) from e
    return sheets


def header_key(header: str) -> str:
    """Headers compared without diacritics, case or extra spaces."""
    return " ".join(fold(header).split())


def columns_of(sheet: Sheet, spec: tuple[tuple[str, str, str], ...],
               aliases: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Map each (key, Vietnamese header, English header) of ``spec`` to the sheet's header, found by name.

    ``aliases``: other headers a key is known by (another program's export: 'price_vnd' for the price).
    """
    by_key = {header_key(h): h for h in sheet.headers}
    found = {}
    for key, vi, en in spec:
        for name in (vi, en, key, *(aliases or {}).get(key, ())):
            if header_key(name) in by_key:
                found[key] = by_key[header_key(name)]
                break
    return found


def sheet_with_columns(sheets: list[Sheet], file: str, name: str, spec: tuple[tuple[str, str, str], ...],
                       required: tuple[str, ...], no_sheet: str,
                       aliases: dict[str, tuple[str, ...]] | None = None) -> tuple[Sheet, dict[str, str]]:
    """The sheet called ``name`` (else the first) and its columns; refuse it when a required column is missing.

    ``no_sheet`` is the translated message for a file without sheets, with {file} to fill.
    """
    sheet = next((s for s in sheets if header_key(s.name) == header_key(name)), sheets[0] if sheets else None)
    if sheet is None:
        raise CoopDeskError(no_sheet.format(file=file))
    cols = columns_of(sheet, spec, aliases)
    missing = [vi for key, vi, _en in spec if key in required and key not in cols]
    if missing:
        raise CoopDeskError(_("{file}: the sheet “{sheet}” has no column {columns}.").format(
            file=file, sheet=sheet.name, columns=", ".join(f"“{m}”" for m in missing)))
    if not sheet.rows:
        raise CoopDeskError(_("{file} is empty: it has column headers but no rows.").format(file=file))
    return sheet, cols
