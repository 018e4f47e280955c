"""The backup, restore and check commands, and a second writer from the command line, as real processes."""

import json
import shutil
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

from coopdesk import paths
from tests.test_cli import coopdesk


def _two_backups_newest_unreadable(data):
    from coopdesk.services import datafile

    db = datafile.open_data(data)
    try:
        older = datafile.auto_backup(db, datetime(2026, 11, 28, 9, 0))
        newest = datafile.auto_backup(db, datetime(2026, 11, 28, 10, 0))
    finally:
        db.close()
    raw = bytearray(newest.read_bytes())
    raw[100:] = b"\xa5" * (len(raw) - 100)
    newest.write_bytes(bytes(raw))
    return older, newest


def test_backups_lists_date_size_counts_and_whether_each_verifies(demo_path):
    older, newest = _two_backups_newest_unreadable(demo_path)
    out = coopdesk("backups", "--data", demo_path, "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["folder"] == str(paths.backup_dir_for(demo_path))
    first, second = report["backups"]
    assert first["backup"] == str(newest) and first["verifies"] is False and first["problems"]
    assert second["backup"] == str(older) and second["verifies"] is True
    assert second["made_at"] == "2026-11-28T09:00:00" and second["size"] == older.stat().st_size
    assert second["counts"]["orders"] == 8 and second["counts"]["products"] == 16
    text = coopdesk("backups", "--data", demo_path)
    assert text.returncode == 0 and "28/11/2026 09:00:00" in text.stdout and str(older) in text.stdout


def test_restore_keeps_the_damaged_file_aside(demo_path):
    older, _newest = _two_backups_newest_unreadable(demo_path)
    demo_path.write_bytes(b"\x00damaged" * 2000)
    assert coopdesk("check", "--data", demo_path).returncode == 1
    missing = coopdesk("restore", "--data", demo_path, "--from", demo_path.parent / "nope.db")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and "nope.db" in missing.stderr
    refused = coopdesk("restore", "--data", demo_path, "--from", _newest)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert demo_path.read_bytes().startswith(b"\x00damaged")  # nothing was touched
    out = coopdesk("restore", "--data", demo_path, "--from", "latest", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["restored_from"] == str(older) and report["counts"]["orders"] == 8
    kept = report["previous_file_kept_as"]
    assert kept and Path(kept).read_bytes().startswith(b"\x00damaged")
    assert coopdesk("check", "--data", demo_path, "--full").returncode == 0
    orders = json.loads(coopdesk("orders", "--data", demo_path, "--json").stdout)
    assert len(orders) == 8


def test_restore_is_refused_while_a_window_has_the_file(demo_path):
    from coopdesk.services import datafile

    db = datafile.open_data(demo_path, program="window")
    try:
        made = datafile.auto_backup(db)
        out = coopdesk("restore", "--data", demo_path, "--from", made)
    finally:
        db.close()
    assert out.returncode == 2 and "cửa sổ CoopDesk" in out.stderr


def test_check_full_names_the_table_and_row_of_a_flipped_bit(demo_path):
    from coopdesk.services import datafile

    marker = "gọi trước khi giao QZXW"
    db = datafile.open_data(demo_path)
    with db.transaction() as tx:
        tx.execute("UPDATE customers SET name = ? WHERE id = 3", (marker,))
    db.close()
    raw = bytearray(demo_path.read_bytes())
    assert raw.count(marker.encode()) == 1
    raw[raw.index(marker.encode()) + marker.encode().index(b"Q")] ^= 0x80
    demo_path.write_bytes(bytes(raw))
    assert coopdesk("check", "--data", demo_path).returncode == 0  # the pages are sound
    out = coopdesk("check", "--data", demo_path, "--full", "--json")
    assert out.returncode == 1
    problems = json.loads(out.stdout)["problems"]
    assert any(p.startswith("customers") and "3" in p and "name" in p for p in problems), problems


def test_check_full_reports_a_file_that_went_back_in_time(demo_path, tmp_path):
    from coopdesk.services import datafile

    db = datafile.open_data(demo_path)
    datafile.auto_backup(db)
    db.close()
    shutil.copy(demo_path, tmp_path / "old.db")
    for i in range(3):
        assert coopdesk("add-order", "--data", demo_path, "--phone", f"091200000{i}", "--item",
                        "YDI-BUN-500:1").returncode == 0
    db = datafile.open_data(demo_path)
    datafile.auto_backup(db)
    db.close()
    shutil.copy(tmp_path / "old.db", demo_path)  # the -wal lost: the last three orders are gone
    out = coopdesk("check", "--data", demo_path, "--full", "--json")
    assert out.returncode == 1
    assert any("11" in p and "3" in p for p in json.loads(out.stdout)["problems"])
    saved = coopdesk("add-order", "--data", demo_path, "--phone", "0912000009", "--item", "YDI-BUN-500:1",
                     "--json")
    assert json.loads(saved.stdout)["order_id"] == 12  # never 9 again


HOLDER = textwrap.dedent("""
    import sys
    from coopdesk.storage.database import open_database
    db = open_database(sys.argv[1], program="window")
    print("ready", flush=True)
    sys.stdin.readline()
    db.close()
""")


def test_a_second_writer_waits_for_the_lock_and_then_saves(demo_path):
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(demo_path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "ready"
        with subprocess.Popen([sys.executable, "-m", "coopdesk", "add-order", "--data", str(demo_path),
                               "--phone", "0912000001", "--item", "YDI-BUN-500:1", "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as writer:
            try:
                waiting = writer.stderr.readline()
                assert "cửa sổ CoopDesk" in waiting  # it says what it waits for
                holder.stdin.write("\n")  # the window closes the file while the command waits
                holder.stdin.flush()
                out, err = writer.communicate(timeout=60)
            finally:
                if writer.poll() is None:
                    writer.kill()
                if holder.poll() is None:
                    holder.kill()
        holder.wait(timeout=20)
    assert writer.returncode == 0, err
    assert json.loads(out)["order_id"] == 9


def test_a_reader_beside_a_window_reads_at_once(demo_path):
    """Seen in a walk: `orders --json` waited the writer's ten seconds while an idle window had the file. A command
    that only reads opens read-only at once: it never says it is waiting, and it reads what the window wrote."""
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(demo_path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout.readline().strip() == "ready"
            done = subprocess.run([sys.executable, "-m", "coopdesk", "orders", "--data", str(demo_path), "--json"],
                                  capture_output=True, text=True, timeout=60)
        finally:
            holder.stdin.write("\n")
            holder.stdin.flush()
            holder.wait(timeout=20)
    assert done.returncode == 0, done.stderr
    assert "cửa sổ CoopDesk" not in done.stderr
    assert len(json.loads(done.stdout)) == 8
