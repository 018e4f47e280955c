"""A season of data: the figures that matter during a live, at 10,000, 100,000 and 500,000 orders.

Run: .venv/bin/python -m benchmarks.season [SIZES]   e.g. `-m benchmarks.season 10000,100000` (default), or
`10000,100000,500000` for the full table (the 500k file takes a few minutes to generate and ~1 GB of disk).

The dataset is generated, deterministic (seeded), and written with bare SQL into a migrated CoopDesk file:
10 order lines per order on average, 10,000 lots in a two-level genealogy (raw → processed → packed), every
line allocated to a packed lot. Each figure is printed beside a bare baseline measured in the same run on the
same file; flat rows across sizes are the goal (issue 12: no action grows with history).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.table import median_ms, print_table

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LOTS = 10_000  # a fifth raw, a tenth processed, the rest packed
TRACE_LOTS = 1_000  # the trace-site row: a season with this many lots
PRODUCTS = 100
LIVE_EXPORT = Path(__file__).resolve().parents[2] / "shared" / "samples" / "tiktok_orders_live_5000.csv"


def make_season(path: Path, orders: int, seed: int = 2026, lots: int = LOTS) -> dict:
    """Write the season into a new migrated file at ``path``; returns what the figures need (skus, lot codes)."""
    RAW_LOTS, PROCESSED_LOTS = lots // 5, lots // 10  # noqa: N806 - the module's old constants
    PACKED_LOTS = lots - RAW_LOTS - PROCESSED_LOTS  # noqa: N806
    from coopdesk.services import datafile, demo

    db = datafile.open_data(path)
    demo.write_demo(db)
    db.close()
    rnd = random.Random(seed)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")  # generation only; the measured file is reopened with the app's settings
    con.execute("BEGIN")
    first_product = con.execute("SELECT coalesce(max(id), 0) + 1 FROM products").fetchone()[0]
    con.executemany("INSERT INTO products (id, sku, name, price_vnd, shelf_life_days, search_text) "
                    "VALUES (?, ?, ?, ?, 180, ?)",
                    [(first_product + i, f"SS-{i:03d}", f"Sản phẩm mùa {i}", 50_000 + 1000 * i, f"ss-{i:03d}")
                     for i in range(PRODUCTS)])
    raw_product = con.execute("SELECT id FROM products WHERE sku = 'NL-SAN-TUOI'").fetchone()[0]
    lot_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM lots").fetchone()[0]
    raw_ids = list(range(lot_id, lot_id + RAW_LOTS))
    processed_ids = list(range(raw_ids[-1] + 1, raw_ids[-1] + 1 + PROCESSED_LOTS))
    packed_ids = list(range(processed_ids[-1] + 1, processed_ids[-1] + 1 + PACKED_LOTS))
    lots = [(i, f"SS-R-{i:05d}", raw_product) for i in raw_ids]
    lots += [(i, f"SS-P-{i:05d}", raw_product) for i in processed_ids]
    packed_product = {i: first_product + (n % PRODUCTS) for n, i in enumerate(packed_ids)}
    lots += [(i, f"SS-K-{i:05d}", packed_product[i]) for i in packed_ids]
    con.executemany("INSERT INTO lots (id, code, product_id, created) VALUES (?, ?, ?, '2026-06-01')", lots)
    con.executemany("INSERT INTO lot_parents (child_id, parent_id, qty_g) VALUES (?, ?, 1000)",
                    [(p, raw_ids[(2 * n + k) % RAW_LOTS]) for n, p in enumerate(processed_ids) for k in (0, 1)])
    con.executemany("INSERT INTO lot_parents (child_id, parent_id, qty_g) VALUES (?, ?, 1000)",
                    [(k, processed_ids[n % PROCESSED_LOTS]) for n, k in enumerate(packed_ids)])
    con.executemany("INSERT INTO events (lot_id, kind, day, quantity_g) VALUES (?, 'harvest', '2026-06-10', 500000)",
                    [(i,) for i in raw_ids])
    con.executemany("INSERT INTO events (lot_id, kind, day, quantity_g) VALUES (?, 'processing', '2026-06-20', 300000)",
                    [(i,) for i in processed_ids])
    packs_each = max(100, orders * 10 // PACKED_LOTS * 2)
    con.executemany("INSERT INTO events (lot_id, kind, day, packs, pack_size_g) "
                    "VALUES (?, 'packing', ?, ?, 500)",
                    [(i, f"2026-07-{1 + n % 28:02d}", packs_each) for n, i in enumerate(packed_ids)])
    by_product: dict[int, list[int]] = {}
    for i, p in packed_product.items():
        by_product.setdefault(p, []).append(i)
    customers = max(1, orders // 3)
    first_customer = con.execute("SELECT coalesce(max(id), 0) + 1 FROM customers").fetchone()[0]
    con.executemany("INSERT INTO customers (id, phone, name) VALUES (?, ?, ?)",
                    [(first_customer + i, f"+8497{i:07d}", f"Khách mùa {i}") for i in range(customers)])
    order_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM orders").fetchone()[0]
    line_id = con.execute("SELECT coalesce(max(id), 0) + 1 FROM order_lines").fetchone()[0]
    from coopdesk.storage.orders import buyer_text  # kept by the app beside search_text: bare SQL writes it too

    statuses = ("new", "packed", "handed", "delivered", "delivered", "delivered", "returned", "cancelled")
    batch_orders, batch_lines, batch_allocs = [], [], []
    for n in range(orders):
        oid = order_id + n
        cid = first_customer + n % customers
        lines = rnd.randint(1, 19)
        total = 0
        for _ in range(lines):
            product = first_product + rnd.randrange(PRODUCTS)
            price = 50_000 + 1000 * (product - first_product)
            batch_lines.append((line_id, oid, product, f"SS-{product - first_product:03d}", "Sản phẩm mùa", 1, price))
            batch_allocs.append((line_id, rnd.choice(by_product[product]), 1))
            total += price
            line_id += 1
        day = f"2026-{7 + n * 5 // max(1, orders):02d}-{1 + n % 28:02d} {19 + n % 4:02d}:{n % 60:02d}:00"
        batch_orders.append((oid, cid, f"+8497{(n % customers):07d}", f"Khách mùa {n % customers}", total, total,
                             statuses[n % len(statuses)], day, f"khach mua {n % customers} 097{n % customers:07d}",
                             buyer_text(f"Khách mùa {n % customers}", f"+8497{(n % customers):07d}")))
        if len(batch_orders) >= 20_000 or n == orders - 1:
            con.executemany("INSERT INTO orders (id, customer_id, phone, name, total, cod, status, created_at, "
                            "search_text, buyer_text) VALUES (?,?,?,?,?,?,?,?,?,?)", batch_orders)
            con.executemany("INSERT INTO order_lines (id, order_id, product_id, sku, name, qty, unit_price) "
                            "VALUES (?,?,?,?,?,?,?)", batch_lines)
            con.executemany("INSERT INTO allocations (line_id, lot_id, qty) VALUES (?,?,?)", batch_allocs)
            batch_orders, batch_lines, batch_allocs = [], [], []
    con.execute("COMMIT")
    con.execute("ANALYZE")
    lines_total = con.execute("SELECT count(*) FROM order_lines").fetchone()[0]
    con.close()
    return {"first_product": first_product, "packed": packed_ids, "lines": lines_total,
            "lot_code": f"SS-K-{packed_ids[len(packed_ids) // 2]:05d}"}


def figures(path: Path, info: dict) -> list[tuple[str, float, float]]:
    """(measure, CoopDesk ms, bare baseline ms) on the season file."""
    from coopdesk.domain.orders import LineDraft, OrderDraft
    from coopdesk.services import datafile, order_entry, traceability

    out = []
    db = datafile.open_data(path)
    skus = [f"SS-{i:03d}" for i in (3, 17)]
    n = [0]

    def save() -> None:
        n[0] += 1
        order_entry.save_order(db, OrderDraft(phone=f"09888{n[0]:05d}", name="Khách đo", street="1 Lê Lợi",
                                              lines=[LineDraft(skus[0], "1"), LineDraft(skus[1], "2")]))

    ours = median_ms(save, 40)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA foreign_keys=ON")
    lot = info["packed"][0]
    pid = info["first_product"]

    def lines_and_commit(oid: int, sku: str, name: str, price: int) -> None:
        """Two lines with their allocations and the history row, then COMMIT: the tail of both bare saves."""
        for _ in range(2):
            lid = raw.execute("INSERT INTO order_lines (order_id, product_id, sku, name, qty, unit_price) "
                              "VALUES (?, ?, ?, ?, 1, ?)", (oid, pid, sku, name, price)).lastrowid
            raw.execute("INSERT INTO allocations (line_id, lot_id, qty) VALUES (?, ?, 1)", (lid, lot))
        raw.execute("INSERT INTO order_history (order_id, action, detail) VALUES (?, 'create', '{}')", (oid,))
        raw.execute("COMMIT")

    def bare_save() -> None:
        raw.execute("BEGIN IMMEDIATE")
        oid = raw.execute("INSERT INTO orders (customer_id, phone, total, cod) VALUES (1, 'x', 1, 1)").lastrowid
        lines_and_commit(oid, "S", "n", 1)

    out.append(("save_order (service, 2 lines)", ours, median_ms(bare_save, 40)))
    k = [0]

    def bare_same_rows() -> None:
        """The rows save_order writes, with the same texts (so the trigram indexes do the same work), in bare SQL:
        a new customer, the order with its search and buyer texts, two lines, their allocations, the history."""
        k[0] += 1
        phone = f"+849777{k[0]:05d}"
        raw.execute("BEGIN IMMEDIATE")
        cid = raw.execute("INSERT INTO customers (phone, name, street) VALUES (?, 'Khách đo', '1 Lê Lợi')",
                          (phone,)).lastrowid
        oid = raw.execute("INSERT INTO orders (customer_id, phone, name, street, total, cod, search_text, buyer_text) "
                          "VALUES (?, ?, 'Khách đo', '1 Lê Lợi', 187000, 187000, ?, ?)",
                          (cid, phone, f"khach do 0777{k[0]:05d} {phone} 1 le loi ss-003 san pham mua 3 ss-017 "
                                       "san pham mua 17", f"khach do {phone} 0777{k[0]:05d}")).lastrowid
        lines_and_commit(oid, "SS-003", "Sản phẩm mùa 3", 53000)

    out.append(("save_order vs the same rows and texts in bare SQL", ours, median_ms(bare_same_rows, 40)))
    code = info["lot_code"]
    ours = median_ms(lambda: traceability.view(db, code), 5)
    lot_q = "SELECT * FROM lots WHERE code = ?"
    alloc_q = "SELECT sum(qty) FROM allocations WHERE lot_id = ?"
    bare = median_ms(lambda: (raw.execute(lot_q, (code,)).fetchall(), raw.execute(alloc_q, (lot,)).fetchall()), 20)
    out.append(("open a lot (traceability.view)", ours, bare))
    bare_page = median_ms(lambda: raw.execute("SELECT id, created_at, name, phone, total, cod, status FROM orders "
                                              "ORDER BY id DESC LIMIT 60").fetchall(), 20)
    raw.close()
    db.close()
    out += window_figures(path, bare_page)
    return out


def trace_site_figures(path: Path) -> list[tuple[str, float, float]]:
    """The static trace site of a season with 1,000 lots, beside a bare write of the same files and bytes."""
    import shutil

    from coopdesk.services import datafile, publishing

    db = datafile.open_data(path, allow_read_only=True)
    work = path.parent / "site"
    ours: list[float] = []
    bare: list[float] = []
    files: list[tuple[Path, bytes]] = []

    def export(n: int) -> None:
        out = work / f"ours-{n}"
        t = time.perf_counter()
        report = publishing.export_site(db, out)
        ours.append((time.perf_counter() - t) * 1000)
        assert len(report.written) > 2 * TRACE_LOTS, report.pages
        if not files:
            files.extend((p.relative_to(out), p.read_bytes()) for p in sorted(out.rglob("*")) if p.is_file())

    def bare_write(n: int) -> None:
        target = work / f"bare-{n}"
        t = time.perf_counter()
        for folder in sorted({target / rel.parent for rel, _data in files}):
            folder.mkdir(parents=True, exist_ok=True)
        for rel, data in files:
            with open(target / rel, "wb") as f:
                f.write(data)
        bare.append((time.perf_counter() - t) * 1000)

    try:
        export(-1)  # the first export also tells the bare write what to write
        for n in range(5):
            # Either order, and the disk flushed before each: neither pays for the other's writes.
            for step in ((export, bare_write) if n % 2 else (bare_write, export)):
                os.sync()
                step(n)
            shutil.rmtree(work)
    finally:
        db.close()
    ours.pop(0)
    size = sum(len(data) for _rel, data in files) / 1e6
    return [(f"trace site, {TRACE_LOTS:,} lots ({len(files):,} files, {size:,.1f} MB) vs bare write",
             statistics.median(ours), statistics.median(bare))]


def import_figures(path: Path) -> list[tuple[str, float, float]]:
    """`coopdesk import-orders` of the 5,000-order live export as a whole process, beside the same import in-process.

    Each run imports into its own copy of the season file. The first row's copy is first opened and closed by
    CoopDesk (untimed), as the window or the last command leaves the file: the command then skips the whole-file
    check (storage.known_good); the second row's copy is new to CoopDesk, so the command checks it first. One run
    of each kind goes first, untimed, into a small demo file: the disk and the caches CoopDesk keeps between runs
    (the old-address index) are warm, as after a cooperative's first import.
    """
    import json
    import shutil
    import subprocess

    from coopdesk.services import datafile, demo, order_import

    def copy(name: str, as_left: bool) -> Path:
        target = path.parent / f"{name}.db"
        shutil.copyfile(path, target)
        if as_left:
            datafile.open_data(target).close()
            datafile.mark_closed_files()
        return target

    # Python writes the bytecode of CoopDesk's modules at the first run on a user's PC (this machine's
    # PYTHONDONTWRITEBYTECODE would have every run compile them again: ~100 ms that no user pays).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def whole_process(data: Path) -> float:
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "coopdesk", "--data", str(data), "import-orders",
                               str(LIVE_EXPORT), "--json"], capture_output=True, text=True, check=False, env=env)
        elapsed = (time.perf_counter() - t) * 1000
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["orders_new"] == 5000, done.stdout
        return elapsed

    def in_process(data: Path) -> float:
        db = datafile.open_data(data)
        try:
            t = time.perf_counter()
            report = order_import.import_orders(db, LIVE_EXPORT)
            elapsed = (time.perf_counter() - t) * 1000
        finally:
            db.close()
        assert report["orders_new"] == 5000, report
        return elapsed

    for kind, run in (("process", whole_process), ("in", in_process)):
        warm = path.parent / f"warm-{kind}.db"
        db = datafile.open_data(warm)
        demo.write_demo(db)
        db.close()
        run(warm)
        warm.unlink()
    left, new, bare = [], [], []
    for n in range(3):
        for times, run, as_left in ((left, whole_process, True), (new, whole_process, False),
                                    (bare, in_process, False)):
            data = copy(f"import-{n}", as_left)
            times.append(run(data))
            data.unlink()
    return [("import-orders 5,000 orders: whole process vs in-process", statistics.median(left),
             statistics.median(bare)),
            ("… on a file new to CoopDesk (the whole-file check runs)", statistics.median(new),
             statistics.median(bare))]


def sorted_list_figures(page, typed: list[str], bare_page: float) -> list[tuple[str, float, float]]:  # noqa: ANN001
    """The order list sorted by the customer's name: the sort click, and the same keystrokes, whose first
    letters match every order of the season (the broad search that once ranked every match, 330 ms at 100k)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from coopdesk.ui.orders.table_model import COLUMNS, R_ID, R_NAME

    app = QApplication.instance()

    def click(column: int, order: Qt.SortOrder) -> None:
        page.table.sortByColumn(COLUMNS.index(column), order)
        app.processEvents()

    def by_name() -> None:
        click(R_ID, Qt.SortOrder.DescendingOrder)
        t = time.perf_counter()
        click(R_NAME, Qt.SortOrder.AscendingOrder)
        times.append((time.perf_counter() - t) * 1000)

    times: list[float] = []
    for _ in range(5):
        by_name()
    out = [("sort click: by customer name", statistics.median(times), bare_page)]

    def keystrokes() -> None:
        for text in typed:
            page.search.setText(text)
            app.processEvents()  # the list's steps between events (the count of a broad search) run here too
        page.search.clear()

    out.append(("order filter sorted by name, per keystroke", median_ms(keystrokes, 3) / (len(typed) + 1),
                bare_page))
    click(R_ID, Qt.SortOrder.DescendingOrder)
    return out


def window_figures(path: Path, bare_page: float) -> list[tuple[str, float, float]]:
    """The real window, offscreen: start → shown, the orders page's refresh and keystrokes, Enter → ready."""
    import resource
    from dataclasses import replace

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    from coopdesk.domain.orders import LineDraft
    from coopdesk.services import datafile, order_entry
    from coopdesk.ui import app as app_module

    app = QApplication.instance() or QApplication(sys.argv[:1])
    out = []
    t = time.perf_counter()
    db = datafile.open_data(path, program="window", defer_check=True)  # as `coopdesk` (app.run) opens it
    window = app_module.open_window(db)  # the lost-write check, the window; the file check and backup behind it
    app.processEvents()
    shown = (time.perf_counter() - t) * 1000
    t = time.perf_counter()
    bare_window = QMainWindow()
    bare_window.setCentralWidget(QTableView())
    con = sqlite3.connect(path)  # the bare start: open the file, read a screenful of orders, show a window
    con.execute("SELECT id, created_at, name, phone, total, cod, status FROM orders ORDER BY id DESC LIMIT 60")\
        .fetchall()
    bare_window.show()
    app.processEvents()
    bare_shown = (time.perf_counter() - t) * 1000
    con.close()
    bare_window.close()
    out.append(("start → window shown (file check + backup behind it)", shown, bare_shown))
    while window.backups_running:
        app.processEvents()
        time.sleep(0.01)
    window.nav.setCurrentRow(3)
    app.processEvents()
    page = window.orders_page
    out.append(("orders page refresh", median_ms(lambda: (page.refresh(), app.processEvents()), 5), bare_page))
    typed = ["k", "kh", "kha", "khac", "khach", "khach ", "khach m", "khach mu", "khach mua", "khach mua 1",
             "khach mua 12", "khach mua 123"]

    def keystrokes() -> None:
        for text in typed:
            page.search.setText(text)
            app.processEvents()
        page.search.clear()

    out.append(("order filter, per keystroke (12 typed)", median_ms(keystrokes, 3) / (len(typed) + 1), bare_page))
    out += sorted_list_figures(page, typed, bare_page)
    page.table.scrollToBottom()
    app.processEvents()
    new_demo = db.query("SELECT min(id) AS id FROM orders WHERE status = 'new' AND commune IS NOT NULL")[0]["id"]
    demo_draft = order_entry.draft_for_edit(db, new_demo)  # a demo order's address, as the form holds it
    desk = []
    for i in range(30):
        page.form.set_value(replace(demo_draft, phone=f"0966{i:06d}", lines=[LineDraft("SS-003", "1")]))
        page.form.item.setFocus()
        app.processEvents()
        t = time.perf_counter()
        QTest.keyClick(page.form.item, Qt.Key.Key_Return)  # Enter on the empty item field saves
        app.processEvents()
        desk.append((time.perf_counter() - t) * 1000)
        assert page.form.lines.rowCount() == 0, ("the save did not go through", page.form.customer_card.text(),
                                                 window.statusBar().currentMessage(), page.form.errors._messages)
    out.append(("Enter on the desk → form ready", statistics.median(desk), bare_page))
    window.backup_timer.stop()
    window.close()  # the exit backup, waited for
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.append(("peak memory of the process (MB, max RSS)", peak, 1.0))
    return out


def main() -> None:
    sizes = [int(s) for s in (sys.argv[1] if len(sys.argv) > 1 else "10000,100000").split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        os.environ["COOPDESK_DATA_DIR"] = d
        for size in sizes:
            path = Path(d) / f"season-{size}.db"
            t = time.perf_counter()
            info = make_season(path, size)
            made = time.perf_counter() - t
            print(f"{size:,} orders, {info['lines']:,} lines, {LOTS:,} lots: generated in {made:,.0f} s", flush=True)
            found = figures(path, info) + import_figures(path)
            path.unlink()
            path = Path(d) / f"trace-{size}.db"
            t = time.perf_counter()
            make_season(path, size, lots=TRACE_LOTS)
            print(f"{size:,} orders, {TRACE_LOTS:,} lots: generated in {time.perf_counter() - t:,.0f} s", flush=True)
            found += trace_site_figures(path)
            for name, ours, bare in found:
                if "max RSS" in name:  # memory: no baseline beside it
                    rows.append((f"{size:,}", name, f"{ours:,.0f} MB", "", ""))
                else:
                    rows.append((f"{size:,}", name, f"{ours:,.1f} ms", f"{bare:,.2f} ms", f"{ours / bare:,.1f}x"))
            path.unlink()
    header = ("orders", "measure", "CoopDesk", "bare baseline (same run)", "ratio")
    print_table(header, rows)


if __name__ == "__main__":
    main()
