"""Never lose an order: a writer saving orders through the service is killed with SIGKILL at random moments.

After each kill every order it reported as saved is there, none is half-written, and integrity_check is ok.
The default run kills 20 times (well under a minute); `-m slow` runs 300.
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

WRITER = textwrap.dedent("""
    import sys
    from coopdesk.domain.orders import LineDraft, OrderDraft
    from coopdesk.services import datafile, order_entry
    db = datafile.open_data(sys.argv[1])
    print("READY", flush=True)
    n = 0
    while True:
        n += 1
        lines = [LineDraft("YDI-BUN-500", str(1 + n % 3))] + ([LineDraft("LDU-BIDO-QUA", "1")] if n % 2 else [])
        saved = order_entry.save_order(db, OrderDraft(phone=f"09{n % 100000000:08d}", name=f"Khách {n}",
                                                      lines=lines))
        print("ACK", saved.order_id, len(lines), flush=True)
""")


def run_kills(demo_path, kills: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    acked: dict[int, int] = {}
    for round_no in range(kills):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(demo_path)], stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        # Wait until the writer has opened the file (however slow the machine is), then kill it at a random
        # moment of its saving: the kills land among the writes, not during Python's start-up.
        assert proc.stdout.readline().strip() == "READY"
        time.sleep(rng.uniform(0.05, 0.9) if round_no % 5 else rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        out, _err = proc.communicate(timeout=30)
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[0] == "ACK":
                acked[int(parts[1])] = int(parts[2])
        conn = sqlite3.connect(demo_path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            stored = dict(conn.execute("SELECT o.id, count(l.id) FROM orders o LEFT JOIN order_lines l "
                                       "ON l.order_id = o.id GROUP BY o.id").fetchall())
            missing = [i for i in acked if i not in stored]
            assert missing == [], f"acknowledged orders lost after kill {round_no}: {missing[:5]}"
            wrong = [i for i, n in acked.items() if stored[i] != n]
            assert wrong == [], f"half-written orders: {wrong[:5]}"
            empty = [i for i, n in stored.items() if n == 0]
            assert empty == [], f"orders without lines: {empty[:5]}"
            over = conn.execute("""SELECT count(*) FROM order_lines l
                                   WHERE (SELECT coalesce(sum(a.qty), 0) FROM allocations a WHERE a.line_id = l.id)
                                         > l.qty""")
            assert over.fetchone()[0] == 0  # no line took more packs than it sold
            history = conn.execute("SELECT count(*) FROM orders o WHERE NOT EXISTS "
                                   "(SELECT 1 FROM order_history h WHERE h.order_id = o.id)")
            assert history.fetchone()[0] == 0  # the history row is in the same transaction
        finally:
            conn.close()
    return len(acked)


def test_kill_20_times(demo_path):
    saved = run_kills(demo_path, 20)
    assert saved > 20  # the writer did get orders through between kills


@pytest.mark.slow
def test_kill_300_times(demo_path):
    assert run_kills(demo_path, 300, seed=11) > 300
