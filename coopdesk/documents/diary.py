"""The farming diary of a lot (nhật ký sản xuất) as an A4 PDF and as spreadsheet rows, for inspectors."""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from coopdesk.documents import fonts
from coopdesk.documents.typeset import LEADING, new_canvas
from coopdesk.i18n import translator

COLUMNS_VI = ("Ngày", "Công việc", "Vật tư", "Hoạt chất", "Liều lượng", "Số lượng", "Người thực hiện", "Địa điểm",
              "Ghi chú")


@dataclass(frozen=True)
class DiaryRow:
    day: str
    work: str
    input_name: str
    active_ingredient: str
    dose: str
    quantity: str
    person: str
    place: str
    note: str

    def cells(self) -> list[str]:
        return [self.day, self.work, self.input_name, self.active_ingredient, self.dose, self.quantity, self.person,
                self.place, self.note]


@dataclass(frozen=True)
class Diary:
    cooperative: str
    address: str
    tax_code: str
    lot_code: str
    product: str
    areas: str
    made_from: str
    rows: tuple[DiaryRow, ...]
    printed_on: str
    recalled: str = ""


def diary_pdf(d: Diary) -> bytes:
    """A4 landscape with a repeating table header, page numbers and the signature block."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = fonts.register()
    t = translator("vi")

    def style(name: str, size: float, **kw: object) -> ParagraphStyle:
        # Every line at the kit's leading: stacked marks (the dot under Ợ, the hook on Ồ) never meet.
        return ParagraphStyle(name, **{"fontName": regular, **kw}, fontSize=size, leading=size * LEADING)

    head = style("head", 15, fontName=bold, alignment=1)
    small = style("small", 8.5)
    cell = style("cell", 8.5)
    cellb = style("cellb", 8.5, fontName=bold, textColor=colors.white)

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    story = [p(d.cooperative.upper(), style("c", 11, fontName=bold)),
             p(" · ".join(x for x in (d.address, t("Tax code") + " " + d.tax_code if d.tax_code else "") if x), small),
             Spacer(1, 4 * mm),
             p("NHẬT KÝ SẢN XUẤT / FARMING DIARY", head), Spacer(1, 3 * mm)]
    facts = [("Lô / Lot", d.lot_code), ("Sản phẩm / Product", d.product)]
    if d.areas:
        facts.append(("Vùng trồng / Growing areas", d.areas))
    if d.made_from:
        facts.append(("Làm từ các lô / Made from", d.made_from))
    if d.recalled:
        facts.append(("THU HỒI / RECALLED", d.recalled))
    info = Table([[p(k, style("k", 8.5, fontName=bold)), p(v)] for k, v in facts],
                 colWidths=[55 * mm, 200 * mm])
    info.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                              ("FONTNAME", (0, 0), (-1, -1), regular)]))
    story += [info, Spacer(1, 4 * mm)]
    widths = [25, 27, 38, 26, 30, 23, 32, 34, 32]  # mm, 267 between the margins
    data = [[p(h, cellb) for h in COLUMNS_VI]] + [[p(c) for c in r.cells()] for r in d.rows]
    if not d.rows:
        data.append([p("Chưa có công việc nào được ghi."), *[""] * 8])
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), regular),  # a table's own default is Helvetica, even for an empty cell
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2e7d32")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9e9e9e")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f8e9")]),
    ]))
    story += [table, Spacer(1, 10 * mm)]
    signs = Table([[p("Người ghi nhật ký\n(ký, ghi rõ họ tên)", style("s", 8.5, alignment=1)),
                    p("Đại diện hợp tác xã\n(ký, ghi rõ họ tên, đóng dấu)", style("s2", 8.5, alignment=1))]],
                  colWidths=[120 * mm, 120 * mm])
    signs.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), regular)]))
    story.append(signs)

    def footer(canvas, doc) -> None:  # noqa: ANN001 - reportlab callback
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawString(15 * mm, 8 * mm, f"{d.lot_code} · In ngày {d.printed_on} · CoopDesk")
        canvas.drawRightString(282 * mm, 8 * mm, f"Trang {doc.page}")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=12 * mm, bottomMargin=15 * mm, title=f"Nhật ký sản xuất {d.lot_code}",
                            author=d.cooperative)
    def canvas(target, pagesize, **_options):  # noqa: ANN001, ANN202 - reportlab's canvasmaker
        return new_canvas(target, pagesize, f"Nhật ký sản xuất {d.lot_code}", d.cooperative)

    doc.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=canvas)
    return buf.getvalue()
