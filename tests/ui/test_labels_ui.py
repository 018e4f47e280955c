"""The Nhãn QR screen driven like a person: lots from the lots page, live preview, save, print through QPrinter to
a PDF file, send TSPL to a printer on 127.0.0.1, cancel, and the print log on the lot's page."""

from __future__ import annotations

import pdfplumber
import pytest
from PySide6.QtCore import Qt

from coopdesk.documents import thermal
from coopdesk.services import labels
from tests.labels.conftest import BUN, NEM, PUMPKIN, decode_all, needs_pdftoppm, render
from tests.labels.test_label_jobs import Listener
from tests.ui.conftest import snapshot

LABELS = 2


def open_labels(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    return window.labels_page


def wait_done(qtbot, page):
    qtbot.waitUntil(lambda: page.task is None, timeout=30000)


def select_lot(window, code):
    window.nav.setCurrentRow(1)
    window.lots_page.select_code(code)
    assert window.lots_page.selected().code == code


def test_print_labels_from_a_lot_opens_the_job_with_a_live_preview(window, qtbot):
    select_lot(window, BUN)
    window.lots_page.labels_action.trigger()
    page = window.labels_page
    assert window.stack.currentIndex() == LABELS
    assert page.lots() == [(BUN, 10)]
    page.template.setCurrentIndex(page.template.findData("50x30"))
    page.update_preview()
    assert page.preview.page_count == 10
    assert "10" in page.summary.text() and "50x30" in page.summary.text()
    snapshot(window, "labels-page")
    snapshot(page.preview, "labels-preview")
    page.add_lot(PUMPKIN, 3)
    page.template.setCurrentIndex(page.template.findData("a4-65"))
    page.start.setValue(60)
    page.update_preview()
    assert page.preview.page_count == 2
    page.start.setValue(1)
    page.update_preview()
    assert page.preview.page_count == 1
    snapshot(window, "labels-page-a4")


def test_a_recalled_lot_shows_why_and_cannot_be_printed(window, qtbot, _no_blocking_message_boxes):
    page = open_labels(window, qtbot)
    page.add_lot(NEM, 5)
    page.update_preview()
    assert page.preview.page_count == 0
    assert "thu hồi" in page.preview.warnings.text() or "recalled" in page.preview.warnings.text()
    assert page.save_pdf("/tmp/never.pdf") is None
    assert any(NEM in text for text in _no_blocking_message_boxes)
    select_lot(window, NEM)
    window.lots_page.labels_action.trigger()
    assert window.stack.currentIndex() == 1  # stays on the lots page with the reason shown


def test_save_pdf_logs_the_print_on_the_lot_page(window, qtbot, tmp_path):
    page = open_labels(window, qtbot)
    page.add_lot(BUN, 24)
    page.template.setCurrentIndex(page.template.findData("a4-24"))
    page.who.setText("Trịnh Thị Mai")
    target = tmp_path / "nhan.pdf"
    page.save_pdf(target)
    wait_done(qtbot, page)
    with pdfplumber.open(target) as pdf:
        assert len(pdf.pages) == 1 and BUN in pdf.pages[0].extract_text()
    page.save_pdf(target)
    wait_done(qtbot, page)
    select_lot(window, BUN)
    shown = window.lots_page.detail.toPlainText()
    assert "Nhãn đã in: 48" in shown and "24 nhãn · a4-24 · Tệp PDF · Trịnh Thị Mai" in shown and "in lại" in shown
    snapshot(window, "lot-page-print-log")


def test_cancel_leaves_no_file(window, qtbot, tmp_path):
    page = open_labels(window, qtbot)
    page.add_lot(BUN, 10000)
    page.template.setCurrentIndex(page.template.findData("50x30"))
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    target = tmp_path / "huy.pdf"
    task = page.save_pdf(target)
    task.cancel()
    qtbot.wait(300)
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30000)
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


@needs_pdftoppm
def test_printing_through_qprinter_keeps_the_page_size_and_the_qr(window, qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    page = open_labels(window, qtbot)
    page.add_lot(PUMPKIN, 2)
    page.template.setCurrentIndex(page.template.findData("50x30"))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    page.print_to(printer)
    wait_done(qtbot, page)
    qtbot.waitUntil(out.exists, timeout=10000)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == 2
        assert pdf.pages[0].width == pytest.approx(50 * 72 / 25.4, abs=0.6)
        assert pdf.pages[0].height == pytest.approx(30 * 72 / 25.4, abs=0.6)
    images = render(out, 203, tmp_path / "r" if (tmp_path / "r").mkdir() is None else tmp_path)
    assert decode_all(images[0]) == ["https://truyxuat.hongphuoc.example/lo/" + PUMPKIN]


def test_send_tspl_to_a_network_printer_from_the_page(window, qtbot):
    page = open_labels(window, qtbot)
    page.add_lot(BUN, 30)
    page.template.setCurrentIndex(page.template.findData("40x30"))
    printer = Listener()
    page.send_thermal("tspl", "tcp", f"127.0.0.1:{printer.port}")
    wait_done(qtbot, page)
    printer.thread.join(10)
    [(image, copies)] = thermal.decode_tspl(printer.data)
    assert copies == 30 and decode_all(image.convert("L"))[0].endswith(BUN)
    assert page.printer.currentData() == f"tcp:127.0.0.1:{printer.port}"


@pytest.mark.qt_log_ignore("QPainter::begin")  # the refusal this test makes on purpose
def test_a_printer_that_refuses_the_job_gets_a_message_and_no_log(window, qtbot, tmp_path,
                                                                  _no_blocking_message_boxes):
    from PySide6.QtPrintSupport import QPrinter

    page = open_labels(window, qtbot)
    page.add_lot(PUMPKIN, 2)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "khong-co" / "x.pdf"))  # a folder that is not there
    page.print_to(printer)
    wait_done(qtbot, page)
    assert any("không nhận lệnh in" in t or "did not accept" in t for t in _no_blocking_message_boxes), \
        _no_blocking_message_boxes
    assert labels.print_log(window.database, PUMPKIN) == []


def test_dialogs_fit_a_small_laptop_screen(window, qtbot):
    from coopdesk.ui.labels.dialogs import SendDialog

    page = open_labels(window, qtbot)
    dialog = page.new_template()
    qtbot.waitExposed(dialog)
    assert dialog.height() <= 728 and dialog.width() <= 1366
    snapshot(dialog, "labels-template-dialog")
    dialog.name.setText("nho-50x25")
    dialog.gap_x.setText("-2")
    dialog.save()
    assert dialog.isVisible() and "âm" in dialog.errors.text() or "negative" in dialog.errors.text()
    assert dialog.height() <= 728
    dialog.gap_x.setText("2")
    dialog.save()
    assert not dialog.isVisible()
    assert page.template.currentData() == "nho-50x25"
    again = page.new_template()
    assert again.name.text() == "nho-50x25" and again.gap_x.text() == "2"
    again.delete()  # the question is answered No offscreen: nothing is deleted
    assert labels.template(window.database, "nho-50x25")
    again.reject()
    send = SendDialog(page, "50x30")
    send.show()
    qtbot.waitExposed(send)
    assert send.height() <= 728 and send.width() <= 1366
    snapshot(send, "labels-send-dialog")
    send.close()
    window.resize(1366, 728)
    page.update_preview()
    assert page.preview.page_count == 1  # no lot yet: the label stock's test page
    snapshot(window, "labels-page-1366x728")
    assert page.preview.isVisible() and page.summary.isVisible()


def _cups_pdf_queue() -> str | None:
    from PySide6.QtPrintSupport import QPrinterInfo

    names = [p.printerName() for p in QPrinterInfo.availablePrinters()]
    return "CoopLabel" if "CoopLabel" in names else None


@needs_pdftoppm
def test_printing_on_a_real_cups_queue(window, qtbot, tmp_path):
    """The whole system path: labels → QPrinter → CUPS → cups-pdf (PRINTING.md §6 sets the queue up)."""
    import time
    from pathlib import Path

    from PySide6.QtPrintSupport import QPrinter

    if _cups_pdf_queue() is None:
        pytest.skip("no CUPS queue named CoopLabel (cups-pdf): see PRINTING.md §6 to make one")
    out_dir = Path.home() / "PDF"
    page = open_labels(window, qtbot)
    page.add_lot(PUMPKIN, 1)
    page.template.setCurrentIndex(page.template.findData("50x30"))
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName("CoopLabel")
    name = f"coopdesk-test-{time.time_ns()}"
    printer.setDocName(name)
    page.print_to(printer)
    wait_done(qtbot, page)
    qtbot.waitUntil(lambda: any(out_dir.glob(f"{name}*.pdf")), timeout=30000)
    made = next(out_dir.glob(f"{name}*.pdf"))
    try:
        qtbot.wait(500)  # cups-pdf finishes writing
        with pdfplumber.open(made) as pdf:
            size = (round(pdf.pages[0].width * 25.4 / 72), round(pdf.pages[0].height * 25.4 / 72))
        assert size == (50, 30)  # the label's size, upright (not a portrait page with the label turned)
        images = render(made, 203, tmp_path)
        assert decode_all(images[0]) == ["https://truyxuat.hongphuoc.example/lo/" + PUMPKIN]
        assert "CoopLabel" in [r["target"] for r in labels.print_log(window.database, PUMPKIN)]
    finally:
        made.unlink()


class _FakePrinter:
    def __init__(self, name):
        self.name = name

    def printerName(self):  # noqa: N802 - QPrinterInfo's name
        return self.name


def test_the_form_as_a_tester_found_it(window, qtbot, monkeypatch, tmp_path, _no_blocking_message_boxes):
    """A CUPS printer with no default is offered for every template and remembered per template; "Send to
    thermal printer" stays off for sheets even after a saved PDF; the lot list is as wide as its longest name;
    no "Page 1 of 0"; the offset in Vietnamese is written 0,50."""
    from PySide6.QtCore import QSettings
    from PySide6.QtPrintSupport import QPrinterInfo

    from coopdesk.ui import printing

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(printing, "_settings", lambda: settings)
    printers = [_FakePrinter("Xprinter-XP365B")]
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: printers))
    monkeypatch.setattr(QPrinterInfo, "defaultPrinterName", staticmethod(lambda: ""))
    page = open_labels(window, qtbot)
    for name in ("50x30", "35x22", "a4-65"):
        page.template.setCurrentIndex(page.template.findData(name))
        assert page.printer.currentData() == "Xprinter-XP365B", name
    printers.append(_FakePrinter("HP-LaserJet"))
    page.template.setCurrentIndex(page.template.findData("50x30"))
    page.template.setCurrentIndex(page.template.findData("a4-65"))
    page.printer.setCurrentIndex(page.printer.findData("HP-LaserJet"))
    page.template.setCurrentIndex(page.template.findData("50x30"))
    assert page.printer.currentData() == "Xprinter-XP365B"
    page.template.setCurrentIndex(page.template.findData("a4-65"))
    assert page.printer.currentData() == "HP-LaserJet"  # the last one for this template

    assert not page.send_action.isEnabled()
    page.add_lot(BUN, 2)
    page.save_pdf(tmp_path / "nhan.pdf")
    wait_done(qtbot, page)
    assert (tmp_path / "nhan.pdf").exists()
    assert page.template.currentData() == "a4-65" and not page.send_action.isEnabled()

    view = page.lot_picker.view()
    longest = max(view.fontMetrics().horizontalAdvance(page.lot_picker.itemText(i))
                  for i in range(page.lot_picker.count()))
    assert view.minimumWidth() > longest > page.lot_picker.width() - 40

    page.remove_selected()
    page.add_lot(NEM, 5)  # recalled: nothing to preview
    page.update_preview()
    assert page.preview.page_count == 0
    assert not page.preview.page.isVisible() and not page.preview.of.isVisible()

    page.dx.setValue(0.5)
    assert page.dx.text().startswith("0,50") and page.dy.text().startswith("0,00")
