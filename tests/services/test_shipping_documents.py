"""Issue 14: the documents after a live, read back (pdfplumber), rendered (pdftoppm) and decoded (zxing-cpp)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import unicodedata
from datetime import datetime
from pathlib import Path

import pdfplumber
import pytest

from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.domain.shipping import HANDOVER, PICKING, REPORT, SLIPS, Selection, order_code
from coopdesk.services import order_entry, traceability
from coopdesk.services import shipping_documents as sd

LONG_NAME = "Nguyễn Thị Hồng Phước Ngọc Ánh Dương Quỳnh Như Ý"
LONG_STREET = "Số 18 ngõ 245/37 đường Trần Quang Khải, tổ dân phố Đồng Tiến, khu đô thị mới Bắc Sơn, gần chợ Ưng Hoà"
FORMULA = '=HYPERLINK("http://evil.example","bấm")'
NOW = datetime(2026, 11, 26, 23, 5)

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def pdf_text(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [nfc(page.extract_text() or "") for page in pdf.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def render(path: Path, dpi: int, page: int = 1, tmp: Path | None = None):
    from PIL import Image

    prefix = (tmp or path.parent) / f"r{dpi}-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-aa", "no",
                    "-aaVector", "no", "-png", str(path), str(prefix)], check=True)
    made = sorted(prefix.parent.glob(prefix.name + "*.png"))[-1]
    return Image.open(made)


def decode(image) -> dict[str, str]:
    import zxingcpp

    return {r.text: r.format.name for r in zxingcpp.read_barcodes(image)}


@pytest.fixture
def live(demo_db):
    """A live session of desk orders with carriers and tracking numbers, hard names and a formula."""
    sid = order_entry.start_session(demo_db, "Live thứ Bảy — bún & bí đỏ", "Facebook", "Mai",
                                    started_at="2026-11-26 20:00:00")
    rows = [
        ("0912 345 678", LONG_NAME, LONG_STREET, "Hà Nội", "Phường Ba Đình", [("YDI-BUN-500", "3")], "30k",
         "Cho xem hàng, không cho thử", "GHTK", "GHTK84123456"),
        ("0988 111 222", "Đặng Văn Ưng", "Thôn Đồng Ưng", "Thanh Hóa", "Xã Yên Định",
         [("YDI-BUN-500", "1"), ("LDU-BIDO-QUA", "2")], "25k", "", "GHTK", "GHTK84123457"),
        ("0977 222 333", FORMULA, "Tổ 3", "Lâm Đồng", "Xã Lạc Dương", [("LDU-BIDO-QUA", "1")], "", "",
         "Viettel Post", "VTP998877665"),
        ("0905 444 555", "Trịnh Thị Ổi", "Bản Nà Tấu 2", "Điện Biên", "Xã Nà Tấu", [("YDI-BUN-500", "2")], "20k",
         "Gọi trước khi giao", "", ""),
    ]
    ids = []
    for i, (phone, name, street, prov, commune, items, ship, note, carrier, tracking) in enumerate(rows):
        saved = order_entry.save_order(demo_db, OrderDraft(
            phone=phone, name=name, street=street, province=prov, commune=commune,
            lines=[LineDraft(sku, qty) for sku, qty in items], shipping=ship, delivery_note=note), sid, "t",
            created_at=f"2026-11-26 20:{5 + 7 * i:02d}:00")
        ids.append(saved.order_id)
        if carrier:
            sd.assign_carrier(demo_db, [saved.order_id], carrier, {saved.order_id: tracking})
    return sid, ids


def lot_of(database, order_id, line=0):
    return order_entry.get_order(database, order_id)["lines"][line]["lots"][0]["code"]


def db_cod(database, ids):
    marks = ",".join("?" * len(ids))
    return database.query(f"SELECT sum(cod) AS s FROM orders WHERE id IN ({marks})", tuple(ids))[0]["s"]


def test_choose_counts_orders_parcels_and_cod(demo_db, live):
    sid, ids = live
    chosen = sd.choose(demo_db, Selection(session_id=sid), SLIPS)
    assert chosen.order_ids == ids
    assert chosen.totals.orders == 4 and chosen.totals.parcels == 4
    assert chosen.totals.cod == db_cod(demo_db, ids)
    assert not chosen.printed_before and not chosen.refused
    ghtk = sd.choose(demo_db, Selection(session_id=sid, carrier="ghtk"), HANDOVER)
    assert ghtk.order_ids == ids[:2]
    facebook = sd.choose(demo_db, Selection(session_id=sid, channel="Facebook"), SLIPS)
    assert facebook.order_ids == ids
    assert sd.select(demo_db, Selection(session_id=sid, channel="TikTok"), SLIPS) == []
    by_day = sd.select(demo_db, Selection(since=datetime(2026, 11, 26).date(), until=datetime(2026, 11, 26).date()),
                       SLIPS)
    assert set(ids) <= set(by_day)
    with pytest.raises(CoopDeskError, match="No orders chosen|Chưa chọn"):
        sd.select(demo_db, Selection(), SLIPS)


def test_slips_read_back_with_every_diacritic_and_cod_in_words(demo_db, live, tmp_path):
    sid, ids = live
    out = tmp_path / "phieu.pdf"
    made = sd.run(sd.make(demo_db, Selection(session_id=sid), SLIPS, out, "a6", now=NOW))
    assert made.files == [out] and made.order_ids == ids
    pages = pdf_text(out)
    assert len(pages) == 4  # one A6 slip per order: all fit on one page each
    first = flat(pages[0])
    assert flat(LONG_NAME) in first  # long names wrap, never clipped
    for word in LONG_STREET.replace(",", "").split():
        assert word in first.replace(",", "")
    assert "Phường Ba Đình, Thành phố Hà Nội" in first
    assert "Cho xem hàng, không cho thử" in first
    # Seen in a walk: the stuck-on slip had no carrier, tracking number or return address.
    assert "ĐVVC: GHTK · Mã vận đơn: GHTK84123456" in first
    assert "Thôn Hồng Phước, Xã Yên Định, Tỉnh Thanh Hóa" in first  # the sender's, for a parcel sent back
    assert "ĐVVC" not in flat(pages[3])  # an order with no carrier yet says nothing about one
    assert order_code(ids[0]) in first and lot_of(demo_db, ids[0]) in first
    cod = demo_db.query("SELECT cod FROM orders WHERE id = ?", (ids[0],))[0]["cod"]
    assert f"{cod:,}".replace(",", ".") + " ₫" in first
    from coopdesk.documents.typeset import money_in_words

    assert flat(money_in_words(cod)) in first
    assert FORMULA in flat(pages[2]).replace("“", '"')  # printed as the literal text
    with pdfplumber.open(out) as pdf:
        assert round(pdf.pages[0].width / 72 * 25.4) == 105 and round(pdf.pages[0].height / 72 * 25.4) == 148


@needs_poppler
def test_slip_barcode_and_trace_qr_decode_at_203_dpi(demo_db, live, tmp_path):
    sid, ids = live
    out = tmp_path / "phieu.pdf"
    sd.run(sd.make(demo_db, Selection(session_id=sid), SLIPS, out, "100x150", now=NOW))
    found = decode(render(out, 203, 2, tmp_path))
    assert found.get(order_code(ids[1])) == "Code128"
    qr = [t for t, f in found.items() if f == "QRCode"]
    assert sorted(t.rsplit("/", 1)[-1] for t in qr) == sorted([lot_of(demo_db, ids[1], 0), lot_of(demo_db, ids[1], 1)])


def test_a5_two_up_and_a_long_order_continues_instead_of_clipping(demo_db, live, tmp_path):
    sid, ids = live
    many = [LineDraft("YDI-BUN-500", "1", price="40000", price_reason=f"Khuyến mãi dòng {i} — giảm giá đặc biệt")
            for i in range(14)]
    big = order_entry.save_order(demo_db, OrderDraft(phone="0912 000 111", name="Lý Thị Ẩm", street="Tổ 1",
                                                     province="Hà Nội", commune="Phường Ba Đình", lines=many),
                                 sid, "t")
    out = tmp_path / "a5.pdf"
    sd.run(sd.make(demo_db, Selection(order_ids=(*ids, big.order_id)), SLIPS, out, "a5", now=NOW))
    with pdfplumber.open(out) as pdf:
        assert round(pdf.pages[0].width / 72 * 25.4) == 297  # A4 landscape, two A5 slips
        text = "\n".join(nfc(p.extract_text() or "") for p in pdf.pages)
    assert "Còn tiếp ở trang sau" in text and f"{order_code(big.order_id)} (tiếp)" in text
    assert text.count("Bún sắn khô") >= 14 + 3


def test_handover_totals_equal_the_database_to_the_dong(demo_db, live, tmp_path):
    sid, ids = live
    out = tmp_path / "bangiao.pdf"
    made = sd.run(sd.make(demo_db, Selection(session_id=sid), HANDOVER, out, now=NOW))
    carriers = {c: (n, i, cod) for c, n, i, cod in made.sheets}
    # The order with no carrier yet gets no sheet (no driver signs for it), and is named as refused.
    assert set(carriers) == {"GHTK", "Viettel Post"}
    assert [i for i, _reason in made.refused] == [ids[3]] and "DH" in made.refused[0][1]
    assert carriers["GHTK"][1] == ids[:2] and carriers["GHTK"][2] == db_cod(demo_db, ids[:2])
    assert carriers["GHTK"][0] == "BG-20261126-01"
    pages = pdf_text(out)
    assert len(pages) == 4  # two sheets of one page, two copies each
    ghtk = [flat(p) for p in pages if "Bên nhận: GHTK" in p]
    assert len(ghtk) == 2 and "Liên 1" in ghtk[0] and "Liên 2" in ghtk[1]
    total = db_cod(demo_db, ids[:2])
    assert "TỔNG SỐ 2 ĐƠN HÀNG" in ghtk[0]
    assert f"Tổng tiền thu hộ (COD): {total:,} ₫".replace(",", ".") in ghtk[0]
    assert "0912 *** 678" in ghtk[0]  # the carrier's copy shows a masked phone


@needs_poppler
def test_handover_tracking_barcodes_decode_at_150_dpi(demo_db, live, tmp_path):
    sid, ids = live
    out = tmp_path / "bangiao.pdf"
    sd.run(sd.make(demo_db, Selection(session_id=sid, carrier="GHTK"), HANDOVER, out, now=NOW))
    found = decode(render(out, 150, 1, tmp_path))
    assert {"GHTK84123456", "GHTK84123457"} <= set(found)


def test_per_carrier_files_and_a_carrier_with_no_orders(demo_db, live, tmp_path):
    sid, _ids = live
    out = tmp_path / "bg.pdf"
    made = sd.run(sd.make(demo_db, Selection(session_id=sid), HANDOVER, out, per_carrier=True, now=NOW))
    assert sorted(p.name for p in made.files) == ["bg-ghtk.pdf", "bg-viettel-post.pdf"]
    assert not out.exists()
    with pytest.raises(CoopDeskError) as e:
        sd.run(sd.make(demo_db, Selection(session_id=sid, carrier="J&T"), HANDOVER, tmp_path / "jt.pdf", now=NOW))
    assert not (tmp_path / "jt.pdf").exists()
    assert "J&T" in e.value.message or "No orders" in e.value.message or "Không" in e.value.message


def test_picking_list_follows_the_storage_place_and_totals(demo_db, live, tmp_path):
    from coopdesk.domain.products import draft_from_product
    from coopdesk.services import catalog

    sid, ids = live
    for sku, place in (("YDI-BUN-500", "Kệ B-10"), ("LDU-BIDO-QUA", "Kệ B-2")):
        p = next(x for x in catalog.list_products(demo_db) if x.sku == sku)
        draft = draft_from_product(p)
        draft.storage_place = place
        catalog.save_product(demo_db, draft, p.id)
    out = tmp_path / "pick.pdf"
    sd.run(sd.make(demo_db, Selection(session_id=sid), PICKING, out, now=NOW))
    text = flat(pdf_text(out)[0])
    assert text.index("Kệ B-2") < text.index("Kệ B-10")  # shelf order, numbers compared as numbers
    packs = demo_db.query(f"SELECT sum(qty) AS n FROM order_lines WHERE order_id IN ({','.join('?' * len(ids))})",
                          tuple(ids))[0]["n"]
    assert f"{packs} gói cho 4 đơn" in text
    per_order = flat("\n".join(pdf_text(out)[1:]))
    assert "PHIẾU LẤY HÀNG THEO ĐƠN" in per_order and order_code(ids[0]) in per_order


def test_recalled_lot_and_missing_address_refuse_that_slip_only(demo_db, live, tmp_path):
    sid, ids = live
    no_address = order_entry.save_order(demo_db, OrderDraft(phone="0912 999 888", name="Khách không địa chỉ",
                                                            lines=[LineDraft("YDI-BUN-500", "1")]), sid, "t")
    pumpkin = lot_of(demo_db, ids[1], 1)
    traceability.recall_lot(demo_db, pumpkin, "Nấm mốc trong mẫu lưu")
    out = tmp_path / "phieu.pdf"
    made = sd.run(sd.make(demo_db, Selection(session_id=sid), SLIPS, out, now=NOW))
    refused = dict(made.refused)
    assert set(refused) == {ids[1], ids[2], no_address.order_id}
    assert pumpkin in refused[ids[1]] and "Nấm mốc trong mẫu lưu" in refused[ids[1]]
    assert made.order_ids == [ids[0], ids[3]]
    assert len(pdf_text(out)) == 2


def test_unwritable_folder_and_cancel_leave_no_file(demo_db, live, tmp_path):
    sid, _ids = live
    with pytest.raises(CoopDeskError):
        sd.run(sd.make(demo_db, Selection(session_id=sid), SLIPS, tmp_path / "missing" / "x.pdf"))
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not (Path("/proc/self").exists() and __import__("os").geteuid() == 0):
            with pytest.raises(CoopDeskError):
                sd.run(sd.make(demo_db, Selection(session_id=sid), SLIPS, locked / "x.pdf"))
            assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)
    cancel = threading.Event()
    out = tmp_path / "cancelled.pdf"
    steps = sd.make(demo_db, Selection(session_id=sid), SLIPS, out, cancel=cancel)
    next(steps)
    cancel.set()
    with pytest.raises(sd.Cancelled):
        for _step in steps:
            pass
    assert list(tmp_path.glob("*cancelled*")) == []


def test_reprint_is_recorded_and_warned(demo_db, live, tmp_path):
    sid, ids = live
    made = sd.run(sd.make(demo_db, Selection(session_id=sid), SLIPS, tmp_path / "a.pdf", now=NOW))
    sd.record(demo_db, made, "Mai", "a.pdf")
    chosen = sd.choose(demo_db, Selection(session_id=sid), SLIPS)
    assert set(chosen.printed_before) == set(ids)
    made = sd.run(sd.make(demo_db, Selection(order_ids=(ids[0],)), SLIPS, tmp_path / "b.pdf", now=NOW))
    sd.record(demo_db, made, "Mai", "b.pdf")
    assert sd.choose(demo_db, Selection(session_id=sid), SLIPS).printed_before[ids[0]][0] == 2
    assert not sd.choose(demo_db, Selection(session_id=sid), PICKING).printed_before


def test_mark_packed_and_confirm_handover_in_one_transaction(demo_db, live):
    sid, ids = live
    moved, _c = sd.mark_packed(demo_db, ids[:2], "Mai")
    assert moved == ids[:2]
    moved, _c = sd.confirm_handover(demo_db, ids[:3], "Mai")
    assert moved == ids[:3]
    statuses = {o["order_id"]: o["status"] for o in order_entry.orders_json(demo_db, sid)}
    assert [statuses[i] for i in ids] == ["handed", "handed", "handed", "new"]
    history = [h["detail"] for h in order_entry.history(demo_db, ids[2])]
    assert any('"packed"' in h for h in history) and any('"handed"' in h for h in history)
    with pytest.raises(CoopDeskError):
        sd.confirm_handover(demo_db, [], "Mai")


def test_report_pdf_and_xlsx_neutralised(demo_db, live, tmp_path):
    from openpyxl import load_workbook

    sid, ids = live
    order_entry.set_status(demo_db, ids[3], "cancelled", "t")
    out = tmp_path / "bao-cao.pdf"
    sd.run(sd.make(demo_db, Selection(session_id=sid), REPORT, out, now=NOW))
    text = flat(pdf_text(out)[0])
    live_cod = db_cod(demo_db, ids[:3])
    assert "BÁO CÁO SAU LIVE" in text and "Live thứ Bảy — bún & bí đỏ" in text
    assert f"{live_cod:,} ₫".replace(",", ".") in text
    reports = sd.report(demo_db, Selection(session_id=sid))
    assert reports[0].orders == 3 and reports[0].cancelled == 1 and reports[0].cod == live_cod
    assert sum(n for _t, n in reports[0].per_ten_minutes) == 3  # the chart counts what the figures count
    money = demo_db.query(f"SELECT sum(total) AS t, sum(shipping) AS s FROM orders WHERE id IN "
                          f"({','.join(map(str, ids[:3]))})")[0]
    assert money["s"] > 0 and "Tiền hàng" in text and "Phí ship" in text  # the goods, the fees passed on apart
    assert (reports[0].revenue, reports[0].shipping) == (money["t"] - money["s"], money["s"])
    sd.assign_carrier(demo_db, [ids[0]], "=cmd|' /C calc'!A0")
    xlsx = tmp_path / "bao-cao.xlsx"
    sd.run(sd.make(demo_db, Selection(session_id=sid), REPORT, xlsx, now=NOW))
    wb = load_workbook(xlsx)
    carriers = [row[1].value for row in wb["Vận chuyển"].iter_rows(min_row=2)]
    assert "'=cmd|' /C calc'!A0" in carriers
    assert all(not (isinstance(v, str) and v.startswith("=")) for ws in wb for row in ws.iter_rows()
               for v in (c.value for c in row))


def test_cli_documents(demo_path, tmp_path, capsys):
    import json

    from coopdesk.__main__ import main

    out = tmp_path / "slips.pdf"
    code = main(["documents", "--data", str(demo_path), "--orders", "5-7", "--kind", "slips", "--size", "a6",
                 "--out", str(out), "--json", "--mark-packed"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["orders"] == 3 and report["packed"] == [6, 7] and out.exists()
    code = main(["documents", "--data", str(demo_path), "--kind", "picking", "--out", str(tmp_path / "p.pdf")])
    assert code == 2 and "--session" in capsys.readouterr().err
    code = main(["documents", "--data", str(demo_path), "--session", "1", "--kind", "handover", "--carrier",
                 "Ninja Van", "--out", str(tmp_path / "h.pdf")])
    assert code == 2 and not (tmp_path / "h.pdf").exists()


@needs_poppler
def test_one_page_of_each_document_rendered_for_review(demo_db, live, tmp_path):
    """artifacts/documents/: what a person looks at before calling the documents done."""
    from tests.conftest import artifact

    sid, _ids = live
    for kind, size, dpi in ((SLIPS, "a6", 203), (SLIPS, "a5", 100), (PICKING, "a6", 100), (HANDOVER, "a6", 100),
                            (REPORT, "a6", 100)):
        out = tmp_path / f"{kind}-{size}.pdf"
        sd.run(sd.make(demo_db, Selection(session_id=sid), kind, out, size, now=NOW))
        image = render(out, dpi, 1, tmp_path)
        name = f"{kind}-{size}.png" if kind == SLIPS else f"{kind}.png"
        image.save(artifact("documents", name))
        assert image.width > 100


def test_storage_place_goes_through_the_catalog_sheet_and_survives_an_old_one(demo_db, tmp_path):
    from openpyxl import load_workbook

    from coopdesk.domain.products import draft_from_product
    from coopdesk.services import catalog

    p = next(x for x in catalog.list_products(demo_db) if x.sku == "YDI-BUN-500")
    draft = draft_from_product(p)
    draft.storage_place = "Kệ B-2"
    catalog.save_product(demo_db, draft, p.id)
    sheet = tmp_path / "catalog.xlsx"
    catalog.export_xlsx(demo_db, sheet)
    wb = load_workbook(sheet)
    ws = wb["Sản phẩm"]
    headers = [c.value for c in ws[1]]
    assert "Vị trí trong kho" in headers
    col = headers.index("Vị trí trong kho")
    assert "Kệ B-2" in [row[col].value for row in ws.iter_rows(min_row=2)]
    ws.delete_cols(col + 1)  # a sheet made before the column existed
    wb.save(sheet)
    preview = catalog.preview_import(demo_db, sheet)
    assert preview.ok
    catalog.commit_import(demo_db, preview)
    assert next(x for x in catalog.list_products(demo_db) if x.sku == "YDI-BUN-500").storage_place == "Kệ B-2"


@needs_poppler
def test_tiktok_slip_goes_inside_the_parcel(demo_db, live, tmp_path):
    """TikTok's own label carries the address: CoopDesk's slip is the one inside — items, lots, the trace QR."""
    sid, ids = live
    with demo_db.transaction() as db:  # as an import from Seller Center would have stored it
        db.execute("UPDATE orders SET platform = 'tiktok', platform_order_id = '579123456789012345', street = '', "
                   "commune = NULL, province = NULL, raw_address = '' WHERE id = ?", (ids[3],))
    out = tmp_path / "tiktok.pdf"
    made = sd.run(sd.make(demo_db, Selection(order_ids=(ids[3],)), SLIPS, out, "a6", now=NOW))
    assert made.order_ids == [ids[3]] and not made.refused  # no address needed inside the parcel
    text = flat(pdf_text(out)[0])
    assert "TikTok 579123456789012345" in text and "Cảm ơn Trịnh Thị Ổi" in text
    assert "NGƯỜI NHẬN" not in text and "THU HỘ (COD)" not in text
    assert "Tiền hàng thu hộ theo TikTok" in text and lot_of(demo_db, ids[3]) in text
    found = decode(render(out, 203, 1, tmp_path))
    assert [t.rsplit("/", 1)[-1] for t, f in found.items() if f == "QRCode"] == [lot_of(demo_db, ids[3])]


def test_slips_in_parts_each_complete_before_the_next(demo_db, live, tmp_path):
    sid, ids = live
    out = tmp_path / "phieu.pdf"
    steps = list(sd.make(demo_db, Selection(session_id=sid), SLIPS, out, "a6", now=NOW, part_size=3))
    ready = [s.ready for s in steps if isinstance(s, sd.Progress) and s.ready]
    assert [p.name for p in ready] == ["phieu-01.pdf", "phieu-02.pdf"]
    made = steps[-1]
    assert made.files == ready and not out.exists()
    assert [len(pdf_text(p)) for p in ready] == [3, 1]
    assert order_code(ids[3]) in pdf_text(ready[1])[0]
    # A cancel during the second part keeps the finished first part and leaves no half second one.
    cancel = threading.Event()
    again = tmp_path / "again.pdf"
    with pytest.raises(sd.Cancelled, match="again-01.pdf"):
        for step in sd.make(demo_db, Selection(session_id=sid), SLIPS, again, "a6", cancel=cancel, part_size=3):
            if isinstance(step, sd.Progress) and step.ready:
                cancel.set()
    assert sorted(p.name for p in tmp_path.glob("*again*")) == ["again-01.pdf"]


def test_a_withdrawn_recall_no_longer_refuses_the_slip(demo_db, live, tmp_path):
    from coopdesk.services import recall

    sid, ids = live
    view = recall.open_recall(demo_db, "Nghi nấm mốc", lot=lot_of(demo_db, ids[1], 1))
    assert ids[1] in dict(sd.choose(demo_db, Selection(session_id=sid), SLIPS).refused)
    recall.withdraw_recall(demo_db, view.id, "Mẫu kiểm lại đạt", "Mai")
    assert sd.choose(demo_db, Selection(session_id=sid), SLIPS).refused == []


def test_one_file_of_many_slips_is_made_in_parts_and_joined(demo_db, live, tmp_path, monkeypatch):
    """Over JOIN_PART slips, one file is made part by part (each announced as ready) and joined with PDFium:
    every page there in order, text and codes intact, the parts gone."""
    sid, ids = live
    monkeypatch.setattr(sd, "JOIN_PART", 3)
    out = tmp_path / "phieu.pdf"
    alone = tmp_path / "alone.pdf"
    monkeypatch.setattr(sd, "JOIN_PART", 100)
    sd.run(sd.make(demo_db, Selection(session_id=sid), SLIPS, alone, "a6", now=NOW))
    monkeypatch.setattr(sd, "JOIN_PART", 3)
    steps = list(sd.make(demo_db, Selection(session_id=sid), SLIPS, out, "a6", now=NOW))
    ready = [s.ready for s in steps if isinstance(s, sd.Progress) and s.ready]
    assert len(ready) == 2 and not any(p.exists() for p in ready)  # the parts were temporary
    made = steps[-1]
    assert made.files == [out] and len(made.order_ids) == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    joined, single = pdf_text(out), pdf_text(alone)
    assert len(joined) == len(single) >= 4
    assert joined == single  # the same pages, same text, same order as a file made in one go
    assert order_code(ids[0]) in joined[0] and LONG_NAME.split()[0] in flat(joined[0])
    assert order_code(ids[3]) in joined[-1] or order_code(ids[3]) in joined[-2]
    found = decode(render(out, 203, 1, tmp_path))
    assert found.get(order_code(ids[0])) == "Code128"
    last = decode(render(out, 203, len(joined), tmp_path))
    assert any(f == "Code128" for f in last.values())


def test_parts_kept_for_the_caller_and_cancel_during_the_join_leaves_no_file(demo_db, live, tmp_path,
                                                                              monkeypatch):
    sid, _ids = live
    monkeypatch.setattr(sd, "JOIN_PART", 3)
    parts = tmp_path / "parts"
    parts.mkdir()
    out = tmp_path / "phieu.pdf"
    cancel = threading.Event()
    seen = []
    with pytest.raises(sd.Cancelled):
        for step in sd.make(demo_db, Selection(session_id=sid), SLIPS, out, "a6", now=NOW, cancel=cancel,
                            parts_dir=parts):
            if isinstance(step, sd.Progress) and step.ready:
                seen.append(step.ready)
            elif isinstance(step, sd.Progress) and len(seen) == 2:
                cancel.set()  # the join's first step: the first part is joined, the second not yet
    assert len(seen) == 2 and all(p.exists() and p.parent == parts for p in seen)  # kept: the caller prints them
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if "phieu" in p.name] == []  # no half file beside the final name


def test_printing_slips_never_packs_a_backorder(demo_db, live):
    """Seen in a walk: a backorder (a line no lot fills) was moved to Packed by printing slips, skipping the
    reason a pack without stock needs. It stays New, and is named."""
    from coopdesk.domain.orders import LineDraft, OrderDraft

    sid, ids = live
    backorder = order_entry.save_order(demo_db, OrderDraft(
        phone="0933 444 555", name="Khách chờ hàng", street="Thôn 1", province="Thanh Hóa", commune="Xã Yên Định",
        lines=[LineDraft("YDI-BUN-500", "1"), LineDraft("HRX-NEM-10", "2")]), session_id=sid).order_id
    moved, _c = sd.mark_packed(demo_db, [*ids[:2], backorder], "Mai")
    assert moved == ids[:2]
    assert sd.short_of_lots(demo_db, [*ids, backorder]) == [backorder]
    assert order_entry.get_order(demo_db, backorder)["status"] == "new"


def test_the_report_totals_leave_cancelled_orders_out(demo_db, live, tmp_path):
    """Seen in a walk: `documents --kind report` said COD 1.822.000 where the report itself said 1.582.000 — the
    cancelled order's amount was counted in the summary."""
    sid, ids = live
    order_entry.set_status(demo_db, ids[3], "cancelled", "t")
    made = sd.run(sd.make(demo_db, Selection(session_id=sid), REPORT, tmp_path / "r.pdf", now=NOW))
    assert made.totals.cod == db_cod(demo_db, ids[:3]) and made.totals.orders == 3
