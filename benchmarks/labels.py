"""QR label benchmark: 500 thermal 50×30 labels and 1,000 labels on a4-65 sheets, from the data file to the PDF,
beside a bare reportlab loop drawing the same text and QR in the same run; and memory as the count grows.

Run alone: .venv/bin/python -m benchmarks.labels   (also part of scripts/run-benchmarks)
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from benchmarks.table import print_table

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

Add = Callable[[str, float, str, str, float, str], None]


def _median_s(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bare_reportlab(job, out: io.BytesIO) -> None:  # noqa: ANN001 - a PreparedJob
    """What a straightforward script does: for every label, draw the same lines of text and the QR's modules
    (the QR matrix made once), label by label, on the same page grid with the same fonts."""
    from coopdesk.documents import typeset as ts
    from coopdesk.domain.labels import MM

    t = job.template
    c = ts.new_canvas(out, (t.page_w * MM, t.page_h * MM))
    for page in job.pages():
        for slot, index in page:
            label = job.labels[index]
            x, y = t.slot(slot)
            x0, y0 = x * MM, y * MM
            lay = label.layout
            ts.draw_qr(c, label.symbol, x0 + lay.qr_x, y0 + lay.qr_y, lay.module)
            for block in label.blocks:
                c.setFont(block.fitted.font, block.fitted.size)
                top = y0 + block.top
                for line in block.fitted.lines:
                    top -= block.fitted.leading
                    c.drawString(x0 + lay.text[0], top, line)
        c.showPage()
    c.save()


def run(add: Add, tmp: Path) -> None:
    from coopdesk.services import datafile, demo, labels

    data = tmp / "labels-bench.db"
    db = datafile.open_data(data)
    demo.write_demo(db)
    lot = next(v.code for v in labels.packed_lots(db) if v.product.gtin)
    for name, count in (("50x30", 500), ("a4-65", 1000)):
        def coopdesk(name: str = name, count: int = count) -> None:
            job = labels.prepare_job(db, name, [(lot, count)])
            for _p in labels.write_pdf(job, tmp / f"{name}.pdf"):
                pass

        job = labels.prepare_job(db, name, [(lot, count)])
        ours = _median_s(coopdesk)
        bare = _median_s(lambda job=job: bare_reportlab(job, io.BytesIO()))
        add(f"{count} labels {name}, data file to PDF", ours * 1000, "ms", "bare reportlab loop", bare * 1000,
            "< 5 s")
        add(f"  labels per second ({name})", count / ours, "/s", "bare reportlab loop", count / bare, "")
        size = (tmp / f"{name}.pdf").stat().st_size
        add(f"  PDF bytes per label ({name})", size / count, "B", "bare loop", len(_bare_bytes(job)) / count, "")
    job = labels.prepare_job(db, "50x30", [(lot, 500)])
    tspl = _median_s(lambda: labels.thermal_bytes(job, "tspl"))
    add("500 labels 50x30 as TSPL (bitmap at 203 dpi)", tspl * 1000, "ms", "bare reportlab PDF loop",
        _median_s(lambda: bare_reportlab(job, io.BytesIO())) * 1000, "")
    peaks = []
    for count in (1000, 10000):
        job = labels.prepare_job(db, "a4-65", [(lot, count)])
        tracemalloc.start()
        for _p in labels.write_pdf(job, tmp / "mem.pdf"):
            pass
        peaks.append(tracemalloc.get_traced_memory()[1] / 1024 / 1024)
        tracemalloc.stop()
    add("peak memory writing 10,000 a4-65 labels", peaks[1], "MiB", "the same for 1,000", peaks[0],
        "flat in the count")
    db.close()


def _bare_bytes(job) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    bare_reportlab(job, out)
    return out.getvalue()


def main() -> None:
    rows = []

    def add(name: str, value: float, unit: str, baseline_name: str, baseline: float, aim: str) -> None:
        ratio = value / baseline if baseline else float("nan")
        rows.append((name, f"{value:,.1f} {unit}", f"{baseline_name}: {baseline:,.1f} {unit}", f"{ratio:.2f}x",
                     aim))

    with tempfile.TemporaryDirectory() as d:
        os.environ["COOPDESK_DATA_DIR"] = d
        run(add, Path(d))
    header = ("measure", "CoopDesk", "baseline (same run)", "ratio", "aim")
    print_table(header, rows)


if __name__ == "__main__":
    main()
