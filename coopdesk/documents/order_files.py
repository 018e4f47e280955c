"""Reading order exports (CSV in its several encodings and separators, or XLSX) into plain text rows."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from coopdesk.documents.spreadsheets import check_size
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


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CoopDeskError(_("{file} is not UTF-8 text (byte {pos}). Export it again from Seller Center, or save it "
                              "from Excel as “CSV UTF-8”.").format(file=name, pos=e.start)) from e


def read_table(path: Path, sheet: str = "OrderSKUList", first_column: str = "Order ID") -> Table:
    """Read a CSV or XLSX export; refuse an empty, huge, damaged or unknown file with a message naming it."""
    path = Path(path)
    check_size(path, MAX_BYTES, _("{file} is {mb} MB, larger than any order export ({limit} MB at most). "
                                  "Is it the right file?"))
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(path, sheet, first_column)
    text = _decode(data, path.name)
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
            if not any(v.strip() for v in values):
                continue
            rows.append((number, {h: nfc(values[i]) if i < len(values) else "" for i, h in enumerate(headers) if h}))
    except csv.Error as e:
        raise CoopDeskError(_("{file}: row {row} cannot be read as CSV ({detail}).").format(
            file=path.name, row=reader.line_num, detail=e)) from e
    return Table(path.name, headers, rows, separator)


def _read_xlsx(path: Path, sheet: str, first_column: str) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with path.open("rb") as fh:  # a file object: openpyxl then judges the content, not the file's ending
            wb = load_workbook(io.BytesIO(fh.read()), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, InvalidFileException) as e:
        raise CoopDeskError(_("{file} is not an Excel (.xlsx) file or is damaged.").format(file=path.name)) from e
    try:
        ws = wb[sheet] if sheet in wb.sheetnames else wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        headers = [_text(v).strip() for v in next(it, ())]
        rows = []
        for number, values in enumerate(it, start=2):
            row = {h: _text(values[i]) if i < len(values) else "" for i, h in enumerate(headers) if h}
            if not any(v.strip() for v in row.values()):
                continue
            # The real export's second row describes each column in English: it is not an order.
            if number == 2 and row.get(first_column, "").strip().endswith("."):
                continue
            rows.append((number, row))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as e:
        raise CoopDeskError(_("{file} is damaged: {detail}").format(file=path.name, detail=e)) from e
    finally:
        wb.close()
    return Table(path.name, headers, rows)
