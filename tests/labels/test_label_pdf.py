"""Every template's PDF, rendered by pdftoppm at its printer's resolution: every QR decodes to the lot's trace
URL, every Vietnamese letter reads back, and no text leaves its label or enters the QR's quiet zone."""

from __future__ import annotations

import io

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopdesk.domain.labels import MM
from coopdesk.services import labels
from tests.conftest import artifact
from tests.labels.conftest import BUN, LOWER, PUMPKIN, TODAY, UPPER, decode_all, needs_pdftoppm, render

TEMPLATES = ["50x30", "40x30", "35x22", "72x22-2", "104x22-3", "60x40", "100x150", "a4-65", "a4-24", "a4-21",
             "a4-14"]


def url_of(job, code):
    return next(lab.content.url for lab in job.labels if lab.content.lot_code == code)


@needs_pdftoppm
@pytest.mark.parametrize("name", TEMPLATES)
def test_every_qr_on_every_template_decodes_to_the_lot_url(demo_db, tmp_path, name):
    t = labels.template(demo_db, name)
    per = t.per_page
    # Two lots on one run, starting part-way into the first page: every label of every page is checked.
    job = labels.prepare_job(demo_db, name, [(BUN, per), (PUMPKIN, 2)], start=min(2, per), today=TODAY)
    pdf = labels.pdf_bytes(job)
    pages = render(pdf, t.dpi, tmp_path)
    assert len(pages) == len(job.pages())
    expected = [[job.labels[i].content.url for _slot, i in page] for page in job.pages()]
    for image, want in zip(pages, expected, strict=True):
        assert sorted(decode_all(image)) == sorted(want)
    assert url_of(job, BUN) == "https://truyxuat.hongphuoc.example/01/02000000000022/10/" + BUN
    assert url_of(job, PUMPKIN) == "https://truyxuat.hongphuoc.example/lo/" + PUMPKIN
    # One rendered label of each size, for a person to look at.
    x, y = t.slot(min(2, per) - 1)
    s = t.dpi / 25.4
    first = pages[0].crop((int(x * s), int((t.page_h - y - t.label_h) * s), int((x + t.label_w) * s),
                           int((t.page_h - y) * s)))
    first.save(artifact("labels", f"label-{name}.png"))


@pytest.mark.parametrize("name", TEMPLATES)
def test_qr_modules_are_whole_dots_with_a_quiet_zone(demo_db, name):
    t = labels.template(demo_db, name)
    job = labels.prepare_job(demo_db, name, [(BUN, 1), (PUMPKIN, 1)], today=TODAY)
    for lab in job.labels:
        lay = lab.layout
        assert lay.module_dots >= 3
        assert lay.module == pytest.approx(lay.module_dots * 72 / t.dpi)
        for v in (lay.qr_x, lay.qr_y):  # whole dots from the label's (snapped) corner
            assert v * t.dpi / 72 == pytest.approx(round(v * t.dpi / 72))
        assert lay.qr_size == pytest.approx((lab.symbol.modules + 8) * lay.module)
        assert lab.symbol.error == t.qr_error
        if t.is_thermal and t.dpi == 203:
            assert lay.module_dots * 25.4 / 203 >= 0.375


def label_boxes(t, job, offset=(0.0, 0.0)):
    dx, dy = offset
    for page in job.pages():
        boxes = []
        for slot, index in page:
            x, y = t.slot(slot)
            x0, top = (x + dx) * MM, (t.page_h - y - t.label_h + dy) * MM
            boxes.append((x0, top, x0 + t.label_w * MM, top + t.label_h * MM, job.labels[index]))
        yield boxes


@pytest.mark.parametrize("name", TEMPLATES)
def test_no_text_leaves_its_label_nor_enters_the_qr(demo_db, lettered_lot, name):
    t = labels.template(demo_db, name)
    offset = (0.4, -0.3)
    job = labels.prepare_job(demo_db, name, [(lettered_lot, 2), (BUN, 1)], offset=offset, with_price=True,
                             today=TODAY)
    pdf = pdfplumber.open(io.BytesIO(labels.pdf_bytes(job)))
    slack = 0.6  # points: a dot of rounding where label corners are snapped to the printer's grid
    for page, boxes in zip(pdf.pages, label_boxes(t, job, offset), strict=True):
        assert page.chars
        for ch in page.chars:
            inside = [b for b in boxes if b[0] - slack <= ch["x0"] and ch["x1"] <= b[2] + slack
                      and b[1] - slack <= ch["top"] and ch["bottom"] <= b[3] + slack]
            assert inside, f"{ch['text']!r} at {ch['x0']:.1f},{ch['top']:.1f} is outside every label"
            x0, top, _x1, _b, lab = inside[0]
            lay = lab.layout
            qr_left, qr_right = x0 + lay.qr_x, x0 + lay.qr_x + lay.qr_size
            qr_top = top + lay.height - lay.qr_y - lay.qr_size
            qr_bottom = qr_top + lay.qr_size
            overlaps = ch["x0"] < qr_right - slack and ch["x1"] > qr_left + slack and \
                ch["top"] < qr_bottom - slack and ch["bottom"] > qr_top + slack
            assert not overlaps, f"{ch['text']!r} is inside the QR's quiet zone"


def test_every_vietnamese_letter_reads_back(demo_db, lettered_lot):
    job = labels.prepare_job(demo_db, "100x150", [(lettered_lot, 1)], with_price=True, today=TODAY)
    label = job.labels[0]
    assert not label.cut and not label.dropped
    text = pdfplumber.open(io.BytesIO(labels.pdf_bytes(job))).pages[0].extract_text()
    flat = "".join(text.split())
    for letter in set((LOWER + UPPER).replace(" ", "")):
        assert letter in flat, letter
    assert "Lô: " + lettered_lot in text
    assert "NSX: 03/11/2026" in text and "HSD: 02/05/2027" in text
    assert "KL tịnh: 250 g" in text and "Giá: 55.000 ₫" in text and "OCOP" in text


def test_small_labels_drop_optional_fields_in_the_stated_order(demo_db, lettered_lot):
    from coopdesk.domain.labels import DROP_ORDER

    for name in TEMPLATES:
        job = labels.prepare_job(demo_db, name, [(lettered_lot, 1)], with_price=True, today=TODAY)
        lab = job.labels[0]
        assert lab.dropped == list(DROP_ORDER[:len(lab.dropped)]), name
        kept = [b.key for b in lab.blocks]
        assert {"product", "lot", "dates"} <= set(kept), name
        if lab.dropped:
            assert any("left off" in w or "bỏ" in w for w in job.warnings), name
    big = labels.prepare_job(demo_db, "100x150", [(lettered_lot, 1)], with_price=True, today=TODAY).labels[0]
    assert big.dropped == []


def test_text_that_cannot_fit_is_cut_visibly_never_silently(demo_db):
    from coopdesk.domain.products import ProductDraft
    from coopdesk.services import catalog

    product = next(p for p in catalog.list_products(demo_db) if p.sku == "YDI-BUN-500")
    from coopdesk.domain.products import draft_from_product

    draft = draft_from_product(product)
    draft.name = "Bún sắn khô Hồng Phước " * 12
    catalog.save_product(demo_db, draft, product.id)
    job = labels.prepare_job(demo_db, "35x22", [(BUN, 1)], today=TODAY)
    assert job.labels[0].cut == ["product"]
    assert any("cut" in w or "cắt" in w for w in job.warnings)
    text = pdfplumber.open(io.BytesIO(labels.pdf_bytes(job))).pages[0].extract_text()
    assert "…" in text
    del ProductDraft


def test_the_same_job_writes_the_same_bytes(demo_db):
    a = labels.pdf_bytes(labels.prepare_job(demo_db, "50x30", [(BUN, 3)], today=TODAY))
    b = labels.pdf_bytes(labels.prepare_job(demo_db, "50x30", [(BUN, 3)], today=TODAY))
    assert a == b


@needs_pdftoppm
def test_a_test_page_has_outlines_and_a_ruler_moved_by_the_offset(demo_db, tmp_path):
    t = labels.template(demo_db, "a4-21")
    plain = pdfplumber.open(io.BytesIO(labels.calibration_page(t))).pages[0]
    moved = pdfplumber.open(io.BytesIO(labels.calibration_page(t, (1.0, 2.0)))).pages[0]
    assert len(plain.rects) == t.per_page
    r0, r1 = plain.rects[0], moved.rects[0]
    assert r1["x0"] - r0["x0"] == pytest.approx(1.0 * MM, abs=0.01)
    assert r1["top"] - r0["top"] == pytest.approx(2.0 * MM, abs=0.01)
    assert len(plain.lines) > 40  # ruler ticks
    assert "a4-21" in plain.extract_text()
    render(labels.calibration_page(labels.template(demo_db, "50x30")), 203, tmp_path)[0].save(
        artifact("labels", "test-page-50x30.png"))


@pytest.mark.parametrize("name", ["50x30", "40x30", "35x22", "104x22-3", "a4-65"])
def test_qrs_decode_at_four_sub_dot_offsets_without_anti_aliasing(demo_db, name):
    """PERFORMANCE.md G8: a rasteriser whose dot grid does not start at the page corner still reads every QR."""
    import pypdfium2 as pdfium

    t = labels.template(demo_db, name)
    job = labels.prepare_job(demo_db, name, [(BUN, min(t.per_page, 3)), (PUMPKIN, 2)], today=TODAY)
    want = sorted(job.labels[i].content.url for _slot, i in job.pages()[0])
    doc = pdfium.PdfDocument(labels.pdf_bytes(job))
    try:
        page = doc[0]
        dot = 72 / t.dpi
        for shift in (0.0, 0.25, 0.5, 0.75):
            image = page.render(scale=t.dpi / 72, crop=(shift * dot, 0, 0, shift * dot), grayscale=True,
                                no_smoothpath=True, no_smoothtext=True, no_smoothimage=True).to_pil()
            assert sorted(decode_all(image)) == want, shift
    finally:
        doc.close()


WORDS = ["Bún", "sắn", "khô", "Hồng", "Phước", "Nem", "chua", "Thanh", "Hóa", "Kẹo", "cu", "đơ", "Trà", "búp",
         "Tân", "Cương", "ĐẶC", "BIỆT", "Ỗ", "Ợ", "ậ", "Ặ", "xã", "phường", "Thôn", "số", "12/3", "HTX-ĐẮK-LẮK"]


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(TEMPLATES), product=st.lists(st.sampled_from(WORDS), min_size=1, max_size=30),
       coop=st.lists(st.sampled_from(WORDS), min_size=0, max_size=25),
       address=st.lists(st.sampled_from(WORDS), min_size=0, max_size=30), price=st.booleans(),
       stars=st.sampled_from([0, 3, 4, 5]), modules=st.sampled_from([21, 25, 29, 33, 37]))
def test_fitted_text_always_stays_in_its_box(name, product, coop, address, price, stars, modules):
    """Whatever the names, every line is inside the text box, and anything left off or cut is reported."""
    from datetime import date

    from coopdesk.documents import labels as doc
    from coopdesk.documents import typeset as ts
    from coopdesk.domain.labels import LabelContent, plan_layouts

    t = labels.builtin_templates()[name]
    layouts = plan_layouts(t, modules)
    if not layouts:
        return
    content = LabelContent(lot_code="HP-2026-0042", product=" ".join(product), url="https://t.vn/lo/HP-2026-0042",
                           packed=date(2026, 11, 1), expiry=date(2027, 11, 1), net_weight="500 g",
                           ocop_stars=stars, coop_name=" ".join(coop), coop_address=" ".join(address),
                           price="45.000\u00a0₫" if price else "")
    symbol = ts.qr_symbol(content.url, t.qr_error)
    for layout in layouts:
        label = doc.prepare(content, layout, symbol)
        x, top, width, height = layout.text
        shown = {b.key for b in label.blocks}
        expected = set(doc.field_texts(content))
        assert expected - shown <= set(label.dropped) | set(label.cut)
        for b in label.blocks:
            assert b.top <= top + 0.01 and b.top - b.fitted.height >= top - height - 0.01, b.key
            for line in b.fitted.lines:
                assert ts.string_width(line, b.fitted.font, b.fitted.size) <= width + 0.01, (b.key, line)
            if b.fitted.cut:
                assert b.key in label.cut and b.fitted.lines[-1].endswith("…")
