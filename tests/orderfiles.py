"""Small order exports built in the test itself (no sample files needed): TikTok's column names, text cells."""

from __future__ import annotations

import csv
from pathlib import Path

HEAD = ["Order ID", "Order Status", "Seller SKU", "Product Name", "Quantity", "SKU Unit Original Price",
        "SKU Subtotal After Discount", "Shipping Fee After Discount", "Order Amount", "Created Time", "Recipient",
        "Phone #", "Province", "Commune", "Detail Address", "Payment Method"]


def order_row(order_id: str, sku: str = "YDI-BUN-500", qty: str = "2", **fields: str) -> dict[str, str]:
    """One SKU line of an order: 2 × 40.000 ₫ + 30.000 ₫ shipping unless told otherwise."""
    row = {"Order ID": order_id, "Order Status": "Chờ vận chuyển", "Seller SKU": sku, "Product Name": "Bún sắn khô",
           "Quantity": qty, "SKU Unit Original Price": "40000", "SKU Subtotal After Discount": "80000",
           "Shipping Fee After Discount": "30000", "Order Amount": "110000", "Created Time": "20/11/2026 20:15:00",
           "Recipient": "Nguyễn Thị Hồng", "Phone #": "0912345678", "Province": "Điện Biên", "Commune": "Xã Nà Tấu",
           "Detail Address": "Bản Nà Tấu 2", "Payment Method": "Thanh toán khi giao hàng"}
    row.update({k.replace("_", " "): v for k, v in fields.items()})
    return row


def orders(n: int, start: int = 579362710751959000) -> list[dict[str, str]]:
    """``n`` one-line orders with 18-digit TikTok ids."""
    return [order_row(str(start + i)) for i in range(n)]


def write_csv(path: Path, rows: list[dict[str, str]], head: list[str] | None = None) -> Path:
    head = head or HEAD
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(head)
        for r in rows:
            w.writerow([r.get(h, "") for h in head])
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]], head: list[str] | None = None,
               formulas: dict[tuple[int, str], str] | None = None) -> Path:
    """An xlsx of text cells; ``formulas`` puts a formula with no cached value at (row index, column)."""
    from openpyxl import Workbook

    head = head or HEAD
    wb = Workbook()
    ws = wb.active
    ws.title = "OrderSKUList"
    ws.append(head)
    for i, r in enumerate(rows):
        ws.append([r.get(h, "") for h in head])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"
        for (index, column), formula in (formulas or {}).items():
            if index == i:
                ws.cell(ws.max_row, head.index(column) + 1).value = formula  # openpyxl stores no cached value
    wb.save(path)
    return path


def with_sheet_rows(data: bytes, rows: int) -> bytes:
    """The xlsx ``data`` with ``rows`` more one-cell rows written straight into its sheet's XML (fast: no openpyxl)."""
    import io
    import re
    import zipfile

    extra = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%d</t></is></c></row>' % (n, n, n)
                     for n in range(10, 10 + rows))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(rb"</sheetData>", extra + b"</sheetData>", body)
            dst.writestr(item.filename, body)
    return out.getvalue()
