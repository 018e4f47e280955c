"""Reading order exports (CSV in its several encodings and separators, or XLSX) into plain text rows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from coopdesk.documents.spreadsheets import MAX_ROWS, check_size, read_workbook
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.text import nfc
from coopdesk.i18n import _

MAX_BYTES = 40 * 1024 * 1024  # a 15,000-order export is about 6 MB


@dataclass
class Table:
    """Header names and each row as {header: text}, with the row number a spreadsheet would show."""

    file: str
    headers: list[str]
    rows: list[tuple[int, dict[str, str]]]
    separator: str = ","


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    return nfc(str(value))


def _decode(data: bytes, name: str, not_utf8: str | None = None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        message = not_utf8 or _("{file} is not UTF-8 text (byte {pos}). Export it again from Seller Center, or save "
                                "it from Excel as “CSV UTF-8”.")
        raise CoopDeskError(message.format(file=name, pos=e.start)) from e


def read_table(path: Path, sheet: str = "OrderSKUList", first_column: str = "Order ID") -> Table:
    """Read a CSV or XLSX export; refuse an empty, huge, damaged or unknown file with a message naming it."""
    path = Path(path)
    check_size(path, MAX_BYTES, _("{file} is {mb} MB, larger than any order export ({limit} MB at most). "
                                  "Is it the right file?"))
    try:
        data = path.read_bytes()
        if data[:4] == b"PK\x03\x04":
            return _nonempty(_read_xlsx(path, data, sheet, first_column))
        return _nonempty(read_csv(path, data))
    except CoopDeskError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever the parser trips on, the person sees the file named
        raise CoopDeskError(_("{file} cannot be read as an order export ({detail}).").format(
            file=path.name, detail=type(e).__name__)) from e


def read_csv(path: Path, data: bytes, not_utf8: str | None = None) -> Table:
    """A CSV file's rows: UTF-8 with or without BOM (or UTF-16), separated by ',' or Excel-VN's ';' (or tab).

    Every reader of a CSV a person picks goes through here (orders, the catalog). ``not_utf8`` is the
    translated message for a file in another encoding, with {file} and {pos} to fill.
    """
    text = _decode(data, path.name, not_utf8)
    if "\0" in text:
        raise CoopDeskError(_("{file} is not a CSV or Excel file (it holds binary data).").format(file=path.name))
    first = text.split("\n", 1)[0]
    separator = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        raw_headers = next(reader)
    except StopIteration:
        raise CoopDeskError(_("{file} is empty.").format(file=path.name)) from None
    headers = [nfc(h).strip() for h in raw_headers]
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise CoopDeskError(_("{file} has more than {limit} rows, more than CoopDesk reads from one file. "
                                      "Split it into smaller files.").format(
                    file=path.name, limit=format(MAX_ROWS, ",").replace(",", ".")))
            if not any(v.strip() for v in values):
                continue
            rows.append((number, {h: nfc(values[i]) if i < len(values) else "" for i, h in enumerate(headers) if h}))
    except csv.Error as e:
        raise CoopDeskError(_("{file}: row {row} cannot be read as CSV ({detail}).").format(
            file=path.name, row=reader.line_num, detail=e)) from e
    return Table(path.name, headers, rows, separator)


def _nonempty(table: Table) -> Table:
    """A file with a header and no rows is empty: refused, never a silent import of nothing."""
    if not table.rows:
        raise CoopDeskError(_("{file} is empty: it has column headers but no rows.").format(file=table.file))
    return table


def _read_xlsx(path: Path, data: bytes, sheet: str, first_column: str) -> Table:
    sheets = read_workbook(path, data, text=_text)
    if not sheets:
        raise CoopDeskError(_("{file} has no sheet.").format(file=path.name))
    chosen = next((s for s in sheets if s.name == sheet), sheets[0])
    rows = []
    for number, row in chosen.rows:
        # The real export's second row describes each column in English: it is not an order.
        if number == 2 and row.get(first_column, "").strip().endswith("."):
            continue
        rows.append((number, row))
    return Table(path.name, [h.strip() for h in chosen.headers], rows)
