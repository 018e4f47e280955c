"""Label jobs through the service and the command: thermal bitmaps decoded back, a printer on 127.0.0.1, a raw
queue, the print log, cancelling, and every kind of bad input getting a message and leaving nothing behind."""

from __future__ import annotations

import os
import socket
import stat
import sys
import threading
from pathlib import Path

import pytest

from coopdesk.documents import thermal
from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.services import labels
from tests.labels.conftest import BUN, NEM, PUMPKIN, RAW, TODAY, decode_all


@pytest.fixture(autouse=True)
def _english():
    """The messages are checked in English here (the screens' tests check the Vietnamese)."""
    from coopdesk import i18n

    i18n.set_language("en")


@pytest.mark.parametrize("name", ["50x30", "35x22", "72x22-2", "104x22-3", "100x150"])
def test_tspl_bitmaps_decode_back_to_the_lot_url(demo_db, name):
    t = labels.template(demo_db, name)
    job = labels.prepare_job(demo_db, name, [(BUN, 5), (PUMPKIN, 3)], today=TODAY)
    data = labels.thermal_bytes(job, "tspl")
    assert data.startswith(f"SIZE {t.page_w:g} mm,{t.page_h:g} mm\r\nGAP 2 mm,0 mm\r\n".encode())
    pages = thermal.decode_tspl(data)
    # Identical rows are sent once with a copy count: the total still comes to every label asked for.
    assert sum(len(page) * n for page, n in zip(job.pages(), [1] * len(job.pages()), strict=True)) == 8
    printed = 0
    for image, copies in pages:
        assert image.width >= round(t.page_w * 203 / 25.4) and image.height == round(t.page_h * 203 / 25.4)
        found = decode_all(image.convert("L"))
        assert found and set(found) <= {job.labels[0].content.url, job.labels[1].content.url}
        printed += len(found) * copies
    assert printed == 8


def test_zpl_bitmaps_decode_back_and_300_dpi_works(demo_db):
    job = labels.prepare_job(demo_db, "60x40", [(BUN, 4)], today=TODAY, dpi=300)
    assert job.template.dpi == 300 and job.labels[0].layout.module_dots >= 3
    data = labels.thermal_bytes(job, "zpl")
    assert data.startswith(b"^XA\n^PW709\n^LL472\n")
    [(image, copies)] = thermal.decode_zpl(data)
    assert copies == 4
    assert decode_all(image.convert("L")) == [job.labels[0].content.url]


def test_a_sheet_template_is_not_sent_as_tspl(demo_db):
    job = labels.prepare_job(demo_db, "a4-65", [(BUN, 4)], today=TODAY)
    with pytest.raises(CoopDeskError, match="a4-65"):
        labels.thermal_bytes(job, "tspl")


class Listener:
    """A network label printer stand-in on 127.0.0.1: takes one job and keeps the bytes."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.data = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _a = self.server.accept()
        with conn:
            while chunk := conn.recv(65536):
                self.data += chunk
        self.server.close()


def test_tspl_sent_to_a_network_printer_arrives_whole(demo_db):
    printer = Listener()
    job = labels.prepare_job(demo_db, "50x30", [(BUN, 200)], today=TODAY)
    labels.send_tcp(labels.thermal_bytes(job, "tspl"), f"127.0.0.1:{printer.port}")
    printer.thread.join(10)
    [(image, copies)] = thermal.decode_tspl(printer.data)
    assert copies == 200
    assert decode_all(image.convert("L")) == [job.labels[0].content.url]


def test_a_printer_that_is_not_there_gets_a_message():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(CoopDeskError, match=f"127.0.0.1:{port}"):
        labels.send_tcp(b"CLS\r\n", f"127.0.0.1:{port}", timeout=2)
    with pytest.raises(CoopDeskError, match="HOST:PORT"):
        labels.send_tcp(b"", "printer:abc")


def fake_lp(tmp_path, monkeypatch, refuse=False):
    """An `lp` on PATH that keeps what it is given (or refuses like CUPS does for an unknown queue)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    got = tmp_path / "lp-got"
    script = bin_dir / "lp"
    if refuse:
        script.write_text("#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n")
    else:
        script.write_text(f"#!/bin/sh\necho \"$@\" > {got}.args\ncat > {got}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return got


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for lp")
def test_raw_queue_gets_the_bytes_and_a_refusal_is_a_message(demo_db, tmp_path, monkeypatch):
    got = fake_lp(tmp_path, monkeypatch)
    job = labels.prepare_job(demo_db, "40x30", [(PUMPKIN, 2)], today=TODAY)
    data = labels.thermal_bytes(job, "tspl")
    labels.send_lp(data, "XP-365B")
    assert got.read_bytes() == data
    assert Path(f"{got}.args").read_text().split() == ["-d", "XP-365B", "-o", "raw"]
    fake_lp(tmp_path / "2", monkeypatch, refuse=True) if (tmp_path / "2").mkdir() is None else None
    with pytest.raises(CoopDeskError, match="does not exist"):
        labels.send_lp(data, "KHONG-CO")


def test_cancelling_leaves_no_file_under_the_final_name(demo_db, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    job = labels.prepare_job(demo_db, "50x30", [(BUN, 300)], today=TODAY)
    target = tmp_path / "nhan.pdf"
    run = labels.write_pdf(job, target)
    for progress in run:
        if progress.done >= 50:
            break
    run.close()  # what the window's Cancel does
    assert not target.exists() and list(tmp_path.iterdir()) == []
    thermal_run = labels.write_thermal(labels.prepare_job(demo_db, "72x22-2", [(BUN, 9), (PUMPKIN, 9)],
                                                          today=TODAY), "tspl", tmp_path / "nhan.tspl")
    next(thermal_run)
    thermal_run.close()
    assert list(tmp_path.iterdir()) == []
    done = list(labels.write_pdf(job, target))
    assert done[-1].done == 300 and target.read_bytes().startswith(b"%PDF")


def test_an_unwritable_folder_gets_a_message_and_nothing_half_written(demo_db, tmp_path):
    job = labels.prepare_job(demo_db, "50x30", [(BUN, 3)], today=TODAY)
    folder = tmp_path / "ro"
    folder.mkdir()
    if sys.platform != "win32" and os.geteuid() != 0:
        folder.chmod(0o500)
        target = folder / "nhan.pdf"
    else:  # root writes into any folder: a "folder" that is a file refuses everyone
        (folder / "la-tep").write_text("")
        target = folder / "la-tep" / "nhan.pdf"
    try:
        with pytest.raises(CoopDeskError, match="nhan.pdf"):
            list(labels.write_pdf(job, target))
        with pytest.raises(CoopDeskError, match="nhan.pdf"):
            list(labels.write_thermal(job, "tspl", target))
        assert sorted(p.name for p in folder.iterdir()) in ([], ["la-tep"])
    finally:
        folder.chmod(0o700)


def test_an_unwritable_folder_as_root_too(demo_db, tmp_path):
    job = labels.prepare_job(demo_db, "50x30", [(BUN, 3)], today=TODAY)
    with pytest.raises(CoopDeskError, match="nhan.pdf"):
        list(labels.write_pdf(job, tmp_path / "khong-co-thu-muc" / "nhan.pdf"))


def messages(info) -> str:
    return " | ".join(e.message for e in info.value.errors)


def test_recalled_and_unpacked_lots_are_refused_with_the_reason(demo_db):
    with pytest.raises(ValidationError) as info:
        labels.prepare_job(demo_db, "50x30", [(NEM, 10), (RAW, 10), ("HP-9999-0001", 1)], today=TODAY)
    text = messages(info)
    assert f"{NEM} is recalled (12/11/2026: Kết quả kiểm nghiệm vi sinh không đạt" in text
    assert f"{RAW} is not packed yet" in text and "HP-9999-0001" in text


def test_bad_counts_and_start_positions(demo_db):
    for counts, start, needle in (([0], 1, "Count: 0"), ([100_000], 1, "100.000"), ([5], 66, "past the sheet"),
                                  ([5], 0, "first label is 1"), ([9_000, 9_000, 9_000], 1, "27.000")):
        lots = list(zip([BUN, PUMPKIN, "X"], counts, strict=False))
        with pytest.raises(ValidationError) as info:
            labels.prepare_job(demo_db, "a4-65", lots, start=start, today=TODAY)
        assert needle in messages(info), needle
    with pytest.raises(ValidationError, match="listed twice"):
        labels.prepare_job(demo_db, "50x30", [(BUN, 1), (BUN.lower(), 2)], today=TODAY)


def test_a_lapsed_ocop_certificate_prints_no_stars(demo_db):
    from datetime import date

    job = labels.prepare_job(demo_db, "60x40", [(BUN, 1)], today=TODAY)
    assert job.labels[0].content.ocop_stars == 3
    later = labels.prepare_job(demo_db, "60x40", [(BUN, 1)], today=date(2027, 7, 1))
    assert later.labels[0].content.ocop_stars == 0
    assert any("28/06/2027" in w for w in later.warnings)
    import io

    import pdfplumber

    assert "OCOP" not in pdfplumber.open(io.BytesIO(labels.pdf_bytes(later))).pages[0].extract_text()


def test_custom_templates_are_checked_and_kept(demo_db):
    bad = {"name": "tem-rieng", "kind": "sheet", "label_w": "70", "label_h": "40", "columns": "3", "rows": "6",
           "margin_left": "5", "margin_top": "5", "gap_x": "-1", "gap_y": "0", "dpi": "300"}
    with pytest.raises(ValidationError) as info:
        labels.save_template(demo_db, bad)
    assert info.value.fields == ["gap_x"]
    with pytest.raises(ValidationError) as info:
        labels.save_template(demo_db, {**bad, "gap_x": "2"})
    assert "219 mm across" in messages(info) and info.value.fields == ["label_w"]
    with pytest.raises(ValidationError, match="ships"):
        labels.save_template(demo_db, {**bad, "name": "50x30", "columns": "2", "gap_x": "2"})
    made, _changes = labels.save_template(demo_db, {**bad, "gap_x": "2", "columns": "2", "gap_y": "1"})
    assert labels.template(demo_db, "tem-rieng") == made and made.custom and made.per_page == 12
    job = labels.prepare_job(demo_db, "tem-rieng", [(BUN, 20)], start=3, today=TODAY)
    assert len(job.pages()) == 2 and [s for s, _i in job.pages()[0]][:2] == [2, 3]
    labels.delete_template(demo_db, "tem-rieng")
    with pytest.raises(CoopDeskError, match="tem-rieng"):
        labels.template(demo_db, "tem-rieng")


def test_a_template_too_small_for_the_url_names_what_works(demo_db):
    tiny = {"name": "nho", "kind": "roll", "label_w": "20", "label_h": "12", "qr_error": "m"}
    labels.save_template(demo_db, tiny)
    with pytest.raises(ValidationError) as info:
        labels.prepare_job(demo_db, "nho", [(BUN, 1)], today=TODAY)
    text = messages(info)
    assert "https://truyxuat.hongphuoc.example/01/02000000000022/10/" + BUN in text
    assert "The smallest template that works is 104x22-3 (33 × 22 mm" in text
    # A template that carries a shorter address is offered the longest base address that fits.
    labels.save_template(demo_db, {"name": "hep", "kind": "roll", "label_w": "26", "label_h": "18",
                                   "qr_error": "l"})
    with pytest.raises(ValidationError) as info:
        labels.prepare_job(demo_db, "hep", [(PUMPKIN, 1)], today=TODAY)
    assert "shorten the trace page address" in messages(info) and "at most 16 characters" in messages(info)


def test_the_print_log_counts_each_job_and_marks_reprints(demo_db, tmp_path):
    job = labels.prepare_job(demo_db, "50x30", [(BUN, 200), (PUMPKIN, 20)], today=TODAY)
    assert labels.record_print(demo_db, job, "pdf", str(tmp_path / "a.pdf"), "Trịnh Thị Mai") == []
    again = labels.prepare_job(demo_db, "40x30", [(BUN, 50)], today=TODAY)
    assert labels.record_print(demo_db, again, "tspl", "192.168.1.50:9100", "Mai") == [BUN]
    log = labels.print_log(demo_db, BUN)
    assert [(r["count"], r["template"], r["output"], r["who"], r["reprint"]) for r in log] == [
        (50, "40x30", "tspl", "Mai", 1), (200, "50x30", "pdf", "Trịnh Thị Mai", 0)]
    assert [r["count"] for r in labels.print_log(demo_db, PUMPKIN)] == [20]


def test_calibration_offsets_are_kept_per_printer_and_template(demo_db):
    labels.save_offset(demo_db, "XP-365B", "50x30", (0.5, -0.25))
    assert labels.offset_for(demo_db, "XP-365B", "50x30") == (0.5, -0.25)
    assert labels.offset_for(demo_db, "XP-365B", "40x30") == (0.0, 0.0)
    assert labels.offset_for(demo_db, "Canon", "50x30") == (0.0, 0.0)
    with pytest.raises(CoopDeskError, match="10 mm"):
        labels.save_offset(demo_db, "XP-365B", "50x30", (12, 0))
