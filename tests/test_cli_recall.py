"""`coopdesk who-got` and `coopdesk recall` as a script runs them: a real process on a real data file."""

import hashlib
import json

import pytest

from tests.test_cli import coopdesk

BUN, RAW = "HP-2026-0001", "HP-2025-0001"


@pytest.fixture
def data(demo_path):
    return demo_path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_who_got_answers_in_json_and_changes_nothing(data):
    before = digest(data)
    out = coopdesk("who-got", RAW, "--data", data, "--json")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert {"lot", "lots_included", "orders", "customers", "quantity", "on_hand", "lines"} <= set(answer)
    assert answer["lot"] == RAW and answer["lots_included"] == [RAW, BUN]
    assert (answer["orders"], answer["customers"], answer["quantity"]) == (5, 5, 20)
    assert answer["on_hand"][BUN] == {"amount": 1480, "unit": "packs"}
    line = next(x for x in answer["lines"] if x["order_id"] == 4)
    assert {"order_id", "order_code", "customer", "phone", "status", "quantity", "lot"} <= set(line)
    assert line["order_code"] == "DH000004"  # as printed on its slip
    assert (line["customer"], line["phone"], line["status"], line["quantity"], line["lot"]) == (
        "Phạm Minh Đức", "0905 111 004", "returned", 10, BUN)
    assert 8 not in {x["order_id"] for x in answer["lines"]}  # cancelled
    assert digest(data) == before
    by_input = json.loads(coopdesk("who-got", "--input", "Abamectin", "--data", data, "--json").stdout)
    assert by_input["lots_included"] == [RAW, BUN] and by_input["start"]["kind"] == "input"
    by_area = json.loads(coopdesk("who-got", "--area", "VT-38-YD-002", "--data", data, "--json").stdout)
    assert by_area["lots_included"] == ["HP-2025-0002", BUN]
    text = coopdesk("who-got", BUN, "--data", data)
    assert text.returncode == 0 and "Nguyễn Thị Hồng" in text.stdout and "0912 345 001" in text.stdout
    assert "DH000004" in text.stdout and "#4" not in text.stdout


def test_who_got_bad_input_is_a_message(data, tmp_path):
    for args in (("KHONG-CO",), ("--input", "Glyphosate"), ("--area", "VT-00"), ()):
        out = coopdesk("who-got", *args, "--data", data)
        assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.strip(), args
    missing = coopdesk("who-got", BUN, "--data", tmp_path / "none.db")
    assert missing.returncode == 2 and not (tmp_path / "none.db").exists()


def test_recall_open_twice_hold_close_and_withdraw(data):
    out = coopdesk("recall", BUN, "--data", data)
    assert out.returncode == 2 and "--reason" in out.stderr  # the reason is required
    opened = json.loads(coopdesk("recall", BUN, "--reason", "Kiểm nghiệm không đạt", "--by", "Hồng", "--data", data,
                                 "--json", check=True).stdout)
    assert opened["recalled"] == [BUN] and opened["decided_by"] == "Hồng"
    rid = opened["recall_id"]
    again = coopdesk("recall", BUN, "--reason", "lần hai", "--data", data)
    assert again.returncode == 2 and f"#{rid}" in again.stderr
    lots = {x["code"]: x["status"] for x in json.loads(coopdesk("lots", "--data", data, "--json").stdout)}
    assert lots[BUN] == "recalled"
    held = json.loads(coopdesk("recall", "--hold", rid, "--by", "Mai", "--data", data, "--json", check=True).stdout)
    assert held["held"] == [5, 6]
    refused = coopdesk("recall", "--close", rid, "--data", data)
    # Two buyers to call, and the two whose orders were held: they must hear the order is cancelled.
    assert refused.returncode == 2 and "4" in refused.stderr
    closed = json.loads(coopdesk("recall", "--close", rid, "--reason", "Đã thông báo qua Zalo nhóm khách", "--data",
                                 data, "--json", check=True).stdout)
    assert closed["status"] == "closed"
    listed = json.loads(coopdesk("recall", "--list", "--data", data, "--json", check=True).stdout)
    assert [r["status"] for r in listed] == ["closed", "open"]
    nem = listed[1]["id"]
    assert coopdesk("recall", "--withdraw", nem, "--data", data).returncode == 2  # a reason is needed
    gone = json.loads(coopdesk("recall", "--withdraw", nem, "--reason", "Mở nhầm", "--data", data, "--json",
                               check=True).stdout)
    assert gone["status"] == "withdrawn"
    assert coopdesk("recall", "--close", 99, "--data", data).returncode == 2


def test_received_the_other_direction(data):
    got = json.loads(coopdesk("received", "--order", 2, "--data", data, "--json", check=True).stdout)
    assert got["lots"] == [BUN, "HP-2026-0002"] and got["made_from"] == [RAW, "HP-2025-0002"]
    assert "Ruộng sắn Đồng Mới" in got["areas"]
    assert coopdesk("received", "--phone", "0999 999 999", "--data", data).returncode == 2
    as_printed = json.loads(coopdesk("received", "--order", "DH000002", "--data", data, "--json", check=True).stdout)
    assert as_printed["lots"] == got["lots"]  # the number as on the packing slip
    bad = coopdesk("received", "--order", "ĐH-hai", "--data", data)
    assert bad.returncode == 2 and "DH000123" in bad.stderr and "Traceback" not in bad.stderr


def test_who_got_and_recall_write_the_documents(data, tmp_path):
    before = digest(data)
    out = coopdesk("who-got", BUN, "--data", data, "--xlsx", tmp_path / "k.xlsx", "--csv", tmp_path / "k.csv",
                   "--pdf", tmp_path / "goi.pdf", "--json")
    assert out.returncode == 0, out.stderr
    written = json.loads(out.stdout)["written"]
    assert set(written) == {"xlsx", "csv", "pdf"} and digest(data) == before
    assert (tmp_path / "goi.pdf").read_bytes().startswith(b"%PDF")
    rid = json.loads(coopdesk("recall", BUN, "--reason", "Kiểm nghiệm không đạt", "--data", data, "--json",
                              check=True).stdout)["recall_id"]
    out = coopdesk("recall", "--show", rid, "--summary", tmp_path / "bao-cao.pdf", "--data", data, "--json")
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "bao-cao.pdf").read_bytes().startswith(b"%PDF")
    coopdesk("who-got", BUN, "--data", data, "--pdf", tmp_path / "goi-2.pdf", check=True)
    import pdfplumber

    with pdfplumber.open(tmp_path / "goi-2.pdf") as pdf:  # the recall covering the lot says why, on the list
        assert "Lý do: Kiểm nghiệm không đạt" in pdf.pages[0].extract_text()
    bad = coopdesk("who-got", BUN, "--data", data, "--xlsx", tmp_path / "k.txt")
    assert bad.returncode == 2 and not (tmp_path / "k.txt").exists()


def test_who_got_while_the_window_has_the_file(data):
    from coopdesk.services import datafile, recall

    db = datafile.open_data(data)  # the window: holds the lock and writes
    try:
        recall.open_recall(db, "Kiểm nghiệm không đạt", lot=BUN)
        assert not db.conn.in_transaction  # the answer read in a snapshot left no transaction open
        out = coopdesk("who-got", BUN, "--data", data, "--json")
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["orders"] == 5
    finally:
        db.close()


def test_session_alone_shows_and_changes_nothing(data):
    before = digest(data)
    shown = json.loads(coopdesk("session", "--data", data, "--json", check=True).stdout)
    assert shown == {"open": None} and digest(data) == before  # asking never opens a phantom session
    started = json.loads(coopdesk("session", "--name", "Live tối", "--channel", "TikTok", "--data", data, "--json",
                                  check=True).stdout)["started"]
    shown = json.loads(coopdesk("session", "--data", data, "--json", check=True).stdout)["open"]
    assert shown["id"] == started and shown["name"] == "Live tối" and shown["orders"] == 0
    again = coopdesk("session", "--name", "Live nữa", "--data", data)
    assert again.returncode == 2 and "--end" in again.stderr  # one open session at a time
    assert "Live tối" in coopdesk("session", "--data", data, check=True).stdout
    ended = json.loads(coopdesk("session", "--end", "--data", data, "--json", check=True).stdout)
    assert ended["ended"] == started


def test_received_names_the_order_by_its_printed_code(data):
    """Orders are DH000005 everywhere a person reads them; the json keeps the numbers in its id fields."""
    got = json.loads(coopdesk("received", "--order", "DH000005", "--data", data, "--json", check=True).stdout)
    assert got["for"].startswith("Đơn DH000005 — ") and "#" not in got["for"]
    assert got["orders"] == [5] and got["order_codes"] == ["DH000005"]
    text = coopdesk("received", "--order", "5", "--data", data, check=True).stdout
    assert text.splitlines()[0].startswith("Đơn DH000005 — ") and "#5" not in text


def test_who_got_json_keeps_its_fields_and_says_which_message(data):
    """The fields scripts read stay as they were; each buyer says what kind of message it is and what is owed."""
    before = json.loads(coopdesk("who-got", BUN, "--data", data, "--json", check=True).stdout)
    buyer = before["buyers"][0]
    assert {"customer_id", "name", "phone", "address", "orders", "order_codes", "quantity", "groups", "lots",
            "needs_call", "outcome", "outcome_by", "outcome_at", "message"} <= set(buyer)
    assert buyer["notice"] == "check" and "THU HỒI" not in buyer["message"]  # nothing recalled yet
    rid = json.loads(coopdesk("recall", BUN, "--reason", "Kiểm nghiệm không đạt", "--data", data, "--json",
                              check=True).stdout)["recall_id"]
    held = json.loads(coopdesk("recall", "--hold", rid, "--data", data, "--json", check=True).stdout)
    assert [r["order_code"] for r in held["refunds"]] == ["DH000005", "DH000006"]
    assert all(r["refund"] == 0 for r in held["refunds"])  # the demo's unshipped orders were COD
    after = json.loads(coopdesk("who-got", BUN, "--data", data, "--json", check=True).stdout)
    ong = next(b for b in after["buyers"] if b["name"] == "Vũ Đình Ông")
    assert (ong["notice"], ong["needs_call"], ong["needs_contact"], ong["held_orders"], ong["refund"]) == (
        "recall", False, True, [6], 0)
    assert "HỦY" in ong["message"] and "Nếu đã nhận hàng" not in ong["message"]
