"""Issue 11, item 12: stacked Vietnamese marks never touch the next line, and no PDF carries an unused Helvetica.

Each character of the PDF is read back with pdfplumber; its ink box (how far its marks reach above and below
the baseline) comes from the bundled font itself, so the dot under Ợ and the hook above Ồ are counted.
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache

import pdfplumber
import pytest
from PIL import ImageFont

from coopdesk.documents.typeset import LEADING
from coopdesk.paths import font_path
from coopdesk.services import cooperative, diary
from coopdesk.services import traceability as trace

EM = 1000


@lru_cache(maxsize=8)
def _font(name: str) -> ImageFont.FreeTypeFont:
    style = "Bold" if "Bold" in name else "Italic" if "Italic" in name else "Regular"
    return ImageFont.truetype(str(font_path(f"BeVietnamPro-{style}.ttf")), EM)


@lru_cache(maxsize=4096)
def _ink(name: str, ch: str) -> tuple[float, float] | None:
    """(above, below) the baseline, in ems, of the character's ink; None for a blank."""
    box = _font(name).getbbox(ch, anchor="ls")
    if box[2] <= box[0] or box[3] <= box[1]:
        return None
    return -box[1] / EM, box[3] / EM


def ink_boxes(page) -> list[tuple[float, float, float, float, float, str]]:  # noqa: ANN001
    """(x0, x1, ink bottom, ink top, baseline, text) per character, in PDF points (y upwards)."""
    out = []
    for c in page.chars:
        ink = _ink(c["fontname"], c["text"])
        if ink is None:
            continue
        size = c["size"]
        baseline = c["matrix"][5]
        out.append((c["x0"], c["x1"], baseline - ink[1] * size, baseline + ink[0] * size, baseline, c["text"]))
    return out


def overlaps(page) -> list[str]:  # noqa: ANN001
    """Pairs of characters on different lines whose ink boxes meet."""
    boxes = sorted(ink_boxes(page))
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b[0] >= a[1]:
                break
            if abs(a[4] - b[4]) < 0.5:  # the same line
                continue
            upper, lower = (a, b) if a[4] > b[4] else (b, a)
            if lower[3] > upper[2] + 0.01:
                found.append(f"“{upper[5]}” over “{lower[5]}” at x={upper[0]:.0f}: "
                             f"{lower[3] - upper[2]:.2f} pt")
    return found


# The ink of the tallest stacked capital (Ẳ, 1.199 em above the baseline) plus the deepest mark below a letter
# (the dot under ạ, 0.227 em) in Be Vietnam Pro: below this leading the two can meet when one stands right
# above the other.
WORST_CASE_LEADING = 1.43


def _diary(demo_db, tmp_path, name: str, street: str, note: str):  # noqa: ANN001, ANN202
    from coopdesk.domain.cooperative import CooperativeDraft
    from coopdesk.domain.lots import EventDraft

    coop = cooperative.get_profile(demo_db)
    cooperative.save_profile(demo_db, CooperativeDraft(
        name=name, tax_code=coop.tax_code, province=str(coop.province), commune=str(coop.commune), street=street,
        phone=coop.phone, trace_base_url=coop.trace_base_url))
    lot = trace.create_lot(demo_db, "NL-SAN-TUOI", area_ids=[1], day=date(2026, 3, 1)).code
    trace.add_event(demo_db, lot, EventDraft(kind="planting", day="01/03/2026", person="Đỗ Thị Kín",
                                             place="Ruộng Đồng Mới, Thôn Ấp Ỷ", note=note), today=date(2026, 11, 23))
    return diary.write_diary(demo_db, lot, tmp_path / "nk.pdf")


@pytest.fixture
def stacked_diary(demo_db, tmp_path):
    """The header of the issue (HỢP over Thôn and Tỉnh) and long notes full of marks, over several lines."""
    note = " ".join(["Tưới nước, kiểm tra độ ẩm, bón thúc đợt một; dọn cỏ ở bờ ruộng nhà bà Nguyễn Thị Hồng, "
                     "Thôn Đồng Ấp, Tỉnh lộ 6; ghi chép đầy đủ, đúng quy trình VietGAP, hạt giống Hưng Lộc."] * 3)
    return _diary(demo_db, tmp_path, "Hợp tác xã Nông nghiệp Hồng Phước Ợ Ạ Ặ Ậ Ỵ",
                  "Thôn Đồng Ấp, Tỉnh lộ 6, Ngõ Ỹ, Xóm Ộ Ệ Ụ", note)


def test_no_line_of_the_diary_touches_the_next(stacked_diary):
    with pdfplumber.open(io.BytesIO(stacked_diary.read_bytes())) as doc:
        text = "".join(p.extract_text() for p in doc.pages)
        assert "HỢP TÁC XÃ" in text and "Thôn" in text and "Tỉnh" in text
        problems = [f"page {n}: {x}" for n, p in enumerate(doc.pages, 1) for x in overlaps(p)]
    assert not problems, problems[:10]


@pytest.mark.xfail(LEADING < WORST_CASE_LEADING, strict=True,
                   reason=f"at {LEADING} a capital with two stacked marks right under a dot-below letter still "
                          f"touches it (by up to 0.08 em); {WORST_CASE_LEADING} clears every pair")
def test_worst_case_stacked_capitals_under_dots_below(demo_db, tmp_path):
    note = " ".join(["ợ ặ ậ ỵ ộ ệ ụ ị Ẳ Ỗ Ẫ Ồ Ễ Ữ Ẵ Ở"] * 12)
    pdf = _diary(demo_db, tmp_path, "HTX Ợ Ạ", "Ẳ Ỗ Ẫ", note)
    with pdfplumber.open(io.BytesIO(pdf.read_bytes())) as doc:
        assert not [x for p in doc.pages for x in overlaps(p)]


def test_lines_of_one_size_are_at_least_1_3_sizes_apart(stacked_diary):
    assert LEADING >= 1.3
    checked = 0
    with pdfplumber.open(io.BytesIO(stacked_diary.read_bytes())) as doc:
        for page in doc.pages:
            lines: dict[float, list[tuple[float, float, float]]] = {}
            for c in page.chars:
                lines.setdefault(round(c["matrix"][5], 2), []).append((c["x0"], c["x1"], round(c["size"], 2)))
            baselines = sorted(lines, reverse=True)
            for upper, lower in zip(baselines, baselines[1:], strict=False):
                sizes = {a[2] for a in lines[upper] for b in lines[lower]
                         if a[2] == b[2] and a[0] < b[1] and b[0] < a[1]}
                for size in sizes:
                    checked += 1
                    assert upper - lower >= 1.3 * size - 0.01, (upper, lower, size)
    assert checked > 5


def test_no_pdf_carries_helvetica(stacked_diary):
    data = stacked_diary.read_bytes()
    assert b"Helvetica" not in data
    with pdfplumber.open(io.BytesIO(data)) as doc:
        fonts = {c["fontname"].split("+")[-1] for p in doc.pages for c in p.chars}
    assert fonts and all(f.startswith("BeVietnamPro") for f in fonts), fonts


def _every_label_pdf(demo_db) -> list[tuple[str, bytes]]:  # noqa: ANN001
    from coopdesk.services import labels

    lot = next(v.code for v in trace.views(demo_db) if v.state.is_packed and not v.recall)
    out = []
    for name, template in labels.builtin_templates().items():
        job = labels.prepare_job(demo_db, template, [(lot, 2)], today=date(2026, 11, 23))
        out.append((f"labels {name}", labels.pdf_bytes(job)))
        out.append((f"test page {name}", labels.calibration_page(template)))
    return out


def _recall_pdfs(demo_db, tmp_path) -> list[tuple[str, bytes]]:  # noqa: ANN001
    from coopdesk.services import recall, recall_documents

    opened = recall.open_recall(demo_db, "Kiểm nghiệm không đạt: vượt ngưỡng vi sinh Ợ Ạ", lot="HP-2026-0001",
                                by="Nguyễn Thị Hồng")
    calls = recall_documents.write_call_list(demo_db, opened.answer, tmp_path / "goi.pdf", opened)
    summary = recall_documents.write_summary(demo_db, opened, tmp_path / "bao-cao.pdf")
    return [("call list", calls.read_bytes()), ("recall summary", summary.read_bytes())]


def _shipping_pdfs(demo_db, tmp_path) -> list[tuple[str, bytes]]:  # noqa: ANN001
    from datetime import datetime

    from coopdesk.domain.shipping import HANDOVER, PICKING, REPORT, SLIPS, Selection
    from coopdesk.services import shipping_documents as sd

    ids = tuple(r["id"] for r in demo_db.query("SELECT id FROM orders"))
    out = []
    for kind in (SLIPS, PICKING, HANDOVER, REPORT):
        made = sd.run(sd.make(demo_db, Selection(order_ids=ids), kind, tmp_path / f"{kind}.pdf",
                              now=datetime(2026, 11, 26, 23, 5)))
        out += [(f"{kind} {f.name}", f.read_bytes()) for f in made.files]
    return out


def test_every_pdf_coopdesk_writes_is_free_of_helvetica_and_of_touching_lines(demo_db, stacked_diary, tmp_path):
    pdfs = [("diary", stacked_diary.read_bytes()), *_every_label_pdf(demo_db), *_shipping_pdfs(demo_db, tmp_path),
            *_recall_pdfs(demo_db, tmp_path)]
    assert len(pdfs) > 3
    for name, data in pdfs:
        assert b"Helvetica" not in data, name
        with pdfplumber.open(io.BytesIO(data)) as doc:
            problems = [x for p in doc.pages for x in overlaps(p)]
        assert not problems, (name, problems[:5])
