"""The command line as a script or a power user runs it: a real process, real files."""

import json
import subprocess
import sys

from coopdesk import __version__
from tests.conftest import SAMPLES, needs_samples


def coopdesk(*args, check=False):
    return subprocess.run([sys.executable, "-m", "coopdesk", *map(str, args)], capture_output=True, text=True,
                          timeout=120, check=check)


def test_version():
    out = coopdesk("--version")
    assert out.returncode == 0 and __version__ in out.stdout


def test_demo_backup_check(tmp_path):
    data = tmp_path / "htx.db"
    out = coopdesk("demo", "--data", data, "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["products"] == 16
    out = coopdesk("products", "--data", data, "--search", "bun kho", "--json")
    assert [p["sku"] for p in json.loads(out.stdout)] == ["YDI-BUN-500"]
    out = coopdesk("backup", "--data", data, "--to", tmp_path / "usb", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["counts"]["products"] == 16
    assert coopdesk("check", "--data", report["backup"]).returncode == 0
    assert coopdesk("check", "--data", data).returncode == 0


def test_demo_twice_is_refused_plainly(tmp_path):
    data = tmp_path / "htx.db"
    coopdesk("demo", "--data", data, check=True)
    out = coopdesk("demo", "--data", data)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "Lỗi" in out.stderr


def test_check_fails_on_a_damaged_file(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 1000)
    out = coopdesk("check", "--data", bad, "--json")
    assert out.returncode == 1
    assert json.loads(out.stdout)["ok"] is False
    assert coopdesk("check", "--data", tmp_path / "missing.db").returncode == 1


def test_catalog_xlsx_commands(tmp_path):
    data, other = tmp_path / "a.db", tmp_path / "b.db"
    coopdesk("demo", "--data", data, check=True)
    coopdesk("export-catalog", "--data", data, "--out", tmp_path / "c.xlsx", check=True)
    out = coopdesk("import-catalog", tmp_path / "c.xlsx", "--data", other, "--dry-run", "--json")
    assert json.loads(out.stdout)["new"] == 16
    out = coopdesk("products", "--data", other, "--json")
    assert json.loads(out.stdout) == []
    out = coopdesk("import-catalog", tmp_path / "c.xlsx", "--data", other, "--json")
    assert json.loads(out.stdout)["committed"] is True
    assert len(json.loads(coopdesk("products", "--data", other, "--json").stdout)) == 16


def test_backup_while_the_window_has_the_file(tmp_path):
    from coopdesk.services import datafile, demo

    data = tmp_path / "htx.db"
    db = datafile.open_data(data)
    try:
        demo.write_demo(db)
        out = coopdesk("backup", "--data", data, "--to", tmp_path / "usb")
        assert out.returncode == 0, out.stderr
    finally:
        db.close()


def test_traceability_commands(tmp_path):
    data = tmp_path / "htx.db"
    coopdesk("demo", "--data", data, check=True)
    lots = json.loads(coopdesk("lots", "--data", data, "--json", check=True).stdout)
    by_code = {lot["code"]: lot for lot in lots}
    assert len(lots) == 5
    bun = next(lot for lot in lots if lot["sku"] == "YDI-BUN-500")
    assert bun["status"] == "packed" and bun["on_hand"] == 1480 and len(bun["made_from"]) == 2  # 20 sold
    for parent in bun["made_from"]:
        assert by_code[parent]["used_in"] == [bun["code"]] and by_code[parent]["on_hand_unit"] == "g"
    assert {lot["status"] for lot in lots} == {"harvested", "packed", "recalled"}
    out = json.loads(coopdesk("lot-qr", bun["code"], "--data", data, "--out", tmp_path / "qr.svg", "--json",
                              check=True).stdout)
    assert out["url"].endswith(f"/01/02000000000022/10/{bun['code']}")
    site = json.loads(coopdesk("trace-site", "--data", data, "--out", tmp_path / "www", "--json", check=True).stdout)
    assert f"01/02000000000022/10/{bun['code']}/index.html" in site["written"]
    again = json.loads(coopdesk("trace-site", "--data", data, "--out", tmp_path / "www", "--json").stdout)
    assert again["written"] == []
    coopdesk("diary", bun["code"], "--data", data, "--out", tmp_path / "nk.pdf", check=True)
    assert (tmp_path / "nk.pdf").read_bytes().startswith(b"%PDF")
    bad = coopdesk("lot-qr", "KHONG-CO", "--data", data, "--out", tmp_path / "x.png")
    assert bad.returncode == 2 and "KHONG-CO" in bad.stderr
    recalled = json.loads(coopdesk("recall", lots[-1]["code"], "--reason", "Thử", "--data", data, "--json",
                                   check=True).stdout)
    assert recalled["recalled"][0] == lots[-1]["code"]


def test_add_order_and_orders(tmp_path):
    data = tmp_path / "htx.db"
    coopdesk("demo", "--data", data, check=True)
    out = coopdesk("add-order", "--data", data, "--phone", "01689 123 456", "--name", "Trần Văn Ba",
                   "--item", "YDI-BUN-500:3", "--item", "bidoqua:2", "--shipping", "30k", "--json")
    assert out.returncode == 0, out.stderr
    saved = json.loads(out.stdout)
    assert saved["phone"] == "+84389123456"
    assert saved["total_vnd"] == 3 * 40_000 + 2 * 39_000 + 30_000 == saved["cod_vnd"]
    assert [(x["sku"], x["qty"]) for x in saved["lines"]] == [("YDI-BUN-500", 3), ("LDU-BIDO-QUA", 2)]
    assert sum(lot["qty"] for lot in saved["lines"][0]["lots"]) == 3
    lot = saved["lines"][0]["lots"][0]["code"]
    forced = json.loads(coopdesk("add-order", "--data", data, "--phone", "0912000111", "--item", "YDI-BUN-500:1",
                                 "--lot", lot, "--json", check=True).stdout)
    assert forced["lines"][0]["lots"] == [{"code": lot, "qty": 1}]
    before = len(json.loads(coopdesk("orders", "--data", data, "--json").stdout))
    for bad in (["--phone", "0123", "--item", "YDI-BUN-500:1"], ["--phone", "0912000111", "--item", "KHONG:1"],
                ["--phone", "0912000111", "--item", "YDI-BUN-500:hai"],
                ["--phone", "0912000111", "--item", "YDI-BUN-500:0"], ["--phone", "", "--item", "YDI-BUN-500:1"]):
        result = coopdesk("add-order", "--data", data, *bad)
        assert result.returncode == 2 and "Traceback" not in result.stderr, bad
    orders = json.loads(coopdesk("orders", "--data", data, "--json").stdout)
    assert len(orders) == before
    assert orders[-1]["lines"][0]["lots"] == [{"code": lot, "qty": 1}]


@needs_samples
def test_import_orders_json(tmp_path):
    data = tmp_path / "htx.db"
    coopdesk("demo", "--data", data, check=True)
    out = coopdesk("import-orders", SAMPLES / "tiktok_orders_small.csv", "--data", data, "--dry-run", "--json")
    report = json.loads(out.stdout)
    assert out.returncode == 0 and report["committed"] is False
    assert {k: report[k] for k in ("orders_new", "orders_updated", "orders_unchanged", "lines", "cancelled",
                                   "cod_orders", "cod_total_vnd")} == {
        "orders_new": 25, "orders_updated": 0, "orders_unchanged": 0, "lines": 40, "cancelled": 3,
        "cod_orders": 18, "cod_total_vnd": 6_066_000}
    assert isinstance(report["warnings"], list) and report["rejected"] == []
    assert json.loads(coopdesk("import-orders", SAMPLES / "tiktok_orders_small.csv", "--data", data,
                               "--json").stdout)["committed"] is True
    again = json.loads(coopdesk("import-orders", SAMPLES / "tiktok_orders_small.xlsx", "--data", data,
                                "--json").stdout)
    assert (again["orders_new"], again["orders_unchanged"]) == (0, 25)
    bad = tmp_path / "x.csv"
    bad.write_text("Tên,Giá\nA,1\n", encoding="utf-8")
    refused = coopdesk("import-orders", bad, "--data", data, "--json")
    assert refused.returncode == 2 and "x.csv" in refused.stderr
    template = tmp_path / "mau.xlsx"
    coopdesk("order-template", "--out", template, check=True)
    assert template.exists()


def test_help_and_usage_errors_speak_vietnamese():
    """Seen in a walk: `--help` framed the Vietnamese help in argparse's English ("positional arguments")."""
    out = coopdesk("--help").stdout
    assert "cách dùng:" in out and "tùy chọn:" in out
    assert "positional arguments" not in out and "show this help message" not in out
    err = coopdesk("orders", "--bogus").stderr
    assert "lỗi" in err and "không nhận ra" in err
    assert "usage:" in coopdesk("--lang", "en", "--help").stdout
