from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.products import ProductDraft
from coopdesk.services import catalog


def draft(**kw) -> ProductDraft:
    base = dict(sku="YDI-BUN-500", name="Bún khô Hồng Phước", price="40.000", unit="gói")
    base.update(kw)
    return ProductDraft(**base)


def count(db) -> int:
    return len(catalog.list_products(db))


def test_save_and_search_without_diacritics(database):
    catalog.save_product(database, draft())
    catalog.save_product(database, draft(sku="HRX-NEM-10", name="Nem chua Thanh Hóa", price="50k"))
    assert [p.sku for p in catalog.search(database, "bun kho")] == ["YDI-BUN-500"]
    assert [p.sku for p in catalog.search(database, "THANH HOA nem")] == ["HRX-NEM-10"]
    assert catalog.search(database, "cà phê") == []


def test_bad_input_saves_nothing(database):
    with pytest.raises(ValidationError):
        catalog.save_product(database, draft(price="-1"))
    assert count(database) == 0
    catalog.save_product(database, draft())
    with pytest.raises(ValidationError) as info:
        catalog.save_product(database, draft(name="Khác"))
    assert info.value.fields == ["sku"]
    assert count(database) == 1


def test_update_keeps_the_id_and_audit_trail(database):
    p, _ = catalog.save_product(database, draft())
    p2, _ = catalog.save_product(database, draft(price="45.000"), p.id)
    assert p2.id == p.id and catalog.get_product(database, p.id).price_vnd == 45_000
    actions = [r["action"] for r in database.query("SELECT action FROM audit ORDER BY id")]
    assert actions == ["create", "update"]


def test_photo_is_copied_into_the_data_folder(database, tmp_path):
    photo = tmp_path / "bun.png"
    photo.write_bytes(b"\x89PNG fake")
    p, _ = catalog.save_product(database, draft(photo=str(photo)))
    assert p.photo == "bun.png"
    assert catalog.media_path(database, p.photo).read_bytes() == b"\x89PNG fake"
    with pytest.raises(ValidationError) as info:
        catalog.save_product(database, draft(sku="X-1", photo=str(tmp_path / "missing.jpg")))
    assert info.value.fields == ["photo"]


def test_export_import_round_trip(demo_db, database, tmp_path):
    out = tmp_path / "catalog.xlsx"
    assert catalog.export_xlsx(demo_db, out) == 16
    preview = catalog.preview_import(database, out)
    assert preview.ok and len(preview.new) == 16
    catalog.commit_import(database, preview)
    assert catalog.list_products(database) == [
        p.__class__(**{**p.__dict__, "id": q.id}) for p, q in zip(catalog.list_products(demo_db),
                                                                  catalog.list_products(database), strict=True)]
    again = catalog.preview_import(database, out)
    assert (len(again.new), len(again.updated), len(again.unchanged)) == (0, 0, 16)


def _sheet(path: Path, rows: list[list], headers=("Mã SKU", "Tên sản phẩm", "Giá bán (đồng)", "Sao OCOP")):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sản phẩm"
    ws.append(list(headers))
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_import_names_rows_and_stores_nothing(database, tmp_path):
    path = _sheet(tmp_path / "bad.xlsx", [["A-1", "Trà", 95000, None], ["A-2", "", 1000, None],
                                          ["A-3", "Cà phê", "hai", 7], ["A-1", "Trùng", 1, None]])
    preview = catalog.preview_import(database, path)
    assert [(e.row, e.message.split(":")[0]) for e in preview.errors] == [
        (3, "Tên sản phẩm"), (4, "Giá bán"), (4, "Sao OCOP"), (5, "Mã SKU")]
    with pytest.raises(CoopDeskError):
        catalog.commit_import(database, preview)
    assert count(database) == 0


def test_import_english_headers_and_missing_column(database, tmp_path):
    ok = _sheet(tmp_path / "en.xlsx", [["T-1", "Trà búp", "95.000", 4]], headers=("SKU", "Name", "Price (VND)"))
    assert len(catalog.preview_import(database, ok).new) == 1
    missing = _sheet(tmp_path / "missing.xlsx", [["T-1", "Trà"]], headers=("SKU", "Name"))
    with pytest.raises(CoopDeskError) as info:
        catalog.preview_import(database, missing)
    assert "Giá bán" in info.value.message


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated zip", "Mã SKU,Tên\n".encode()])
def test_not_an_xlsx_file(database, tmp_path, content):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(CoopDeskError) as info:
        catalog.preview_import(database, path)
    assert "broken.xlsx" in info.value.message


def test_formula_cells_stay_text(database, tmp_path):
    catalog.save_product(database, draft(name="=HYPERLINK(\"http://x\",\"bấm\")", storage="+1 -1 @SUM(A1)"))
    out = tmp_path / "out.xlsx"
    catalog.export_xlsx(database, out)
    ws = load_workbook(out)["Sản phẩm"]
    name_cell = ws.cell(2, 2)
    assert name_cell.data_type == "s" and name_cell.value.startswith("=HYPERLINK")
    back = catalog.preview_import(database, out)
    assert len(back.unchanged) == 1


def test_expiring_certificates(demo_db):
    from datetime import date

    skus = {p.sku for p in catalog.expiring(demo_db, date(2026, 11, 23))}
    assert {"SMO-TRA-100", "SMO-TRA-200", "EAT-CF-RX500"} <= skus
    assert "YDI-BUN-500" not in skus


def test_a_product_with_lots_is_never_deleted(demo_db):
    p = next(p for p in catalog.list_products(demo_db) if p.sku == "YDI-BUN-500")
    with pytest.raises(CoopDeskError) as info:
        catalog.delete_product(demo_db, p.id)
    assert "lô" in info.value.message
    assert catalog.get_product(demo_db, p.id) is not None
