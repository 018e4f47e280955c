"""CoopDesk benchmarks: each figure beside a baseline measured in the same run, printed as a table.

Run: .venv/bin/python -m benchmarks.run   (or scripts/run-benchmarks). Never part of the test suite.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchmarks.table import median_ms, print_table

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
ROWS: list[tuple[str, str, str, str, str]] = []


def add(name: str, value: float, unit: str, baseline_name: str, baseline: float, aim: str) -> None:
    ratio = value / baseline if baseline else float("nan")
    ROWS.append((name, f"{value:,.1f} {unit}", f"{baseline_name}: {baseline:,.1f} {unit}", f"{ratio:.2f}x", aim))


BARE_WINDOW = textwrap.dedent("""
    import time, sys
    from PySide6.QtWidgets import QApplication, QMainWindow
    from PySide6.QtCore import QTimer
    app = QApplication(sys.argv[:1])
    w = QMainWindow(); w.resize(1200, 760); w.show()
    QTimer.singleShot(0, lambda: (print("shown", flush=True), app.quit()))
    app.exec()
""")

COOPDESK_WINDOW = textwrap.dedent("""
    import sys
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from coopdesk.ui.app import make_app
    from coopdesk.services import datafile
    from coopdesk.ui.main_window import MainWindow
    app = make_app()
    db = datafile.open_data(Path(sys.argv[1]))
    w = MainWindow(db, False); w.show()
    def done():
        heavy = [m for m in ("reportlab", "openpyxl", "qrcode", "segno", "pdfplumber") if m in sys.modules]
        print("shown", ",".join(heavy) or "-", flush=True)
        app.quit()
    QTimer.singleShot(0, done)
    app.exec()
    db.close()
""")


def time_process(code: str, *args: str, repeat: int = 5) -> tuple[float, str]:
    times, extra = [], ""
    for _ in range(repeat):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True,
                             cwd=ROOT)
        times.append((time.perf_counter() - t) * 1000)
        extra = out.stdout.split("shown", 1)[1].strip()
    return statistics.median(times), extra


def bench_startup(tmp: Path) -> None:
    from coopdesk.services import datafile, demo

    data = tmp / "start.db"
    db = datafile.open_data(data)
    demo.write_demo(db)
    db.close()
    bare, _ = time_process(BARE_WINDOW)
    ours, heavy = time_process(COOPDESK_WINDOW, str(data))
    add("Start-up: process start to main window shown", ours, "ms", "bare QApplication+QMainWindow", bare,
        "< 1,000 ms")
    ROWS.append(("  heavy modules loaded at start-up", heavy, "", "", "none"))


def bench_search(tmp: Path) -> None:
    from coopdesk.domain.products import Product
    from coopdesk.services import catalog, datafile
    from coopdesk.storage import products as store

    data = tmp / "search.db"
    db = datafile.open_data(data)
    names = ["Bún khô", "Miến sắn", "Nem chua", "Kẹo cu đơ", "Trà búp", "Cà phê rang", "Vải sấy", "Bí đỏ"]
    items = [Product(sku=f"SP-{i:05d}", name=f"{names[i % 8]} loại {i}", price_vnd=1000 + i) for i in range(10_000)]
    with db.transaction() as d:
        store.save_many(d, items, "")
    query = "bun kho 77"
    service = median_ms(lambda: catalog.search(db, query), 30)
    raw = sqlite3.connect(data)
    words = ["bun", "kho", "77"]
    sql = "SELECT * FROM products WHERE " + " AND ".join("instr(search_text, ?) > 0" for _ in words)
    bare = median_ms(lambda: raw.execute(sql, words).fetchall(), 30)
    add("Catalog search, 10,000 products (service)", service, "ms", "bare SQL instr() query", bare, "-")

    from PySide6.QtCore import QSortFilterProxyModel
    from PySide6.QtWidgets import QApplication

    from coopdesk.ui.products.table_model import ProductFilterProxy, ProductsTableModel

    QApplication.instance() or QApplication(sys.argv[:1])
    model = ProductsTableModel()
    t = time.perf_counter()
    model.set_rows(catalog.list_products(db))
    load = (time.perf_counter() - t) * 1000
    proxy = ProductFilterProxy()
    proxy.setSourceModel(model)
    typed = ["b", "bu", "bun", "bun ", "bun k", "bun kh", "bun kho"]
    ours = median_ms(lambda: [proxy.set_query(q) for q in typed], 5) / len(typed)
    plain = QSortFilterProxyModel()
    plain.setSourceModel(model)
    plain.setFilterKeyColumn(1)
    raw_typed = ["B", "Bú", "Bún", "Bún ", "Bún k", "Bún kh", "Bún khô"]
    base = median_ms(lambda: [plain.setFilterFixedString(q) for q in raw_typed], 5) / len(raw_typed)
    add("Product list filter per keystroke, 10,000 rows", ours, "ms", "Qt fixed-string filter (with diacritics)",
        base, "< 100 ms")
    ROWS.append(("  product list load (10,000 rows into the model)", f"{load:,.0f} ms", "", "", ""))
    raw.close()
    db.close()


def bench_orders(tmp: Path) -> None:
    """Save latency against a bare commit of the same rows, sustained rate, and the 100,000-order list."""
    from coopdesk.domain.orders import LineDraft, OrderDraft
    from coopdesk.services import datafile, demo, order_entry

    data = tmp / "orders.db"
    db = datafile.open_data(data)
    demo.write_demo(db)
    n = 5000
    ours = []
    t_all = time.perf_counter()
    for i in range(n):
        d = OrderDraft(phone=f"09{i:08d}", name=f"Khách {i}", lines=[LineDraft("YDI-BUN-500", "1"),
                                                                      LineDraft("LDU-BIDO-QUA", "1")])
        t = time.perf_counter()
        order_entry.save_order(db, d)
        ours.append((time.perf_counter() - t) * 1000)
    rate = n / (time.perf_counter() - t_all)
    db.close()
    # The baseline: the same rows (customer, order, 2 lines, 2 allocations, history) in one bare transaction.
    raw = sqlite3.connect(data, isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA foreign_keys=ON")
    pid = raw.execute("SELECT id FROM products WHERE sku='YDI-BUN-500'").fetchone()[0]
    lot = raw.execute("SELECT id FROM lots LIMIT 1").fetchone()[0]
    bare = []
    for i in range(n):
        t = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        cid = raw.execute("INSERT INTO customers (phone, name) VALUES (?, ?)", (f"+848{i:08d}", "x")).lastrowid
        oid = raw.execute("INSERT INTO orders (customer_id, phone, total, cod) VALUES (?, ?, 1, 1)",
                          (cid, "x")).lastrowid
        for _ in range(2):
            lid = raw.execute("INSERT INTO order_lines (order_id, product_id, sku, name, qty, unit_price) "
                              "VALUES (?, ?, 'S', 'n', 1, 1)", (oid, pid)).lastrowid
            raw.execute("INSERT INTO allocations (line_id, lot_id, qty) VALUES (?, ?, 1)", (lid, lot))
        raw.execute("INSERT INTO order_history (order_id, action) VALUES (?, 'create')", (oid,))
        raw.execute("COMMIT")
        bare.append((time.perf_counter() - t) * 1000)
    raw.close()
    ours.sort()
    bare.sort()
    add("Order save latency, median (5,000 saves)", statistics.median(ours), "ms", "bare commit of the same rows",
        statistics.median(bare), "< 3x")
    add("Order save latency, p99", ours[int(n * 0.99)], "ms", "bare commit, p99", bare[int(n * 0.99)], "< 10x")
    ROWS.append(("  orders saved per second, sustained", f"{rate:,.0f} /s", "", "", "600 in 10 min = 1 /s"))

    # The order list (first page, filter per keystroke) reads a file now: measured at 10k/100k/500k orders by
    # `python -m benchmarks.season`.


def bench_desk(tmp: Path, sizes: tuple[int, ...] = (10_000, 100_000)) -> None:
    """The save a person feels at the desk: Enter on the empty item field until the form is clear and ready
    for the next phone, in the real window on a season-sized file; beside the service alone on the same file,
    and beside what every save used to add (reloading the order list and the lots page)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from benchmarks.season import make_season
    from coopdesk.domain.orders import LineDraft, OrderDraft
    from coopdesk.services import datafile, order_entry
    from coopdesk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    for size in sizes:
        path = tmp / f"desk-{size}.db"
        make_season(path, size)
        db = datafile.open_data(path)
        window = MainWindow(db)
        window.resize(1280, 760)
        window.show()
        window.nav.setCurrentRow(3)
        app.processEvents()
        page = window.orders_page
        desk = []
        for i in range(40):
            page.form.phone.setText(f"0966{i:06d}")
            page.form.name.setText("Lê Thị Hạnh")
            page.form.add_line("YDI-BUN-500", "1")
            page.form.item.setFocus()
            app.processEvents()
            t = time.perf_counter()
            QTest.keyClick(page.form.item, Qt.Key.Key_Return)  # Enter on the empty item field saves
            app.processEvents()
            desk.append((time.perf_counter() - t) * 1000)
            assert page.form.lines.rowCount() == 0 and not page.form.phone.text(), "the save did not go through"
        service = []
        for i in range(40):
            d = OrderDraft(phone=f"0977{i:06d}", name="Lê Thị Hạnh", lines=[LineDraft("YDI-BUN-500", "1")])
            t = time.perf_counter()
            order_entry.save_order(db, d)
            service.append((time.perf_counter() - t) * 1000)
        before = median_ms(lambda p=page, w=window: (p.refresh(), w.lots_page.refresh()), 1)
        window.backup_timer.stop()
        window.close()
        add(f"Desk save, Enter to ready ({size:,} orders)", statistics.median(desk), "ms",
            "the service alone", statistics.median(service), "< 50 ms")
        ROWS.append((f"  what each save reloaded before ({size:,} orders)", f"{before:,.0f} ms", "", "",
                     "now: the saved row only"))


def _bare_model_ms(app, rows: list[tuple]) -> float:  # noqa: ANN001
    """PERFORMANCE.md's baseline: a minimal QAbstractTableModel over the same tuples, shown in a QTableView."""
    from PySide6.QtCore import QAbstractTableModel, Qt
    from PySide6.QtWidgets import QTableView

    class Bare(QAbstractTableModel):
        def rowCount(self, parent=None):  # noqa: N802
            return len(rows)

        def columnCount(self, parent=None):  # noqa: N802
            return 8

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return rows[index.row()][index.column()] if role == Qt.ItemDataRole.DisplayRole else None

    t = time.perf_counter()
    model = Bare()
    view = QTableView()
    view.setModel(model)
    view.resize(1000, 700)
    view.show()
    app.processEvents()
    elapsed = (time.perf_counter() - t) * 1000
    view.close()
    return elapsed


def bench_import(tmp: Path) -> None:
    """The 5,000-order live export into a file that already holds 100,000 orders."""
    from coopdesk.services import datafile, demo, order_import
    from coopdesk.storage import imports as bulk

    data = tmp / "import.db"
    db = datafile.open_data(data)
    demo.write_demo(db)
    with db.transaction() as d:
        bulk.insert_customers(d, [(f"+8490{i:07d}", "", "x", "", None, None, "", "") for i in range(20_000)])
        first = bulk.next_id(d, "orders")
        bulk.insert_orders(d, [(first + i, None, 1 + i % 20_000, "x", "x", "", None, None, "", 0, 0, 1000, 1000, "", "",
                                "new", "", "", "x", "2026-11-01 10:00:00", "tiktok", f"9{i:017d}", "", "", "", "", "",
                                "") for i in range(100_000)])
    live = ROOT.parent / "shared" / "samples" / "tiktok_orders_live_5000.csv"
    t = time.perf_counter()
    plan = order_import.preview_import(db, live)
    t_preview = time.perf_counter() - t
    t2 = time.perf_counter()
    order_import.commit_import(db, plan)
    t_insert = time.perf_counter() - t2
    total = time.perf_counter() - t
    t = time.perf_counter()
    again = order_import.import_orders(db, live)
    t_again = time.perf_counter() - t
    assert again["orders_unchanged"] == 5000
    db.close()
    # Baseline: a bare executemany of the same number of rows into the same tables, same settings.
    raw = sqlite3.connect(data, isolation_level=None)
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA foreign_keys=ON")
    t = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")
    base = raw.execute("SELECT max(id) FROM orders").fetchone()[0] + 1
    raw.executemany("INSERT INTO orders (id, customer_id, phone, total, cod, platform, platform_order_id) "
                    "VALUES (?, 1, 'x', 1, 1, 'bench', ?)", [(base + i, str(i)) for i in range(5000)])
    lbase = raw.execute("SELECT max(id) FROM order_lines").fetchone()[0] + 1
    raw.executemany("INSERT INTO order_lines (id, order_id, sku, name, qty, unit_price) VALUES (?, ?, 'S', 'n', 1, 1)",
                    [(lbase + i, base + i % 5000) for i in range(5635)])
    raw.executemany("INSERT INTO order_history (order_id, action) VALUES (?, 'import')",
                    [(base + i,) for i in range(5000)])
    raw.execute("COMMIT")
    bare = time.perf_counter() - t
    raw.close()
    add("Import 5,000-order export (into 100,000 orders)", total * 1000, "ms", "bare executemany of the rows",
        bare * 1000, "< 1,500 ms")
    add("  the insert step alone", t_insert * 1000, "ms", "bare executemany", bare * 1000, "< 4x")
    ROWS.append(("  read + check + plan (preview)", f"{t_preview * 1000:,.0f} ms", "", "", ""))
    ROWS.append(("  orders per second, end to end", f"{5000 / total:,.0f} /s", "", "", ""))
    ROWS.append(("Re-import of the same file (all unchanged)", f"{t_again * 1000:,.0f} ms", "", "",
                 "faster than the first"))


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        os.environ["COOPDESK_DATA_DIR"] = d
        tmp = Path(d)
        bench_startup(tmp)
        bench_search(tmp)
        bench_orders(tmp)
        bench_desk(tmp)
        bench_import(tmp)
        from benchmarks.labels import run as bench_labels

        bench_labels(add, tmp)

        from benchmarks.recall import bench_recall

        bench_recall(tmp)
    from benchmarks import bench_shipping

    bench_shipping.run(ROWS)
    header = ("measure", "CoopDesk", "baseline (same run)", "ratio", "aim")
    print_table(header, ROWS)


if __name__ == "__main__":
    main()
