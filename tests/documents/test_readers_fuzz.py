"""Issue 11, item 7: every file reader turns any failure of its parser into a message naming the file.

Hypothesis feeds each reader random bytes, valid zips cut short, and valid zips whose sheet XML is cut or
mangled; no traceback (only CoopDeskError), and nothing is written to the data file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopdesk.documents import order_files, spreadsheets, trace_site
from coopdesk.domain.errors import CoopDeskError
from coopdesk.services import catalog, diary
from coopdesk.services import order_import as oi
from tests.orderfiles import orders, write_xlsx

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def good_xlsx(tmp_path_factory) -> bytes:
    path = write_xlsx(tmp_path_factory.mktemp("x") / "good.xlsx", orders(3))
    return path.read_bytes()


def _rezip(data: bytes, change) -> bytes:  # noqa: ANN001
    """The same workbook as a valid zip, with each sheet's XML passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.startswith("xl/worksheets/") or item.filename == "xl/sharedStrings.xml":
                body = change(body)
            dst.writestr(item.filename, body)
    return out.getvalue()


def _readers(database, demo_lot):  # noqa: ANN001, ANN202
    """Every reader of a file a person picks, from the lowest to the service the screens call."""
    return {
        "order table": lambda p: order_files.read_table(p),
        "xlsx": lambda p: spreadsheets.read_xlsx(p),
        "order import": lambda p: oi.import_orders(database, p),
        "catalog import": lambda p: catalog.commit_import(database, catalog.preview_import(database, p)),
        "diary import": lambda p: diary.commit_diary(database, diary.preview_diary(database, demo_lot, p,
                                                                                   date(2026, 11, 23))),
    }


def _check_all(database, tmp_path, name: str, data: bytes) -> None:  # noqa: ANN001
    path = tmp_path / name
    path.write_bytes(data)
    for reader_name, read in _readers(database, "HP-2026-0001").items():
        before = database.conn.total_changes
        try:
            read(path)
        except CoopDeskError as e:
            assert name in e.message or reader_name == "diary import", (reader_name, e.message)
            assert database.conn.total_changes == before, reader_name  # refused: nothing written
        except Exception as e:  # noqa: BLE001
            pytest.fail(f"{reader_name} raised {type(e).__name__}: {e} for {data[:60]!r}")


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes(demo_db, tmp_path_factory, data):
    _check_all(demo_db, tmp_path_factory.mktemp("r"), "random.xlsx", data)
    _check_all(demo_db, tmp_path_factory.mktemp("r"), "random.csv", data)


@FUZZ
@given(st.data())
def test_zip_cut_short(demo_db, tmp_path_factory, good_xlsx, data):
    cut = data.draw(st.integers(min_value=4, max_value=len(good_xlsx) - 1))
    _check_all(demo_db, tmp_path_factory.mktemp("c"), "cut.xlsx", good_xlsx[:cut])


@FUZZ
@given(st.data())
def test_sheet_xml_cut_in_a_valid_zip(demo_db, tmp_path_factory, good_xlsx, data):
    fraction = data.draw(st.floats(min_value=0.0, max_value=0.999))
    cut = _rezip(good_xlsx, lambda body: body[:int(len(body) * fraction)])
    _check_all(demo_db, tmp_path_factory.mktemp("x"), "cutxml.xlsx", cut)


@FUZZ
@given(st.data())
def test_sheet_xml_mangled_in_a_valid_zip(demo_db, tmp_path_factory, good_xlsx, data):
    junk = data.draw(st.binary(min_size=1, max_size=40) | st.sampled_from(
        [b"<", b"&", b"]]>", b"<c r=\"ZZZZ99999999\"><v>1</v></c>", b"<row r=\"-1\">", b"\xff\xfe", b"<!DOCTYPE x [",
         b"<f>SUM(</f>", b"<v>1e400</v>", b"t=\"d\"><v>not a date</v>", b"t=\"b\"><v>2</v>"]))
    where = data.draw(st.floats(min_value=0.0, max_value=1.0))

    def mangle(body: bytes) -> bytes:
        at = int(len(body) * where)
        return body[:at] + junk + body[at:]

    _check_all(demo_db, tmp_path_factory.mktemp("m"), "mangled.xlsx", _rezip(good_xlsx, mangle))


def test_an_order_export_given_to_the_catalog_import_is_named(demo_db, tmp_path):
    """A CSV product list is read (tests/services/test_catalog_csv.py); an order export is refused by name."""
    from tests.orderfiles import write_csv

    path = write_csv(tmp_path / "orders.csv", orders(2))
    before = demo_db.conn.total_changes
    with pytest.raises(CoopDeskError) as info:
        catalog.preview_import(demo_db, path)
    assert "orders.csv" in info.value.message and "Mã SKU" in info.value.message
    assert "Đơn hàng" in info.value.message  # where it belongs
    assert demo_db.conn.total_changes == before


def test_a_damaged_site_manifest_removes_nothing_outside_the_site(demo_db, tmp_path):
    from coopdesk.services import publishing

    outside = tmp_path / "keep.txt"
    outside.write_text("mine", encoding="utf-8")
    site = tmp_path / "site"
    publishing.export_site(demo_db, site)
    manifest = site / trace_site.MANIFEST
    manifest.write_text('["../keep.txt", 5, {"a": 1}]', encoding="utf-8")
    publishing.export_site(demo_db, site)
    assert outside.read_text(encoding="utf-8") == "mine"
    manifest.write_text("7", encoding="utf-8")
    publishing.export_site(demo_db, site)


@lru_cache(maxsize=1)
def _demo_bytes() -> bytes:
    """The demo data file's bytes (not a fixture: hypothesis would print all of it with a failing example)."""
    import tempfile
    from pathlib import Path

    from coopdesk.services import datafile, demo

    path = Path(tempfile.mkdtemp()) / "demo.db"
    db = datafile.open_data(path)
    demo.write_demo(db, today=date(2026, 11, 23))
    db.close()
    return path.read_bytes()


@pytest.mark.parametrize("body", [b"", b"\0" * 4096, b"SQLite format 3\0"])
def test_an_empty_or_foreign_file_is_never_restored(demo_db, tmp_path, body):
    import sqlite3

    from coopdesk.services import datafile

    path = tmp_path / "backup.db"
    if body:
        path.write_bytes(body)
    else:
        path.touch()
    foreign = tmp_path / "other-program.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    before = demo_db.query("SELECT count(*) AS n FROM orders")[0]["n"]
    for backup in (path, foreign):
        with pytest.raises(CoopDeskError) as info:
            datafile.restore(demo_db, backup)
        assert backup.name in info.value.message
        with pytest.raises(CoopDeskError):
            datafile.restore_backup_file(tmp_path / "closed.db", backup)
    assert demo_db.query("SELECT count(*) AS n FROM orders")[0]["n"] == before > 0


@FUZZ
@given(kind=st.sampled_from(["random", "cut", "flipped"]), junk=st.binary(max_size=5000),
       where=st.floats(min_value=0.0, max_value=0.999))
def test_backup_files_random_or_cut(demo_db, tmp_path_factory, kind, junk, where):
    """A backup to restore is a file a person picks too: random bytes or a cut data file are a message."""
    from coopdesk.services import datafile

    demo_bytes = _demo_bytes()
    at = max(100, int(len(demo_bytes) * where))
    body = {"random": junk, "cut": demo_bytes[:at],
            "flipped": demo_bytes[:at] + bytes([demo_bytes[at] ^ 0xFF]) + demo_bytes[at + 1:]}[kind]
    path = tmp_path_factory.mktemp("b") / "coopdesk-backup.db"
    path.write_bytes(body)
    before = demo_db.query("SELECT count(*) AS n FROM orders")[0]["n"], demo_db.conn.total_changes
    for reader_name, read in (("describe", lambda: datafile.describe_backup(path)),
                              ("check", lambda: datafile.check(path, full=True)),
                              ("restore", lambda: datafile.restore(demo_db, path))):
        try:
            read()
        except CoopDeskError:
            pass
        except Exception as e:  # noqa: BLE001
            pytest.fail(f"{reader_name} raised {type(e).__name__}: {e} ({kind}, {len(body)} bytes)")
    if kind != "flipped":  # a flipped byte may still be a good backup, and restoring that is right
        assert demo_db.query("SELECT count(*) AS n FROM orders")[0]["n"] == before[0]


@pytest.mark.parametrize("body", [b"", b"[1, 2]", b"7", b"\xff\xfe{", b'{"lang": "vi"'])
def test_a_damaged_config_file_is_forgotten_not_a_crash(body):
    from coopdesk import paths

    paths.data_dir().mkdir(parents=True, exist_ok=True)
    (paths.data_dir() / "config.json").write_bytes(body)
    assert paths.load_config() == {}
    paths.save_config(lang="vi")
    assert paths.load_config()["lang"] == "vi"
