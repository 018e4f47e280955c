"""Writes the bad-input corpus: files under tests/corpus/files and every case's expected outcome in cases.json.

Run it again after adding a case: `.venv/bin/python -m tests.corpus.make_corpus`. The files are committed, so
the corpus test never depends on this script's output being rebuilt; the script says how each one was made.

Outcomes: "refused" (the whole file or value is refused with a message naming it), "rejected" (rows named,
nothing stored), "held" (good orders stored, bad ones held back — with --skip-rejected), "imported" (stored,
and what was stored is what the file says), "accepted" (a value read as the expected one).
"""

from __future__ import annotations

import io
import json
import random
import re
import unicodedata
import zipfile
from pathlib import Path

from tests.orderfiles import HEAD, order_row, orders, with_sheet_rows, write_csv, write_xlsx

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
CASES: list[dict] = []


def case(kind: str, name: str, expect: str, **details: object) -> None:
    CASES.append({"id": f"{kind}:{name}", "kind": kind, "file": name, "expect": expect, **details})


def value(kind: str, text: str, expect: str, **details: object) -> None:
    CASES.append({"id": f"{kind}:{text!r}", "kind": kind, "value": text, "expect": expect, **details})


def _rezip(data: bytes, change) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = change(body)
            dst.writestr(item.filename, body)
    return out.getvalue()


def order_cases() -> None:
    def bad(name: str, column: str, text: str, row: int = 1, n: int = 3) -> None:
        rows = orders(n)
        rows[row][column] = text
        write_csv(FILES / name, rows)
        case("orders", name, "rejected", rows=[row + 2], field=column)

    for i, text in enumerate(["31/02/2025", "hôm qua", "2025-02-30 10:00:00", "20/11/2026 25:61", "32/01/2026",
                              "00/00/0000"]):
        bad(f"date-{i}.csv", "Created Time", text)
    for i, text in enumerate(["9" * 19, str(10**12 + 1), "1e20", "١٢٣٠٠٠", "-5", "12,5", "abc", "1" * 400]):
        bad(f"amount-{i}.csv", "Order Amount", text)
    for i, text in enumerate(["9999999999999999999", "1e20", "٣٠٠٠٠"]):
        bad(f"shipping-{i}.csv", "Shipping Fee After Discount", text)
    for i, text in enumerate(["1e20", "9" * 25, "４００００"]):
        bad(f"price-{i}.csv", "SKU Unit Original Price", text)
    for i, text in enumerate(["0", "-1", "1.5", "hai", "1" + "0" * 20, "２", "", "1e3"]):
        bad(f"qty-{i}.csv", "Quantity", text)
    for i, text in enumerate(["5.79363E+17", "579 362 710", "ABC", "=1+1"]):
        bad(f"orderid-{i}.csv", "Order ID", text)
    bad("status.csv", "Order Status", "Đang bay")
    bad("sku-empty.csv", "Seller SKU", "")
    rows = orders(3)
    rows[1]["Order ID"] = ""
    write_csv(FILES / "orderid-empty.csv", rows)
    case("orders", "orderid-empty.csv", "rejected", rows=[3], field="Order ID")
    rows = [order_row("579362710751959001", sku=f"SKU-{i}") for i in range(201)] + orders(1)
    write_csv(FILES / "lines-201.csv", rows)
    case("orders", "lines-201.csv", "rejected", rows=[202], field="Order ID")  # its 201st line

    # Whole files refused.
    write_csv(FILES / "header-only.csv", [])
    case("orders", "header-only.csv", "refused", needle="trống")
    write_xlsx(FILES / "header-only.xlsx", [])
    case("orders", "header-only.xlsx", "refused", needle="trống")
    (FILES / "empty.csv").write_bytes(b"")
    case("orders", "empty.csv", "refused", needle="trống")
    (FILES / "blank-lines.csv").write_bytes(b"\r\n\r\n\r\n")
    case("orders", "blank-lines.csv", "refused")
    legacy = unicodedata.normalize("NFD", "\r\n579362710751959001,Đã hủy").encode("cp1258")  # Windows Vietnamese
    (FILES / "latin1.csv").write_bytes(",".join(HEAD).encode() + legacy)
    case("orders", "latin1.csv", "refused", needle="UTF-8")
    (FILES / "utf16-odd.csv").write_bytes(b"\xff\xfe" + "Order ID".encode("utf-16-le") + b"\x00")
    case("orders", "utf16-odd.csv", "refused")
    (FILES / "nul.csv").write_bytes(",".join(HEAD).encode() + b"\r\n579362710751959001\x00,x\r\n")
    case("orders", "nul.csv", "refused")
    big = "x" * 200_000
    write_csv(FILES / "huge-field.csv", [order_row("579362710751959001", Detail_Address=big)])
    case("orders", "huge-field.csv", "refused")
    (FILES / "no-order-id.csv").write_text("Tên,Giá\nA,1\n", encoding="utf-8")
    case("orders", "no-order-id.csv", "refused", needle="Order ID")
    (FILES / "no-status.csv").write_text("Order ID,Foo\n579362710751959001,2\n", encoding="utf-8")
    case("orders", "no-status.csv", "refused", needle="Order Status")
    rnd = random.Random(11)
    for i in range(4):
        (FILES / f"random-{i}.csv").write_bytes(bytes(rnd.randrange(256) for _ in range(300 + 100 * i)))
        case("orders", f"random-{i}.csv", "refused")
        (FILES / f"random-{i}.xlsx").write_bytes(b"PK\x03\x04" + bytes(rnd.randrange(256) for _ in range(400)))
        case("orders", f"random-{i}.xlsx", "refused")
    good = write_xlsx(FILES / "good.xlsx", orders(3)).read_bytes()
    case("orders", "good.xlsx", "imported", orders=3, lines=3)
    for i, cut in enumerate((10, 200, len(good) // 2, len(good) - 30)):
        (FILES / f"zip-cut-{i}.xlsx").write_bytes(good[:cut])
        case("orders", f"zip-cut-{i}.xlsx", "refused")
    for i, frac in enumerate((0.0, 0.3, 0.6, 0.95)):
        (FILES / f"xml-cut-{i}.xlsx").write_bytes(_rezip(good, lambda b, f=frac: b[:int(len(b) * f)]))
        case("orders", f"xml-cut-{i}.xlsx", "refused")
    for i, junk in enumerate((b"<", b"&", b"<!DOCTYPE x [", b"\xff\xfe")):
        (FILES / f"xml-junk-{i}.xlsx").write_bytes(_rezip(good, lambda b, j=junk: b[:300] + j + b[300:]))
        case("orders", f"xml-junk-{i}.xlsx", "refused")
    (FILES / "rows-50001.xlsx").write_bytes(with_sheet_rows(good, 50_000))
    case("orders", "rows-50001.xlsx", "refused", needle="50.000")
    (FILES / "dimension-too-large.xlsx").write_bytes(_rezip(good, lambda b: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:P150001"', b)))  # declares 150.001 rows, has 4
    case("orders", "dimension-too-large.xlsx", "imported", orders=3, lines=3)
    (FILES / "dimension-too-small.xlsx").write_bytes(_rezip(good, lambda b: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', b)))  # a script's wrong sheet size: read it all
    case("orders", "dimension-too-small.xlsx", "imported", orders=3, lines=3,
         stored=[["name", "579362710751959002", "Nguyễn Thị Hồng"]])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (260 * 1024 * 1024) + b"</worksheet>")
    (FILES / "zip-bomb.xlsx").write_bytes(buf.getvalue())
    case("orders", "zip-bomb.xlsx", "refused", needle="MB")

    # Imported: and what is stored is what the file says (or what the warning says).
    rows = orders(40)
    write_csv(FILES / "pasted-twice.csv", rows + rows)
    case("orders", "pasted-twice.csv", "imported", orders=40, lines=40, warning="42")
    write_csv(FILES / "same-sku-twice.csv", [order_row("579362710751959001", qty="2"),
                                              order_row("579362710751959001", qty="3")])
    case("orders", "same-sku-twice.csv", "imported", orders=1, lines=2, warning="YDI-BUN-500")
    formula = '=HYPERLINK("http://x","bấm")'
    write_xlsx(FILES / "formula-recipient.xlsx", orders(2), formulas={(0, "Recipient"): formula})
    case("orders", "formula-recipient.xlsx", "imported", orders=2, lines=2,
         stored=[["name", "579362710751959000", formula]])
    write_xlsx(FILES / "formula-orderid.xlsx", orders(2), formulas={(1, "Order ID"): "=A2+1"})
    case("orders", "formula-orderid.xlsx", "rejected", rows=[3], field="Order ID")
    for i, (phone, e164) in enumerate((("+84 (0) 912 345 678", "+84912345678"), ("+840912345678", "+84912345678"),
                                       ("０９１２３４５６７８", "+84912345678"),
                                       ("0912345678 hay 0988111222", "+84912345678"),
                                       ("0912345678 | 0988111222", "+84912345678"))):
        rows = [order_row("579362710751959001")]
        rows[0]["Phone #"] = phone
        write_csv(FILES / f"phone-{i}.csv", rows)
        case("orders", f"phone-{i}.csv", "imported", orders=1, lines=1,
             stored=[["phone", "579362710751959001", e164]])
    rows = orders(1)
    rows[0]["Created Time"] = "20/11/2026"
    write_csv(FILES / "date-only.csv", rows)
    case("orders", "date-only.csv", "imported", orders=1, lines=1,
         stored=[["created_at", "579362710751959000", "2026-11-20 00:00:00"]])
    rows = orders(1)
    rows[0]["Created Time"] = ""
    write_csv(FILES / "date-missing.csv", rows)
    case("orders", "date-missing.csv", "imported", orders=1, lines=1, warning="thời gian tạo")
    rows = orders(1)
    rows[0].update({"Order Amount": "1,2tr", "SKU Unit Original Price": "230.000"})
    write_csv(FILES / "money-forms.csv", rows)
    case("orders", "money-forms.csv", "imported", orders=1, lines=1,
         stored=[["total", "579362710751959000", 1_200_000]])
    (FILES / "xlsx-named-csv.csv").write_bytes(good)
    case("orders", "xlsx-named-csv.csv", "imported", orders=3, lines=3)

    # Good orders imported, bad ones held back whole (with --skip-rejected).
    rows = orders(5)
    rows.insert(2, order_row("579362710751959001", qty="hai"))
    rows.append(order_row("579362710751959100", Created_Time="31/02/2025"))
    write_csv(FILES / "mixed.csv", rows)
    case("orders", "mixed.csv", "held", orders=4, held=2, held_rows=3)


def catalog_cases() -> None:
    from openpyxl import Workbook

    def sheet(name: str, rows: list[list[object]], formulas: dict[tuple[int, int], str] | None = None) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = "Sản phẩm"
        ws.append(["Mã SKU", "Tên sản phẩm", "Giá bán (đồng)", "Mã GTIN", "Khối lượng tịnh"])
        for r in rows:
            ws.append(r)
        for (r, c), f in (formulas or {}).items():
            ws.cell(r, c).value = f
        wb.save(FILES / name)

    sheet("cat-price-1e20.xlsx", [["X-1", "Xôi", 1e20]])
    case("catalog", "cat-price-1e20.xlsx", "rejected", rows=[2], field="Giá bán")
    sheet("cat-price-19.xlsx", [["X-1", "Xôi", "9" * 19]])
    case("catalog", "cat-price-19.xlsx", "rejected", rows=[2], field="Giá bán")
    sheet("cat-gtin-fullwidth.xlsx", [["X-1", "Xôi", "10000", "８９３８００００００００８"]])
    case("catalog", "cat-gtin-fullwidth.xlsx", "rejected", rows=[2], field="GTIN")
    sheet("cat-weight-huge.xlsx", [["X-1", "Xôi", "10000", "", "9" * 30 + " kg"]])
    case("catalog", "cat-weight-huge.xlsx", "rejected", rows=[2], field="Khối lượng")
    sheet("cat-formula-name.xlsx", [["X-1", "", "10000"]], formulas={(2, 2): '="Bún "&"sắn"'})
    case("catalog", "cat-formula-name.xlsx", "imported", products=1, stored=[["name", "X-1", '="Bún "&"sắn"']])
    sheet("cat-header-only.xlsx", [])
    case("catalog", "cat-header-only.xlsx", "refused", needle="trống")
    (FILES / "cat-products.csv").write_text("Mã SKU,Tên sản phẩm,Giá bán (đồng)\nX-1,Xôi,1000\n", encoding="utf-8")
    case("catalog", "cat-products.csv", "imported", products=1, stored=[["price_vnd", "X-1", 1000]])
    # Excel-VN's CSV: ';' between cells, ',' in decimals, '.' in thousands, no BOM.
    (FILES / "cat-excel-vn.csv").write_bytes("sku;name;price_vnd;weight_kg;tiktok_sku_id\r\n"
                                             "X-1;Xôi gấc;35.000;0,45;1729384756102938499\r\n".encode())
    case("catalog", "cat-excel-vn.csv", "imported", products=1,
         stored=[["price_vnd", "X-1", 35000], ["shipping_weight_g", "X-1", 450]])
    (FILES / "cat-sku-id-excel.csv").write_text("sku,name,price_vnd,tiktok_sku_id\nX-1,Xôi,1000,\"1,72938E+18\"\n",
                                                encoding="utf-8-sig")
    case("catalog", "cat-sku-id-excel.csv", "rejected", rows=[2], field="SKU TikTok")
    (FILES / "cat-weight-kg-word.csv").write_text("sku,name,price_vnd,weight_kg\nX-1,Xôi,1000,nặng\n", encoding="utf-8")
    case("catalog", "cat-weight-kg-word.csv", "rejected", rows=[2], field="Khối lượng giao hàng")
    (FILES / "cat-latin1.csv").write_bytes("sku,name,price_vnd\nX-1,Café,1000\n".encode("latin-1"))
    case("catalog", "cat-latin1.csv", "refused", needle="UTF-8")
    sheet("cat-good.xlsx", [["X-1", "Xôi", "10000"]])
    data = (FILES / "cat-good.xlsx").read_bytes()
    (FILES / "cat-xml-cut.xlsx").write_bytes(_rezip(data, lambda b: b[:len(b) // 2]))
    case("catalog", "cat-xml-cut.xlsx", "refused")
    (FILES / "cat-zip-cut.xlsx").write_bytes(data[:len(data) // 2])
    case("catalog", "cat-zip-cut.xlsx", "refused")
    (FILES / "cat-random.xlsx").write_bytes(bytes(random.Random(3).randrange(256) for _ in range(500)))
    case("catalog", "cat-random.xlsx", "refused")


def diary_cases() -> None:
    from openpyxl import Workbook

    from coopdesk.services.diary import TEMPLATE_COLUMNS

    head = [vi for _key, vi, _en in TEMPLATE_COLUMNS]

    def sheet(name: str, rows: list[list[object]], formulas: dict[tuple[int, int], str] | None = None) -> None:
        wb = Workbook()
        ws = wb.active
        ws.title = "Nhật ký"
        ws.append(head)
        for r in rows:
            ws.append(r)
        for (r, c), f in (formulas or {}).items():
            ws.cell(r, c).value = f
        wb.save(FILES / name)

    planting = ["01/03/2026", "Gieo trồng", "Lê Văn Thắng", "", "Ruộng 1", "Sắn KM94"]
    sheet("diary-qty-1e20.xlsx", [planting, ["01/06/2026", "Thu hoạch", "Lê Văn Thắng", "", "", "", "", 1e20]])
    case("diary", "diary-qty-1e20.xlsx", "rejected", rows=[3], field="Số lượng (kg)")
    sheet("diary-qty-400.xlsx", [planting, ["01/06/2026", "Thu hoạch", "Lê Văn Thắng", "", "", "", "", "9" * 400]])
    case("diary", "diary-qty-400.xlsx", "rejected", rows=[3], field="Số lượng (kg)")
    sheet("diary-date.xlsx", [planting, ["31/02/2026", "Chăm sóc", "Lê Văn Thắng"]])
    case("diary", "diary-date.xlsx", "rejected", rows=[3], field="Ngày")
    sheet("diary-packs.xlsx", [planting, ["01/06/2026", "Đóng gói", "Lê Văn Thắng", "", "", "", "", "", "9" * 30,
                                          "500 g"]])
    case("diary", "diary-packs.xlsx", "rejected", rows=[3], field="Số gói")
    sheet("diary-formula-note.xlsx", [planting], formulas={(2, 15): '=CONCAT("giống ","KM94")'})
    case("diary", "diary-formula-note.xlsx", "imported", events=1, note='=CONCAT("giống ","KM94")')
    sheet("diary-header-only.xlsx", [])
    case("diary", "diary-header-only.xlsx", "refused", needle="trống")
    data = (FILES / "diary-formula-note.xlsx").read_bytes()
    (FILES / "diary-xml-cut.xlsx").write_bytes(_rezip(data, lambda b: b[:len(b) // 3]))
    case("diary", "diary-xml-cut.xlsx", "refused")
    (FILES / "diary-diary.csv").write_text("Ngày,Công việc\n01/03/2026,Gieo trồng\n", encoding="utf-8")
    case("diary", "diary-diary.csv", "refused")


def backup_cases() -> None:
    import sqlite3

    (FILES / "backup-empty.db").write_bytes(b"")
    case("backup", "backup-empty.db", "refused")
    (FILES / "backup-random.db").write_bytes(bytes(random.Random(5).randrange(256) for _ in range(4096)))
    case("backup", "backup-random.db", "refused")
    (FILES / "backup-header-only.db").write_bytes(b"SQLite format 3\0" + b"\0" * 84)
    case("backup", "backup-header-only.db", "refused")
    conn = sqlite3.connect(FILES / "backup-other-program.db")
    conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT)")
    conn.commit()
    conn.close()
    case("backup", "backup-other-program.db", "refused")
    (FILES / "backup-orders.csv.db").write_bytes((FILES / "pasted-twice.csv").read_bytes())
    case("backup", "backup-orders.csv.db", "refused")


def value_cases() -> None:
    for text in ("9" * 19, "1e20", "1.000.000.000.001", "-5", "١٢٣", "１２３", "2000000tr", "1" * 400, "1,2,3tr"):
        value("money", text, "refused")
    for text, n in (("1.000.000.000.000", 10**12), ("120k", 120_000), ("1,2tr", 1_200_000)):
        value("money", text, "accepted", result=n)
    for text in ("+84 (0) 912 345 678", "+840912345678", "０９１２３４５６７８", "(+84) 0912.345.678"):
        value("phone", text, "accepted", result=["+84912345678"])
    for text in ("0912345678 - 0988111222", "0912345678 0988111222", "0912345678|0988111222",
                 "0912345678 hay 0988111222"):
        value("phone", text, "accepted", result=["+84912345678", "+84988111222"])
    for text in ("８９３８００００００００８", "٨٩٣٨٠٠٠٠٠٠٠٠٨", "893800000000８", "893800000000"):
        value("gtin", text, "refused")
    value("gtin", "8938000000008", "accepted", result="8938000000008")
    for text in ("HTXHONGPHUOC-{YYYY}{MM}-{NNNN}", "{PREFIX}-{NNNN}", "-{NNNN}", "HP-{YYYY}"):
        value("lot_pattern", text, "refused")
    value("lot_pattern", "HP-{YYYY}-{NNNN}", "accepted", result="HP-{YYYY}-{NNNN}")
    for text in ("https://truyxuat.htx.vn?x=1", "https://truyxuat.htx.vn/#top", "https://u:pw@truyxuat.htx.vn",
                 "http://truyxuat.htx.vn", "https://truyxuat.htx.vn/a b", "ftp://truyxuat.htx.vn"):
        value("trace_url", text, "refused")
    value("trace_url", "https://truyxuat.htx.vn/", "accepted", result="https://truyxuat.htx.vn")
    for text in ("9999999999999999999", "1e20", "-1"):
        value("order_shipping", text, "refused")
    for text in ("1e20", str(10**20), "9" * 400, "-3", "0"):
        value("diary_kg", text, "refused")


def main() -> None:
    FILES.mkdir(parents=True, exist_ok=True)
    for old in FILES.iterdir():
        old.unlink()
    order_cases()
    catalog_cases()
    diary_cases()
    backup_cases()
    value_cases()
    (HERE / "cases.json").write_text(json.dumps(CASES, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases, {len(list(FILES.iterdir()))} files")


if __name__ == "__main__":
    main()
