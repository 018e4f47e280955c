"""The recall's documents: the call list (A4 PDF), the buyers as xlsx/CSV for a bulk-SMS service, and the recall
summary for the authorities (Circular 02/2024: one step back, one step forward). Plain data in, bytes out.

Always in Vietnamese: they go to staff on the phone, to buyers and to the authorities in Vietnam.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from coopdesk.documents.spreadsheets import write_xlsx
from coopdesk.documents.typeset import BOLD, LEADING, MM, REGULAR, new_canvas, plain_text, text_box, xlsx_safe

# The refund comes last: a bulk-SMS service set up on the earlier columns keeps working.
BUYER_COLUMNS = ("STT", "Khách hàng", "Điện thoại", "Địa chỉ", "Đơn hàng", "Ngày đặt", "Sản phẩm (lô)", "Số lượng",
                 "Tình trạng", "Hãng vận chuyển", "Mã vận đơn", "Kết quả liên hệ", "Người gọi", "Lúc",
                 "Tin nhắn gửi khách", "Tiền hoàn trả (đồng)")


@dataclass(frozen=True)
class CallRow:
    """One buyer on the call list."""

    name: str
    phone: str  # as dialled: 0912 345 678
    address: str
    orders: str  # "#12, #40"
    order_date: str  # dd/mm/yyyy
    products: str  # "Bún sắn khô (lô HP-2026-0001)"
    quantity: int
    situation: str  # "Đã giao", "Đang vận chuyển · GHN 123…"
    carrier: str
    tracking: str
    outcome: str
    outcome_by: str
    outcome_at: str
    message: str
    refund: int = 0  # đồng paid ahead on orders the recall cancelled: to be refunded
    refund_text: str = ""  # "Hoàn trả 150.000 ₫ qua TikTok Shop" / "Không phải hoàn tiền (chưa thu tiền)"

    def cells(self, n: int) -> list[object]:
        return [n, self.name, self.phone, self.address, self.orders, self.order_date, self.products, self.quantity,
                self.situation, self.carrier, self.tracking, self.outcome, self.outcome_by, self.outcome_at,
                self.message, self.refund or None]


@dataclass(frozen=True)
class CallList:
    cooperative: str
    coop_line: str  # address · phone
    title: str  # "Thu hồi #3 — lô HP-2026-0001"
    reason: str
    decided: str  # "Quyết định ngày 29/11/2026 · Nguyễn Thị Hồng"
    lots: str
    counts: str  # "12 khách cần liên hệ = 9 cần gọi (…) + 3 có đơn bị giữ lại"
    printed_on: str
    rows: tuple[CallRow, ...]  # to call: the product is out there with them
    held: tuple[CallRow, ...] = ()  # to tell: the recall cancelled their order (refund what they prepaid)
    heading: str = "DANH SÁCH GỌI KHÁCH — THU HỒI SẢN PHẨM"


def buyers_xlsx(rows: list[CallRow]) -> bytes:
    """The buyers, one row each, every text cell neutralised so no cell can run as a formula."""
    data = [[xlsx_safe(plain_text(v)) if isinstance(v, str) else v for v in r.cells(i)]
            for i, r in enumerate(rows, start=1)]
    return write_xlsx([("Khách cần liên hệ", list(BUYER_COLUMNS), data)])


def buyers_csv(rows: list[CallRow]) -> bytes:
    """The same as CSV (UTF-8 with BOM, so Excel reads the marks), phones kept as text."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(BUYER_COLUMNS)
    for i, r in enumerate(rows, start=1):
        w.writerow([xlsx_safe(plain_text(v)) if isinstance(v, str) else v for v in r.cells(i)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


# --- the call list ------------------------------------------------------------------------------------------

# (header, width in mm) of the A4 landscape table; the last column is left empty to write the outcome by hand.
# The products get the widest column: a buyer's products and lots wrap onto three lines at a readable size.
CALL_COLUMNS = (("STT", 9), ("Khách hàng · địa chỉ", 58), ("Điện thoại", 26), ("Đơn · ngày đặt", 25),
                ("Sản phẩm (lô) · SL", 71), ("Tình trạng · vận đơn", 40), ("Kết quả gọi (đánh dấu, ghi chú)", 48))
ROW_H = 14 * MM
PRODUCT_SIZE, PRODUCT_MIN = 8.0, 7.5  # wrapped rather than shrunk: 5 pt cannot be read while on the phone
# Ticked by hand on paper; an outcome already recorded is ticked in print (the same words as the outcome).
OUTCOME_BOXES = ("Đã gọi", "Không nghe máy", "Đã trả hàng", "Đã hoàn tiền")
HELD_BOXES = ("Đã gọi", "Không nghe máy", "Đã hoàn tiền")  # nothing to send back: the order never left
SECTION_H = 8 * MM
SECTION_CALL = "A. GỌI NGAY — {n} khách đã nhận hoặc đang nhận hàng: dặn KHÔNG sử dụng, từ chối nhận kiện đang giao"
SECTION_HELD = ("B. BÁO KHÁCH — {n} khách có đơn đã giữ lại và HỦY do thu hồi (chưa gửi đi): báo hủy đơn, "
                "hoàn lại tiền đã trả trước")


def _pages(items: list[tuple], first_room: float, other_room: float) -> list[list[tuple]]:
    """The items (section heads and rows) page by page: a head never ends a page without a row under it."""
    pages: list[list[tuple]] = [[]]
    room = first_room
    for item in items:
        height = SECTION_H if item[0] == "head" else ROW_H
        need = height + (ROW_H if item[0] == "head" else 0)
        if pages[-1] and need > room + 0.01:
            pages.append([])
            room = other_room
        pages[-1].append(item)
        room -= height
    return pages


def call_list_pdf(cl: CallList) -> bytes:
    """A4 landscape: header with the reason and lots, then one row per buyer with room to tick the outcome:
    first the buyers to call (the product is out there), then, in their own section, the buyers of the orders
    the recall held (to be told it is cancelled, and refunded). Rows have a fixed height, so the page count is
    known and every page says 'Trang x/y'."""
    from reportlab.lib.pagesizes import A4, landscape

    width, height = landscape(A4)
    margin = 10 * MM
    buf = io.BytesIO()
    c = new_canvas(buf, (width, height), title=cl.title)
    first_top = height - margin - 34 * MM
    other_top = height - margin - 8 * MM
    boxes_w = CALL_COLUMNS[-1][1] * MM - 2 * 1.2 * MM
    _box_form(c, boxes_w, "outcome_boxes", OUTCOME_BOXES)
    items: list[tuple] = [("row", r, False) for r in cl.rows]
    if cl.held:
        _box_form(c, boxes_w, "held_boxes", HELD_BOXES)
        items = [*([("head", SECTION_CALL.format(n=len(cl.rows)))] if cl.rows else []), *items,
                 ("head", SECTION_HELD.format(n=len(cl.held))), *(("row", r, True) for r in cl.held)]
    pages = _pages(items, first_top - 8 * MM - margin - 6 * MM, other_top - 8 * MM - margin - 6 * MM)
    total_w = sum(w for _h, w in CALL_COLUMNS) * MM
    i = 0
    for page, content in enumerate(pages, start=1):
        if page == 1:
            _call_header(c, cl, margin, height - margin, width - 2 * margin)
            top = first_top
        else:
            text_box(c, f"{cl.cooperative} · {cl.title}", margin, height - margin, width - 2 * margin, 5 * MM,
                     BOLD, 9, 7)
            top = other_top
        y = _call_table_head(c, margin, top)
        for item in content:
            if item[0] == "head":
                _section_head(c, item[1], margin, y, total_w)
                y -= SECTION_H
                continue
            i += 1
            _call_row(c, i, item[1], margin, y, held=item[2])
            y -= ROW_H
        c.setFont(REGULAR, 7.5)
        c.setFillGray(0.35)
        c.drawString(margin, margin - 2 * MM, f"In ngày {cl.printed_on} · CoopDesk")
        c.drawRightString(width - margin, margin - 2 * MM, f"Trang {page}/{len(pages)}")
        c.setFillGray(0)
        c.showPage()
    c.save()
    return buf.getvalue()


def _call_header(c, cl: CallList, x: float, top: float, width: float) -> None:  # noqa: ANN001
    text_box(c, cl.cooperative.upper(), x, top, width * 0.6, 6 * MM, BOLD, 11, 8)
    text_box(c, cl.coop_line, x, top - 5.5 * MM, width * 0.6, 4.5 * MM, REGULAR, 8, 6.5)
    text_box(c, cl.printed_on, x + width * 0.6, top, width * 0.4, 5 * MM, REGULAR, 8, 7, align="right")
    c.setFillColorRGB(0.72, 0.11, 0.11)
    text_box(c, cl.heading, x, top - 11 * MM, width, 7.5 * MM, BOLD, 15, 10, align="center")
    c.setFillGray(0)
    text_box(c, cl.title + " · " + cl.decided, x, top - 18.5 * MM, width, 5 * MM, BOLD, 9.5, 7, align="center")
    text_box(c, "Lý do: " + cl.reason, x, top - 23.5 * MM, width, 5 * MM, REGULAR, 9, 7, align="center")
    text_box(c, "Lô: " + cl.lots + "   ·   " + cl.counts, x, top - 28.5 * MM, width, 5 * MM, REGULAR, 8.5, 6.5,
             align="center")


BOX = 2.6 * MM
BOX_ROW = 3.9 * MM


def _box_form(c, width: float, name: str, labels: tuple[str, ...]) -> None:  # noqa: ANN001
    """Tick boxes (2 × 2) with their labels, drawn once per document as a PDF form and placed on every row:
    the same marks, a smaller file, a faster 2,000-buyer list. Origin: the top-left corner of the group."""
    c.beginForm(name, lowerx=-1, lowery=-(BOX_ROW + BOX + 2 * MM), upperx=width + 1, uppery=2 * MM)
    c.setLineWidth(0.5)
    for i, label in enumerate(labels):
        bx = (i % 2) * width / 2
        by = -(i // 2) * BOX_ROW - BOX
        c.rect(bx, by, BOX, BOX, stroke=1, fill=0)
        text_box(c, label, bx + BOX + 1 * MM, by + BOX + 0.4 * MM, width / 2 - BOX - 1.5 * MM, 3.4 * MM,
                 REGULAR, 7, 5.5, max_lines=1)
    c.endForm()


def _boxes(c, x: float, top: float, width: float, recorded: str, outcome: str,  # noqa: ANN001
           held: bool = False) -> None:
    """The tick boxes of one row; an outcome already recorded is written above them and its box ticked."""
    y0 = top - 0.6 * MM
    if recorded:
        text_box(c, recorded, x, top, width, 3.6 * MM, REGULAR, 7, 5.5, max_lines=1)
        y0 = top - 3.6 * MM
    labels = HELD_BOXES if held else OUTCOME_BOXES
    c.saveState()
    c.translate(x, y0)
    c.doForm("held_boxes" if held else "outcome_boxes")
    if outcome in labels:
        i = labels.index(outcome)
        bx, by = (i % 2) * width / 2, -(i // 2) * BOX_ROW - BOX  # the box's lower-left corner, as in the form
        tick = c.beginPath()
        tick.moveTo(bx + 0.45 * MM, by + 1.3 * MM)
        tick.lineTo(bx + 1.1 * MM, by + 0.45 * MM)
        tick.lineTo(bx + BOX - 0.35 * MM, by + BOX - 0.3 * MM)
        c.setLineWidth(0.9)
        c.drawPath(tick, stroke=1, fill=0)
    c.restoreState()


def _call_table_head(c, x: float, top: float) -> float:  # noqa: ANN001
    h = 7 * MM
    total = sum(w for _h, w in CALL_COLUMNS) * MM
    c.setFillColorRGB(0.87, 0.93, 0.87)
    c.rect(x, top - h, total, h, stroke=0, fill=1)
    c.setFillGray(0)
    cx = x
    for head, w in CALL_COLUMNS:
        text_box(c, head, cx + 1.2 * MM, top - 1.6 * MM, w * MM - 2.4 * MM, h - 2 * MM, BOLD, 8, 6)
        cx += w * MM
    c.setLineWidth(0.6)
    c.line(x, top - h, x + total, top - h)
    return top - h


def _section_head(c, text: str, x: float, top: float, width: float) -> None:  # noqa: ANN001
    """A band across the table that starts a section (to call / to tell of a held order)."""
    c.setFillColorRGB(0.95, 0.91, 0.84)
    c.rect(x, top - SECTION_H, width, SECTION_H, stroke=0, fill=1)
    c.setFillGray(0)
    text_box(c, text, x + 1.5 * MM, top - 1.8 * MM, width - 3 * MM, SECTION_H - 2.5 * MM, BOLD, 9.5, 7,
             max_lines=1)
    c.setLineWidth(0.6)
    c.line(x, top - SECTION_H, x + width, top - SECTION_H)


def _call_row(c, n: int, r: CallRow, x: float, top: float, held: bool = False) -> None:  # noqa: ANN001
    pad = 1.2 * MM
    shipped = " ".join(x for x in (r.carrier, r.tracking) if x)
    cells = (
        (str(n), None),
        (r.name, r.address),
        (r.phone, None),
        (r.orders, r.order_date),
        (f"SL {r.quantity} · {r.products}", None),
        (r.situation, " · ".join(x for x in (shipped, r.refund_text) if x)),
        (f"{r.outcome} · {r.outcome_by}" if r.outcome_by else "", None),
    )
    cx = x
    line = 8 * LEADING
    for (main, sub), (_head, w) in zip(cells, CALL_COLUMNS, strict=True):
        inner = w * MM - 2 * pad
        bold = BOLD if _head in ("Điện thoại", "Khách hàng · địa chỉ") else REGULAR
        if _head.startswith("Kết quả"):
            _boxes(c, cx + pad, top - pad, inner, main, r.outcome, held)
        elif _head.startswith("Sản phẩm"):
            text_box(c, main, cx + pad, top - pad, inner, ROW_H - 2 * pad, bold, PRODUCT_SIZE, PRODUCT_MIN,
                     max_lines=3)
        elif sub is None:
            text_box(c, main, cx + pad, top - pad, inner, ROW_H - 2 * pad, bold, 9, 5.5, max_lines=2)
        else:
            if main:
                text_box(c, main, cx + pad, top - pad, inner, line, bold, 8.5, 6.5, max_lines=1)
            text_box(c, sub, cx + pad, top - pad - (line if main else 0), inner,
                     ROW_H - 2 * pad - (line if main else 0), REGULAR, 7.5, 5.5, max_lines=2)
        cx += w * MM
    c.setLineWidth(0.3)
    c.setStrokeGray(0.6)
    c.line(x, top - ROW_H, cx, top - ROW_H)
    c.setStrokeGray(0)


# --- the summary for the authorities ------------------------------------------------------------------------

@dataclass(frozen=True)
class LotLine:
    code: str
    product: str
    role: str  # "Lô nghi vấn" / "Làm ra từ lô nghi vấn"
    produced: str
    out: int  # sent to buyers (in transit, delivered, returned)
    held: int  # in orders the recall held: they will not be sent
    returned: int
    on_hand: str
    still_out: int
    not_held: int = 0  # in orders not yet handed to a carrier and not yet held: still to stop


@dataclass(frozen=True)
class Summary:
    cooperative: str
    tax_code: str
    address: str
    phone: str
    number: str  # "Số 3/2026/TH"
    status: str
    day: str
    decided_by: str
    reason: str
    public_reason: str
    started_from: str
    how_traced: tuple[str, ...]
    lots: tuple[LotLine, ...]
    one_step_back: tuple[tuple[str, str], ...]  # (what, detail)
    buyers: tuple[tuple[str, str], ...]  # (label, figure)
    # Section 5: a header row, then per outcome (every one the domain defines) its count of buyers in each
    # column, and a total row; then (label, detail) lines: reached, not reached, the held orders, refunds.
    outcomes: tuple[tuple[str, ...], ...]
    ended: str
    printed_on: str
    contact: tuple[tuple[str, str], ...] = ()


def summary_pdf(s: Summary) -> bytes:
    """A4 portrait report: what, why, quantities produced / sent / held / returned / still out, one step back,
    one step forward, how it was traced, and the signatures."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    new_canvas(io.BytesIO(), A4)  # registers the fonts
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=9.5, leading=9.5 * LEADING)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=8.5 * LEADING)
    head = ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=15, leading=15 * LEADING, alignment=1,
                          textColor=colors.HexColor("#b71c1c"))
    center = ParagraphStyle("center", parent=base, alignment=1)
    h2 = ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=11, leading=11 * LEADING, spaceBefore=8,
                        spaceAfter=3, textColor=colors.HexColor("#1b5e20"))
    cell = ParagraphStyle("cell", parent=base, fontSize=8.5, leading=8.5 * LEADING)
    cell_b = ParagraphStyle("cellb", parent=cell, fontName=BOLD)

    def p(text: str, style: ParagraphStyle = base) -> Paragraph:
        from xml.sax.saxutils import escape

        return Paragraph(escape(plain_text(text)), style)

    # Every table names the kit's font: a table's own default is Helvetica, which would enter the PDF unembedded.
    grid = TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR),
                       ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa89b")),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ddeedd")),
                       ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                       ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
    pairs = TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)])
    story = [
        p(s.cooperative.upper(), ParagraphStyle("coop", parent=base, fontName=BOLD, fontSize=11, leading=11 * LEADING)),
        p(" · ".join(x for x in (s.address, s.phone, f"MST {s.tax_code}" if s.tax_code else "") if x), small),
        Spacer(1, 8),
        p("BÁO CÁO THU HỒI SẢN PHẨM", head),
        p(f"{s.number} · Tình trạng: {s.status}", center),
        p("Truy xuất theo nguyên tắc “một bước trước – một bước sau” (Thông tư 02/2024/TT-BKHCN)",
          ParagraphStyle("note", parent=small, alignment=1)),
        Spacer(1, 4),
        p("1. Quyết định thu hồi", h2),
    ]
    facts = [("Ngày quyết định", s.day), ("Người quyết định", s.decided_by or "—"), ("Bắt đầu từ", s.started_from),
             ("Lý do", s.reason), ("Lý do công bố trên trang truy xuất", s.public_reason)]
    if s.ended:
        facts.append(("Kết thúc", s.ended))
    story.append(Table([[p(a, cell_b), p(b, cell)] for a, b in facts], colWidths=[50 * MM, 124 * MM],
                       style=pairs))
    story.append(p("2. Sản phẩm và số lượng", h2))
    heads = ["Lô", "Sản phẩm", "Vai trò", "Đã sản xuất", "Đã bán ra", "Đã giữ lại, không giao", "Đã thu về",
             "Tồn kho (cách ly)", "Còn ngoài thị trường"]
    rows = [[p(h, cell_b) for h in heads]]
    for lot in s.lots:
        rows.append([p(lot.code, cell_b), p(lot.product, cell), p(lot.role, cell), p(lot.produced, cell),
                     p(str(lot.out), cell),
                     p(f"{lot.held} (+{lot.not_held} chưa giữ)" if lot.not_held else str(lot.held), cell),
                     p(str(lot.returned), cell), p(lot.on_hand, cell),
                     p(str(lot.still_out), cell_b)])
    widths = [27, 28, 20, 19, 14, 17, 14, 19, 18]
    story.append(Table(rows, colWidths=[w * MM for w in widths], style=grid, repeatRows=1))
    story.append(Spacer(1, 3))
    story.append(p("Số lượng tính bằng gói (lô đã đóng gói) hoặc kg (nguyên liệu). “Còn ngoài thị trường” = đang "
                   "vận chuyển và đã giao, trừ phần khách đã gửi trả. “Chưa giữ” = trong đơn chưa giao cho hãng "
                   "vận chuyển nhưng chưa được giữ lại.", small))
    story.append(p("3. Một bước trước: nguồn gốc", h2))
    story.append(Table([[p(a, cell_b), p(b, cell)] for a, b in s.one_step_back] or [[p("—", cell), p("", cell)]],
                       colWidths=[50 * MM, 124 * MM], style=pairs))
    story.append(p("4. Một bước sau: khách hàng đã nhận", h2))
    story.append(Table([[p(a, cell_b), p(b, cell)] for a, b in s.buyers], colWidths=[87 * MM, 87 * MM],
                       style=pairs))
    fifth = [p("5. Kết quả liên hệ khách hàng", h2)]
    if s.outcomes:
        head_row, *body = s.outcomes
        num = ParagraphStyle("num", parent=cell, alignment=2)
        num_b = ParagraphStyle("numb", parent=num, fontName=BOLD)
        table = [[p(h, cell_b) for h in head_row]]
        table += [[p(r[0], cell_b if i == len(body) - 1 else cell),
                   *(p(v, num_b if i == len(body) - 1 else num) for v in r[1:])] for i, r in enumerate(body)]
        first = 174 - 30 * (len(head_row) - 1)
        fifth.append(Table(table, colWidths=[first * MM] + [30 * MM] * (len(head_row) - 1), style=grid))
        fifth.append(Spacer(1, 3))
    fifth.append(Table([[p(a, cell_b), p(b, cell)] for a, b in s.contact] or [[p("—", cell), p("", cell)]],
                       colWidths=[87 * MM, 87 * MM], style=pairs))
    story.append(KeepTogether(fifth))  # the outcomes and their totals are read together
    last = [p("6. Cách truy xuất", h2), *(p("• " + step, cell) for step in s.how_traced), Spacer(1, 14)]
    sign = ParagraphStyle("sign", parent=base, fontName=BOLD, alignment=1)
    last.append(Table([[p("NGƯỜI LẬP BÁO CÁO", sign), p("ĐẠI DIỆN HỢP TÁC XÃ", sign)],
                        [p("(Ký, ghi rõ họ tên)", ParagraphStyle("i", parent=small, alignment=1)),
                         p("(Ký, ghi rõ họ tên, đóng dấu)", ParagraphStyle("i2", parent=small, alignment=1))]],
                      colWidths=[87 * MM, 87 * MM], style=TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR)])))
    story.append(KeepTogether(last))  # the method and the signatures stay on one page

    def footer(canvas, doc) -> None:  # noqa: ANN001
        canvas.setFont(REGULAR, 7.5)
        canvas.setFillGray(0.35)
        canvas.drawString(15 * MM, 9 * MM, f"{s.number} · in ngày {s.printed_on} · CoopDesk")
        canvas.drawRightString(A4[0] - 15 * MM, 9 * MM, f"Trang {doc.page}")

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * MM, rightMargin=15 * MM, topMargin=14 * MM,
                            bottomMargin=16 * MM, title=f"Báo cáo thu hồi {s.number}", author="CoopDesk",
                            invariant=1)
    def canvas(target, pagesize, **_options):  # noqa: ANN001, ANN202 - the kit's canvas: no Helvetica in the PDF
        return new_canvas(target, pagesize, f"Báo cáo thu hồi {s.number}")

    doc.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=canvas)
    return buf.getvalue()
