"""The one small typesetting kit every CoopDesk document uses: fonts, Vietnamese leading, text that fits,
QR codes and barcodes drawn as vectors, money in words, and files written so a failure leaves nothing behind.

Why one kit: labels, slips, handover sheets, the call list and the diary must all get stacked Vietnamese marks,
whole-dot QR modules and atomic writes right; a rule kept in one place is right everywhere at once.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

from coopdesk.documents.fonts import BOLD, ITALIC, REGULAR, register
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.money import amount_in_words
from coopdesk.i18n import _

if TYPE_CHECKING:  # reportlab is slow to import: only when a document is made
    from reportlab.pdfgen.canvas import Canvas

__all__ = ["BOLD", "ITALIC", "LEADING", "REGULAR", "Fitted", "QrSymbol", "atomic_write", "code128_width",
           "draw_code128", "draw_fitted", "draw_qr", "fit_text", "module_for_dpi", "money_in_words", "new_canvas",
           "plain_text", "qr_symbol", "qr_width", "snap_to_dots", "string_width", "text_box", "xlsx_safe"]

#: Line height as a multiple of the font size. Stacked marks (Ợ, Ặ, Ỗ, ậ) reach above the cap height and below
#: the baseline; at 1.45 even a capital with two stacked marks under a letter with a dot below stays clear of it
#: (1.43 is the least that clears every pair in Be Vietnam Pro, measured in tests/documents/test_pdf_leading.py).
LEADING = 1.45
ELLIPSIS = "…"
MM = 72 / 25.4


def new_canvas(out: str | Path | IO[bytes], pagesize: tuple[float, float], title: str = "",
               author: str = "CoopDesk") -> Canvas:
    """A reportlab canvas whose first font is Be Vietnam Pro, so no unembedded Helvetica enters the PDF, and
    whose output is the same bytes for the same input (invariant), so re-exports can be compared."""
    from reportlab.pdfgen.canvas import Canvas

    register()
    c = Canvas(str(out) if isinstance(out, Path) else out, pagesize=pagesize, invariant=1, pageCompression=1,
               initialFontName=REGULAR, initialFontSize=9, initialLeading=9 * LEADING)
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator("CoopDesk")
    return c


def string_width(text: str, font: str = REGULAR, size: float = 9.0) -> float:
    """Width of ``text`` in points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register()
    return stringWidth(text, font, size)


def _ascent_descent(font: str, size: float) -> tuple[float, float]:
    from reportlab.pdfbase.pdfmetrics import getAscentDescent

    register()
    ascent, descent = getAscentDescent(font, size)
    return ascent, descent


@dataclass(frozen=True)
class Fitted:
    """Text laid out for a box: the lines, the size they are set at, and whether anything had to be cut."""

    lines: list[str]
    font: str
    size: float
    cut: bool

    @property
    def leading(self) -> float:
        return self.size * LEADING

    @property
    def height(self) -> float:
        """Points from the top of the first line's marks to the bottom of the last line's."""
        if not self.lines:
            return 0.0
        ascent, descent = _ascent_descent(self.font, self.size)
        return (len(self.lines) - 1) * self.leading + ascent - descent


def _block_height(n: int, font: str, size: float) -> float:
    if n == 0:
        return 0.0
    ascent, descent = _ascent_descent(font, size)
    return (n - 1) * size * LEADING + ascent - descent


def _break_word(word: str, width: float, font: str, size: float) -> list[str]:
    """A word wider than the box (a long code, a URL) is broken between characters rather than overflowing."""
    parts, current = [], ""
    for ch in word:
        if current and string_width(current + ch, font, size) > width:
            parts.append(current)
            current = ch
        else:
            current += ch
    if current:
        parts.append(current)
    return parts


def _wrap(text: str, width: float, font: str, size: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if string_width(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            if string_width(word, font, size) <= width:
                current = word
            else:
                *whole, current = _break_word(word, width, font, size)
                lines.extend(whole)
        lines.append(current)
    return lines


def _sizes(size: float, min_size: float) -> Iterator[float]:
    s = size
    while s > min_size + 1e-9:
        yield s
        s = round(s - 0.5, 2)
    yield min_size


def _cut_line(line: str, width: float, font: str, size: float) -> str:
    while line and string_width(line + ELLIPSIS, font, size) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def fit_text(text: str, width: float, height: float, font: str = REGULAR, size: float = 9.0, min_size: float = 6.0,
             max_lines: int | None = None) -> Fitted:
    """Lay ``text`` out inside ``width`` × ``height`` points: first one line shrunk from ``size`` down to
    ``min_size``; then wrapped at the largest size whose lines fit; only then cut, ending in "…" with
    ``cut=True`` so the caller can warn. Never wider than ``width`` nor taller than ``height``."""
    text = plain_text(text)
    min_size = min(min_size, size)
    if not text.strip():
        return Fitted([], font, size, False)
    limit = max_lines if max_lines is not None else 10_000
    one_line = "\n" not in text
    if one_line:
        for s in _sizes(size, min_size):
            if string_width(text, font, s) <= width and _block_height(1, font, s) <= height:
                return Fitted([text], font, s, False)
    for s in _sizes(size, min_size):
        lines = _wrap(text, width, font, s)
        if len(lines) <= limit and _block_height(len(lines), font, s) <= height:
            return Fitted(lines, font, s, False)
    lines = _wrap(text, width, font, min_size)
    room = 0
    while room < min(len(lines), limit) and _block_height(room + 1, font, min_size) <= height:
        room += 1
    if room == 0:
        return Fitted([], font, min_size, True)
    kept = lines[:room]
    kept[-1] = _cut_line(kept[-1], width, font, min_size)
    return Fitted(kept, font, min_size, True)


def draw_fitted(c: Canvas, fitted: Fitted, x: float, top: float, width: float | None = None,
                align: str = "left") -> float:
    """Draw laid-out lines whose first line's marks start at ``top``; returns the y below the last line."""
    if not fitted.lines:
        return top
    ascent, descent = _ascent_descent(fitted.font, fitted.size)
    c.setFont(fitted.font, fitted.size)
    y = top - ascent
    for line in fitted.lines:
        if align == "center" and width is not None:
            c.drawCentredString(x + width / 2, y, line)
        elif align == "right" and width is not None:
            c.drawRightString(x + width, y, line)
        else:
            c.drawString(x, y, line)
        y -= fitted.leading
    return y + fitted.leading + descent


def text_box(c: Canvas, text: str, x: float, top: float, width: float, height: float, font: str = REGULAR,
             size: float = 9.0, min_size: float = 6.0, align: str = "left", max_lines: int | None = None) -> Fitted:
    """Fit ``text`` into the box whose top-left corner is (``x``, ``top``) and draw it."""
    fitted = fit_text(text, width, height, font, size, min_size, max_lines)
    draw_fitted(c, fitted, x, top, width, align)
    return fitted


# --- codes -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QrSymbol:
    """A QR code's modules, made once and drawn many times (choosing the mask is the expensive part)."""

    data: str
    error: str
    version: int
    matrix: tuple[tuple[bool, ...], ...]

    @property
    def modules(self) -> int:
        return len(self.matrix)


@lru_cache(maxsize=256)
def qr_symbol(data: str, error: str = "m") -> QrSymbol:
    """The QR of ``data`` at error correction ``error`` (l, m, q, h), never boosted, so a template's choice holds."""
    import segno

    code = segno.make(data, error=error, micro=False, boost_error=False)
    matrix = tuple(tuple(bool(v) for v in row) for row in code.matrix)
    return QrSymbol(data, error.lower(), int(code.version), matrix)


def qr_width(symbol: QrSymbol, module: float, quiet: int = 4) -> float:
    """Total width in points of the drawn symbol with its quiet zone."""
    return (symbol.modules + 2 * quiet) * module


def module_for_dpi(dpi: float, dots: int) -> float:
    """The size in points of a module of ``dots`` whole printer dots, so no module is split across dots."""
    return dots * 72.0 / dpi


def snap_to_dots(points: float, dpi: float) -> float:
    """``points`` rounded to a whole number of printer dots, so a QR placed there starts on a dot edge."""
    dot = 72.0 / dpi
    return round(points / dot) * dot


def draw_qr(c: Canvas, symbol: QrSymbol, x: float, y: float, module: float, quiet: int = 4) -> float:
    """Draw ``symbol`` as vector squares (each row's dark runs merged) with (``x``, ``y``) the bottom-left corner
    of its quiet zone; returns the total width. The quiet zone is left white, not painted."""
    n = symbol.modules
    path = c.beginPath()
    for r, row in enumerate(symbol.matrix):
        top = y + (quiet + n - r) * module
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                path.rect(x + (quiet + start) * module, top - module, (col - start) * module, module)
            else:
                col += 1
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    c.drawPath(path, stroke=0, fill=1)
    c.restoreState()
    return qr_width(symbol, module, quiet)


def _code128(value: str, height: float, bar_width: float, quiet: bool):  # noqa: ANN202 - reportlab type
    from reportlab.graphics.barcode.code128 import Code128

    return Code128(value, barWidth=bar_width, barHeight=height, quiet=quiet, humanReadable=False)


@lru_cache(maxsize=64)
def _code128_bars(value: str) -> tuple[tuple[tuple[int, int], ...], int]:
    """The bars of ``value`` as (start, width) in whole modules, and the symbol's width in modules: encoded
    once (an order number is measured, then drawn). A small cache: order numbers do not repeat across a job,
    and 5,000 kept symbols would be memory that grows with the order count."""
    code = _code128(value, 10, 1.0, False)
    code._calculate()  # encodes and checks, as drawOn would
    left = 0
    bars = []
    for ch in code.decomposed:
        if "a" <= ch <= "z":
            left += ord(ch) - 96
        elif "A" <= ch <= "Z":
            w = ord(ch) - 64
            bars.append((left, w))
            left += w
    return tuple(bars), left


def _quiet(bar_width: float) -> float:
    return max(18.0, bar_width * 10.0)  # reportlab's Code128 quiet zone: 1/4 inch or ten modules


def code128_width(value: str, bar_width: float = 0.75, quiet: bool = True) -> float:
    """Width in points of the Code 128 symbol of ``value``."""
    return _code128_bars(value)[1] * bar_width + (2 * _quiet(bar_width) if quiet else 0.0)


def draw_code128(c: Canvas, value: str, x: float, y: float, height: float, bar_width: float = 0.75,
                 quiet: bool = True) -> float:
    """Draw a Code 128 barcode of ``value`` with its bottom-left at (``x``, ``y``); returns its width.

    The bars go into the page as PDF operators written directly, not one reportlab ``rect`` call each: a
    handover sheet of 5,000 rows has 170,000 bars, and formatting them call by call was most of its time.
    No human-readable line from reportlab (it would bring Helvetica): callers print the text in our font.
    """
    bars, _modules = _code128_bars(value)
    x0 = x + (_quiet(bar_width) if quiet else 0.0)
    # Each bar its own rectangle fill, in points from the symbol's corner: rasterisers snap a lone rectangle
    # to whole pixels; one path of many (or a scaled module grid) was not, and 0.9 pt bars at 150 dpi failed.
    tall = f"{height:.3f}"
    path = " ".join(f"{left * bar_width:.3f} 0 {w * bar_width:.3f} {tall} re f" for left, w in bars)
    c.addLiteral(f"q 0 g 1 0 0 1 {x0:.3f} {y:.3f} cm {path} Q")
    return code128_width(value, bar_width, quiet)


# --- words and text --------------------------------------------------------------------------------------------

def money_in_words(vnd: int) -> str:
    """1250000 -> "Một triệu hai trăm năm mươi nghìn đồng" (for the COD on slips and handover sheets)."""
    return amount_in_words(vnd)


_CONTROL = {"Cc", "Cf"}


def plain_text(value: object) -> str:
    """Imported text as it will be printed: NFC, tabs and line breaks kept as spaces or breaks, other control
    characters dropped. Formula-like text (``=HYPERLINK(…)``) stays literal: a PDF evaluates nothing."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in _CONTROL)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def xlsx_safe(value: object) -> object:
    """A cell value that a spreadsheet will never run as a formula (CSV/formula injection): text starting with
    ``= + - @`` or a tab/CR gets a leading apostrophe. Numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# --- files -----------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def atomic_write(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it is renamed over ``target``, on any exception
    (a cancel included) it is removed. A failed or cancelled job never leaves a file under the final name."""
    target = Path(target)
    temp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        try:
            yield temp
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
        try:
            with open(temp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(temp, target)
        except OSError:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
    except OSError as e:
        raise CoopDeskError(_("Cannot write {file}: {detail}").format(file=target, detail=e.strerror or e)) from e
