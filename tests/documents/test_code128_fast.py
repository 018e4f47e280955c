"""The kit's Code 128, written as PDF operators (one rectangle fill per bar) instead of reportlab's call per bar:
the same width as reportlab's symbol, and it decodes where printers and tests read it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from coopdesk.documents import typeset as ts


@pytest.mark.parametrize("bar_width", [0.709, 0.8, 0.9, 1.0])
def test_code128_same_width_as_reportlab_and_decodes_at_150_and_203_dpi(tmp_path: Path, bar_width: float) -> None:
    import zxingcpp
    from PIL import Image

    values = ["DH-000123", "GHTK84123456", "VTP998877665"]
    for v in values:
        assert ts.code128_width(v, bar_width) == pytest.approx(float(ts._code128(v, 10, bar_width, True).width))
    out = tmp_path / "codes.pdf"
    c = ts.new_canvas(out, (420, 300), title="t", author="t")
    c.beginForm("f", 0, 0, 420, 300)  # the handover sheet draws its rows inside a form
    for i, v in enumerate(values):
        assert ts.draw_code128(c, v, 10.37 + i * 3.1, 20 + i * 90, 30, bar_width) == pytest.approx(
            ts.code128_width(v, bar_width))
    c.endForm()
    c.doForm("f")
    c.showPage()
    c.save()
    # 203 dpi: the thermal slips (0.709 pt = 2 dots); 150 dpi: the A4 sheets, whose bars are 0.9-1 pt (thinner
    # bars at 150 dpi do not decode from reportlab's own drawing either: under 2 pixels a module).
    for dpi in (150, 203) if bar_width >= 0.9 else (203,):
        prefix = tmp_path / f"r{dpi}"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-aa", "no", "-aaVector", "no", "-png", str(out),
                        str(prefix)], check=True)
        image = Image.open(sorted(tmp_path.glob(f"r{dpi}*.png"))[0])
        assert sorted(r.text for r in zxingcpp.read_barcodes(image)) == sorted(values), dpi
