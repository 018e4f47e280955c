"""The documents after a live: packing slips, picking lists, carrier handover sheets and the after-live report.

Data in (domain Parcels, the sender, the printing time), PDF bytes out through the shared typesetting kit.
Each writer is a generator that yields how many items it has drawn, so the service can show progress and
cancel between items; the PDF is complete only when the generator finishes.

Speed: a lot's trace QR is the same on every slip, so it is drawn once per job as a PDF form and placed by
reference; the two copies of a handover sheet reuse each page the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

from coopdesk.documents import typeset as ts
from coopdesk.domain.money import format_number
from coopdesk.domain.shipping import Parcel, PickRow, SessionReport, Totals, mask_phone

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
PAGE_SIZES = {"a6": (105 * MM, 148 * MM), "100x150": (100 * MM, 150 * MM), "a5": (297 * MM, 210 * MM)}
THERMAL_DPI = 203
BAR = ts.module_for_dpi(THERMAL_DPI, 2)  # Code 128 bars of two whole thermal dots (0.25 mm)
QR_MODULE = ts.module_for_dpi(THERMAL_DPI, 3)  # three dots (0.375 mm), 1.5× the decode floor


@dataclass(frozen=True)
class Sender:
    """The cooperative as the documents print it."""

    name: str
    phone: str = ""
    address: str = ""
    logo: Path | None = None


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Page streams zlib-compressed without reportlab's ASCII85 wrapper: 20% smaller and a sixth faster for a
    5,000-page job (ASCII85 exists for 7-bit mail transports; every printer and viewer takes binary)."""
    from reportlab import rl_config

    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = old


def _binary(writer):  # noqa: ANN001, ANN202 - decorates the generator writers below
    """Run a writer (a generator) with binary page streams."""
    import functools

    @functools.wraps(writer)
    def run(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with _binary_streams():
            yield from writer(*args, **kwargs)

    return run


@lru_cache(maxsize=8192)
def _fit(text: str, width: float, height: float, font: str = ts.REGULAR, size: float = 9.0, min_size: float = 6.0,
         max_lines: int | None = None) -> ts.Fitted:
    """The kit's fit_text, remembered: labels, product names, lot lines and notes repeat on thousands of slips."""
    return ts.fit_text(text, width, height, font, size, min_size, max_lines)


def _box(c: Canvas, text: str, x: float, top: float, width: float, height: float, font: str = ts.REGULAR,
         size: float = 9.0, min_size: float = 6.0, align: str = "left", max_lines: int | None = None) -> ts.Fitted:
    fitted = _fit(text, width, height, font, size, min_size, max_lines)
    ts.draw_fitted(c, fitted, x, top, width, align)
    return fitted


def vnd(n: int) -> str:
    """'1.250.000 ₫' with a plain space: some PDF viewers show the no-break space as a box when copied."""
    return f"{format_number(n)} ₫"


def day_text(d: str | date | None) -> str:
    if not d:
        return ""
    if isinstance(d, date):
        return d.strftime("%d/%m/%Y")
    return f"{d[8:10]}/{d[5:7]}/{d[:4]}"


def _code128_right(c: Canvas, value: str, right: float, y: float, height: float, bar_width: float) -> float:
    """A Code 128 whose right edge (quiet zone included) is at ``right``: measured, then drawn by the kit."""
    width = ts.code128_width(value, bar_width)
    ts.draw_code128(c, value, right - width, y, height, bar_width)
    return width


def _rule(c: Canvas, x1: float, x2: float, y: float, width: float = 0.6, dash: bool = False) -> None:
    c.saveState()
    c.setLineWidth(width)
    if dash:
        c.setDash(2, 2)
    c.line(x1, y, x2, y)
    c.restoreState()


class _QrForms:
    """Each distinct QR drawn once per document as a form, then placed by reference."""

    def __init__(self, c: Canvas, module: float) -> None:
        self.c, self.module, self.names = c, module, {}

    def place(self, url: str, x: float, y: float) -> float:
        symbol = ts.qr_symbol(url, "m")
        name = self.names.get(url)
        if name is None:
            name = self.names[url] = f"qr{self.module:.3f}-{len(self.names)}".replace(".", "_")
            self.c.beginForm(name, 0, 0, ts.qr_width(symbol, self.module), ts.qr_width(symbol, self.module))
            ts.draw_qr(self.c, symbol, 0, 0, self.module)
            self.c.endForm()
        self.c.saveState()
        self.c.translate(x, y)
        self.c.doForm(name)
        self.c.restoreState()
        return ts.qr_width(symbol, self.module)

    def width(self, url: str) -> float:
        return ts.qr_width(ts.qr_symbol(url, "m"), self.module)


# --- packing slips ------------------------------------------------------------------------------------------

@dataclass
class _Item:
    name: ts.Fitted
    lots: ts.Fitted | None
    qty: str
    amount: str
    height: float


class _SlipWriter:
    """Lays one parcel's slip into a box; long item lists continue on the next box, nothing is clipped."""

    def __init__(self, c: Canvas, sender: Sender, printed_at: str, k: float, qr: _QrForms,
                 big_qr: _QrForms | None = None) -> None:
        self.c, self.sender, self.printed_at, self.k = c, sender, printed_at, k
        self._qr, self._big_qr = qr, big_qr or qr
        self.qr = qr
        self.logo = str(sender.logo) if sender.logo and Path(sender.logo).exists() else None
        self._stamps: dict[tuple, str] = {}

    def stamp(self, fitted: ts.Fitted, x: float, top: float, width: float | None = None, align: str = "left",
              gray: float = 0.0) -> None:
        """Draw text that repeats from slip to slip (labels, product and lot lines, amounts, the note) once per
        job as a PDF form and place it by reference: the same pixels, a fraction of the work and the bytes."""
        if not fitted.lines:
            return
        key = (tuple(fitted.lines), fitted.font, fitted.size, width, align, gray)
        name = self._stamps.get(key)
        c = self.c
        if name is None:
            name = self._stamps[key] = f"t{len(self._stamps)}"
            w = width if width is not None else max(ts.string_width(line, fitted.font, fitted.size)
                                                    for line in fitted.lines)
            c.beginForm(name, -2, -fitted.height - 4, w + 2, 2)
            c.setFillGray(gray)
            ts.draw_fitted(c, fitted, 0, 0, width, align)
            c.endForm()
        c.saveState()
        c.translate(x, top)
        c.doForm(name)
        c.restoreState()

    def label(self, text: str, x: float, top: float, width: float, height: float, font: str = ts.REGULAR,
              size: float = 9.0, min_size: float = 6.0, align: str = "left", max_lines: int | None = None
              ) -> ts.Fitted:
        fitted = _fit(text, width, height, font, size, min_size, max_lines)
        self.stamp(fitted, x, top, width, align)
        return fitted

    def items(self, p: Parcel, width: float) -> list[_Item]:
        k = self.k
        name_w = width - 30 * MM * k
        out = []
        for line in p.lines:
            name = _fit(f"{line.name} ({line.sku})", name_w, 22 * k, ts.REGULAR, 8 * k, 6.5 * k)
            lots = "; ".join(f"Lô {t.code}" + (f" · HSD {day_text(t.expiry)}" if t.expiry else "")
                             + (f" ×{t.qty}" if len(line.lots) > 1 else "") for t in line.lots)
            if not lots:
                lots = "Chưa gán lô"
            lots_f = _fit(lots, name_w, 20 * k, ts.REGULAR, 7 * k, 6 * k)
            h = name.height + lots_f.height + 3 * k
            out.append(_Item(name, lots_f, str(line.qty), format_number(line.amount), h))
        return out

    def header(self, p: Parcel, x: float, top: float, w: float, cont: str = "") -> float:
        """Sender on the left, order number and its barcode on the right; returns the y below."""
        c, k = self.c, self.k
        right_w = 46 * MM * k
        left_x = x
        if self.logo:
            size = 11 * MM * k
            c.drawImage(self.logo, x, top - size, size, size, preserveAspectRatio=True, anchor="nw", mask="auto")
            left_x = x + size + 2 * MM
        left_w = w - right_w - (left_x - x) - 2 * MM
        f = self.label(self.sender.name, left_x, top, left_w, 17 * k, ts.BOLD, 8.5 * k, 6.5 * k, max_lines=2)
        y = top - f.height - 1.5
        extra = "ĐT " + self.sender.phone if self.sender.phone else ""
        if extra:
            f2 = self.label(extra, left_x, y, left_w, 10 * k, ts.REGULAR, 7.5 * k, 6 * k, max_lines=1)
            y -= f2.height
        if self.sender.address and not p.inside:
            # Where a refused or undeliverable parcel goes back to: the carrier reads it on the stuck-on slip.
            f2 = ts.text_box(c, self.sender.address, left_x, y - 0.5, left_w, 17 * k, ts.REGULAR, 6.5 * k, 5.5,
                             max_lines=2)
            y -= f2.height + 0.5
        rx = x + w - right_w
        code = ts.text_box(c, p.code + cont, rx, top, right_w, 14 * k, ts.BOLD, 11 * k, 8, align="right",
                           max_lines=1)
        bar_h = 8 * MM * k
        by = top - code.height - 1.5 - bar_h
        _code128_right(c, p.code, x + w, by, bar_h, BAR)
        ry = by - 1.5
        if p.platform_order_id:
            label = ("TikTok " if p.inside else "Mã sàn ") + p.platform_order_id
            f3 = ts.text_box(c, label, rx - 6 * MM, ry, right_w + 6 * MM, 10 * k, ts.REGULAR, 7 * k, 5.5,
                             align="right", max_lines=1)
            ry -= f3.height
        ry -= 1
        f4 = self.label(f"Ngày đặt {day_text(p.created_at)}", rx, ry, right_w, 9 * k, ts.REGULAR, 6.5 * k, 5.5,
                        align="right", max_lines=1)
        ry -= f4.height
        return min(y, ry) - 2

    def recipient(self, p: Parcel, x: float, top: float, w: float) -> float:
        c, k = self.c, self.k
        y = top
        f = self.label("NGƯỜI NHẬN", x, y, w, 11 * k, ts.BOLD, 6.5 * k, 6)
        y -= f.height + 1
        f = ts.text_box(c, p.name or "-", x, y, w, 32 * k, ts.BOLD, 12 * k, 8, max_lines=2)
        y -= f.height + 2
        f = ts.text_box(c, p.phone or "-", x, y, w, 18 * k, ts.BOLD, 13 * k, 9, max_lines=1)
        y -= f.height + 2
        f = ts.text_box(c, p.address or "-", x, y, w, 46 * k, ts.REGULAR, 9 * k, 6.5, max_lines=4)
        y -= f.height + 2
        if p.carrier.strip():
            carrier = "ĐVVC: " + p.carrier.strip() + (f" · Mã vận đơn: {p.tracking.strip()}" if p.tracking.strip()
                                                       else "")
            f = ts.text_box(c, carrier, x, y, w, 12 * k, ts.BOLD, 8 * k, 6, max_lines=1)
            y -= f.height + 2
        return y

    def draw_items(self, items: list[_Item], start: int, end: int, x: float, top: float, w: float) -> float:
        """Items ``start`` to ``end`` (exclusive) under their column heads; returns the y below."""
        c, k = self.c, self.k
        self.label("Sản phẩm · lô · hạn dùng", x, top, w - 30 * MM * k, 11 * k, ts.BOLD, 6.5 * k, 6)
        self.label("SL", x + w - 30 * MM * k, top, 8 * MM * k, 11 * k, ts.BOLD, 6.5 * k, 6, align="right")
        self.label("Thành tiền", x + w - 21 * MM * k, top, 21 * MM * k, 11 * k, ts.BOLD, 6.5 * k, 6,
                   align="right")
        y = top - 9 * k
        _rule(c, x, x + w, y + 1, 0.4)
        for it in items[start:end]:
            y -= 1.5 * k
            self.stamp(it.name, x, y)
            self.label(it.qty, x + w - 30 * MM * k, y, 8 * MM * k, 14, ts.BOLD, 9 * k, 6, align="right")
            self.label(it.amount, x + w - 21 * MM * k, y, 21 * MM * k, 14, ts.REGULAR, 8 * k, 6, align="right")
            y -= it.name.height
            if it.lots:
                self.stamp(it.lots, x, y, gray=0.25)
                y -= it.lots.height
            y -= 1.5 * k
        return y

    def totals(self, p: Parcel, x: float, top: float, w: float) -> float:
        c, k = self.c, self.k
        rows = [("Tiền hàng", vnd(p.subtotal))]
        if p.shipping:
            rows.append(("Phí giao hàng", vnd(p.shipping)))
        rows.append(("Tổng cộng", vnd(p.total)))
        if p.prepaid:
            rows.append(("Đã trả trước", "−" + vnd(p.prepaid)))
        y = top
        _rule(c, x, x + w, y + 1, 0.4)
        for label, value in rows:
            font = ts.BOLD if label == "Tổng cộng" else ts.REGULAR
            f = self.label(label, x + w * 0.35, y, w * 0.35, 12 * k, font, 7.5 * k, 6)
            self.label(value, x + w * 0.7, y, w * 0.3, 12 * k, font, 7.5 * k, 6, align="right")
            y -= f.height + 1
        return y

    def totals_height(self, p: Parcel, w: float) -> float:
        n = 2 + bool(p.shipping) + bool(p.prepaid)
        return n * (_fit("Tổng cộng", w * 0.35, 12 * self.k, ts.BOLD, 7.5 * self.k, 6).height + 1) + 2

    def cod_box(self, p: Parcel, x: float, top: float, w: float, h: float) -> None:
        c, k = self.c, self.k
        c.saveState()
        c.setLineWidth(1.4)
        c.roundRect(x, top - h, w, h, 3, stroke=1, fill=0)
        c.restoreState()
        pad = 2 * MM
        if p.cod:
            self.label("THU HỘ (COD)", x + pad, top - pad + 1, w - 2 * pad, 12 * k, ts.BOLD, 7.5 * k, 6)
            f = self.label(vnd(p.cod), x + pad, top - pad - 7.5 * k - 1, w - 2 * pad, 26 * k, ts.BOLD,
                            21 * k, 10, align="center", max_lines=1)
            words = ts.money_in_words(p.cod)
            self.label(words, x + pad, top - pad - 7.5 * k - f.height - 3, w - 2 * pad,
                        h - (pad + 7.5 * k + f.height + 4) - 2, ts.ITALIC, 7 * k, 5.5, align="center")
        else:
            self.label("KHÔNG THU TIỀN", x + pad, top - pad - 4, w - 2 * pad, 24 * k, ts.BOLD, 16 * k, 9,
                        align="center", max_lines=1)
            self.label("Đơn đã thanh toán trước: người giao không thu tiền.", x + pad, top - h / 2 - 2,
                        w - 2 * pad, h / 2 - 2, ts.ITALIC, 7 * k, 5.5, align="center")

    def qr_strip(self, p: Parcel, x: float, y: float, w: float) -> None:
        """The trace QR of each lot in the parcel with its code under it, the strip's bottom at ``y``."""
        lots = [t for t in p.lots() if t.url]
        if not lots:
            return
        label_h = 7
        tallest = max(self.qr.width(t.url) for t in lots)
        caption = "Quét mã QR để xem nguồn gốc lô hàng" if p.inside else "Truy xuất nguồn gốc"
        self.label(caption, x, y + label_h + tallest + 7, w, 8, ts.REGULAR, 6.5, 5.5)
        gx = x
        for i, t in enumerate(lots):
            qw = self.qr.width(t.url)
            if gx + qw > x + w + 0.1:  # no room for another: the codes of the rest are printed as text
                rest = ", ".join(o.code for o in lots[i:])
                self.label("Lô khác: " + rest, gx, y + label_h + tallest, x + w - gx, tallest, ts.REGULAR,
                            6.5, 5.5)
                break
            self.qr.place(t.url, gx, y + label_h)
            self.label(t.code, gx, y + label_h + 1, qw, label_h, ts.REGULAR, 6, 5, align="center",
                        max_lines=1)
            gx += qw

    def qr_height(self, p: Parcel) -> float:
        lots = [t for t in p.lots() if t.url]
        return max((self.qr.width(t.url) for t in lots), default=0.0) + 7 + 8 + 2 if lots else 0.0

    def slip(self, p: Parcel, box: tuple[float, float, float, float], start: int) -> int | None:
        """Draw the slip (or its continuation from item ``start``) in box (x, y, w, h); the next start or None."""
        bx, by, bw, bh = box
        k = self.k
        m = 4 * MM
        x, w, top, bottom = bx + m, bw - 2 * m, by + bh - m, by + m
        cont = "" if start == 0 else " (tiếp)"
        y = self.header(p, x, top, w, cont)
        _rule(self.c, x, x + w, y, 0.8)
        y -= 3
        items = self.items(p, w)
        # The slip inside a TikTok parcel is read by the buyer: its trace QR is the point, so it is larger.
        self.qr = self._big_qr if p.inside else self._qr
        footer = 7
        floor = bottom + footer
        if start == 0:
            if p.inside:
                f = _box(self.c, f"Cảm ơn {p.name or 'bạn'} đã ủng hộ {self.sender.name}!", x, y, w, 22 * k,
                                ts.BOLD, 9 * k, 6.5, max_lines=2)
                y -= f.height + 4
            else:
                y = self.recipient(p, x, y, w)
                _rule(self.c, x, x + w, y + 1, 0.8)
                y -= 3
            floor = self.bottom_block(p, x, floor, w) + 3
        # Items, then the totals, in what is left; what does not fit continues in the next box.
        room = y - 10 * k - floor
        tail = self.totals_height(p, w)
        used, nxt = 0.0, start
        while nxt < len(items) and used + items[nxt].height <= room:
            used += items[nxt].height
            nxt += 1
        if nxt == start and start < len(items) and start > 0:
            nxt = start + 1  # a single item taller than a whole box still makes progress
        done = nxt == len(items) and used + tail <= room
        if nxt == len(items) and not done and nxt - start > 1:
            nxt -= 1  # keep the last item with the totals
        if start < len(items):
            y = self.draw_items(items, start, nxt, x, y, w)
        if not done:
            _box(self.c, "Còn tiếp ở trang sau →", x, floor + 10, w, 10, ts.ITALIC, 7, 6, align="right")
            self._footer(p, x, bottom, w)
            return nxt
        self.totals(p, x, y - 1, w)
        self._footer(p, x, bottom, w)
        return None

    def bottom_block(self, p: Parcel, x: float, y: float, w: float) -> float:
        """From ``y`` up on the first box: the trace QR strip, the delivery note, the COD (large, for the
        carrier) or the COD check (inside a TikTok parcel); returns the top of the block."""
        k = self.k
        qr_h = self.qr_height(p)
        if qr_h:
            self.qr_strip(p, x, y, w)
            y += qr_h
        if p.delivery_note:
            note = _fit("Ghi chú: " + p.delivery_note, w, 34 * k, ts.BOLD, 8.5 * k, 7, max_lines=3)
            self.stamp(note, x, y + note.height + 1)
            y += note.height + 4
        if p.inside:
            msg = (f"Tiền hàng thu hộ theo TikTok: {vnd(p.cod)}" if p.cod else "Đơn đã thanh toán trên TikTok.")
            f = _fit(msg, w, 12 * k, ts.REGULAR, 7.5 * k, 6)
            self.stamp(f, x, y + f.height + 1)
            y += f.height + 3
        else:
            h = 21 * MM * k
            self.cod_box(p, x, y + h, w, h - 2)
            y += h
        return y

    def _footer(self, p: Parcel, x: float, bottom: float, w: float) -> None:
        ts.text_box(self.c, f"{p.code} · in {self.printed_at}", x, bottom + 6, w, 7, ts.REGULAR, 5.5, 5,
                    align="right", max_lines=1)


@_binary
def write_slips(out: str | Path | IO[bytes], sender: Sender, parcels: Iterable[Parcel], size: str = "a6",
                printed_at: str = "") -> Iterator[int]:
    """Packing slips, one parcel per page (A6 or 100×150 thermal) or two per A4 (A5); yields slips done."""
    pagesize = PAGE_SIZES[size]
    c = ts.new_canvas(out, pagesize, title="Phiếu giao hàng", author=sender.name)
    k = 1.0 if size != "a5" else 1.3
    module = QR_MODULE if size != "a5" else ts.module_for_dpi(THERMAL_DPI, 4)
    big = ts.module_for_dpi(THERMAL_DPI, 4 if size != "a5" else 5)
    writer = _SlipWriter(c, sender, printed_at, k, _QrForms(c, module), _QrForms(c, big))
    if size == "a5":
        half = pagesize[0] / 2
        boxes = [(0, 0, half, pagesize[1]), (half, 0, half, pagesize[1])]
    else:
        boxes = [(0, 0, *pagesize)]
    slot = 0
    done = 0
    for p in parcels:
        start: int | None = 0
        while start is not None:
            if slot == len(boxes):
                c.showPage()
                slot = 0
            if slot == 1:
                _rule(c, boxes[1][0], boxes[1][0], 0, 0.3)
                c.saveState()
                c.setDash(3, 3)
                c.setLineWidth(0.3)
                c.line(boxes[1][0], 6 * MM, boxes[1][0], pagesize[1] - 6 * MM)
                c.restoreState()
            start = writer.slip(p, boxes[slot], start)
            slot += 1
        done += 1
        yield done
    if done == 0:
        _box(c, "Không có đơn nào.", 10 * MM, pagesize[1] - 10 * MM, pagesize[0] - 20 * MM, 20)
    c.showPage()
    c.save()


# --- A4 pages: header, table, footer ------------------------------------------------------------------------

class _A4:
    """A4 portrait with a running header and page numbers, for the picking list, handover sheet and report."""

    margin = 12 * MM

    def __init__(self, c: Canvas, title: str, sender: Sender, printed_at: str) -> None:
        self.c, self.title, self.sender, self.printed_at = c, title, sender, printed_at
        self.page = 0
        self.x = self.margin
        self.w = A4[0] - 2 * self.margin
        self.bottom = self.margin + 8

    def top_block(self, subtitle: str = "") -> float:
        c = self.c
        x, w = self.x, self.w
        top = A4[1] - self.margin
        f = _box(c, self.sender.name.upper(), x, top, w * 0.62, 24, ts.BOLD, 10, 7, max_lines=2)
        y = top - f.height - 1
        info = " · ".join(v for v in (self.sender.address, ("ĐT " + self.sender.phone) if self.sender.phone else "")
                          if v)
        if info:
            f = _box(c, info, x, y, w * 0.62, 22, ts.REGULAR, 7.5, 6, max_lines=2)
            y -= f.height
        _box(c, f"In lúc {self.printed_at}", x + w * 0.62, top, w * 0.38, 10, ts.REGULAR, 7.5, 6,
                    align="right")
        y -= 6
        f = _box(c, self.title, x, y, w, 22, ts.BOLD, 15, 10, align="center", max_lines=1)
        y -= f.height + 3
        if subtitle:
            f = _box(c, subtitle, x, y, w, 26, ts.REGULAR, 9, 7, align="center", max_lines=2)
            y -= f.height + 3
        return y - 4

    def footer(self, left: str, right: str) -> None:
        _box(self.c, left, self.x, self.margin + 4, self.w * 0.7, 8, ts.REGULAR, 7, 5.5, max_lines=1)
        _box(self.c, right, self.x + self.w * 0.7, self.margin + 4, self.w * 0.3, 8, ts.REGULAR, 7, 5.5,
                    align="right", max_lines=1)


def _tick(c: Canvas, x: float, top: float, size: float = 3.6 * MM) -> None:
    c.saveState()
    c.setLineWidth(0.7)
    c.rect(x, top - size, size, size, stroke=1, fill=0)
    c.restoreState()


def _head_row(c: Canvas, x: float, y: float, cols: list[tuple[str, float, str]], h: float = 14) -> float:
    c.saveState()
    c.setFillGray(0.88)
    c.rect(x, y - h, sum(wd for _t, wd, _a in cols), h, stroke=0, fill=1)
    c.restoreState()
    cx = x
    for text, wd, align in cols:
        _box(c, text, cx + 2, y - 2.5, wd - 4, h - 3, ts.BOLD, 7.5, 6, align=align, max_lines=1)
        cx += wd
    return y - h


# --- picking list -------------------------------------------------------------------------------------------

@_binary
def write_picking(out: str | Path | IO[bytes], sender: Sender, rows: list[PickRow], parcels: list[Parcel],
                  subtitle: str, printed_at: str, per_order: bool = True) -> Iterator[int]:
    """The picking list: packs per product and lot in shelf order with a tick box each, product and grand
    totals; then, when ``per_order``, one block per order for packing small batches. Yields rows done."""
    c = ts.new_canvas(out, A4, title="Danh sách lấy hàng", author=sender.name)
    page = _A4(c, "DANH SÁCH LẤY HÀNG", sender, printed_at)
    totals = Totals.of(parcels)
    widths = [9 * MM, 22 * MM, 26 * MM, 55 * MM, 29 * MM, 19 * MM, 12 * MM, 14 * MM]
    cols = [("", widths[0], "left"), ("Vị trí", widths[1], "left"), ("Mã SP", widths[2], "left"),
            ("Sản phẩm", widths[3], "left"), ("Lô", widths[4], "left"), ("HSD", widths[5], "left"),
            ("Số đơn", widths[6], "right"), ("SL", widths[7], "right")]
    n_page = 1
    sub = f"{subtitle} — {totals.orders} đơn · {totals.parcels} kiện · {totals.items} gói"
    y = page.top_block(sub)
    y = _head_row(c, page.x, y, cols)
    done = 0

    def new_page(title_cols: list) -> float:
        nonlocal n_page
        page.footer("Danh sách lấy hàng · " + subtitle, f"Trang {n_page}")
        c.showPage()
        n_page += 1
        return _head_row(c, page.x, A4[1] - page.margin, title_cols)

    by_sku: dict[str, int] = {}
    for r in rows:
        by_sku[r.sku.upper()] = by_sku.get(r.sku.upper(), 0) + r.qty
    seen: dict[str, int] = {}
    for i, r in enumerate(rows):
        name = _fit(r.name, widths[3] - 4, 24, ts.REGULAR, 8.5, 6.5, max_lines=2)
        h = max(name.height, 10) + 6
        key = r.sku.upper()
        seen[key] = seen.get(key, 0) + 1
        last_of_sku = i + 1 == len(rows) or rows[i + 1].sku.upper() != key
        multi = last_of_sku and seen[key] > 1
        if y - h - (12 if multi else 0) < page.bottom + 10:
            y = new_page(cols)
        top = y - 3
        cx = page.x
        _tick(c, cx + 2, top)
        cx += widths[0]
        _box(c, r.storage_place or "—", cx + 2, top, widths[1] - 4, 22, ts.BOLD, 8.5, 6, max_lines=2)
        cx += widths[1]
        _box(c, r.sku, cx + 2, top, widths[2] - 4, 22, ts.REGULAR, 8, 6, max_lines=2)
        cx += widths[2]
        ts.draw_fitted(c, name, cx + 2, top)
        cx += widths[3]
        _box(c, r.lot or "CHƯA CÓ LÔ", cx + 2, top, widths[4] - 4, 22, ts.BOLD, 8.5, 6, max_lines=2)
        cx += widths[4]
        _box(c, day_text(r.expiry), cx + 2, top, widths[5] - 4, 12, ts.REGULAR, 8, 6, max_lines=1)
        cx += widths[5]
        _box(c, str(r.orders), cx + 2, top, widths[6] - 4, 12, ts.REGULAR, 8.5, 6, align="right")
        cx += widths[6]
        _box(c, str(r.qty), cx + 2, top, widths[7] - 4, 14, ts.BOLD, 10, 7, align="right")
        y -= h
        _rule(c, page.x, page.x + page.w, y, 0.3)
        if multi:
            _box(c, f"Cộng {r.sku}: {by_sku[key]} {r.unit}".strip(), page.x, y - 2, page.w - 2, 12,
                        ts.BOLD, 8, 6, align="right")
            y -= 12
        done += 1
        yield done
    if y - 30 < page.bottom + 10:
        y = new_page(cols)
    y -= 4
    _rule(c, page.x, page.x + page.w, y + 2, 1.0)
    _box(c, f"TỔNG: {len(by_sku)} sản phẩm · {len(rows)} dòng · {totals.items} gói cho {totals.orders} đơn "
                f"({totals.parcels} kiện)", page.x, y - 2, page.w, 14, ts.BOLD, 10, 7, align="right")
    y -= 24
    _box(c, "Người lấy hàng: ............................................   Giờ: ..........",
                page.x, y, page.w, 12, ts.REGULAR, 9, 7)
    page.footer("Danh sách lấy hàng · " + subtitle, f"Trang {n_page}")
    if per_order and parcels:
        c.showPage()
        n_page += 1
        y = _A4(c, "PHIẾU LẤY HÀNG THEO ĐƠN", sender, printed_at).top_block(sub)
        for p in parcels:
            lines = []
            for line in p.lines:
                lots = ", ".join(f"{t.code}" + (f" ×{t.qty}" if len(line.lots) > 1 else "") for t in line.lots)
                lines.append((_fit(f"{line.name} ({line.sku})", 100 * MM, 24, ts.REGULAR, 8.5, 6.5,
                                          max_lines=2), lots or "CHƯA CÓ LÔ", line.qty, line.storage_place))
            block = 16 + sum(max(f.height, 10) + 4 for f, *_r in lines)
            if y - block < page.bottom + 10:
                page.footer("Phiếu lấy hàng theo đơn · " + subtitle, f"Trang {n_page}")
                c.showPage()
                n_page += 1
                y = A4[1] - page.margin
            _tick(c, page.x, y - 1, 4.2 * MM)
            _box(c, f"{p.code} · {p.name or '-'} · {p.items} gói" + (f" · {p.carrier}" if p.carrier else ""),
                        page.x + 7 * MM, y - 1, page.w - 7 * MM, 14, ts.BOLD, 9.5, 7, max_lines=1)
            y -= 16
            for name, lots, qty, place in lines:
                _tick(c, page.x + 7 * MM, y - 1, 3.2 * MM)
                ts.draw_fitted(c, name, page.x + 12 * MM, y - 1)
                _box(c, f"Lô {lots}", page.x + 114 * MM, y - 1, 40 * MM, 22, ts.REGULAR, 8, 6, max_lines=2)
                _box(c, place, page.x + 155 * MM, y - 1, 16 * MM, 12, ts.REGULAR, 7.5, 6, max_lines=1)
                _box(c, f"× {qty}", page.x + 171 * MM, y - 1, 15 * MM, 12, ts.BOLD, 9.5, 7, align="right")
                y -= max(name.height, 10) + 4
            _rule(c, page.x, page.x + page.w, y + 1, 0.3, dash=True)
            y -= 4
        page.footer("Phiếu lấy hàng theo đơn · " + subtitle, f"Trang {n_page}")
    c.showPage()
    c.save()


def join_parts(parts: list[Path], out: str | Path) -> Iterator[int]:
    """Join finished part files (complete PDFs, in order) into ``out`` with PDFium; yields after each part so
    the caller can cancel between parts (write ``out`` through ``atomic_write``: a cancel then leaves nothing).

    Why parts: reportlab keeps every page of a canvas in memory until ``save()`` (90 MiB of Python objects for
    5,000 slips); a part of 1,000 is written and freed, and the join holds only PDFium's compact parsed pages.
    Each part's font subset and forms come across once, as one import per part.
    """
    import pypdfium2 as pdfium

    joined = pdfium.PdfDocument.new()
    try:
        for n, part in enumerate(parts, start=1):
            source = pdfium.PdfDocument(str(part))
            try:
                joined.import_pages(source)
            finally:
                source.close()
            yield n
        joined.save(str(out))
    finally:
        joined.close()


# --- carrier handover sheet ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class HandoverSheet:
    carrier: str
    number: str
    day: date
    parcels: tuple[Parcel, ...]


HANDOVER_COLS = [("STT", 9 * MM, "right"), ("Mã đơn · người nhận", 50 * MM, "left"),
                 ("Mã vận đơn", 72 * MM, "left"), ("Kiện", 12 * MM, "right"), ("KL (kg)", 16 * MM, "right"),
                 ("COD (₫)", 27 * MM, "right")]
ROW_H = 13 * MM
A4_BAR = 1.0  # points: two pixels at 150 dpi, several dots at 300-600 dpi


def _kg(grams: int, known: bool = True) -> str:
    """'0,45'; '≥0,45' when some line's weight is unknown (at least that much); '—' when none is known."""
    if not grams:
        return "—"
    return ("" if known else "≥") + f"{grams / 1000:.2f}".replace(".", ",")


@_binary
def write_handover(out: str | Path | IO[bytes], sender: Sender, sheets: list[HandoverSheet], printed_at: str,
                   copies: int = 2) -> Iterator[int]:
    """One biên bản bàn giao per carrier: numbered, dated, a row per order with its tracking barcode,
    totals equal to the sum of the rows, signature blocks; ``copies`` copies, each a complete set. Yields rows."""
    c = ts.new_canvas(out, A4, title="Biên bản bàn giao hàng", author=sender.name)
    done = 0
    for s_index, sheet in enumerate(sheets):
        totals = Totals.of(list(sheet.parcels))
        forms: list[str] = []
        page = _A4(c, "BIÊN BẢN BÀN GIAO HÀNG", sender, printed_at)
        rows = list(sheet.parcels)
        i = 0
        first = True
        while True:
            name = f"hs{s_index}p{len(forms)}"
            c.beginForm(name, 0, 0, A4[0], A4[1])
            if first:
                y = page.top_block(f"Số: {sheet.number} — Ngày {sheet.day.day:02d} tháng {sheet.day.month:02d} "
                                   f"năm {sheet.day.year}")
                _box(c, f"Bên giao: {sender.name}", page.x, y, page.w * 0.5, 24, ts.REGULAR, 9, 7,
                            max_lines=2)
                _box(c, f"Bên nhận: {sheet.carrier}", page.x + page.w * 0.5, y, page.w * 0.5, 24, ts.BOLD,
                            10, 7, max_lines=2)
                y -= 18
                _box(c, f"TỔNG SỐ {totals.orders} ĐƠN HÀNG · {totals.parcels} KIỆN · "
                            f"THU HỘ {vnd(totals.cod)}", page.x, y, page.w, 16, ts.BOLD, 11, 8, align="center",
                            max_lines=1)
                y -= 20
            else:
                y = A4[1] - page.margin
                _box(c, f"Biên bản {sheet.number} · {sheet.carrier} (tiếp)", page.x, y, page.w, 12,
                            ts.BOLD, 9, 7)
                y -= 14
            y = _head_row(c, page.x, y, HANDOVER_COLS)
            first = False
            while i < len(rows) and y - ROW_H >= page.bottom + 10:
                y = _handover_row(c, page.x, y, i + 1, rows[i])
                i += 1
                done += 1
                yield done
            finished = i >= len(rows)
            if finished:
                need = 30 * MM
                if y - need < page.bottom + 10:
                    c.endForm()
                    forms.append(name)
                    name = f"hs{s_index}p{len(forms)}"
                    c.beginForm(name, 0, 0, A4[0], A4[1])
                    y = A4[1] - page.margin
                _handover_totals(c, page, y, totals, sheet.carrier)
            c.endForm()
            forms.append(name)
            if finished:
                break
        for copy in range(1, copies + 1):
            keep = "Bên giao giữ" if copy == 1 else "Bên nhận giữ"
            for n, name in enumerate(forms, start=1):
                c.doForm(name)
                page.footer(f"Biên bản {sheet.number} · {sheet.carrier} · Liên {copy} ({keep})",
                            f"Trang {n}/{len(forms)}")
                c.showPage()
    if not sheets:
        c.showPage()
    c.save()


def _right(c: Canvas, text: str, right: float, top: float, width: float, font: str, size: float) -> None:
    """Short figures (counts, weights, money): drawn directly when they fit, which is nearly always; through the
    kit's fitting otherwise, so even a 50-million COD is never clipped."""
    w = ts.string_width(text, font, size)
    if w <= width:
        c.setFont(font, size)
        c.drawString(right - w, top - size, text)  # drawRightString would measure it a second time
    else:
        _box(c, text, right - width, top, width, size * 1.6, font, size, 5, align="right", max_lines=1)


def _handover_row(c: Canvas, x: float, y: float, n: int, p: Parcel) -> float:
    widths = [w for _t, w, _a in HANDOVER_COLS]
    top = y - 3
    cx = x
    _right(c, str(n), cx + widths[0] - 2, top, widths[0] - 3, ts.REGULAR, 8)
    cx += widths[0]
    _left_line(c, p.code, cx + 2, top, widths[1] - 4, ts.BOLD, 8.5)
    who = f"{p.name or '-'} · {mask_phone(p.phone)}" if p.phone else (p.name or "-")
    ts.text_box(c, who, cx + 2, top - 11, widths[1] - 4, 21, ts.REGULAR, 7.5, 6, max_lines=2)
    cx += widths[1]
    code = p.scan_code
    bar_w = min(A4_BAR, (widths[2] - 4) / ts.code128_width(code, 1.0))
    ts.draw_code128(c, code, cx + 1, y - ROW_H + 10, ROW_H - 14, bar_w)
    _left_line(c, code, cx + 2, y - ROW_H + 8.5, widths[2] - 4, ts.REGULAR, 7)
    cx += widths[2]
    _right(c, str(p.parcels), cx + widths[3] - 2, top, widths[3] - 4, ts.REGULAR, 9)
    cx += widths[3]
    _right(c, _kg(p.weight_g, p.weight_known), cx + widths[4] - 2, top, widths[4] - 4, ts.REGULAR, 8.5)
    cx += widths[4]
    _right(c, format_number(p.cod), cx + widths[5] - 2, top, widths[5] - 4, ts.BOLD, 9)
    y -= ROW_H
    _rule(c, x, x + sum(widths), y, 0.3)
    return y


def _left_line(c: Canvas, text: str, x: float, top: float, width: float, font: str, size: float) -> None:
    text = ts.plain_text(text)
    if ts.string_width(text, font, size) <= width and "\n" not in text:
        c.setFont(font, size)
        c.drawString(x, top - size, text)
    else:
        _box(c, text, x, top, width, size * 1.6, font, size, 5, max_lines=1)


def _handover_totals(c: Canvas, page: _A4, y: float, totals: Totals, carrier: str) -> None:
    widths = [w for _t, w, _a in HANDOVER_COLS]
    x = page.x
    _rule(c, x, x + page.w, y, 1.0)
    y -= 3
    left = sum(widths[:3])
    _box(c, f"Cộng: {totals.orders} đơn", x + 2, y, left - 4, 12, ts.BOLD, 9, 7)
    cx = x + left
    _box(c, str(totals.parcels), cx + 2, y, widths[3] - 4, 12, ts.BOLD, 9, 6, align="right")
    cx += widths[3]
    _box(c, _kg(totals.weight_g, totals.weight_known), cx + 2, y, widths[4] - 4, 12, ts.BOLD, 8.5, 6, align="right")
    cx += widths[4]
    _box(c, format_number(totals.cod), cx + 2, y, widths[5] - 4, 12, ts.BOLD, 9, 6, align="right")
    y -= 14
    _box(c, f"Tổng tiền thu hộ (COD): {vnd(totals.cod)} — Bằng chữ: {ts.money_in_words(totals.cod)}",
                x, y, page.w, 24, ts.REGULAR, 9, 7, max_lines=2)
    y -= 28
    half = page.w / 2
    for i, (role, who) in enumerate((("BÊN GIAO", "Đại diện hợp tác xã"), ("BÊN NHẬN", f"Nhân viên {carrier}"))):
        bx = x + i * half
        _box(c, role, bx, y, half, 12, ts.BOLD, 10, 7, align="center")
        _box(c, who, bx, y - 13, half, 12, ts.REGULAR, 8.5, 6, align="center", max_lines=1)
        _box(c, "(Ký, ghi rõ họ tên)", bx, y - 24, half, 12, ts.ITALIC, 8, 6, align="center")
    _box(c, "Giờ bàn giao: ........ giờ ........ phút", x, y - 70, page.w, 12, ts.REGULAR, 8, 6,
                align="center")


# --- the after-live report ---------------------------------------------------------------------------------

@_binary
def write_report(out: str | Path | IO[bytes], sender: Sender, reports: list[SessionReport],
                 printed_at: str) -> Iterator[int]:
    """One A4 page per live session: the figures, a chart of orders per ten minutes, top products, carriers."""
    c = ts.new_canvas(out, A4, title="Báo cáo sau live", author=sender.name)
    for n, r in enumerate(reports, start=1):
        page = _A4(c, "BÁO CÁO SAU LIVE", sender, printed_at)
        span = " – ".join(x for x in (r.started_at[:16], r.ended_at[11:16] if r.ended_at else "") if x)
        y = page.top_block(f"{r.name} ({r.channel or '-'}) · {day_text(r.started_at)} {span[11:]}")
        figures = [("Đơn hàng", format_number(r.orders)), ("Gói hàng", format_number(r.items)),
                   ("Tiền hàng", vnd(r.revenue)), ("Phí ship", vnd(r.shipping)), ("Thu hộ (COD)", vnd(r.cod)),
                   ("Đơn hủy", f"{r.cancelled} ({vnd(r.cancelled_value)})")]
        bw = page.w / len(figures)
        for i, (label, value) in enumerate(figures):
            bx = page.x + i * bw
            c.saveState()
            c.setStrokeGray(0.6)
            c.roundRect(bx + 2, y - 40, bw - 4, 40, 4, stroke=1, fill=0)
            c.restoreState()
            _box(c, label, bx + 6, y - 5, bw - 12, 10, ts.REGULAR, 8, 6, align="center")
            _box(c, value, bx + 6, y - 18, bw - 12, 18, ts.BOLD, 13, 7, align="center", max_lines=1)
        y -= 52
        y = _chart(c, page.x, y, page.w, 72 * MM, r.per_ten_minutes)
        y -= 8
        half = page.w / 2 - 4
        ty = _small_table(c, page.x, y, half, "Sản phẩm bán chạy", ["Sản phẩm", "Gói", "Doanh thu"],
                          [(f"{name} ({sku})", format_number(q), format_number(m)) for sku, name, q, m in
                           r.top_products], [0.58, 0.14, 0.28])
        cy = _small_table(c, page.x + half + 8, y, half, "Đơn theo đơn vị vận chuyển",
                          ["Đơn vị", "Đơn", "COD (₫)"],
                          [(name, format_number(o), format_number(cod)) for name, o, cod in r.carriers],
                          [0.5, 0.18, 0.32])
        del ty, cy
        page.footer(f"Báo cáo sau live · {r.name}", f"Trang {n}/{len(reports)}")
        c.showPage()
        yield n
    if not reports:
        c.showPage()
    c.save()


def _chart(c: Canvas, x: float, top: float, w: float, h: float, buckets: tuple[tuple[str, int], ...]) -> float:
    _box(c, "Số đơn mỗi 10 phút", x, top, w, 12, ts.BOLD, 10, 7)
    top -= 16
    if not buckets:
        _box(c, "Chưa có đơn.", x, top, w, 12, ts.ITALIC, 9, 7)
        return top - 14
    peak = max(n for _t, n in buckets) or 1
    axis_x = x + 22
    base = top - h + 16
    plot_h = h - 24
    plot_w = w - 26
    c.saveState()
    c.setLineWidth(0.5)
    c.line(axis_x, base, axis_x + plot_w, base)
    c.line(axis_x, base, axis_x, base + plot_h)
    step = max(1, round(peak / 4))
    for v in range(0, peak + 1, step):
        yy = base + plot_h * v / peak
        c.setStrokeGray(0.85)
        c.line(axis_x, yy, axis_x + plot_w, yy)
        _box(c, str(v), x, yy + 4, 19, 8, ts.REGULAR, 6.5, 5, align="right")
    slot = plot_w / len(buckets)
    label_every = max(1, int(len(buckets) / (plot_w / 28)) + 1)
    c.setFillColorRGB(0.18, 0.49, 0.2)
    for i, (label, n) in enumerate(buckets):
        bx = axis_x + i * slot + slot * 0.12
        bh = plot_h * n / peak
        if n:
            c.rect(bx, base, slot * 0.76, bh, stroke=0, fill=1)
        if i % label_every == 0:
            c.setFillGray(0)
            _box(c, label, axis_x + i * slot - 6, base - 3, 28, 9, ts.REGULAR, 6.5, 5)
            c.setFillColorRGB(0.18, 0.49, 0.2)
        if n == peak:
            c.setFillGray(0)
            _box(c, str(n), bx - 4, base + bh + 9, slot * 0.76 + 8, 9, ts.BOLD, 7, 5, align="center")
            c.setFillColorRGB(0.18, 0.49, 0.2)
    c.restoreState()
    return base - 14


def _small_table(c: Canvas, x: float, top: float, w: float, title: str, heads: list[str],
                 rows: list[tuple[str, str, str]], fractions: list[float]) -> float:
    _box(c, title, x, top, w, 12, ts.BOLD, 10, 7)
    y = top - 16
    cols = [(h, w * f, "left" if i == 0 else "right") for i, (h, f) in enumerate(zip(heads, fractions, strict=True))]
    y = _head_row(c, x, y, cols, 13)
    if not rows:
        _box(c, "—", x + 2, y - 2, w, 10, ts.REGULAR, 8, 6)
        return y - 14
    for row in rows:
        name = _fit(row[0], cols[0][1] - 4, 22, ts.REGULAR, 8, 6, max_lines=2)
        ts.draw_fitted(c, name, x + 2, y - 2)
        cx = x + cols[0][1]
        for value, (_h, wd, _a) in zip(row[1:], cols[1:], strict=True):
            _box(c, value, cx + 2, y - 2, wd - 4, 11, ts.REGULAR, 8, 6, align="right", max_lines=1)
            cx += wd
        y -= max(name.height, 10) + 4
        _rule(c, x, x + w, y + 1, 0.3)
    return y
