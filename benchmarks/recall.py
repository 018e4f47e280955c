"""Recall benchmarks: who got lot X in a file of 1,000,000 order lines and 10,000 lots, beside a bare indexed query.

Run: .venv/bin/python -m benchmarks.recall (also part of benchmarks.run). Timings are printed, never asserted.

The file: 100,000 customers, 400,000 orders, 1,000,000 order lines each taking packs of one packed lot.
10,000 lots in 3,333 chains raw lot -> processed lot -> packed lot (a two-level genealogy), plus one spare;
a pesticide batch sprayed on the raw lots of 50 growing areas.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from pathlib import Path

from benchmarks.run import ROWS, add
from benchmarks.table import median_ms

CUSTOMERS, ORDERS, LINES, CHAINS, AREAS = 100_000, 400_000, 1_000_000, 3_333, 50
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Thị Văn Đức Minh Thu Ngọc Hữu Thanh Quang Hồng".split()
GIVEN = ("Lan Hồng Hương Mai Hà Linh Trang Thảo Yến Nhung Hạnh Phương Dung Thủy Ngân Oanh Vân Anh Ánh Châu "
         "Ba Bình Cường Dũng Đức Giang Hải Hiếu Hùng Khánh Long Nam Phong Quân Sơn Tâm Thắng Toàn Trung Tuấn Việt "
         "Vinh Xuân Yên Ưng Khoa Lộc Nghĩa Quý Tài Thịnh Trí Tú Uyên Vy Hiền Loan Ly").split()


def name(i: int) -> str:
    """Names as buyers have them: a few family and middle names, a few hundred given names."""
    return f"{FAMILY[i % len(FAMILY)]} {MIDDLE[i // 7 % len(MIDDLE)]} {GIVEN[i // 3 % len(GIVEN)]}"
BARE_SQL = """
    SELECT o.id, o.name, o.phone, o.status, a.qty, lo.code
    FROM allocations a JOIN order_lines l ON l.id = a.line_id JOIN orders o ON o.id = l.order_id
    JOIN lots lo ON lo.id = a.lot_id WHERE a.lot_id = ?"""
# The bare query for an answer of many lots: the same rows, in one statement, with every column the answer
# shows of a line (order, line, lot, packs, product, date, status, carrier, tracking, buyer, phone, address),
# fetched as plain tuples, unsorted, nothing made of them.
BARE_LINES_SQL = """
    SELECT a.lot_id, a.qty, l.id, l.sku, l.name, o.id, o.created_at, o.status, o.carrier, o.tracking,
           o.customer_id, o.name, o.phone, o.street, o.commune, o.province, o.raw_address
    FROM allocations a JOIN order_lines l ON l.id = a.line_id JOIN orders o ON o.id = l.order_id
    WHERE a.lot_id IN ({marks})"""


def wards() -> list[tuple[int, int]]:
    """(commune, province) codes of 208 real communes: orders carry their address as codes, as saved ones do."""
    from vietnam_provinces import Ward

    return [(int(w.code), int(w.province_code)) for w in list(Ward.iter_all())[::16]]


def build(path: Path) -> None:
    """The big file, written with executemany into a file migrated by CoopDesk itself."""
    from coopdesk.services import datafile

    db = datafile.open_data(path)
    db.close()
    rng = random.Random(15)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA synchronous=OFF")
    raw.execute("BEGIN")
    raw.execute("INSERT INTO cooperative (id, name, phone) VALUES (1, 'HTX Hồng Phước', '+84912345678')")
    raw.executemany("INSERT INTO products (id, sku, name, unit) VALUES (?, ?, ?, 'gói')",
                    [(1, "NL-SAN", "Sắn tươi"), (2, "BUN-KHO", "Bún sắn khô"), (3, "BUN-500", "Bún sắn khô 500 g")])
    raw.executemany("INSERT INTO growing_areas (id, name, code) VALUES (?, ?, ?)",
                    [(i, f"Ruộng {i}", f"VT-{i:03d}") for i in range(1, AREAS * 2 + 1)])
    raw.execute("INSERT INTO inputs (id, kind, name, active_ingredient, phi_days) "
                "VALUES (1, 'pesticide', 'Abamectin 3.6EC', 'Abamectin', 7)")
    lots, parents, events, lot_areas = [], [], [], []
    for c in range(CHAINS):
        r, p, k = 3 * c + 1, 3 * c + 2, 3 * c + 3
        area = 1 + c % (AREAS * 2)
        lots += [(r, f"R-{c:05d}", 1), (p, f"P-{c:05d}", 2), (k, f"K-{c:05d}", 3)]
        parents += [(p, r, 1000), (k, p, 1000)]
        lot_areas.append((r, area))
        events += [(r, "harvest", "2026-09-01", area, None, 500_000, None),
                   (p, "processing", "2026-09-05", None, None, 300_000, None),
                   (k, "packing", "2026-09-06", None, None, None, 1000)]
        if area <= AREAS and c < AREAS:
            events.append((r, "spraying", "2026-08-01", area, 1, None, None))  # the batch, on 50 areas
    lots.append((3 * CHAINS + 1, "SPARE", 1))
    raw.executemany("INSERT INTO lots (id, code, product_id) VALUES (?, ?, ?)", lots)
    raw.executemany("INSERT INTO lot_parents (child_id, parent_id, qty_g) VALUES (?, ?, ?)", parents)
    raw.executemany("INSERT INTO lot_areas (lot_id, area_id) VALUES (?, ?)", lot_areas)
    raw.executemany("INSERT INTO events (lot_id, kind, day, area_id, input_id, quantity_g, packs) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", events)
    raw.executemany("INSERT INTO customers (id, phone, name) VALUES (?, ?, ?)",
                    [(i, f"+849{i:08d}", name(i)) for i in range(1, CUSTOMERS + 1)])
    statuses = ("new", "packed", "handed", "delivered", "delivered", "delivered", "returned", "cancelled")
    places = wards()
    raw.executemany("INSERT INTO orders (id, customer_id, phone, name, street, commune, province, total, cod, status,"
                    " carrier, tracking, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, 1000, 1000, ?, 'GHTK', ?, '2026-11-20 20:00:00')",
                    [(o, c, f"+849{c:08d}", name(c), f"Số {c % 200 + 1} đường {GIVEN[c % len(GIVEN)]}",
                      *places[c % len(places)], statuses[o % 8], f"S{o:09d}")
                     for o in range(1, ORDERS + 1) for c in (1 + o % CUSTOMERS,)])
    packed = [3 * c + 3 for c in range(CHAINS)]
    raw.executemany("INSERT INTO order_lines (id, order_id, product_id, sku, name, qty, unit_price) "
                    "VALUES (?, ?, 3, 'BUN-500', 'Bún sắn khô 500 g', 1, 40000)",
                    [(i, 1 + i % ORDERS) for i in range(1, LINES + 1)])
    raw.executemany("INSERT INTO allocations (line_id, lot_id, qty) VALUES (?, ?, 1)",
                    [(i, rng.choice(packed)) for i in range(1, LINES + 1)])
    raw.execute("COMMIT")
    raw.execute("ANALYZE")
    raw.close()


def bench_recall(tmp: Path) -> None:
    from coopdesk.services import datafile, recall, recall_documents

    path = tmp / "recall.db"
    t = time.perf_counter()
    build(path)
    built = time.perf_counter() - t
    db = datafile.open_reader(path)
    raw = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    chain = 1234
    packed_id = 3 * chain + 3
    n_lines = raw.execute("SELECT count(*) FROM allocations WHERE lot_id = ?", (packed_id,)).fetchone()[0]
    bare = median_ms(lambda: raw.execute(BARE_SQL, (packed_id,)).fetchall(), 50)
    from_raw = median_ms(lambda: recall.who_got(db, lot=f"R-{chain:05d}"), 30)
    from_pack = median_ms(lambda: recall.who_got(db, lot=f"K-{chain:05d}"), 30)
    answer = recall.who_got(db, lot=f"R-{chain:05d}")
    assert len(answer.lots) == 3 and answer.quantity() > 0
    add(f"Who got raw lot X (raw -> processed -> packed, {n_lines} lines)", from_raw, "ms",
        "bare indexed query of the packed lot", bare, "< 10 ms")
    add("Who got packed lot X (two levels back shown)", from_pack, "ms", "bare indexed query", bare, "< 10 ms")
    scan = median_ms(lambda: raw.execute(BARE_SQL.replace("a.lot_id = ?", "+a.lot_id = ?"), (packed_id,))
                     .fetchall(), 3)
    ROWS.append(("  the same bare query forced to scan (no index)", f"{scan:,.1f} ms", "", "", "~125 ms"))
    got = recall.who_got(db, input="Abamectin")
    packs = [3 * c + 3 for c in range(AREAS)]  # the packed lots made from the sprayed raw lots: all their lines
    bare_lines = BARE_LINES_SQL.format(marks=",".join("?" * len(packs)))
    assert len(raw.execute(bare_lines, packs).fetchall()) >= len(got.lines)  # the same rows (and cancelled ones)
    # Interleaved, so that load on the machine hits both alike.
    by_input, bare_input = [], []
    for _ in range(7):
        bare_input.append(median_ms(lambda: raw.execute(bare_lines, packs).fetchall(), 1))
        by_input.append(median_ms(lambda: recall.who_got(db, input="Abamectin"), 1))
    add(f"Who got, from an input on {AREAS} areas ({len(got.lines):,} lines, {len(got.customers):,} buyers)",
        statistics.median(by_input), "ms", "bare query of the same rows and columns", statistics.median(bare_input),
        "< 50 ms")
    narrow = median_ms(lambda: [raw.execute(BARE_SQL, (p,)).fetchall() for p in packs], 5)
    ROWS.append((f"  bare: 6 columns, x {AREAS} packed lots (the earlier baseline)", f"{narrow:,.1f} ms", "", "", ""))
    from coopdesk.storage import recalls as store

    def walk() -> None:
        start = recall.find_start(db, input="Abamectin")
        store.closure(db, start.lot_ids, "forward")

    bare_events = median_ms(lambda: raw.execute("SELECT DISTINCT lot_id FROM events WHERE input_id = 1").fetchall(),
                            20)
    add(f"  input -> its lots on {AREAS} areas -> every lot made from them", median_ms(walk, 20), "ms",
        "bare indexed query of the input's events", bare_events, "< 50 ms")
    # The call list for 2,000 buyers: the first 2,000 who got the input's lots.
    rows = recall_documents.call_rows(got, everyone=True)[:2000]
    from coopdesk.documents import recall_docs

    cl = recall_docs.CallList("HTX Hồng Phước", "Thanh Hóa · 0912 345 678", "Thu hồi #1 — vật tư Abamectin",
                              "Dư lượng vượt ngưỡng", "Quyết định ngày 29/11/2026", "…", "2000 khách",
                              "29/11/2026", tuple(rows))
    t = time.perf_counter()
    pdf = recall_docs.call_list_pdf(cl)
    pdf_ms = (time.perf_counter() - t) * 1000
    small = recall_docs.CallList(*[getattr(cl, f) for f in ("cooperative", "coop_line", "title", "reason",
                                                            "decided", "lots", "counts", "printed_on")],
                                 rows=tuple(rows[:20]))
    one_page = median_ms(lambda: recall_docs.call_list_pdf(small), 5)
    add(f"Call list PDF, {len(rows):,} buyers ({len(pdf) // 1024:,} KiB)", pdf_ms, "ms",
        "one page of 20 buyers", one_page, "< 3,000 ms")
    ROWS.append(("  building the 1,000,000-line file", f"{built:,.1f} s", "", "", ""))
    raw.close()
    db.close()


def main() -> None:
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        os.environ["COOPDESK_DATA_DIR"] = d
        bench_recall(Path(d))
    for r in ROWS:
        print(" | ".join(str(c) for c in r))


if __name__ == "__main__":
    main()
