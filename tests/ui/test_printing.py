"""The one print path: a PDF printed through QPrinter at 100%, page size kept, QR still decodable."""

import io

import pytest
import zxingcpp

from coopdesk.documents import typeset as ts
from coopdesk.documents.raster import page_size_pt, pdf_pages_to_images
from tests.ui.conftest import snapshot

URL = "https://truyxuat.example.vn/lo/HP-2026-0003"


def _label_pdf(pages: int = 1) -> bytes:
    buf = io.BytesIO()
    c = ts.new_canvas(buf, (50 * ts.MM, 30 * ts.MM), "label")
    for i in range(pages):
        ts.text_box(c, f"Bún khoai mì Hoằng Phượng — nhãn {i + 1}", 2 * ts.MM, 28 * ts.MM, 25 * ts.MM, 12 * ts.MM)
        ts.draw_qr(c, ts.qr_symbol(URL, "m"), ts.snap_to_dots(27 * ts.MM, 203), ts.snap_to_dots(3 * ts.MM, 203),
                   ts.module_for_dpi(203, 4))
        c.showPage()
    c.save()
    return buf.getvalue()


def test_print_to_pdf_file_at_100_percent(app, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from coopdesk.ui.printing import print_pdf_to_printer

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setResolution(203)
    assert print_pdf_to_printer(printer, _label_pdf(2))
    w, h = page_size_pt(out)
    assert (round(w * 25.4 / 72), round(h * 25.4 / 72)) == (50, 30)
    images = list(pdf_pages_to_images(out, 203))
    assert len(images) == 2
    assert [r.text for r in zxingcpp.read_barcodes(images[1])] == [URL]


def test_preview_pages_and_warnings(qtbot, app):
    from coopdesk.ui.printing import PdfPreview

    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(600, 500)
    preview.show()
    preview.set_pdf(_label_pdf(3))
    preview.set_warnings(["Tên sản phẩm bị cắt ở nhãn 2"])
    assert preview.page_count == 3 and preview.page.maximum() == 3
    preview.page.setValue(3)
    image = preview.current_image()
    assert image is not None and image.width() > 300
    assert not preview.warnings.isHidden()
    snapshot(preview, "print_preview")


@pytest.mark.qt_log_ignore("QPainter::begin")  # the refusal this test makes on purpose
def test_printer_that_refuses_the_job_is_a_message(app, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from coopdesk.domain.errors import CoopDeskError
    from coopdesk.ui.printing import print_pdf_to_printer

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "missing-folder" / "x.pdf"))
    with pytest.raises(CoopDeskError):
        print_pdf_to_printer(printer, _label_pdf())


@pytest.mark.parametrize("size_mm", [(210, 297), (297, 210), (148, 210), (100, 150), (50, 30)])
def test_page_size_and_turn_follow_the_pdf(app, tmp_path, size_mm):
    """A standard sheet goes by its name (trays), a label by its own size; neither is turned nor scaled."""
    from PySide6.QtPrintSupport import QPrinter

    from coopdesk.ui.printing import print_pdf_to_printer

    buf = io.BytesIO()
    c = ts.new_canvas(buf, (size_mm[0] * ts.MM, size_mm[1] * ts.MM))
    ts.text_box(c, "Trang", 10, size_mm[1] * ts.MM - 10, 60, 20)
    c.showPage()
    c.save()
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setResolution(150)
    assert print_pdf_to_printer(printer, buf.getvalue())
    w, h = page_size_pt(out)
    assert (round(w * 25.4 / 72), round(h * 25.4 / 72)) == size_mm
