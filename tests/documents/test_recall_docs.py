"""The recall's documents read back: the call list and the summary PDFs (pdfplumber, pdftoppm), the buyers sheet."""

import csv
import io
import re
import shutil
import subprocess

import pdfplumber
import pytest

from coopdesk.documents import recall_docs
from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.services import order_entry, recall, recall_documents
from tests.conftest import artifact

BUN = "HP-2026-0001"


def render(pdf, name):
    """Render the first page as a person sees it (artifacts/documents/)."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed")
    target = artifact("documents", name)
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf),
                    str(target.with_suffix(""))], check=True)
    return target


@pytest.fixture
def opened(demo_db):
    return open_bun_recall(demo_db)


def open_bun_recall(demo_db):
    """The vermicelli recalled, with a parcel in transit and Ba's return recorded."""
    oid = order_entry.save_order(demo_db, OrderDraft(phone="0903 777 888", name='=HYPERLINK("http://x.example","Bấm")',
                                                     province="Hà Nội", commune="Phường Ba Đình",
                                                     lines=[LineDraft("YDI-BUN-500", "2")])).order_id
    order_entry.set_status(demo_db, oid, "packed")
    order_entry.set_status(demo_db, oid, "handed", carrier="GHN", tracking="GHN123456789")
    view = recall.open_recall(demo_db, "Kiểm nghiệm dư lượng không đạt", lot=BUN, by="Nguyễn Thị Hồng",
                              public_reason="Dư lượng thuốc bảo vệ thực vật vượt ngưỡng")
    ba = next(c for c in view.to_call if c.name == "Trần Văn Ba")
    recall.record_outcome(demo_db, view.id, ba.customer_id, "returned", "Trịnh Thị Mai", "Gửi lại 2 gói")
    return recall.recall_view(demo_db, view.id)


def test_call_list_pdf_lists_every_buyer_to_call(demo_db, opened, tmp_path):
    target = recall_documents.write_call_list(demo_db, opened.answer, tmp_path / "goi-khach.pdf", opened)
    with pdfplumber.open(target) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
        fonts = {ch["fontname"].split("+")[-1] for ch in pdf.pages[0].chars}
    assert "DANH SÁCH GỌI KHÁCH — THU HỒI SẢN PHẨM" in text
    assert "Kiểm nghiệm dư lượng không đạt" in text and "Nguyễn Thị Hồng" in text
    for name, phone in (("Nguyễn Thị Hồng", "0912 345 001"), ("Trần Văn Ba", "0987 654 002")):
        assert name in text and phone in text
    assert "GHN123456789" in text and "Trang 1/1" in text
    assert "Vũ Đình Ông" not in text  # his order was not handed over: held, not called
    assert all(f.startswith("BeVietnamPro") for f in fonts), fonts
    render(target, "recall-call-list.png")


def test_call_list_of_2000_buyers_numbers_its_pages(tmp_path):
    row = recall_docs.CallRow("Nguyễn Thị Hồng Nhung", "0912 345 678", "Số 12 ngõ 34, Phường Ba Đình, Hà Nội",
                              "#1234", "26/11/2026", "Bún sắn khô Hồng Phước (lô HP-2026-0001)", 4, "Đã giao",
                              "GHTK", "S12345678", "Chưa gọi", "", "", "…")
    data = recall_docs.call_list_pdf(recall_docs.CallList("HTX", "Thanh Hóa", "Thu hồi #1", "Lý do", "Hôm nay",
                                                          BUN, "2000 khách", "29/11/2026", (row,) * 2000))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        last = pdf.pages[-1].extract_text()
    assert pages > 40 and f"Trang {pages}/{pages}" in last and "2000" in last


def test_buyers_sheet_and_csv_neutralise_formulas(demo_db, opened, tmp_path):
    from openpyxl import load_workbook

    xlsx = recall_documents.write_buyers(demo_db, opened.answer, tmp_path / "khach.xlsx", opened)
    ws = load_workbook(xlsx).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Khách hàng", "Điện thoại")
    names = [r[1] for r in rows[1:]]
    assert "'=HYPERLINK(\"http://x.example\",\"Bấm\")" in names
    assert all(not str(v).startswith(("=", "+", "-", "@")) for r in rows[1:] for v in r if isinstance(v, str))
    ba = next(r for r in rows[1:] if r[1] == "Trần Văn Ba")
    assert ba[2] == "0987 654 002" and ba[11] == "Đã trả hàng" and ba[12] == "Trịnh Thị Mai"
    assert "THU HỒI" in ba[14] and "anh/chị Ba" in ba[14]
    text = recall_documents.write_buyers(demo_db, opened.answer, tmp_path / "khach.csv", opened).read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(table) == len(rows) and table[0][0] == "STT"
    assert any(r[1].startswith("'=HYPERLINK") for r in table[1:])
    with pytest.raises(Exception, match="xlsx"):
        recall_documents.write_buyers(demo_db, opened.answer, tmp_path / "khach.txt", opened)
    assert not (tmp_path / "khach.txt").exists()


def test_summary_for_the_authorities(demo_db, opened, tmp_path):
    target = recall_documents.write_summary(demo_db, opened, tmp_path / "bao-cao.pdf")
    with pdfplumber.open(target) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "BÁO CÁO THU HỒI SẢN PHẨM" in text and "Thông tư 02/2024/TT-BKHCN" in text
    assert "Một bước trước" in text and "Một bước sau" in text
    assert "Abamectin 3.6EC" in text and "VT-38-YD-001" in text and "HP-2025-0001" in text
    figures = recall_documents.summary(demo_db, opened)
    bun = next(x for x in figures.lots if x.code == BUN)
    # 4 + 2 delivered, 10 came back, 2 in transit; 3 + 1 not handed over (not held yet); Ba returned his 2.
    assert (bun.out, bun.held, bun.not_held, bun.returned, bun.still_out) == (18, 0, 4, 12, 6)
    assert bun.on_hand == "1478 gói"
    render(target, "recall-summary.png")


def test_every_document_names_orders_by_their_printed_code(demo_db, opened, tmp_path):
    """DH000002, as on the slip and the handover sheet, never "#2", wherever a person reads it."""
    from openpyxl import load_workbook

    pdf_path = recall_documents.write_call_list(demo_db, opened.answer, tmp_path / "goi.pdf", opened)
    with pdfplumber.open(pdf_path) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "DH000002" in text and not re.search(r"(?<!hồi )#\d", text)  # "Thu hồi #2" is the recall
    rows = list(load_workbook(recall_documents.write_buyers(demo_db, opened.answer, tmp_path / "k.xlsx",
                                                            opened)).active.iter_rows(values_only=True))
    ba = next(r for r in rows[1:] if r[1] == "Trần Văn Ba")
    assert all(code.startswith("DH") for code in ba[4].split(", ")), ba[4]
    assert "đơn hàng DH0000" in ba[14] and "#" not in ba[14]
    csv_text = recall_documents.write_buyers(demo_db, opened.answer, tmp_path / "k.csv", opened).read_text("utf-8-sig")
    assert "DH000002" in csv_text and ",#" not in csv_text


def test_call_list_products_are_readable_and_recorded_outcomes_ticked(demo_db, opened, tmp_path):
    """The products column wraps at >= 7.5 pt (it was shrunk to ~5 pt); an outcome already recorded has its
    box ticked, not only written."""
    hong = next(c for c in opened.to_call if c.name == "Nguyễn Thị Hồng")
    recall.record_outcome(demo_db, opened.id, hong.customer_id, "called", "Trịnh Thị Mai")
    view = recall.recall_view(demo_db, opened.id)
    long = recall_docs.CallRow("Lê Thị Thu", "0912 345 678", "Thanh Hóa", "DH000001", "26/11/2026",
                               "; ".join(["Bún sắn khô Hồng Phước 500 g (lô HP-2026-0001)",
                                          "Bún sắn khô Hồng Phước 1 kg (lô HP-2026-0002)"]), 6, "Đã giao", "GHTK",
                               "S1", "Chưa gọi", "", "", "…")
    rows = (*recall_documents.call_rows(view.answer), long)
    cl = recall_documents.call_list(demo_db, view.answer, view)
    data = recall_docs.call_list_pdf(recall_docs.CallList(*[getattr(cl, f) for f in (
        "cooperative", "coop_line", "title", "reason", "decided", "lots", "counts", "printed_on")], rows))
    target = tmp_path / "goi.pdf"
    target.write_bytes(data)
    with pdfplumber.open(target) as pdf:
        page = pdf.pages[0]
        head = next(w for w in page.extract_words() if w["text"] == "Sản")
        column = [w for w in page.extract_words(extra_attrs=["size"]) if w["top"] > head["bottom"] + 8
                  and head["x0"] - 1 <= w["x0"] < head["x0"] + 71 * 72 / 25.4 - 4 and w["text"] != "In"]
        assert column and min(w["size"] for w in column) >= 7.5 - 0.01, sorted({w["size"] for w in column})
        text = page.extract_text()
        assert "HP-2026-0002)" in text  # the long one wrapped, not cut
        box = 2.6 * 72 / 25.4
        boxes = [r for r in page.rects if abs(r["width"] - box) < 0.5 and abs(r["height"] - box) < 0.5]
        ticks = [t for t in page.curves + page.lines if t["width"] < box and t["height"] < box]
        ticked = []
        for t in ticks:
            cx, cy = (t["x0"] + t["x1"]) / 2, (t["top"] + t["bottom"]) / 2
            b = next(b for b in boxes if b["x0"] <= cx <= b["x1"] and b["top"] <= cy <= b["bottom"])
            label = page.crop((b["x1"], b["top"] - 1, b["x1"] + 55, b["bottom"] + 1)).extract_text()
            ticked.append(label.strip())
    assert sorted(ticked) == ["Đã gọi", "Đã trả hàng"]  # Hồng called, Ba returned; the others not yet
    render(target, "recall-call-list-ticked.png")


def test_summary_held_figures_agree_between_the_table_and_section_4(demo_db, opened, tmp_path):
    """The lots table and section 4 count held packs the same way: none before "Hold", all of them after."""
    def figures(view, name):
        target = recall_documents.write_summary(demo_db, view, tmp_path / name)
        s = recall_documents.summary(demo_db, view)
        with pdfplumber.open(target) as pdf:
            text = "\n".join(page.extract_text() for page in pdf.pages)
        return sum(x.held for x in s.lots), dict(s.buyers)["Đơn đã giữ lại, không giao (gói)"], text

    table, section, text = figures(opened, "a.pdf")
    assert (table, section) == (0, "0") and re.search(r"18 0 \(\+4 12 1478 gói 6", text)  # +4 not held yet
    recall.hold_orders(demo_db, opened.id, "Hồng")
    table, section, text = figures(recall.recall_view(demo_db, opened.id), "b.pdf")
    assert (table, section) == (4, "4") and "chưa giữ)" not in text


@pytest.fixture
def all_held(demo_db):
    """The recall with every unshipped order held; one of them had been paid ahead (110.000 ₫)."""
    order_entry.save_order(demo_db, OrderDraft(phone="0966 555 010", name="Lý Thị Ngọc", province="Hà Nội",
                                               commune="Phường Ba Đình", shipping="30k", prepaid="110000",
                                               lines=[LineDraft("YDI-BUN-500", "2")]))
    opened = open_bun_recall(demo_db)
    assert len(recall.hold_orders(demo_db, opened.id, "Hồng")) == 3
    return recall.recall_view(demo_db, opened.id)


def test_call_list_tells_the_buyers_of_held_orders_apart(demo_db, all_held, tmp_path):
    """After "Hold", the buyers of the held orders are on the list in their own section (cancelled, refund
    named), and the counts add up: to call + to tell = to contact."""
    target = recall_documents.write_call_list(demo_db, all_held.answer, tmp_path / "goi.pdf", all_held)
    with pdfplumber.open(target) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        words = page.extract_words()
        # Held rows have no "returned" box (nothing was sent to send back), and do have "refunded".
        below = next(w for w in words if w["text"] == "B.")["bottom"]
        section_b = page.crop((0, below, page.width, page.height)).extract_text()
        section_a = page.crop((0, 0, page.width, below)).extract_text()
    assert "Đã trả hàng" not in section_b and section_b.count("Đã hoàn tiền") == 3
    assert section_a.count("Đã trả hàng") >= 3
    assert "0 khách" not in text
    assert "6 khách cần liên hệ = 3 cần gọi (2 đã nhận hàng, 1 có hàng đang vận chuyển) + 3 có đơn bị giữ lại" in text
    assert "3 đơn đã hủy, hoàn trả 110.000" in text
    a = text.index("A. GỌI NGAY — 3 khách")
    b = text.index("B. BÁO KHÁCH — 3 khách")
    for name in ("Hoàng Thị Ánh", "Vũ Đình Ông", "Lý Thị Ngọc"):
        assert text.index(name, a) > b, name
    for name in ("Nguyễn Thị Hồng", "Trần Văn Ba"):  # (the first Hồng is the header's: she decided)
        assert a < text.index(name, a) < b, name
    assert "Hoàn trả 110.000" in text and "Chưa thu tiền: không phải hoàn" in text
    assert "Phạm Minh Đức" not in text  # his parcel came back: nothing to tell
    render(target, "recall-call-list-held.png")


def test_call_list_before_any_recall_is_a_quality_check(demo_db, tmp_path):
    got = recall.who_got(demo_db, lot=BUN)
    target = recall_documents.write_call_list(demo_db, got, tmp_path / "goi.pdf")
    with pdfplumber.open(target) as pdf:
        text = pdf.pages[0].extract_text()
    assert "KIỂM TRA CHẤT LƯỢNG (CHƯA THU HỒI)" in text and "THU HỒI SẢN PHẨM" not in text
    assert "thông báo phòng ngừa" in text
    rows = list(csv.reader(io.StringIO(recall_documents.write_buyers(
        demo_db, got, tmp_path / "k.csv").read_text("utf-8-sig"))))
    messages = [r[14] for r in rows[1:]]
    assert messages and all("KIỂM TRA LẠI" in m and "THU HỒI" not in m for m in messages)
    render(target, "recall-call-list-check.png")


def test_buyers_sheet_carries_the_held_orders_message_and_refund(demo_db, all_held, tmp_path):
    from openpyxl import load_workbook

    rows = list(load_workbook(recall_documents.write_buyers(demo_db, all_held.answer, tmp_path / "k.xlsx",
                                                            all_held)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Tiền hoàn trả (đồng)" and rows[0][14] == "Tin nhắn gửi khách"
    by_name = {r[1]: r for r in rows[1:]}
    ngoc, ong, hong = by_name["Lý Thị Ngọc"], by_name["Vũ Đình Ông"], by_name["Nguyễn Thị Hồng"]
    entry = {c.name: c for c in all_held.answer.customers}
    assert ngoc[14] == entry["Lý Thị Ngọc"].message  # the same text as the screen's copy button
    assert "HỦY" in ngoc[14] and "110.000\u00a0₫" in ngoc[14] and ngoc[15] == 110_000
    assert "HỦY" in ong[14] and "Nếu đã nhận hàng" not in ong[14] and ong[15] is None
    assert "Nếu đã nhận hàng" in hong[14] and hong[15] is None
    csv_rows = list(csv.reader(io.StringIO(recall_documents.write_buyers(
        demo_db, all_held.answer, tmp_path / "k.csv", all_held).read_text("utf-8-sig"))))
    assert {r[1]: r[15] for r in csv_rows[1:]}["Lý Thị Ngọc"] == "110000"


def test_summary_counts_every_outcome_and_names_the_held_orders(demo_db, all_held, tmp_path):
    """Section 5 lists every outcome the domain defines with its count per kind of buyer (the totals add up to
    the buyers of section 4), and the held orders with what is owed back."""
    from coopdesk.domain.recall import OUTCOMES

    s = recall_documents.summary(demo_db, all_held)
    head, *body = s.outcomes
    assert len(body) == len(OUTCOMES) + 1 and body[-1][0] == "Cộng"
    table = {r[0]: [int(v) for v in r[1:]] for r in body}
    assert table["Đã trả hàng"] == [1, 0, 0, 1]  # Ba sent his back (recorded in the fixture)
    assert table["Chưa gọi"] == [2, 3, 0, 5] and table["Không cần"] == [0, 0, 1, 1]
    for column in range(4):
        assert sum(v[column] for k, v in table.items() if k != "Cộng") == table["Cộng"][column]
    assert table["Cộng"][3] == int(dict(s.buyers)["Số khách hàng đã nhận"])
    contact = dict(s.contact)
    assert (contact["Khách cần liên hệ"], contact["Đã liên hệ được"]) == ("6", "1")
    assert contact["Chưa liên hệ được (chưa gọi hoặc không nghe máy)"] == "5"
    held = contact["Đơn đã giữ lại, hủy do thu hồi (3 đơn)"]
    assert "DH000005 (Hoàng Thị Ánh)" in held and "DH000006 (Vũ Đình Ông)" in held
    assert "(Lý Thị Ngọc, hoàn trả 110.000\u00a0₫)" in held
    assert contact["Tiền hoàn trả cho khách đã trả trước"] == "110.000\u00a0₫"
    target = recall_documents.write_summary(demo_db, all_held, tmp_path / "bao-cao.pdf")
    with pdfplumber.open(target) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    for label in ("Chưa gọi", "Đã gọi", "Không nghe máy", "Đã trả hàng", "Đã hoàn tiền", "Không cần"):
        assert re.search(rf"^{label} \d+ \d+ \d+ \d+$", text, re.M), label
    assert re.search(r"^Cộng 3 3 1 7$", text, re.M)  # Hồng, Ba, the parcel in transit; the 3 held; Đức
    assert "Đơn đã giữ lại, hủy do thu hồi (3 đơn)" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(target), str(artifact("documents", "recall-summary-held"))],
                       check=True)


def test_a_long_call_list_pages_both_sections_and_numbers_every_row():
    """Rows run on across pages from the buyers to call into the held orders' section; a section's head never
    ends a page alone, and every row has its number once."""
    row = recall_docs.CallRow("Nguyễn Thị Hồng Nhung", "0912 345 678", "Thanh Hóa", "DH001234", "26/11/2026",
                              "Bún sắn khô (lô HP-2026-0001)", 4, "Đã giao", "GHTK", "S1", "Chưa gọi", "", "", "…")
    held = recall_docs.CallRow("Lê Thị Thu", "0912 000 111", "Hà Nội", "DH001300", "26/11/2026",
                               "Bún sắn khô (lô HP-2026-0001)", 2, "Đơn đã giữ lại, HỦY do thu hồi", "", "",
                               "Chưa gọi", "", "", "…", 110_000, "Hoàn trả 110.000 ₫")
    data = recall_docs.call_list_pdf(recall_docs.CallList("HTX", "Thanh Hóa", "Thu hồi #1", "Lý do", "Hôm nay", BUN,
                                                          "…", "29/11/2026", (row,) * 9, (held,) * 30))
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [p.extract_text() for p in pdf.pages]
        numbers = [int(w["text"]) for p in pdf.pages for w in p.extract_words()
                   if w["x0"] < 40 and w["text"].isdigit()]
    assert numbers == list(range(1, 40))
    assert all(f"Trang {i}/{len(pages)}" in t for i, t in enumerate(pages, start=1))
    heads = [(i, t.index("B. BÁO KHÁCH")) for i, t in enumerate(pages) if "B. BÁO KHÁCH" in t]
    assert len(heads) == 1
    page, at = heads[0]
    assert "Lê Thị Thu" in pages[page][at:]  # a held row under its head, on the same page


def test_call_list_counts_when_nothing_was_paid_ahead(demo_db, opened):
    recall.hold_orders(demo_db, opened.id, "Hồng")  # the demo's orders 5 and 6, both cash on delivery
    counts = recall_documents.call_list(demo_db, recall.recall_view(demo_db, opened.id).answer).counts
    assert counts.endswith("+ 2 có đơn bị giữ lại · 2 đơn đã hủy, không phải hoàn tiền"), counts
    assert "0\u00a0₫" not in counts
