"""QR traceability labels as PDF: thermal rolls and A4 sheets from plain label data (reportlab, no Qt, no database).

Each lot's label is laid out once and drawn once, as a PDF form, then placed on every slot it takes: the QR
of one lot is the same on every label, and 1,000 labels cost little more than one. Label corners are snapped to
the printer's dot grid and QR modules are whole dots, so a thermal head prints every module the same width.
The text fits its box by shrinking to a floor, then wrapping, and only then cutting (reported, never silent);
optional fields are left off small labels in the order of ``domain.labels.DROP_ORDER``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from coopdesk.documents import typeset as ts
from coopdesk.domain.dates import format_date
from coopdesk.domain.labels import (
    DROP_ORDER,
    MM,
    QUIET,
    LabelContent,
    LabelLayout,
    LabelTemplate,
    field_label,
    snap_pt,
)
from coopdesk.i18n import _

#: Sizes (points) for a label whose text box is about 27 mm square; other sizes scale from these.
_BASE = {  # key: (font, size, floor, max lines before the final squeeze)
    "product": (ts.BOLD, 9.0, 5.5, 2),
    "lot": (ts.BOLD, 7.5, 4.5, 2),
    "dates": (ts.REGULAR, 6.5, 4.5, 2),
    "net_weight": (ts.REGULAR, 6.5, 4.5, 1),
    "ocop": (ts.BOLD, 6.5, 4.5, 1),
    "coop_name": (ts.REGULAR, 6.0, 4.5, 2),
    "coop_address": (ts.REGULAR, 5.5, 4.5, 2),
    "price": (ts.BOLD, 7.0, 5.0, 1),
}
_SHRINK = (1.0, 0.9, 0.8, 0.7)
_STAR = "M"  # a star is drawn as a vector in the room of one "M" (the font has no ★)


def field_texts(content: LabelContent) -> dict[str, str]:
    """The printed text of each field the content has (Vietnamese: a label sold in Vietnam is in Vietnamese)."""
    texts = {"product": content.product, "lot": f"Lô: {content.lot_code}"}
    dates = []
    if content.packed:
        dates.append(f"NSX: {format_date(content.packed)}")
    if content.expiry:
        dates.append(f"HSD: {format_date(content.expiry)}")
    if dates:
        texts["dates"] = "   ".join(dates)
    if content.net_weight:
        texts["net_weight"] = f"KL tịnh: {content.net_weight}"
    if content.ocop_stars:
        texts["ocop"] = "OCOP " + _STAR * content.ocop_stars
    if content.coop_name:
        texts["coop_name"] = content.coop_name
    if content.coop_address:
        texts["coop_address"] = content.coop_address
    if content.price:
        texts["price"] = f"Giá: {content.price}"
    return texts


@dataclass
class Block:
    key: str
    fitted: ts.Fitted
    top: float  # from the label's bottom-left, in points


@dataclass
class PreparedLabel:
    """One lot's label, laid out: the QR, the text blocks, what was left off and what was cut."""

    content: LabelContent
    layout: LabelLayout
    symbol: ts.QrSymbol
    blocks: list[Block]
    dropped: list[str] = field(default_factory=list)
    cut: list[str] = field(default_factory=list)

    def warnings(self) -> list[str]:
        out = []
        if self.dropped:
            out.append(_("Lot {lot}: left off on this label size: {fields}").format(
                lot=self.content.lot_code, fields=", ".join(field_label(k) for k in self.dropped)))
        for key in self.cut:
            out.append(_("Lot {lot}: the {field} does not fit and is cut (ends in “…”): choose a larger label").format(
                lot=self.content.lot_code, field=field_label(key)))
        return out


def _scale(layout: LabelLayout) -> float:
    _x, _top, w, h = layout.text
    return max(0.75, min(2.6, min(w, h) / (27 * MM)))


def _fit_all(texts: dict[str, str], keys: list[str], width: float, height: float, scale: float,
             factor: float) -> tuple[list[ts.Fitted], float]:
    fitted = []
    for key in keys:
        font, size, floor, lines = _BASE[key]
        size = max(size * scale * factor, floor)
        fitted.append(_fit_one(key, texts[key], width, font, size, floor, lines))
    total = sum(f.height for f in fitted) + sum(_gap(f) for f in fitted[1:])
    return fitted, total


def _fit_one(key: str, text: str, width: float, font: str, size: float, floor: float, lines: int) -> ts.Fitted:
    """One field: shrink a little (to 80 %), then wrap, and only then shrink further to the floor, so one long
    field does not end up far smaller than its neighbours."""
    if key == "dates":  # NSX and HSD each on a line rather than a date split from its name
        one = ts.fit_text(text, width, 10_000, font, size, max(floor, size * 0.85), 1)
        if not one.cut:
            return one
        text, lines = text.replace("   ", "\n"), 2
    soft = ts.fit_text(text, width, 10_000, font, size, max(floor, size * 0.8), lines)
    return soft if not soft.cut else ts.fit_text(text, width, 10_000, font, size, floor, lines)


def _gap(f: ts.Fitted) -> float:
    return f.size * 0.25


def prepare(content: LabelContent, layout: LabelLayout, symbol: ts.QrSymbol) -> PreparedLabel:
    """Fit the content's text into the layout's text box: shrink, then leave off optional fields in the stated
    order, then (only for what must stay) wrap and cut."""
    texts = field_texts(content)
    x, top, width, height = layout.text
    scale = _scale(layout)
    keys = [k for k in texts]
    dropped: list[str] = []
    while True:
        for factor in _SHRINK:
            fitted, total = _fit_all(texts, keys, width, height, scale, factor)
            if total <= height and not any(f.cut for f in fitted):
                return PreparedLabel(content, layout, symbol, _place(keys, fitted, top, height, total), dropped)
        optional = [k for k in DROP_ORDER if k in keys]
        if not optional:
            break
        keys.remove(optional[0])
        dropped.append(optional[0])
    # Only what must stay is left and it is still too tall: the others at their floor, the product name gets
    # the rest of the box and wraps into it, and is cut only when even that is not enough.
    others, _t = _fit_all(texts, [k for k in keys if k != "product"], width, height, scale, _SHRINK[-1])
    rest = height - sum(f.height + _gap(f) for f in others)
    font, size, floor, _lines = _BASE["product"]
    product = ts.fit_text(texts["product"], width, max(rest, 0), font, max(size * scale * 0.7, floor), floor)
    fitted = [product, *others]
    cut = [k for k, f in zip(keys, fitted, strict=True) if f.cut]
    total = sum(f.height for f in fitted) + sum(_gap(f) for f in fitted[1:])
    if total > height:  # a tiny custom label: cut the lower fields too, never spill out of the box
        room, kept = height, []
        for k, f in zip(keys, fitted, strict=True):
            need = f.height + (_gap(f) if kept else 0)
            if need <= room:
                kept.append((k, f))
                room -= need
            else:
                cut.append(k) if k not in cut else None
        keys, fitted = [k for k, _f in kept], [f for _k, f in kept]
        total = height - room
    return PreparedLabel(content, layout, symbol, _place(keys, fitted, top, height, total), dropped, cut)


def _place(keys: list[str], fitted: list[ts.Fitted], top: float, height: float, total: float) -> list[Block]:
    """Blocks top to bottom; spare height goes between them (at most 2 mm each) and then around them."""
    spare = max(height - total, 0)
    between = min(spare / max(len(fitted) - 1, 1), 2 * MM) if len(fitted) > 1 else 0
    above = (spare - between * (len(fitted) - 1)) / 2
    y = top - above
    blocks = []
    for i, (key, f) in enumerate(zip(keys, fitted, strict=True)):
        if i:
            y -= _gap(f) + between
        blocks.append(Block(key, f, y))
        y -= f.height
    return blocks


def _star(c, cx: float, cy: float, r: float) -> None:  # noqa: ANN001 - a reportlab canvas
    path = c.beginPath()
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.42
        angle = math.pi / 2 + i * math.pi / 5
        px, py = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        path.moveTo(px, py) if i == 0 else path.lineTo(px, py)
    path.close()
    c.drawPath(path, stroke=0, fill=1)


def draw_label(c, label: PreparedLabel) -> None:  # noqa: ANN001 - a reportlab canvas
    """Draw one label with its bottom-left corner at the canvas origin."""
    lay = label.layout
    ts.draw_qr(c, label.symbol, lay.qr_x, lay.qr_y, lay.module, QUIET)
    x, _top, width, _h = lay.text
    for b in label.blocks:
        if b.key == "ocop" and b.fitted.lines:
            size = b.fitted.size
            ascent, _descent = _ascent(b.fitted)
            c.setFont(b.fitted.font, size)
            baseline = b.top - ascent
            c.drawString(x, baseline, "OCOP")
            step = ts.string_width(_STAR, b.fitted.font, size)
            sx = x + ts.string_width("OCOP ", b.fitted.font, size)
            for _n in range(label.content.ocop_stars):
                _star(c, sx + step / 2, baseline + size * 0.36, size * 0.5)
                sx += step
            continue
        ts.draw_fitted(c, b.fitted, x, b.top, width)


def _ascent(f: ts.Fitted) -> tuple[float, float]:
    from reportlab.pdfbase.pdfmetrics import getAscentDescent

    return getAscentDescent(f.font, f.size)


def pages_of(template: LabelTemplate, start: int, counts: list[int]) -> list[list[tuple[int, int]]]:
    """Every page as a list of (slot, label index) from ``start`` (1-based) on."""
    pages: list[list[tuple[int, int]]] = []
    slot = start - 1
    per = template.per_page
    for lot, count in enumerate(counts):
        for _n in range(count):
            page, at = divmod(slot, per)
            while len(pages) <= page:
                pages.append([])
            pages[page].append((at, lot))
            slot += 1
    return pages


def group_pages(pages: list[list[tuple[int, int]]]) -> list[tuple[list[tuple[int, int]], int]]:
    """Runs of identical pages as (page, repeat): a thermal printer prints a repeated page with one command."""
    groups: list[tuple[list[tuple[int, int]], int]] = []
    for page in pages:
        if groups and groups[-1][0] == page:
            groups[-1] = (page, groups[-1][1] + 1)
        else:
            groups.append((page, 1))
    return groups


def write_labels(out: str | Path | IO[bytes], template: LabelTemplate, labels: list[PreparedLabel],
                 pages: list[list[tuple[int, int]]], offset: tuple[float, float] = (0.0, 0.0),
                 title: str = "") -> Iterator[int]:
    """Write the pages (each a list of (slot, label index)) as one PDF; yields the labels drawn so far after each
    page, so a caller can show progress and stop. ``offset`` (mm right, mm down) moves all content."""
    page_w, page_h = template.page_w * MM, template.page_h * MM
    c = ts.new_canvas(out, (page_w, page_h), title=title or _("QR labels"))
    for i, label in enumerate(labels):
        c.beginForm(f"L{i}", 0, 0, label.layout.width, label.layout.height)
        draw_label(c, label)
        c.endForm()
    dx, dy = offset
    done = 0
    for page in pages:
        for slot, index in page:
            x, y = template.slot(slot)
            c.saveState()
            c.translate(snap_pt((x + dx) * MM, template.dpi), snap_pt((y - dy) * MM, template.dpi))
            c.doForm(f"L{index}")
            c.restoreState()
            done += 1
        c.showPage()
        yield done
    c.save()


def write_test_page(out: str | Path | IO[bytes], template: LabelTemplate, offset: tuple[float, float] = (0.0, 0.0),
                    note: str = "") -> None:
    """One page with every label's outline, a cross at its centre and a millimetre ruler, moved by ``offset``:
    print it on the label stock and see how far the outlines miss the real labels."""
    page_w, page_h = template.page_w * MM, template.page_h * MM
    c = ts.new_canvas(out, (page_w, page_h), title=_("Test page {name}").format(name=template.name))
    dx, dy = offset
    c.setLineWidth(0.4)
    for slot in range(template.per_page):
        x, y = template.slot(slot)
        x0, y0 = (x + dx) * MM, (y - dy) * MM
        w, h = template.label_w * MM, template.label_h * MM
        c.rect(x0, y0, w, h, stroke=1, fill=0)
        c.line(x0 + w / 2 - 2 * MM, y0 + h / 2, x0 + w / 2 + 2 * MM, y0 + h / 2)
        c.line(x0 + w / 2, y0 + h / 2 - 2 * MM, x0 + w / 2, y0 + h / 2 + 2 * MM)
        if slot == 0:
            _ruler(c, x0, y0, w, h)
    size = 4.5 if template.label_h <= 40 else 7.0
    x, y = template.slot(0)
    lines = [f"{template.name} · {template.size_text} · {template.dpi} dpi",
             _("offset {x} mm right, {y} mm down").format(x=f"{dx:+g}", y=f"{dy:+g}")]
    if note:
        lines.append(note)
    # Below the centre cross, clear of the ruler and its numbers.
    box_x = (x + dx) * MM + 6 * MM
    box_top = (y - dy + template.label_h / 2) * MM - 2.5 * MM
    ts.text_box(c, "\n".join(lines), box_x, box_top, template.label_w * MM - 8 * MM,
                template.label_h * MM / 2 - 3.5 * MM, ts.REGULAR, size, 3.0)
    c.showPage()
    c.save()


def _ruler(c, x0: float, y0: float, w: float, h: float) -> None:  # noqa: ANN001 - a reportlab canvas
    """Millimetre ticks along the label's top and left edges, longer every 5 mm and numbered every 10."""
    c.saveState()
    c.setLineWidth(0.25)
    c.setFont(ts.REGULAR, 3.5)
    for mm in range(0, int(w / MM) + 1):
        length = 2.5 if mm % 10 == 0 else 1.6 if mm % 5 == 0 else 0.9
        c.line(x0 + mm * MM, y0 + h, x0 + mm * MM, y0 + h - length * MM)
        if mm % 10 == 0 and 0 < mm < w / MM - 2:
            c.drawCentredString(x0 + mm * MM, y0 + h - 4.0 * MM, str(mm))
    for mm in range(0, int(h / MM) + 1):
        length = 2.5 if mm % 10 == 0 else 1.6 if mm % 5 == 0 else 0.9
        c.line(x0, y0 + h - mm * MM, x0 + length * MM, y0 + h - mm * MM)
        if mm % 10 == 0 and 0 < mm < h / MM - 2:
            c.drawString(x0 + 3.0 * MM, y0 + h - mm * MM - 1.2, str(mm))
    c.restoreState()
