"""A product list as CSV (the sample's snake_case headers, UTF-8 with or without BOM, Excel-VN's ';'), its TikTok
SKU IDs remembered for order imports, and the parcel weights the handover sheet prints from it."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pdfplumber
import pytest

from coopdesk.domain import addresses
from coopdesk.domain.cooperative import CooperativeDraft
from coopdesk.domain.dates import add_months
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.domain.products import ProductDraft, draft_from_product
from coopdesk.domain.shipping import HANDOVER, Selection
from coopdesk.domain.text import fold_place
from coopdesk.services import catalog, cooperative, order_entry
from coopdesk.services import order_import as oi
from coopdesk.services import shipping_documents as sd
from tests.conftest import SAMPLES, needs_samples

PRODUCTS = SAMPLES / "products.csv"
ORDERS = SAMPLES / "tiktok_orders_small.csv"
NOW = datetime(2026, 11, 29, 9, 0)
ALL_LIVE = ("new", "packed", "handed", "delivered")


def sample_rows() -> list[dict[str, str]]:
    with PRODUCTS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]], delimiter: str = ",", bom: bool = False,
               cell=lambda key, value: value) -> Path:  # noqa: ANN001
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(list(rows[0]))
    for r in rows:
        w.writerow([cell(k, v) for k, v in r.items()])
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8"))
    return path


def count(db, table: str = "products") -> int:  # noqa: ANN001
    return db.query(f"SELECT count(*) AS n FROM {table}")[0]["n"]


def as_file(product) -> tuple:  # noqa: ANN001
    """The fields a product list sets, to compare two imports of the same list."""
    return (product.sku, product.name, product.unit, product.net_weight_g, product.shipping_weight_g,
            product.price_vnd, product.ocop_stars, product.ocop_cert_no, product.ocop_issued, product.ocop_expires,
            product.origin_province, product.origin_commune)


@needs_samples
def test_the_sample_product_list_imports_every_field(database):
    preview = catalog.preview_import(database, PRODUCTS)
    assert preview.ok, [str(e) for e in preview.errors]
    assert len(preview.new) == 20 and count(database) == 0  # a preview writes nothing
    assert preview.ignored_columns == ["cooperative", "category"]  # named, never dropped unsaid
    catalog.commit_import(database, preview)
    stored = {p.sku: p for p in catalog.list_products(database)}
    assert len(stored) == 20
    for row in sample_rows():
        p = stored[row["sku"]]
        issued = datetime.strptime(row["ocop_certified_on"], "%d/%m/%Y").date()
        assert p.name == row["name"] and p.price_vnd == int(row["price_vnd"])
        assert p.ocop_stars == int(row["ocop_stars"]) and p.ocop_cert_no == row["ocop_certificate_no"]
        assert p.ocop_issued == issued and p.ocop_expires == add_months(issued, 36)
        assert fold_place(addresses.province_name(p.origin_province)) == fold_place(row["origin_province"])
        assert addresses.commune_name(p.origin_commune) == row["origin_commune"]
        assert p.shipping_weight_g == round(float(row["weight_kg"]) * 1000)
    # 'gói 100g' is a unit and a net weight; 'chục 10 cái' or 'quả ~1,5kg' stay the unit as written.
    assert (stored["SMO-TRA-100"].unit, stored["SMO-TRA-100"].net_weight_g) == ("gói", 100)
    assert (stored["YDI-MIEN-1K"].unit, stored["YDI-MIEN-1K"].net_weight_g) == ("túi", 1000)
    assert (stored["HRX-NEM-10"].unit, stored["HRX-NEM-10"].net_weight_g) == ("chục 10 cái", None)
    assert (stored["LDU-BIDO-QUA"].unit, stored["LDU-BIDO-QUA"].net_weight_g) == ("quả ~1,5kg", None)
    assert (stored["LNX-MATONG-500"].unit, stored["LNX-MATONG-500"].net_weight_g) == ("chai 500ml", None)
    assert stored["EAT-CF-HAT1K"].ocop_stars == 5 and stored["TSE-CUDO-300"].ocop_cert_no == "986/QĐ-UBND"
    assert addresses.province_name(stored["LNX-VAI-SAY500"].origin_province).endswith("Bắc Ninh")
    ids = catalog.tiktok_sku_ids(database)
    assert {stored[r["sku"]].id: [r["tiktok_sku_id"]] for r in sample_rows()} == ids
    again = catalog.preview_import(database, PRODUCTS)
    assert len(again.unchanged) == 20 and not again.has_work  # the same list twice changes nothing


@needs_samples
@pytest.mark.parametrize("variant", ["bom", "excel-vn", "tab-suffixed"])
def test_bom_and_excel_vn_variants_read_the_same(database, tmp_path, variant):
    plain = {p.sku: as_file(p) for p in catalog.preview_import(database, PRODUCTS).new}
    rows = sample_rows()
    if variant == "bom":
        path = write_rows(tmp_path / "bom.csv", rows, bom=True)
    elif variant == "excel-vn":  # ';' between cells, decimal comma, thousands dot, as Excel in Vietnamese saves
        def vn(key: str, value: str) -> str:
            if key == "price_vnd":
                return f"{int(value):,}".replace(",", ".")
            return value.replace(".", ",") if key == "weight_kg" else value
        path = write_rows(tmp_path / "excel-vn.csv", rows, delimiter=";", cell=vn)
        assert b";" in path.read_bytes().split(b"\r\n")[0] and b"95.000" in path.read_bytes()
    else:  # Seller Center's habit: long numbers end in a tab so Excel keeps them as text
        path = write_rows(tmp_path / "tabs.csv", rows, bom=True,
                          cell=lambda k, v: v + "\t" if k == "tiktok_sku_id" else v)
    preview = catalog.preview_import(database, path)
    assert preview.ok, [str(e) for e in preview.errors]
    assert {p.sku: as_file(p) for p in preview.new} == plain
    assert set(preview.sku_ids) == {r["tiktok_sku_id"] for r in rows}


BAD = [
    ("ocop_stars", "6", "Sao OCOP", "3, 4"),
    ("ocop_certified_on", "31/02/2024", "Ngày cấp OCOP", "31/02/2024"),
    ("price_vnd", "chín mươi", "Giá bán", "chín mươi"),
    ("origin_province", "Bắc Giang", "Tỉnh", "Bắc Giang"),
    ("origin_commune", "Xã Không Có", "Xã", "Xã Không Có"),
    ("weight_kg", "nặng", "Khối lượng giao hàng", "nặng"),
    ("tiktok_sku_id", "1,72938E+18", "SKU TikTok", "1,72938E+18"),
    ("ocop_certificate_no", "", "Số chứng nhận OCOP", ""),
    ("sku", "SMO TRA 100", "Mã SKU", ""),
]


@needs_samples
@pytest.mark.parametrize(("column", "text", "field", "shown"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_cell_is_named_by_row_field_and_value_and_nothing_is_written(database, tmp_path, column, text, field,
                                                                           shown):
    rows = sample_rows()
    rows[4][column] = text  # the file's row 6 (row 1 is the header)
    path = write_rows(tmp_path / "bad.csv", rows)
    preview = catalog.preview_import(database, path)
    assert [e.row for e in preview.errors] == [6], [str(e) for e in preview.errors]
    message = str(preview.errors[0])
    assert message.startswith("bad.csv, dòng 6: ") and field in message and shown in message
    assert len(preview.new) == 19  # the other rows were read
    with pytest.raises(CoopDeskError):
        catalog.commit_import(database, preview)
    assert count(database) == 0 and count(database, "sku_map") == 0


@needs_samples
def test_repeated_sku_and_sku_id_are_named_with_both_rows(database, tmp_path):
    rows = sample_rows()
    rows[6]["sku"] = rows[2]["sku"]
    rows[9]["tiktok_sku_id"] = rows[8]["tiktok_sku_id"]
    preview = catalog.preview_import(database, write_rows(tmp_path / "twice.csv", rows))
    assert [(e.row, e.message) for e in preview.errors] == [
        (8, "Mã SKU: SMO-TRA-500 bị trùng với dòng 4"),
        (11, f"Mã SKU TikTok: {rows[8]['tiktok_sku_id']} bị trùng với dòng 10")]


def test_missing_column_and_not_utf8_are_refused_by_name(database, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("sku,name,unit\nX-1,Xôi,gói\n", encoding="utf-8")
    with pytest.raises(CoopDeskError) as info:
        catalog.preview_import(database, path)
    assert info.value.message == "list.csv không có cột “Giá bán (đồng)”."
    path.write_bytes("sku,name,price_vnd\nX-1,Cà phê,1000\n".encode("cp1258"))  # Windows' old code page
    with pytest.raises(CoopDeskError) as info:
        catalog.preview_import(database, path)
    assert "list.csv" in info.value.message and "UTF-8" in info.value.message
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(CoopDeskError) as info:
        catalog.preview_import(database, path)
    assert ".xls" in info.value.message and count(database) == 0


def test_a_short_list_never_wipes_what_it_does_not_have(database, tmp_path):
    product, _c = catalog.save_product(database, ProductDraft(
        sku="YDI-BUN-500", name="Bún sắn khô", name_en="Dried cassava noodles", unit="gói", net_weight="500 g",
        shipping_weight="550 g", price="40.000", gtin="8938000000008", storage="Nơi khô ráo",
        storage_place="Kệ A-3", ocop_stars="3", ocop_cert_no="2317/QĐ-UBND", ocop_issued="28/06/2024",
        ocop_expires="30/06/2027", certifications=[{"kind": "VietGAP", "number": "VG-1"}]))
    path = tmp_path / "gia.csv"
    path.write_text("sku;price_vnd;name\nYDI-BUN-500;42.000;Bún sắn khô\n", encoding="utf-8")
    preview = catalog.preview_import(database, path)
    assert len(preview.updated) == 1 and preview.ignored_columns == []
    catalog.commit_import(database, preview)
    after = catalog.get_product(database, product.id)
    assert after == replace(product, price_vnd=42_000)  # only the price moved


@needs_samples
def test_sku_ids_map_later_order_imports_without_asking(database, tmp_path):
    catalog.commit_import(database, catalog.preview_import(database, PRODUCTS))
    # The shop renamed its seller SKUs in Seller Center: the SKU IDs still name the products.
    text = ORDERS.read_text(encoding="utf-8-sig")
    renamed = re.sub(r",((?:SMO|YDI|HRX|TSE|EAT|LNX|LDU)-[A-Z0-9-]+),", r",OLD-\1,", text)
    assert renamed != text
    orders = tmp_path / "renamed.csv"
    orders.write_bytes(b"\xef\xbb\xbf" + renamed.encode("utf-8"))
    plan = oi.preview_import(database, orders)
    assert plan.unknown_skus == {} and plan.rejected == []
    oi.commit_import(database, plan)
    lines = database.query("SELECT l.sku, p.sku AS product, l.unmapped FROM order_lines l "
                           "LEFT JOIN products p ON p.id = l.product_id")
    assert len(lines) == 40 and all(r["unmapped"] == 0 and r["sku"] == "OLD-" + r["product"] for r in lines)


@needs_samples
def test_lines_imported_before_the_catalog_get_their_products(database):
    oi.commit_import(database, oi.preview_import(database, ORDERS))  # no catalog yet: every line unmapped
    assert database.query("SELECT count(*) AS n FROM order_lines WHERE unmapped = 1")[0]["n"] == 40
    preview = catalog.preview_import(database, PRODUCTS)
    assert preview.lines_to_map == 40 and preview.has_work
    changes = catalog.commit_import(database, preview)
    assert changes.orders and changes.products
    assert database.query("SELECT count(*) AS n FROM order_lines WHERE unmapped = 1 OR product_id IS NULL")[0][
        "n"] == 0


def test_an_sku_id_moved_to_another_product_is_said(database, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("sku,name,price_vnd,tiktok_sku_id\nA-1,Trà,1000,1729384756102938401\n", encoding="utf-8")
    catalog.commit_import(database, catalog.preview_import(database, path))
    path.write_text("sku,name,price_vnd,tiktok_sku_id\nA-1,Trà,1000,\nA-2,Trà hộp,2000,1729384756102938401\n",
                    encoding="utf-8")
    preview = catalog.preview_import(database, path)
    assert preview.notes == ["Mã SKU TikTok 1729384756102938401 đang gắn với A-1; sẽ chuyển sang A-2"]
    catalog.commit_import(database, preview)
    a2 = next(p for p in catalog.list_products(database) if p.sku == "A-2")
    assert catalog.tiktok_sku_ids(database) == {a2.id: ["1729384756102938401"]}


def test_the_catalog_sheet_round_trips_shipping_weight_and_sku_ids(database, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("sku,name,price_vnd,weight_kg,tiktok_sku_id\nA-1,Trà,1000,0.15,1729384756102938401\n",
                    encoding="utf-8")
    catalog.commit_import(database, catalog.preview_import(database, path))
    out = tmp_path / "catalog.xlsx"
    catalog.export_xlsx(database, out)
    back = catalog.preview_import(database, out)
    assert len(back.unchanged) == 1 and not back.has_work and back.ignored_columns == []
    assert back.unchanged[0].shipping_weight_g == 150 and back.sku_ids == {"1729384756102938401": "A-1"}


def test_a_product_on_orders_or_in_the_sku_map_is_handled_on_delete(database, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("sku,name,price_vnd,tiktok_sku_id\nA-1,Trà,1000,1729384756102938401\n", encoding="utf-8")
    catalog.commit_import(database, catalog.preview_import(database, path))
    product = catalog.list_products(database)[0]
    catalog.delete_product(database, product.id)  # its remembered SKU ID goes with it
    assert count(database) == 0 and count(database, "sku_map") == 0


# --- parcel weights on the handover sheet ---------------------------------------------------------------------

def _handover_rows(pdf_path: Path) -> tuple[dict[str, str], list[str]]:
    """Order code -> its KL (kg) cell, and each sheet's 'Cộng' weight, from the first copy of every sheet."""
    rows: dict[str, str] = {}
    totals: list[str] = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            if "Liên 1" not in text:
                continue
            for line in text.splitlines():
                m = re.match(r"\d+ (DH\d{6}) \d+ (\S+) [\d.]+$", line)
                if m:
                    rows[m.group(1)] = m.group(2)
                m = re.match(r"Cộng: \d+ đơn \d+ (\S+) [\d.]+$", line)
                if m:
                    totals.append(m.group(1))
    return rows, totals


def _kg(grams: int) -> str:
    return f"{grams / 1000:.2f}".replace(".", ",")


@needs_samples
def test_handover_sheet_weighs_each_imported_order_as_the_export_states(database, tmp_path):
    cooperative.save_profile(database, CooperativeDraft(name="HTX Chè Suối Mơ", province="Thái Nguyên",
                                                        commune="Xã Tân Cương", phone="0912345678"))
    catalog.commit_import(database, catalog.preview_import(database, PRODUCTS))
    oi.commit_import(database, oi.preview_import(database, ORDERS))
    # The export's Weight(kg) of each live line, summed per order: what the carrier will weigh.
    expected: dict[str, int] = {}
    with ORDERS.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["Cancelation/Return Type"].strip() != "Cancel":
                key = r["Order ID"].strip()
                expected[key] = expected.get(key, 0) + round(float(r["Weight(kg)"]) * 1000)
    codes = {f"DH{r['id']:06d}": r["platform_order_id"] for r in database.query(
        "SELECT id, platform_order_id FROM orders WHERE status <> 'cancelled'")}
    out = tmp_path / "bangiao.pdf"
    made = sd.run(sd.make(database, Selection(since=date(2025, 1, 1), until=date(2026, 12, 31), statuses=ALL_LIVE),
                          HANDOVER, out, now=NOW))
    rows, totals = _handover_rows(out)
    handed = {c: p for c, p in codes.items() if c in rows}
    assert len(handed) == sum(len(ids) for _c, _num, ids, _cod in made.sheets) > 15
    assert {c: rows[c] for c in handed} == {c: _kg(expected[p]) for c, p in handed.items()}
    assert sum(float(t.replace(",", ".")) for t in totals) == pytest.approx(
        sum(expected[p] for p in handed.values()) / 1000)
    assert "—" not in rows.values()


def test_desk_orders_weigh_by_shipping_weight_else_net_weight(demo_db):
    products = {p.sku: p for p in catalog.list_products(demo_db)}
    bun, bido = products["YDI-BUN-500"], products["LDU-BIDO-QUA"]
    assert bun.net_weight_g == 500 and bun.shipping_weight_g is None
    draft = draft_from_product(bido)
    draft.shipping_weight = "1,6 kg"
    catalog.save_product(demo_db, draft, bido.id)
    saved = order_entry.save_order(demo_db, OrderDraft(
        phone="0912 345 678", name="Trần Thị Mai", street="Số 3", province="Thanh Hóa", commune="Xã Yên Định",
        lines=[LineDraft("YDI-BUN-500", "3"), LineDraft("LDU-BIDO-QUA", "2")]), None, "t")
    parcel = sd.parcels(demo_db, [saved.order_id])[0]
    assert parcel.weight_g == 3 * 500 + 2 * 1600 and parcel.weight_known  # net weight, then shipping weight


@needs_samples
def test_an_edited_quantity_scales_the_weight_the_export_stated(database):
    catalog.commit_import(database, catalog.preview_import(database, PRODUCTS))
    oi.commit_import(database, oi.preview_import(database, ORDERS))
    line = database.query("SELECT l.id, l.order_id, l.qty, l.weight_g FROM order_lines l JOIN orders o ON "
                          "o.id = l.order_id WHERE o.status = 'new' AND l.cancelled = 0 ORDER BY l.id")[0]
    before = sd.parcels(database, [line["order_id"]])[0].weight_g
    assert line["weight_g"] and before
    draft = order_entry.draft_for_edit(database, line["order_id"])
    edited = next(x for x in draft.lines if x.line_id == line["id"])
    edited.qty = str(line["qty"] * 3)
    order_entry.edit_order(database, line["order_id"], draft, "t")
    assert sd.parcels(database, [line["order_id"]])[0].weight_g == before + 2 * line["weight_g"]


def test_a_bad_weight_in_an_export_is_flagged_and_never_rejects_the_order(demo_db, tmp_path):
    from tests.orderfiles import HEAD, orders, write_csv

    rows = orders(4)
    for row, weight in zip(rows, ["1.05", "1,2", "0", "nặng"], strict=True):
        row["Weight(kg)"] = weight
    plan = oi.preview_import(demo_db, write_csv(tmp_path / "w.csv", rows, [*HEAD, "Weight(kg)"]))
    assert plan.rejected == [] and len(plan.new) == 4
    assert [o.lines[0].weight_g for o in plan.new] == [1050, 1200, None, None]
    assert any("Weight(kg) “nặng”" in w for w in plan.warnings)
    oi.commit_import(demo_db, plan)
    ids = [r["id"] for r in demo_db.query("SELECT id FROM orders WHERE platform = 'tiktok' ORDER BY id")]
    # No stated weight: the catalog's (Bún sắn khô, 500 g net, no shipping weight) × 2 packs.
    assert [p.weight_g for p in sd.parcels(demo_db, ids)] == [1050, 1200, 1000, 1000]


def test_a_parcel_with_a_line_of_unknown_weight_prints_at_least(demo_db, tmp_path):
    catalog.save_product(demo_db, ProductDraft(sku="QUA-TANG", name="Túi quà tặng", price="0"))  # no weight
    saved = order_entry.save_order(demo_db, OrderDraft(
        phone="0912 345 678", name="Trần Thị Mai", street="Số 3", province="Thanh Hóa", commune="Xã Yên Định",
        lines=[LineDraft("YDI-BUN-500", "2"), LineDraft("QUA-TANG", "1")]), None, "t")
    sd.assign_carrier(demo_db, [saved.order_id], "GHTK", {saved.order_id: "GHTK1"})
    parcel = sd.parcels(demo_db, [saved.order_id])[0]
    assert (parcel.weight_g, parcel.weight_known) == (1000, False)
    out = tmp_path / "bg.pdf"
    sd.run(sd.make(demo_db, Selection(order_ids=(saved.order_id,)), HANDOVER, out, now=NOW))
    rows, totals = _handover_rows(out)
    assert rows == {f"DH{saved.order_id:06d}": "≥1,00"} and totals == ["≥1,00"]  # never a weight that looks whole
