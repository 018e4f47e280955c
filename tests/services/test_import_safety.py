"""Issue 11: imports never change what the file says without saying so, and never end in a traceback.

Each test is built from the input that once went wrong.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from coopdesk.documents.spreadsheets import MAX_ROWS
from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.money import MAX_VND, MoneyError, parse_vnd
from coopdesk.domain.tiktok import MAX_LINES_PER_ORDER
from coopdesk.services import catalog, diary
from coopdesk.services import order_import as oi
from coopdesk.services import traceability as trace
from tests.orderfiles import HEAD, order_row, orders, with_sheet_rows, write_csv, write_xlsx


def count(db, table="orders") -> int:
    return db.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def snapshot(db) -> tuple[int, ...]:
    return tuple(count(db, t) for t in ("orders", "order_lines", "customers", "allocations", "products",
                                        "lot_events"))


# --- 1. an unreadable date rejects its row, naming row, column and value ---------------------------------------

@pytest.mark.parametrize("text", ["31/02/2025", "hôm qua", "2025-13-01 10:00:00", "20/11/2026 25:61"])
def test_unreadable_created_time_rejects_the_row(database, tmp_path, text):
    rows = orders(3)
    rows[1]["Created Time"] = text
    r = oi.import_orders(database, write_csv(tmp_path / "dates.csv", rows))
    assert r["committed"] is False and count(database) == 0
    assert [x["row"] for x in r["rejected"]] == [3]
    reason = r["rejected"][0]["reason"]
    assert "Created Time" in reason and f"“{text}”" in reason


def test_a_readable_date_is_kept_and_a_missing_one_is_said(database, tmp_path):
    rows = orders(2)
    rows[1]["Created Time"] = ""
    r = oi.import_orders(database, write_csv(tmp_path / "d.csv", rows))
    assert r["committed"] and any("Created Time" in w or "thời gian tạo" in w.lower() for w in r["warnings"])
    days = sorted(x["created_at"][:10] for x in database.query("SELECT created_at FROM orders"))
    assert days == sorted(["2026-11-20", date.today().isoformat()])


# --- 2. rows pasted twice count once; two different rows for one order+SKU are both kept and flagged ----------

def test_rows_pasted_twice_count_once_with_a_warning(database, tmp_path):
    rows = orders(40)
    r = oi.import_orders(database, write_csv(tmp_path / "twice.csv", rows + rows))
    assert (r["orders_new"], r["lines"]) == (40, 40)
    assert count(database, "order_lines") == 40
    repeats = [w for w in r["warnings"] if "42" in w and "2" in w and ("lặp" in w or "repeats" in w)]
    assert repeats, r["warnings"][:3]  # row 42 repeats row 2: the rows are named


def test_different_rows_for_one_order_and_sku_are_kept_and_flagged(database, tmp_path):
    rows = [order_row("579362710751959001", qty="2"), order_row("579362710751959001", qty="3")]
    r = oi.import_orders(database, write_csv(tmp_path / "twins.csv", rows))
    assert r["lines"] == 2 and count(database, "order_lines") == 2
    flagged = [w for w in r["warnings"] if "YDI-BUN-500" in w and "2" in w and "3" in w]
    assert flagged


# --- 3. a formula with no cached value is read as its text, in all three importers -----------------------------

def test_order_formula_without_cached_value_is_its_text(database, tmp_path):
    formula = '=HYPERLINK("http://x","bấm")'
    path = write_xlsx(tmp_path / "f.xlsx", orders(2), formulas={(0, "Recipient"): formula,
                                                                 (1, "Detail Address"): "=A1&B1"})
    assert load_workbook(path, data_only=True).active.cell(2, HEAD.index("Recipient") + 1).value is None
    oi.import_orders(database, path)
    stored = {r["name"] for r in database.query("SELECT name FROM orders")}
    assert formula in stored
    assert database.query("SELECT street FROM orders WHERE street = '=A1&B1'")


def test_catalog_formula_without_cached_value_is_its_text(database, tmp_path):
    from coopdesk.domain.products import ProductDraft

    catalog.save_product(database, ProductDraft(sku="YDI-BUN-500", name="Bún sắn khô", price="40k"))
    path = tmp_path / "c.xlsx"
    catalog.export_xlsx(database, path)
    wb = load_workbook(path)
    ws = wb["Sản phẩm"]
    ws.cell(2, 2).value = '="Bún "&"sắn"'
    wb.save(path)
    preview = catalog.preview_import(database, path)
    assert preview.ok, [str(e) for e in preview.errors]
    assert [p.name for p in preview.updated] == ['="Bún "&"sắn"']


def test_diary_formula_without_cached_value_is_its_text(demo_db, tmp_path):
    lot = trace.create_lot(demo_db, "NL-SAN-TUOI", area_ids=[1], day=date(2026, 3, 1)).code
    path = diary.write_template(demo_db, tmp_path / "d.xlsx")
    wb = load_workbook(path)
    ws = wb["Nhật ký"]
    ws.delete_rows(2, ws.max_row)
    ws.append(["01/03/2026", "Gieo trồng", "Lê Văn Thắng", "Ruộng sắn Đồng Mới", "", "Sắn KM94"])
    ws.cell(2, 15).value = '=CONCAT("giống ","KM94")'
    wb.save(path)
    preview = diary.preview_diary(demo_db, lot, path, date(2026, 11, 23))
    assert preview.ok, [str(e) for e in preview.errors]
    assert preview.events[0][1].note == '=CONCAT("giống ","KM94")'


# --- 4. import the good orders, hold back the bad ones whole ----------------------------------------------------

def _mixed(tmp_path: Path) -> Path:
    rows = orders(5)
    rows.insert(2, order_row("579362710751959001", sku="YDI-MIEN-200", qty="hai"))  # order ...001, second line
    rows[0]["Phone #"] = "0388123456"
    rows.append(order_row("", qty="1"))
    return write_csv(tmp_path / "live.csv", rows)


def test_without_skip_rejected_the_file_is_refused_whole(database, tmp_path):
    r = oi.import_orders(database, _mixed(tmp_path))
    assert r["committed"] is False and count(database) == 0 and r["held_back_file"] is None
    assert not list(tmp_path.glob("*held back*")) and not list(tmp_path.glob("*giữ lại*"))


def test_skip_rejected_imports_the_good_and_holds_back_whole_orders(database, tmp_path):
    source = _mixed(tmp_path)
    dry = oi.import_orders(database, source, dry_run=True, skip_rejected=True)
    assert dry["committed"] is False and count(database) == 0 and not Path(dry["held_back_file"]).exists()
    r = oi.import_orders(database, source, skip_rejected=True)
    assert r["committed"] and (r["orders_new"], r["orders_held_back"], r["rows_held_back"]) == (4, 2, 3)
    stored = {x["platform_order_id"] for x in database.query("SELECT platform_order_id FROM orders")}
    assert "579362710751959001" not in stored and len(stored) == 4  # never half an order
    held = Path(r["held_back_file"])
    assert held.parent == source.parent and held.suffix == ".xlsx"
    ws = load_workbook(held).active
    header = [c.value for c in ws[1]]
    assert header[:len(HEAD)] == HEAD
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type == "s" and c.number_format == "@" for c in cells if c.value is not None)
    ids = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert ids.count("579362710751959001") == 2 and "" in [i or "" for i in ids]  # 18 digits intact, as text
    assert any("hai" in (ws.cell(r, len(header)).value or "") for r in range(2, ws.max_row + 1))
    # Fixed in the held-back file, it imports like the original.
    wb = load_workbook(held)
    ws = wb.active
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, HEAD.index("Quantity") + 1).value == "hai":
            ws.cell(r, HEAD.index("Quantity") + 1).value = "2"
        if not ws.cell(r, 1).value:
            ws.delete_rows(r)
    wb.save(held)
    again = oi.import_orders(database, held)
    assert again["committed"] and again["orders_new"] == 1 and again["lines"] == 2
    phone = database.query("SELECT phone FROM orders WHERE platform_order_id = ?", (str(579362710751959000),))
    assert phone[0]["phone"] == "+84388123456"


def test_the_held_back_file_never_overwrites_another(database, tmp_path):
    source = _mixed(tmp_path)
    plan = oi.preview_import(database, source)
    first = oi.write_held_back(plan)
    second = oi.held_back_path(plan)
    assert first.exists() and second != first and second.parent == first.parent


def test_cli_skip_rejected(tmp_path, db_path):
    source = _mixed(tmp_path)
    cmd = [sys.executable, "-m", "coopdesk", "import-orders", str(source), "--data", str(db_path), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and json.loads(out.stdout)["committed"] is False and "Traceback" not in out.stderr
    out = subprocess.run([*cmd, "--skip-rejected"], capture_output=True, text=True, timeout=120)
    report = json.loads(out.stdout)
    assert out.returncode == 0 and report["committed"] and report["orders_held_back"] == 2
    assert Path(report["held_back_file"]).exists()


# --- 5. a header-only file is empty --------------------------------------------------------------------------------

@pytest.mark.parametrize("maker", [write_csv, write_xlsx])
def test_header_only_file_is_refused_as_empty(database, tmp_path, maker):
    path = maker(tmp_path / f"empty.{'csv' if maker is write_csv else 'xlsx'}", [])
    with pytest.raises(CoopDeskError) as info:
        oi.preview_import(database, path)
    assert path.name in info.value.message and "trống" in info.value.message


# --- 6. money and quantities are bounded in the domain, reported with row and field ---------------------------

@pytest.mark.parametrize(("column", "value"), [("Order Amount", "9" * 19), ("SKU Unit Original Price", "1e20"),
                                               ("Shipping Fee After Discount", "9999999999999999999"),
                                               ("Order Amount", str(MAX_VND + 1)), ("Quantity", "1" + "0" * 20),
                                               ("Order Amount", "١٢٣"), ("Quantity", "２")])
def test_huge_or_foreign_numbers_are_rejected_with_row_and_field(database, tmp_path, column, value):
    rows = orders(2)
    rows[1][column] = value
    path = write_csv(tmp_path / "big.csv", rows)
    dry = oi.import_orders(database, path, dry_run=True)
    r = oi.import_orders(database, path)
    assert dry["rejected"] == r["rejected"] and [x["row"] for x in r["rejected"]] == [3]
    label = {"Order Amount": "Order Amount", "SKU Unit Original Price": "SKU Unit Original Price",
             "Shipping Fee After Discount": "Shipping Fee After Discount", "Quantity": "Số lượng"}[column]
    assert label in r["rejected"][0]["reason"] and count(database) == 0


def test_the_bound_is_stated():
    assert parse_vnd("1.000.000.000.000") == MAX_VND
    with pytest.raises(MoneyError) as info:
        parse_vnd("1.000.000.000.001")
    assert "1.000.000.000.000" in str(info.value)
    with pytest.raises(MoneyError):
        parse_vnd("1" * 400)
    with pytest.raises(MoneyError):
        parse_vnd("2000000tr")


def test_catalog_price_and_diary_quantity_1e20(demo_db, tmp_path):
    from coopdesk.domain.lots import EventDraft, validate_event
    from coopdesk.domain.products import ProductDraft, validate_product

    with pytest.raises(ValidationError) as info:
        validate_product(ProductDraft(sku="X-1", name="X", price=str(int(1e20))), None, None)
    assert info.value.fields == ["price"]
    registry = trace.inputs(demo_db)
    for qty in (str(int(1e20)), "9" * 400, "1e20"):
        with pytest.raises(ValidationError) as info:
            validate_event(EventDraft(kind="harvest", day="01/06/2026", person="Lê Văn Thắng", quantity_kg=qty),
                           registry, date(2026, 11, 23))
        assert "quantity_kg" in info.value.fields
    wb = Workbook()
    ws = wb.active
    ws.title = "Sản phẩm"
    ws.append(["Mã SKU", "Tên sản phẩm", "Giá bán (đồng)"])
    ws.append(["X-1", "Xôi", 1e20])
    wb.save(tmp_path / "price.xlsx")
    preview = catalog.preview_import(demo_db, tmp_path / "price.xlsx")
    assert [(e.row, e.message.split(":")[0]) for e in preview.errors] == [(2, "Giá bán")]


def test_add_order_shipping_overflow_is_a_message(tmp_path, demo_path):
    out = subprocess.run([sys.executable, "-m", "coopdesk", "add-order", "--data", str(demo_path), "--phone",
                          "0912345678", "--name", "Hồng", "--province", "Điện Biên", "--commune", "Xã Nà Tấu",
                          "--item", "YDI-BUN-500:1", "--shipping", "9999999999999999999"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "Traceback" not in out.stderr and "1.000.000.000.000" in out.stderr


# --- 8. the unpacked size and row count are checked before parsing, lines per order bounded ------------------

def test_zip_bomb_is_refused_before_parsing(database, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (300 * 1024 * 1024) + b"</worksheet>")
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 2 * 1024 * 1024
    for read in (lambda: oi.preview_import(database, path), lambda: catalog.preview_import(database, path)):
        with pytest.raises(CoopDeskError) as info:
            read()
        assert "bomb.xlsx" in info.value.message and "MB" in info.value.message


def test_rows_are_counted_before_parsing(database, tmp_path, monkeypatch):
    from coopdesk.documents import spreadsheets

    path = tmp_path / "rows.xlsx"
    path.write_bytes(with_sheet_rows(write_xlsx(tmp_path / "base.xlsx", orders(2)).read_bytes(), MAX_ROWS))
    parsed = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: parsed.append(1))
    for read in (lambda: oi.preview_import(database, path), lambda: spreadsheets.read_xlsx(path)):
        with pytest.raises(CoopDeskError) as info:
            read()
        assert "rows.xlsx" in info.value.message and "50.000" in info.value.message
    assert parsed == []  # refused before openpyxl saw the file


def _with_dimension(path, ref: str):
    """The workbook with its sheet's declared size rewritten to ``ref`` (as a careless writer leaves it)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as src, zipfile.ZipFile(buf, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.endswith("sheet1.xml"):
                body = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), body)
                assert ref.encode() in body
            dst.writestr(item, body)
    path.write_bytes(buf.getvalue())
    return path


def test_a_wrong_declared_size_neither_refuses_nor_truncates(database, tmp_path):
    path = _with_dimension(write_xlsx(tmp_path / "dim.xlsx", orders(3)), "A1:P150001")
    assert oi.import_orders(database, path)["orders_new"] == 3


def test_one_order_with_too_many_lines_is_rejected(database, tmp_path):
    rows = [order_row("579362710751959001", sku=f"SKU-{i}") for i in range(MAX_LINES_PER_ORDER + 1)]
    rows += orders(1)
    r = oi.import_orders(database, write_csv(tmp_path / "lines.csv", rows), skip_rejected=True)
    assert r["orders_new"] == 1 and r["orders_held_back"] == 1 and r["rows_held_back"] == MAX_LINES_PER_ORDER + 1
    assert str(MAX_LINES_PER_ORDER) in r["rejected"][0]["reason"]


def test_a_held_back_file_imported_again_holds_back_once_more(database, tmp_path):
    first = oi.import_orders(database, _mixed(tmp_path), skip_rejected=True)
    again = oi.import_orders(database, Path(first["held_back_file"]), skip_rejected=True)
    assert again["orders_new"] == 0 and again["orders_held_back"] == 2
    header = [c.value for c in load_workbook(again["held_back_file"]).active[1]]
    assert header.count(oi.REASON_COLUMN) == 1 and header[:len(HEAD)] == HEAD


def test_a_wrong_sheet_dimension_never_drops_rows_or_columns(database, tmp_path):
    path = _with_dimension(write_xlsx(tmp_path / "dim.xlsx", orders(3)), "A1:B2")
    r = oi.import_orders(database, path)
    assert (r["orders_new"], r["lines"]) == (3, 3)
    assert {x["name"] for x in database.query("SELECT name FROM orders")} == {"Nguyễn Thị Hồng"}


def test_held_back_rows_of_the_order_sheet_keep_its_vietnamese_columns(demo_db, tmp_path):
    path = oi.write_template(tmp_path / "don.xlsx")
    wb = load_workbook(path)
    ws = wb["Đơn hàng"]
    ws.append(["ZL-0001", "", "YDI-BUN-500", "Bún sắn khô", "3", "40000", "", "20000", "", "", "Lò Văn Páo",
               "0988111222", "Điện Biên", "Xã Nà Tấu", "Bản 3", "", "", "Zalo"])
    ws.append(["ZL-0002", "", "YDI-BUN-500", "Bún sắn khô", "ba", "40000", "", "20000", "", "", "Lò Thị Ánh",
               "0388111222", "Điện Biên", "Xã Nà Tấu", "Bản 4", "", "", "Zalo"])
    wb.save(path)
    r = oi.import_orders(demo_db, path, skip_rejected=True)
    assert (r["orders_new"], r["orders_held_back"]) == (1, 1)
    held = load_workbook(r["held_back_file"]).active
    header = [c.value for c in held[1]]
    assert header[:3] == ["Mã đơn", "Trạng thái", "Mã SKU"] and held.cell(2, 1).value == "ZL-0002"
    assert held.cell(2, header.index("Điện thoại") + 1).value == "0388111222"  # the leading zero kept
    held.cell(2, header.index("Số lượng") + 1).value = "3"
    held.parent.save(r["held_back_file"])
    again = oi.import_orders(demo_db, Path(r["held_back_file"]))
    assert again["committed"] and again["orders_new"] == 1
