"""Single flipped bits in a real data file: every flip that breaks reading a row is found by `check --full`.

Each round flips one random bit (seeded, so the same flips every run) of the demo file and asks three checks:
quick_check (at start), integrity_check, and check --full (integrity_check plus the logical pass). Then it
reads every row of every table as the program would; a flip that makes that fail must have been reported.
The default run flips 60 bits; `-m slow` flips 600.
"""

import random
import sqlite3

import pytest

from coopdesk.services import datafile
from coopdesk.storage.database import check_file


def run_flips(demo_path, tmp_path, rounds: int, seed: int = 9) -> dict:
    raw = demo_path.read_bytes()
    rng = random.Random(seed)
    found = {"quick": 0, "integrity": 0, "full": 0, "unreadable": 0, "unreadable_missed_by_full": 0,
             "unreadable_missed_by_integrity": 0}
    target = tmp_path / "flipped.db"
    for _ in range(rounds):
        data = bytearray(raw)
        data[rng.randrange(100, len(data))] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(data))
        quick, integrity = check_file(target).ok, check_file(target, full=True).ok
        full = datafile.check(target, full=True).ok
        found["quick"] += not quick
        found["integrity"] += not integrity
        found["full"] += not full
        try:
            conn = sqlite3.connect(target)
            try:
                for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    conn.execute(f'SELECT * FROM "{table}"').fetchall()
            finally:
                conn.close()
        except (sqlite3.Error, UnicodeError):
            found["unreadable"] += 1
            found["unreadable_missed_by_full"] += full
            found["unreadable_missed_by_integrity"] += integrity
    return found


def test_every_flip_that_breaks_a_read_is_found(demo_path, tmp_path):
    found = run_flips(demo_path, tmp_path, 60)
    assert found["unreadable_missed_by_full"] == 0, found
    assert found["full"] >= found["integrity"] >= found["quick"]


@pytest.mark.slow
def test_many_flips(demo_path, tmp_path):
    found = run_flips(demo_path, tmp_path, 600, seed=11)
    print(found)
    assert found["unreadable"] > 0 and found["unreadable_missed_by_full"] == 0, found
