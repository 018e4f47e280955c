"""The exported site: every page parsed, nothing private, everything escaped, every link inside the folder."""

import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import zxingcpp
from PIL import Image

from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.lots import EventDraft
from coopdesk.domain.products import ProductDraft, draft_from_product
from coopdesk.services import catalog, cooperative, publishing
from coopdesk.services import traceability as trace

TODAY = date(2026, 11, 23)


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src"):
                self.links.append(value)

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def site(demo_db, tmp_path) -> Path:
    out = tmp_path / "site"
    publishing.export_site(demo_db, out, TODAY)
    return out


def test_every_page_is_clean_and_links_stay_inside(demo_db, tmp_path):
    out = site(demo_db, tmp_path)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) == 2 + 2 * 5
    phones = [m["phone"] for m in cooperative.members(demo_db)]
    prices = {str(p.price_vnd) for p in catalog.list_products(demo_db)} | {"₫"}
    for path in pages:
        html = path.read_text(encoding="utf-8")
        page = parse(path)
        assert "script" not in page.tags
        for phone in phones:
            assert phone not in html and phone[3:] not in html
        assert not any(f">{p}<" in html for p in prices) and "₫" not in html
        for link in page.links:
            url = urlparse(link)
            assert not url.scheme and not url.netloc, link
            target = (path.parent / unquote(url.path)).resolve()
            assert target.is_file(), f"{path.relative_to(out)} -> {link}"
            assert out.resolve() in target.parents


def test_lot_page_content_and_recall_banner(demo_db, tmp_path):
    out = site(demo_db, tmp_path)
    bun = (out / "01/02000000000022/10/HP-2026-0001/index.html").read_text(encoding="utf-8")
    assert "Bún sắn khô Hồng Phước" in bun and "★★★" in bun and "2317/QĐ-UBND" in bun
    assert "HP-2025-0001" in bun and "Nghiền, tráng bánh, phơi khô" in bun and "1500 gói" in bun.replace(".", "")
    assert "THU HỒI" not in bun
    en = (out / "01/02000000000022/10/HP-2026-0001/en.html").read_text(encoding="utf-8")
    assert "Hong Phuoc dried cassava vermicelli" in en and "From seed to pack" in en
    raw = (out / "lo/HP-2025-0001/index.html").read_text(encoding="utf-8")
    assert "Đã dùng cho các lô" in raw and "../../01/02000000000022/10/HP-2026-0001/index.html" in raw
    nem = (out / "lo/HP-2026-0003/index.html").read_text(encoding="utf-8")
    assert "THU HỒI / RECALLED" in nem and "vi sinh không đạt" in nem


def test_recall_of_a_raw_lot_shows_on_the_vermicelli_page(demo_db, tmp_path):
    trace.recall_lot(demo_db, "HP-2025-0002", "Dư lượng vượt ngưỡng")
    out = site(demo_db, tmp_path)
    assert "THU HỒI / RECALLED" in (out / "01/02000000000022/10/HP-2026-0001/index.html").read_text("utf-8")
    assert "THU HỒI / RECALLED" in (out / "lo/HP-2025-0002/index.html").read_text("utf-8")
    assert "THU HỒI / RECALLED" not in (out / "lo/HP-2025-0001/index.html").read_text("utf-8")


def test_input_is_escaped_not_executed(demo_db, tmp_path):
    p = next(p for p in catalog.list_products(demo_db) if p.sku == "TSE-CUDO-300")
    d: ProductDraft = draft_from_product(p)
    d.name = 'Kẹo <script>alert("x")</script> "cu đơ" & mè 🥜👨‍👩‍👧'
    catalog.save_product(demo_db, d, p.id)
    lot = trace.create_lot(demo_db, "TSE-CUDO-300", day=TODAY).code
    trace.add_event(demo_db, lot, EventDraft(kind="processing", day="20/11/2026", person="<b>Mai</b>",
                                             method="Nấu <img src=x onerror=alert(1)>", quantity_kg="10"),
                    today=TODAY)
    out = site(demo_db, tmp_path)
    html = (out / f"lo/{lot}/index.html").read_text(encoding="utf-8")
    page = parse(out / f"lo/{lot}/index.html")
    assert "script" not in page.tags and "b" not in page.tags
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "🥜👨‍👩‍👧" in html


def test_private_member_and_private_event_stay_off(demo_db, tmp_path):
    member = trace.add_member(demo_db, "Hộ Giấu Tên", "0912 000 111", private=True)
    area = trace.save_area(demo_db, "Ruộng riêng", "500", member_id=member).id
    lot = trace.create_lot(demo_db, "NL-SAN-TUOI", area_ids=[area], day=TODAY).code
    trace.add_event(demo_db, lot, EventDraft(kind="planting", day="01/11/2026", person="Hộ Giấu Tên"), today=TODAY)
    trace.add_event(demo_db, lot, EventDraft(kind="care", day="02/11/2026", person="Lê Văn Thắng",
                                             note="Ghi chú nội bộ", private=True), today=TODAY)
    out = site(demo_db, tmp_path)
    html = (out / f"lo/{lot}/index.html").read_text(encoding="utf-8")
    assert "Ruộng riêng" in html
    assert "Hộ Giấu Tên" not in html and "Ghi chú nội bộ" not in html


def test_lapsed_ocop_is_not_shown_as_stars(demo_db, tmp_path):
    lot = trace.create_lot(demo_db, "EAT-CF-RX500", day=TODAY).code  # its OCOP lapsed on 21/11/2026
    out = site(demo_db, tmp_path)
    assert "★" not in (out / f"lo/{lot}/index.html").read_text(encoding="utf-8")


def test_re_export_is_incremental_and_deterministic(demo_db, tmp_path):
    out = site(demo_db, tmp_path)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    again = publishing.export_site(demo_db, out, TODAY)
    assert again.written == [] and again.pages == len(before) - 1  # all but the manifest
    trace.add_event(demo_db, "HP-2025-0002", EventDraft(kind="care", day="20/11/2026", person="Lê Văn Thắng",
                                                        note="Dọn ruộng"), "", TODAY)
    third = publishing.export_site(demo_db, out, TODAY)
    assert sorted(third.written) == ["lo/HP-2025-0002/en.html", "lo/HP-2025-0002/index.html"]


def test_unwritable_folder_is_a_plain_error(demo_db, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CoopDeskError) as info:
        publishing.export_site(demo_db, blocker / "site", TODAY)
    assert "file" in info.value.message


def test_missing_photo_is_named(demo_db, tmp_path):
    photo = tmp_path / "nem.jpg"
    photo.write_bytes(b"\xff\xd8fake")
    lot = "HP-2026-0003"
    trace.add_event(demo_db, lot, EventDraft(kind="care", day="20/11/2026", person="Mai", photos=[str(photo)]),
                    "Ảnh kho", TODAY)
    for stored in (demo_db.path.parent / "demo-media").iterdir():
        stored.unlink()
    with pytest.raises(CoopDeskError) as info:
        publishing.export_site(demo_db, tmp_path / "site", TODAY)
    assert "nem.jpg" in info.value.message


@pytest.mark.parametrize("lot", ["HP-2026-0001", "HP-2025-0001"])
def test_qr_decodes_to_a_page_of_the_site(demo_db, tmp_path, lot):
    out = site(demo_db, tmp_path)
    url, png = publishing.lot_qr(demo_db, lot, tmp_path / "qr.png")
    decoded = zxingcpp.read_barcodes(Image.open(png))
    assert [d.text for d in decoded] == [url]
    base = cooperative.get_profile(demo_db).trace_base_url
    rel = url.removeprefix(base).strip("/")
    assert re.fullmatch(r"(lo/[A-Z0-9-]+|01/\d{14}/10/[A-Z0-9-]+)", rel)
    assert (out / rel / "index.html").is_file()


def test_qr_svg(demo_db, tmp_path):
    _url, svg = publishing.lot_qr(demo_db, "HP-2026-0002", tmp_path / "qr.svg")
    assert svg.read_text().lstrip().startswith("<?xml") or "<svg" in svg.read_text()
    with pytest.raises(CoopDeskError):
        publishing.lot_qr(demo_db, "HP-2026-0002", tmp_path / "qr.gif")
