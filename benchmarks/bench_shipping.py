"""Documents after a 5,000-order live (issue 14): packing slips, picking list and handover sheets, each beside a
bare reportlab loop drawing the same text and codes in the same run.

Run: .venv/bin/python -m benchmarks.bench_shipping   (also part of benchmarks.run). Timings are printed, never
asserted.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from benchmarks.table import print_table

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

N = 5000
CARRIERS = ("GHTK", "GHN", "Viettel Post")


def build(tmp: Path, n: int = N) -> tuple[Path, int]:
    """The demo cooperative plus one live of ``n`` desk orders, two lines each, allocated to packed lots."""
    from coopdesk.services import datafile, demo, order_entry, traceability
    from coopdesk.storage import imports as bulk

    path = tmp / "live.db"
    db = datafile.open_data(path)
    demo.write_demo(db)
    sid = order_entry.start_session(db, "Live tối — 5.000 đơn", "Facebook", "Mai", "2026-11-28 19:30:00")
    lots = db.query("SELECT l.id, l.product_id, p.sku, p.name, p.price_vnd FROM lots l JOIN products p ON "
                    "p.id = l.product_id WHERE l.id IN (SELECT lot_id FROM events WHERE kind = 'packing')")
    recalled = traceability.recalled_lot_ids(db)  # a recalled lot's slip would be refused
    lots = [lot for lot in lots if lot["id"] not in recalled]
    with db.transaction() as d:
        bulk.insert_customers(d, [(f"+8490{i:07d}", "", f"Nguyễn Thị Khách {i}", "Tổ 3", 1, 4, "", "")
                                  for i in range(n)])
        first_order = bulk.next_id(d, "orders")
        customer0 = d.execute("SELECT min(id) FROM customers WHERE phone LIKE '+8490%'").fetchone()[0]
        orders, lines, allocs = [], [], []
        line_id = (d.execute("SELECT max(id) FROM order_lines").fetchone()[0] or 0) + 1
        for i in range(n):
            oid = first_order + i
            total = 0
            for k in range(2):
                lot = lots[(i + k) % len(lots)]
                qty = 1 + (i + k) % 3
                lines.append((line_id, oid, lot["product_id"], lot["sku"], lot["name"], qty, lot["price_vnd"]))
                allocs.append((line_id, lot["id"], qty))
                total += qty * lot["price_vnd"]
                line_id += 1
            minute = 30 + i * 150 // n
            orders.append((oid, sid, customer0 + i, f"+8490{i:07d}", f"Nguyễn Thị Khách Hàng Số {i}",
                           "Số 18 ngõ 245 đường Trần Quang Khải", 1, 4, total + 30000, total + 30000,
                           "Cho xem hàng, không cho thử", CARRIERS[i % 3],
                           f"{CARRIERS[i % 3][:3].upper()}{9000000 + i}",
                           f"2026-11-28 {19 + minute // 60:02d}:{minute % 60:02d}:{i % 60:02d}"))
        d.conn.executemany("INSERT INTO orders (id, session_id, customer_id, phone, name, street, province, commune, "
                           "shipping, total, cod, delivery_note, carrier, tracking, created_at) "
                           "VALUES (?,?,?,?,?,?,?,?,30000,?,?,?,?,?,?)", orders)
        d.conn.executemany("INSERT INTO order_lines (id, order_id, product_id, sku, name, qty, unit_price) "
                           "VALUES (?,?,?,?,?,?,?)", lines)
        d.conn.executemany("INSERT INTO allocations (line_id, lot_id, qty) VALUES (?,?,?)", allocs)
    db.close()
    return path, sid


def bare_slips(out: Path, parcels: list) -> None:  # noqa: ANN001
    """Baseline: the same slip text, the same Code 128 and the same (once-made) lot QRs, with no layout logic."""
    from reportlab import rl_config
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.pdfgen.canvas import Canvas

    from coopdesk.documents import typeset as ts
    from coopdesk.documents.fonts import register

    register()
    rl_config.useA85 = 0  # the same binary page streams CoopDesk writes: the baseline does the same work
    mm = 72 / 25.4
    c = Canvas(str(out), pagesize=(105 * mm, 148 * mm), invariant=1, pageCompression=1,
               initialFontName=ts.REGULAR)
    forms: dict[str, str] = {}
    module = ts.module_for_dpi(203, 3)
    for p in parcels:
        c.setFont(ts.BOLD, 9)
        c.drawString(11, 400, "Hợp tác xã Nông sản sạch Hồng Phước")
        c.drawRightString(285, 400, p.code)
        Code128(p.code, barWidth=0.709, barHeight=22, quiet=True, humanReadable=False).drawOn(c, 180, 370)
        c.setFont(ts.BOLD, 12)
        c.drawString(11, 340, p.name)
        c.drawString(11, 322, p.phone)
        c.setFont(ts.REGULAR, 9)
        c.drawString(11, 306, p.address[:70])
        y = 285
        for line in p.lines:
            c.drawString(11, y, f"{line.name} ({line.sku})")
            c.drawRightString(285, y, str(line.amount))
            c.drawString(11, y - 9, f"Lô {line.lots[0].code}")
            y -= 24
        c.setFont(ts.BOLD, 21)
        c.drawCentredString(150, 150, f"{p.cod:,} ₫")
        c.setFont(ts.ITALIC, 7)
        c.drawCentredString(150, 135, ts.money_in_words(p.cod))
        c.setFont(ts.BOLD, 8.5)
        c.drawString(11, 118, "Ghi chú: " + p.delivery_note)
        x = 11
        for lot in p.lots():
            name = forms.get(lot.url)
            if name is None:
                name = forms[lot.url] = f"q{len(forms)}"
                c.beginForm(name)
                ts.draw_qr(c, ts.qr_symbol(lot.url), 0, 0, module)
                c.endForm()
            c.saveState()
            c.translate(x, 30)
            c.doForm(name)
            c.restoreState()
            x += 60
        c.showPage()
    c.save()
    rl_config.useA85 = 1


def timed(fn) -> float:  # noqa: ANN001
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(rows: list[tuple[str, str, str, str, str]] | None = None) -> list[tuple[str, str, str, str, str]]:
    from coopdesk.domain.shipping import HANDOVER, PICKING, SLIPS, Selection
    from coopdesk.services import datafile
    from coopdesk.services import shipping_documents as sd

    rows = [] if rows is None else rows
    with tempfile.TemporaryDirectory() as d:
        os.environ.setdefault("COOPDESK_DATA_DIR", d)
        tmp = Path(d)
        path, sid = build(tmp)
        db = datafile.open_reader(path)
        sel = Selection(session_id=sid)
        ids = sd.select(db, sel, SLIPS)
        assert len(ids) == N
        parcels = sd.parcels(db, ids)
        # Warm-up (fonts, imports) so neither side pays it.
        sd.run(sd.make(db, Selection(order_ids=tuple(ids[:20])), SLIPS, tmp / "warm.pdf"))
        bare_slips(tmp / "warm-bare.pdf", parcels[:20])

        first = Selection(order_ids=tuple(ids[:1000]))
        made: list = []
        t_first = timed(lambda: made.append(sd.run(sd.make(db, first, SLIPS, tmp / "first.pdf"))))
        t_first_bare = timed(lambda: bare_slips(tmp / "first-bare.pdf", parcels[:1000]))

        t_all = timed(lambda: made.append(sd.run(sd.make(db, sel, SLIPS, tmp / "slips.pdf"))))
        assert [len(m.order_ids) for m in made] == [1000, N], "every slip made (none refused)"
        t_bare = timed(lambda: bare_slips(tmp / "bare.pdf", parcels))
        size = (tmp / "slips.pdf").stat().st_size
        bare_size = (tmp / "bare.pdf").stat().st_size

        t_pick, c_pick = timed_cpu(lambda: sd.run(sd.make(db, sel, PICKING, tmp / "pick.pdf")))
        t_hand, c_hand = timed_cpu(lambda: sd.run(sd.make(db, sel, HANDOVER, tmp / "hand.pdf")))
        t_load = timed(lambda: sd.choose(db, sel, SLIPS))
        pages = _pages(tmp / "slips.pdf")
        first_ready: list[float] = []
        t0 = time.perf_counter()
        for step in sd.make(db, sel, SLIPS, tmp / "ready.pdf"):
            if isinstance(step, sd.Progress) and step.ready and not first_ready:
                first_ready.append(time.perf_counter() - t0)
        db.close()
        # Memory: each job in a fresh process (peak RSS only ever rises within one), tracemalloc in a separate
        # run because it slows everything several times over.
        import sqlite3

        with contextlib.closing(sqlite3.connect(path)) as conn:  # the build's WAL in the file, as a day-old one
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        memory = {n: (_memory(path, n, python=True), _memory(path, n, python=False)) for n in (1000, N)}

    def row(name: str, ours: float, unit: str, base_name: str, base: float | None, aim: str) -> None:
        ratio = f"{ours / base:.2f}x" if base else ""
        rows.append((name, f"{ours:,.2f} {unit}", f"{base_name}: {base:,.2f} {unit}" if base else "", ratio, aim))

    row(f"{N:,} A6 packing slips (barcode + lot QRs) into one PDF", t_all, "s", "bare reportlab loop, same codes",
        t_bare, "< 10 s")
    rows.append(("  slips per second", f"{N / t_all:,.0f} /s", f"bare: {N / t_bare:,.0f} /s", "", ""))
    rows.append(("  pages in the joined file", f"{pages:,}", "", "", f"{N:,}"))
    row("  first 1,000 slips ready (a 1,000-slip job)", t_first, "s", "bare loop, 1,000", t_first_bare, "< 2 s")
    rows.append(("  first part of 1,000 ready (5,000-slip job)", f"{first_ready[0]:,.2f} s", "", "", "< 2 s"))
    row("  KiB per slip", size / 1024 / N, "KiB", "bare loop", bare_size / 1024 / N, "< 3.5 KiB")
    (py1, _g), rss1 = memory[1000]
    (py5, _g), rss5 = memory[N]
    rows.append((f"  peak Python memory (tracemalloc), 1,000 vs {N:,} slips in one file",
                 f"{py1 / 2**20:,.1f} / {py5 / 2**20:,.1f} MiB", "", "", "flat"))
    rows.append((f"  peak RSS of the process, 1,000 vs {N:,} (growth during the job)",
                 f"{rss1[0] / 2**20:,.0f} / {rss5[0] / 2**20:,.0f} MiB "
                 f"(+{rss1[1] / 2**20:,.0f} / +{rss5[1] / 2**20:,.0f})", "", "", "flat"))
    rows.append((f"Picking list for {N:,} orders", f"{t_pick:,.2f} s (CPU {c_pick:,.2f} s)", "", "",
                 "< 3 s with handover"))
    rows.append((f"Handover sheets for {N:,} orders (3 carriers, 2 copies)", f"{t_hand:,.2f} s (CPU {c_hand:,.2f} s)",
                 "", "", "< 3 s with picking"))
    rows.append(("  picking + handover together", f"{t_pick + t_hand:,.2f} s (CPU {c_pick + c_hand:,.2f} s)", "", "",
                 "< 3 s"))
    rows.append((f"Choosing {N:,} orders (counts, COD, refusals, reprints)", f"{t_load * 1000:,.0f} ms", "", "", ""))
    return rows


def timed_cpu(fn) -> tuple[float, float]:  # noqa: ANN001
    """Wall and CPU seconds: on a 2-core machine shared with other work the CPU figure is the steadier."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def _memory(db: Path, n: int, python: bool) -> tuple[int, int]:
    """(peak, growth) in bytes of one ``n``-slip one-file job run in a fresh process: tracemalloc's peak and 0
    when ``python``, else the process's peak RSS and its rise over the RSS just before the job."""
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "benchmarks.bench_shipping", "--memory", str(db), str(n),
                          "python" if python else "rss"], check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent, env=os.environ.copy())
    peak, growth = json.loads(out.stdout.strip().splitlines()[-1])
    return peak, growth


def _memory_child(db: str, n: int, mode: str) -> None:
    import json

    from coopdesk.domain.shipping import SLIPS, Selection
    from coopdesk.services import datafile
    from coopdesk.services import shipping_documents as sd

    reader = datafile.open_reader(Path(db))
    sid = reader.conn.execute("SELECT max(id) FROM live_sessions").fetchone()[0]
    ids = sd.select(reader, Selection(session_id=sid), SLIPS)[:n]
    sel = Selection(order_ids=tuple(ids))
    with tempfile.TemporaryDirectory() as d:
        sd.run(sd.make(reader, Selection(order_ids=tuple(ids[:5])), SLIPS, Path(d) / "warm.pdf"))  # imports, fonts
        if mode == "python":
            tracemalloc.start()
            sd.run(sd.make(reader, sel, SLIPS, Path(d) / "mem.pdf"))
            print(json.dumps([tracemalloc.get_traced_memory()[1], 0]))
            return
        page = os.sysconf("SC_PAGE_SIZE")
        with open("/proc/self/statm") as fh:
            before = int(fh.read().split()[1]) * page
        sd.run(sd.make(reader, sel, SLIPS, Path(d) / "mem.pdf"))
        # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec, so a child started from a big
        # benchmark process would report its parent's size.
        with open("/proc/self/status") as fh:
            peak = next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
        print(json.dumps([peak, peak - before]))


def main() -> None:
    rows = run()
    header = ("measure", "CoopDesk", "baseline (same run)", "ratio", "aim")
    print_table(header, rows)


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 5 and sys.argv[1] == "--memory":
        _memory_child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
