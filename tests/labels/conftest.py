"""Label fixtures: the demo cooperative's packed lots, a lot whose product name has every Vietnamese letter,
and helpers that render PDFs with pdftoppm and decode every QR with zxing-cpp."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 23)  # the demo's day (tests/conftest.py DEMO_DAY)
BUN = "HP-2026-0001"  # packed, product with a GTIN: the QR holds the GS1 Digital Link path
PUMPKIN = "HP-2026-0002"  # packed, no GTIN, no OCOP
NEM = "HP-2026-0003"  # recalled
RAW = "HP-2025-0001"  # harvested, not packed
LOWER = "ăâđêôơư àáảãạ ằắẳẵặ ầấẩẫậ èéẻẽẹ ềếểễệ ìíỉĩị òóỏõọ ồốổỗộ ờớởỡợ ùúủũụ ừứửữự ỳýỷỹỵ"
UPPER = LOWER.upper()

needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")


def render(pdf: bytes | Path, dpi: int, tmp_path: Path, first: int = 1, last: int | None = None):
    """Pages as 1-bit-like greyscale images from pdftoppm, no anti-aliasing (a thermal head has no grey)."""
    from PIL import Image

    src = tmp_path / "in.pdf"
    if isinstance(pdf, bytes):
        src.write_bytes(pdf)
    else:
        src = pdf
    prefix = tmp_path / "page"
    cmd = ["pdftoppm", "-r", str(dpi), "-gray", "-aa", "no", "-aaVector", "no", "-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    subprocess.run([*cmd, str(src), str(prefix)], check=True, capture_output=True)
    pages = sorted(tmp_path.glob("page-*.pgm"))
    images = [Image.open(p).copy() for p in pages]
    for p in pages:
        p.unlink()
    return images


def decode_all(image) -> list[str]:
    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.fixture
def lettered_lot(demo_db):
    """A packed lot of a product named with every lower-case Vietnamese letter, from a cooperative named with
    every upper-case one."""
    from coopdesk.domain.cooperative import CooperativeDraft
    from coopdesk.domain.lots import EventDraft
    from coopdesk.domain.products import ProductDraft
    from coopdesk.services import catalog, cooperative
    from coopdesk.services import traceability as trace

    catalog.save_product(demo_db, ProductDraft(sku="TEST-CHU", name=LOWER, net_weight="250 g", price="55.000",
                                               shelf_life_days="180", ocop_stars="4", ocop_cert_no="1/QĐ-UBND",
                                               ocop_issued="01/06/2025"))
    coop = cooperative.get_profile(demo_db)
    cooperative.save_profile(demo_db, CooperativeDraft(
        name=UPPER, tax_code=coop.tax_code, province=str(coop.province), commune=str(coop.commune),
        street=coop.street, phone=coop.phone, trace_base_url=coop.trace_base_url))
    code = trace.create_lot(demo_db, "TEST-CHU", day=date(2026, 11, 1)).code
    trace.add_event(demo_db, code, EventDraft(kind="processing", day="02/11/2026", person="Mai", method="Sấy",
                                              quantity_kg="50"), "", TODAY)
    trace.add_event(demo_db, code, EventDraft(kind="packing", day="03/11/2026", person="Mai", packs="100",
                                              pack_size="250 g"), "", TODAY)
    return code
