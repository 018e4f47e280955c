"""The shared typesetting kit: text never leaves its box, codes decode at the printer's dpi, files are atomic."""

import io

import pdfplumber
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from coopdesk.documents import typeset as ts
from coopdesk.documents.raster import page_size_pt, pdf_pages_to_images
from coopdesk.domain.errors import CoopDeskError

VIETNAMESE = "Ặặ Ẵẵ Ợợ Ỗỗ Ữữ Ựự Đđ Ấấ Ầầ Ẩẩ Ẫẫ Ậậ ơ ư ă â ê ô"


def _pdf(draw, size=(50 * ts.MM, 30 * ts.MM)) -> bytes:
    buf = io.BytesIO()
    c = ts.new_canvas(buf, size, "test")
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("abc đươ ỢẶ 1234567890-/") + [" ", "\n"]), max_size=120),
       width=st.floats(20, 200), height=st.floats(8, 80), size=st.floats(6, 14))
def test_fitted_text_never_leaves_its_box(text, width, height, size):
    fitted = ts.fit_text(text, width, height, size=size, min_size=5)
    assert fitted.height <= height + 1e-6
    for line in fitted.lines:
        assert ts.string_width(line, fitted.font, fitted.size) <= width + 1e-6
    if not fitted.cut:
        assert "".join("".join(fitted.lines).split()) == "".join(text.split())


def test_shrink_then_wrap_then_cut():
    one = ts.fit_text("Bún khoai", 200, 20, size=9)
    assert one.lines == ["Bún khoai"] and one.size == 9 and not one.cut
    shrunk = ts.fit_text("Bún khoai mì Hoằng Phượng", ts.string_width("Bún khoai mì Hoằng Phượng", size=8), 20,
                         size=9, min_size=6)
    assert len(shrunk.lines) == 1 and shrunk.size == 8
    wrapped = ts.fit_text("Bún khoai mì Hoằng Phượng đặc sản xứ Thanh", 60, 40, size=9, min_size=6)
    assert len(wrapped.lines) > 1 and not wrapped.cut
    cut = ts.fit_text("Bún khoai mì Hoằng Phượng đặc sản xứ Thanh " * 10, 60, 20, size=9, min_size=6)
    assert cut.cut and cut.lines[-1].endswith("…")


def test_vietnamese_text_reads_back_and_no_helvetica():
    data = _pdf(lambda c: ts.text_box(c, VIETNAMESE, 5, 80, 130, 70, size=8))
    assert b"Helvetica" not in data
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = pdf.pages[0].extract_text()
    assert "".join(text.split()) == "".join(VIETNAMESE.split())


@pytest.mark.parametrize("dots", [3, 4])
def test_qr_in_whole_dots_decodes_at_203_dpi(dots):
    url = "https://truyxuat.example.vn/01/08930000000017/10/HP-2026-0003"
    symbol = ts.qr_symbol(url, "m")
    assert ts.qr_symbol(url, "m") is symbol  # made once
    module = ts.module_for_dpi(203, dots)
    data = _pdf(lambda c: ts.draw_qr(c, symbol, ts.snap_to_dots(20 * ts.MM, 203), ts.snap_to_dots(2 * ts.MM, 203),
                                     module))
    image = next(pdf_pages_to_images(data, 203, crisp=True))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [url]


def test_code128_decodes_at_203_dpi():
    data = _pdf(lambda c: ts.draw_code128(c, "DH-000123", 10, 20, 30, bar_width=ts.module_for_dpi(203, 2)))
    image = next(pdf_pages_to_images(data, 203, crisp=True))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == ["DH-000123"]
    assert ts.code128_width("DH-000123") > 0


def test_money_in_words():
    assert ts.money_in_words(1_250_000) == "Một triệu hai trăm năm mươi nghìn đồng"
    assert ts.money_in_words(0) == "Không đồng"


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.pdf"
    with pytest.raises(RuntimeError), ts.atomic_write(target) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("cancelled")
    assert list(tmp_path.iterdir()) == []
    with ts.atomic_write(target) as temp:
        temp.write_bytes(b"%PDF whole")
    assert target.read_bytes() == b"%PDF whole" and list(tmp_path.iterdir()) == [target]


def test_atomic_write_unwritable_folder_is_a_message(tmp_path):
    with pytest.raises(CoopDeskError, match="out.pdf"), ts.atomic_write(tmp_path / "no" / "out.pdf") as temp:
        temp.write_bytes(b"x")


def test_page_size_and_formula_text():
    data = _pdf(lambda c: ts.text_box(c, ts.plain_text("=HYPERLINK(\"x\")\x07"), 5, 80, 130, 20))
    w, h = page_size_pt(data)
    assert round(w / ts.MM, 1) == 50.0 and round(h / ts.MM, 1) == 30.0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].extract_text() == '=HYPERLINK("x")'
    assert ts.xlsx_safe("=1+1") == "'=1+1" and ts.xlsx_safe("@x") == "'@x" and ts.xlsx_safe(5) == 5
