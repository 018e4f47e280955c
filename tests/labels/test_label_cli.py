"""`coopdesk labels` as a script runs it: a real process, a real data file, real output files."""

from __future__ import annotations

import json

import pdfplumber

from coopdesk.documents import thermal
from tests.labels.conftest import decode_all
from tests.labels.test_label_jobs import Listener
from tests.test_cli import coopdesk


def demo(tmp_path):
    data = tmp_path / "htx.db"
    coopdesk("demo", "--data", data, check=True)
    lots = json.loads(coopdesk("lots", "--data", data, "--json", check=True).stdout)
    by_status = {}
    for lot in lots:
        by_status.setdefault(lot["status"], []).append(lot["code"])
    return data, by_status


def test_list_templates_names_every_size(tmp_path):
    out = coopdesk("--lang", "en", "labels", "--list-templates")
    assert out.returncode == 0, out.stderr
    names = [line.split()[0] for line in out.stdout.splitlines()]
    assert names == ["35x22", "40x30", "50x30", "60x40", "100x150", "72x22-2", "104x22-3", "a4-65", "a4-24",
                     "a4-21", "a4-14"]
    assert "38,1 × 21,2 mm, 65 per A4 sheet" in out.stdout and "203 dpi" in out.stdout


def test_labels_to_pdf_tspl_zpl_and_a_network_printer(tmp_path):
    data, lots = demo(tmp_path)
    packed = sorted(lots["packed"])
    out = coopdesk("labels", *packed, "--template", "a4-65", "--count", "40", "--start", "5", "--offset",
                   "0.5,-0.3", "--data", data, "--out", tmp_path / "nhan.pdf", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["labels"] == 80 and report["pages"] == 2 and report["offset_mm"] == [0.5, -0.3]
    with pdfplumber.open(tmp_path / "nhan.pdf") as pdf:
        assert len(pdf.pages) == 2 and round(pdf.pages[0].width) == 595
    out = coopdesk("labels", f"{packed[0]}:3", "--template", "50x30", "--data", data, "--tspl", tmp_path / "n.tspl")
    assert out.returncode == 0, out.stderr
    [(image, copies)] = thermal.decode_tspl((tmp_path / "n.tspl").read_bytes())
    assert copies == 3 and decode_all(image.convert("L"))[0].endswith(packed[0])
    out = coopdesk("labels", packed[1], "--template", "40x30", "--data", data, "--zpl", tmp_path / "n.zpl")
    assert out.returncode == 0 and thermal.decode_zpl((tmp_path / "n.zpl").read_bytes())
    printer = Listener()
    out = coopdesk("labels", packed[1], "--count", "7", "--data", data, "--send", f"127.0.0.1:{printer.port}",
                   "--json")
    assert out.returncode == 0, out.stderr
    printer.thread.join(10)
    [(image, copies)] = thermal.decode_tspl(printer.data)
    assert copies == 7 and json.loads(out.stdout)["reprints"] == [packed[1]]


def test_bad_input_gets_a_message_and_no_file(tmp_path):
    data, lots = demo(tmp_path)
    target = tmp_path / "nhan.pdf"
    for args, needle in (
        ((lots["recalled"][0],), "recalled"),
        ((lots["harvested"][0],), "not packed"),
        ((lots["packed"][0], "--count", "0"), "Count: 0"),
        ((lots["packed"][0], "--count", "100000"), "100.000"),
        ((lots["packed"][0], "--template", "a4-65", "--start", "66"), "past the sheet"),
        ((lots["packed"][0], "--template", "khong-co"), "khong-co"),
        ((lots["packed"][0], "--offset", "abc"), "abc"),
    ):
        out = coopdesk("--lang", "en", "labels", *args, "--data", data, "--out", target)
        assert out.returncode == 2, (args, out.stderr)
        assert needle in out.stderr and "Traceback" not in out.stderr, out.stderr
        assert not target.exists()
    out = coopdesk("--lang", "en", "labels", lots["packed"][0], "--data", data, "--send", "127.0.0.1:1")
    assert out.returncode == 2 and "127.0.0.1:1" in out.stderr and "Traceback" not in out.stderr


def test_a_test_page(tmp_path):
    data, _lots = demo(tmp_path)
    out = coopdesk("labels", "--test-page", "--template", "a4-24", "--data", data, "--out", tmp_path / "t.pdf")
    assert out.returncode == 0, out.stderr
    with pdfplumber.open(tmp_path / "t.pdf") as pdf:
        assert len(pdf.pages[0].rects) == 24
