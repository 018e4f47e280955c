"""The Giao hàng screen: counts before printing, a document made in the background, printed at 100%, and the
handover scan check driven like a scanner (typed codes + Enter)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.domain.shipping import HANDOVER, OK, SLIPS, TWICE, UNKNOWN
from coopdesk.services import order_entry
from coopdesk.services import shipping_documents as sd
from tests.ui.conftest import snapshot

SHIPPING = 4


@pytest.fixture
def live_orders(demo_db):
    sid = order_entry.start_session(demo_db, "Live tối thứ Bảy", "Facebook", "Mai", started_at="2026-11-28 20:00:00")
    ids = []
    for i, (phone, name, tracking) in enumerate((("0912 345 678", "Nguyễn Thị Hồng Phước", "GHTK84100001"),
                                                  ("0988 111 222", "Đặng Văn Ưng", "GHTK84100002"),
                                                  ("0977 222 333", "Lê Thị Ổi", ""))):
        saved = order_entry.save_order(demo_db, OrderDraft(
            phone=phone, name=name, street="Tổ 3", province="Hà Nội", commune="Phường Ba Đình",
            lines=[LineDraft("YDI-BUN-500", str(i + 1))], shipping="30k", delivery_note="Cho xem hàng"), sid, "t",
            created_at=f"2026-11-28 20:{10 + i:02d}:00")
        ids.append(saved.order_id)
        sd.assign_carrier(demo_db, [saved.order_id], "GHTK", {saved.order_id: tracking} if tracking else None)
    return sid, ids


def wait_made(qtbot, page):
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    try:
        qtbot.waitUntil(lambda: page.made is not None, timeout=60000)
    except Exception as e:
        raise AssertionError(f"no document: pool active {pool.activeThreadCount()}/{pool.maxThreadCount()}, "
                             f"task {page.task}, summary {page.summary.text()}") from e


def page_of(window):
    window.nav.setCurrentRow(SHIPPING)
    return window.documents_page


def made_report(window, qtbot, live_orders):
    """The Shipping page with the after-live report of the fixture's session made and previewed."""
    from coopdesk.domain.shipping import REPORT

    page = page_of(window)
    choose_session(page, live_orders[0])
    page.kind.setCurrentIndex(page.kind.findData(REPORT))
    page.recount()
    page.make()
    wait_made(qtbot, page)
    return page


def choose_session(page, sid):
    page.refresh()  # the window was built before the fixture's session existed
    page.session.setCurrentIndex(page.session.findData(sid))
    assert page.session.currentText() == "28/11/2026 20:00 · Live tối thứ Bảy"  # as people write dates
    page._recount.stop()  # count now rather than after the typing pause
    page.recount()


def test_counts_make_preview_print_and_record(window, qtbot, demo_db, live_orders, tmp_path, monkeypatch):
    sid, ids = live_orders
    window.apply_changes(__import__("coopdesk.services.changes", fromlist=["Changes"]).Changes(orders=True))
    page = page_of(window)
    choose_session(page, sid)
    assert page.chosen.order_ids == ids
    cod = sum(o["cod_vnd"] for o in order_entry.orders_json(demo_db, sid))
    assert "3 đơn" in page.summary.text() and f"{cod:,}".replace(",", ".") in page.summary.text()
    page.make()
    wait_made(qtbot, page)
    assert page.preview.page_count == 3
    snapshot(window, "shipping_page_slips")
    # Print: the system dialog is skipped, the PDF path is printed to a PDF file at 100%.
    from PySide6.QtPrintSupport import QPrinter

    from coopdesk.ui import printing

    printed = tmp_path / "printed.pdf"

    def fake_print(parent, pdf, key, page_size_mm=None):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        printer.setResolution(203)
        return printing.print_pdf_to_printer(printer, pdf, page_size_mm)

    monkeypatch.setattr("coopdesk.ui.shipping.page.print_pdf", fake_print)
    assert page.print_()
    import pdfplumber

    with pdfplumber.open(printed) as pdf:
        assert len(pdf.pages) == 3
        assert round(pdf.pages[0].width / 72 * 25.4) == 105  # A6, not scaled to another paper
    if shutil.which("pdftoppm"):  # what came out of the printer path still scans: order barcode and lot QR
        import subprocess

        import zxingcpp
        from PIL import Image

        subprocess.run(["pdftoppm", "-r", "203", "-f", "1", "-l", "1", "-gray", "-png", str(printed),
                        str(tmp_path / "printed")], check=True)
        image = Image.open(next(tmp_path.glob("printed*.png")))
        found = {r.text: r.format.name for r in zxingcpp.read_barcodes(image)}
        assert found.get(f"DH{ids[0]:06d}") == "Code128"
        assert any(f == "QRCode" for f in found.values())
    statuses = {o["order_id"]: o["status"] for o in order_entry.orders_json(demo_db, sid)}
    assert all(statuses[i] == "packed" for i in ids)  # the option the user sees, checked by default
    page.recount()
    assert set(page.chosen.printed_before) == set(ids)
    assert "đã in" in page.notes.text() or "already" in page.notes.text()


def test_cancel_leaves_nothing_and_no_selection_says_so(window, qtbot, live_orders):
    page = page_of(window)
    page.session.setCurrentIndex(0)
    page.set_order_ids(())
    page.recount()
    assert not page.make_button.isEnabled()
    sid, _ids = live_orders
    choose_session(page, sid)
    page.make()
    page.cancel()
    assert page.made is None and page.task is None
    qtbot.wait(200)
    assert page.made is None


def test_print_documents_from_the_order_list_selection(window, qtbot, live_orders):
    sid, ids = live_orders
    window.nav.setCurrentRow(3)
    orders = window.orders_page
    orders.refresh()
    orders.table.selectAll()
    orders.print_documents()
    assert window.nav.currentRow() == SHIPPING
    page = window.documents_page
    assert set(ids) <= set(page.hand_ids)
    page.recount()
    assert set(ids) <= set(page.chosen.order_ids)


def test_handover_scan_flow(window, qtbot, demo_db, live_orders, app):
    sid, ids = live_orders
    page = page_of(window)
    choose_session(page, sid)
    page.kind.setCurrentIndex(page.kind.findData(HANDOVER))
    page.recount()
    dialog = page.open_check()
    qtbot.waitExposed(dialog)
    assert dialog.height() <= 728
    beeps = []
    import coopdesk.ui.shipping.scan_check as sc

    original = sc.QApplication.beep
    sc.QApplication.beep = staticmethod(lambda: beeps.append(1))
    flashes = []
    try:
        for code in ("GHTK84100001", "NOT-ON-SHEET", "GHTK84100001", f"DH{ids[2]:06d}"):
            qtbot.keyClicks(dialog.scan, code)
            qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
            flashes.append((dialog.flash.text(), dialog.scan.styleSheet()))
            assert dialog.scan.text() == ""  # ready for the next scan
    finally:
        sc.QApplication.beep = original
    assert dialog.events == [OK, UNKNOWN, TWICE, OK]
    assert len(beeps) == 2  # the unknown code and the double scan
    assert "NOT-ON-SHEET" in flashes[1][0] and "#ffcdd2" in flashes[1][1]  # red flash on the scan field
    assert f"DH{ids[0]:06d}" in flashes[2][0] and "#ffe0b2" in flashes[2][1]
    assert f"DH{ids[1]:06d}" in dialog.missing.text()
    snapshot(dialog, "handover_scan_check")
    QApplication.processEvents()
    dialog.confirm()  # one parcel missing: the question is answered No by the offscreen box -> nothing moves
    statuses = {o["order_id"]: o["status"] for o in order_entry.orders_json(demo_db, sid)}
    assert [statuses[i] for i in ids] == ["new", "new", "new"]
    qtbot.keyClicks(dialog.scan, "GHTK84100002")
    qtbot.keyClick(dialog.scan, Qt.Key.Key_Return)
    assert dialog.check.missing() == [] and "3" in dialog.missing.text()
    moved = dialog.confirm()
    assert sorted(moved) == ids
    statuses = {o["order_id"]: o["status"] for o in order_entry.orders_json(demo_db, sid)}
    assert [statuses[i] for i in ids] == ["handed", "handed", "handed"]


def test_dialogs_and_page_fit_the_laptop_screen(window, qtbot, live_orders):
    sid, _ids = live_orders
    window.resize(1366, 728)
    page = page_of(window)
    choose_session(page, sid)
    QApplication.processEvents()
    assert page.minimumSizeHint().height() <= 640
    snapshot(window, "shipping_page_1366x728")


def test_printer_gone_mid_job_records_nothing(window, qtbot, demo_db, live_orders, monkeypatch,
                                              _no_blocking_message_boxes):
    from coopdesk.domain.errors import CoopDeskError

    sid, ids = live_orders
    page = page_of(window)
    choose_session(page, sid)
    page.make()
    wait_made(qtbot, page)

    def gone(*_a, **_k):
        raise CoopDeskError("The printer stopped taking pages after page 1 of 3.")

    monkeypatch.setattr("coopdesk.ui.shipping.page.print_pdf", gone)
    assert page.print_() is False
    assert any("stopped taking pages" in t for t in _no_blocking_message_boxes)
    page.recount()
    assert page.chosen.printed_before == {}
    statuses = {o["order_id"]: o["status"] for o in order_entry.orders_json(demo_db, sid)}
    assert all(statuses[i] == "new" for i in ids)


def test_save_report_as_xlsx(window, qtbot, live_orders, tmp_path):
    page = made_report(window, qtbot, live_orders)
    snapshot(window, "shipping_page_report")
    written = page.save(str(tmp_path / "bao-cao.xlsx"))
    assert written == [tmp_path / "bao-cao.xlsx"] and written[0].stat().st_size > 0
    assert not page.save(str(tmp_path / "missing-folder" / "x.pdf"))
    assert not (tmp_path / "missing-folder").exists()


def test_a_big_batch_is_counted_off_the_gui_thread(window, qtbot, demo_db, live_orders):
    sid, ids = live_orders
    page = page_of(window)
    page.count_at_once = 1  # as if the live had thousands of orders
    choose_session(page, sid)
    assert page.counting() and not page.make_button.isEnabled()
    assert "3" in page.summary.text()  # "Counting 3 orders…"
    qtbot.waitUntil(lambda: not page.counting(), timeout=60000)
    assert page.chosen.order_ids == ids and page.make_button.isEnabled()
    page.make()
    wait_made(qtbot, page)
    assert page.preview.page_count == 3


def test_one_file_per_carrier_prints_with_one_dialog(window, qtbot, demo_db, live_orders, monkeypatch):
    sid, ids = live_orders
    sd.assign_carrier(demo_db, [ids[2]], "Viettel Post")
    page = page_of(window)
    choose_session(page, sid)
    page.kind.setCurrentIndex(page.kind.findData(HANDOVER))
    page.per_carrier.setChecked(True)
    page._recount.stop()
    page.recount()
    page.make()
    wait_made(qtbot, page)
    assert [f.name for f in page.made.files] == ["bien-ban-ban-giao-ghtk.pdf", "bien-ban-ban-giao-viettel-post.pdf"]
    assert page.file_choice.isVisible() and page.file_choice.count() == 2
    dialogs, direct = [], []
    monkeypatch.setattr("coopdesk.ui.shipping.page.print_pdf", lambda parent, pdf, key: dialogs.append(pdf) or True)
    monkeypatch.setattr("coopdesk.ui.shipping.page.print_pdf_to_printer", lambda printer, pdf: direct.append(pdf))
    assert page.print_()
    assert [p.name for p in dialogs] == ["bien-ban-ban-giao-ghtk.pdf"]
    assert [p.name for p in direct] == ["bien-ban-ban-giao-viettel-post.pdf"]
    page.recount()
    assert set(page.chosen.printed_before) == set(ids)  # both sheets recorded


def test_set_carrier_with_pasted_tracking_numbers(window, qtbot, demo_db, live_orders, _no_blocking_message_boxes):
    sid, ids = live_orders
    page = page_of(window)
    choose_session(page, sid)
    assert not page.set_carrier("GHN", f"DH{ids[0]:06d} GHN1\nrubbish line here")  # a bad line: nothing changes
    assert any("rubbish" in t for t in _no_blocking_message_boxes)
    assert not page.set_carrier("GHN", "DH999999 GHN9")  # not a chosen order
    assert page.set_carrier("GHN", f"DH{ids[2]:06d}\tGHN5550001\n")
    said = window.statusBar().currentMessage()  # staff are told what was done
    assert "GHN" in said and "3 đơn" in said and "1 mã vận đơn" in said
    orders = {o["order_id"]: o for o in order_entry.orders_json(demo_db, sid)}
    got = {i: demo_db.query("SELECT carrier, tracking FROM orders WHERE id = ?", (i,))[0] for i in ids}
    assert [got[i]["carrier"] for i in ids] == ["GHN", "GHN", "GHN"] and orders
    assert got[ids[2]]["tracking"] == "GHN5550001" and got[ids[0]]["tracking"] == "GHTK84100001"


def test_hidden_page_does_not_recount_on_every_saved_order(window, qtbot, demo_db, live_orders, monkeypatch):
    """During a live each saved order is a change; the Shipping page counts again only when it is shown."""
    from coopdesk.services.changes import Changes

    sid, _ids = live_orders
    page = page_of(window)
    choose_session(page, sid)
    calls = []
    real = sd.choose
    monkeypatch.setattr("coopdesk.ui.shipping.page.sd.choose", lambda *a, **k: calls.append(1) or real(*a, **k))
    window.nav.setCurrentRow(3)  # the order desk
    QApplication.processEvents()
    for _ in range(5):
        window.apply_changes(Changes(orders=True))
    assert calls == []
    window.nav.setCurrentRow(SHIPPING)
    QApplication.processEvents()
    assert len(calls) == 1


def _pdf_printer(path):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(203)
    return printer


def test_make_and_print_sends_the_first_part_while_the_rest_are_made(window, qtbot, demo_db, live_orders, tmp_path,
                                                                     monkeypatch):
    """One dialog (here a PDF-file printer), the slips made in parts on the worker, each finished part printed
    on the GUI thread in order, in one job: the first page goes out before the document is finished."""
    sid, ids = live_orders
    monkeypatch.setattr(sd, "JOIN_PART", 1)  # three orders: three parts
    page = page_of(window)
    choose_session(page, sid)
    printed = tmp_path / "printed.pdf"
    first_page_while_making = []
    real_on_page = page._on_page_printed

    def on_page(n):
        if n == 1:
            first_page_while_making.append(page.made is None and page.task is not None)
        real_on_page(n)

    monkeypatch.setattr(page, "_on_page_printed", on_page)
    assert page.make_and_print(_pdf_printer(printed))
    job = page._printing
    made = []
    monkeypatch.setattr(page, "_after_output", lambda target, real=page._after_output: (
        made.append([p.name for p in page.made.files]), real(target)))
    qtbot.waitUntil(lambda: page._printing is None and bool(made), timeout=60000)
    assert first_page_while_making == [True]
    assert job.parts == 3 and job.pages == 3 and job.closed and not job.cancelled
    assert made == [["phieu-giao-hang.pdf"]]  # recorded once, with the joined file (for preview and saving)
    import pdfplumber

    with pdfplumber.open(printed) as pdf:
        assert len(pdf.pages) == 3
        assert round(pdf.pages[0].width / 72 * 25.4) == 105  # A6 at 100%
    if shutil.which("pdftoppm"):
        import subprocess

        import zxingcpp
        from PIL import Image

        subprocess.run(["pdftoppm", "-r", "203", "-f", "1", "-l", "1", "-gray", "-png", str(printed),
                        str(tmp_path / "printed")], check=True)
        image = Image.open(next(tmp_path.glob("printed*.png")))
        found = {r.text: r.format.name for r in zxingcpp.read_barcodes(image)}
        assert found.get(f"DH{ids[0]:06d}") == "Code128"
        assert any(f == "QRCode" for f in found.values())
    statuses = {o["order_id"]: o["status"] for o in order_entry.orders_json(demo_db, sid)}
    assert all(statuses[i] == "packed" for i in ids)
    assert page.print_button.isEnabled()


def test_cancel_while_printing_parts_records_nothing(window, qtbot, demo_db, live_orders, tmp_path, monkeypatch):
    sid, ids = live_orders
    monkeypatch.setattr(sd, "JOIN_PART", 1)
    page = page_of(window)
    choose_session(page, sid)
    real_on_page = page._on_page_printed

    def on_page(n):
        real_on_page(n)
        if n == 1:
            page.cancel_button.click()  # the person presses Cancel as the first page goes out

    monkeypatch.setattr(page, "_on_page_printed", on_page)
    assert page.make_and_print(_pdf_printer(tmp_path / "printed.pdf"))
    job = page._printing
    qtbot.waitUntil(lambda: page.task is None and page._printing is None, timeout=60000)
    qtbot.wait(200)
    assert job.cancelled and job.pages == 1
    assert not page.cancel_button.isVisible() and page.print_button.isEnabled()
    statuses = {o["order_id"]: o["status"] for o in order_entry.orders_json(demo_db, sid)}
    assert all(statuses[i] == "new" for i in ids)  # nothing recorded, nothing moved
    page.recount()
    assert not page.chosen.printed_before


def test_many_refusals_scroll_and_the_buttons_stay_put(window, qtbot, live_orders):
    """Seen in a walk: seven refused orders squashed the filters and pushed the buttons below the screen."""
    sid, _ids = live_orders
    window.resize(1366, 728)
    page = page_of(window)
    choose_session(page, sid)
    QApplication.processEvents()
    before = page.make_button.mapTo(page, page.make_button.rect().topLeft()).y()
    page.notes.setText("\n".join(f"⛔ DH{i:06d}: lô HP-2026-0005 đang thu hồi — không in phiếu" for i in range(60)))
    QApplication.processEvents()
    assert page.minimumSizeHint().height() <= 640
    assert page.make_button.mapTo(page, page.make_button.rect().topLeft()).y() == before
    assert page.notes_box.verticalScrollBar().maximum() > 0  # the list scrolls in its own box


def test_a_saved_report_can_be_saved_again_as_xlsx(window, qtbot, live_orders, tmp_path):
    """Seen in a walk: each save disabled Print and Save until the preview was made again."""
    page = made_report(window, qtbot, live_orders)
    assert page.save(str(tmp_path / "bao-cao.pdf"))
    QApplication.processEvents()
    assert page.save_button.isEnabled() and page.made is not None
    assert page.save(str(tmp_path / "bao-cao.xlsx"))
    page.kind.setCurrentIndex(page.kind.findData(SLIPS))  # other choices: the old preview goes
    page._recount.stop()
    page.recount()
    assert page.preview.page_count == 0
