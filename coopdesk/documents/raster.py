"""PDF pages as images at a printer's resolution (pypdfium2), for thermal bitmaps and for tests.

Why rasterise ourselves: a driver asked to print a PDF scales it "to fit" and shifts it; an image made at the
printer's own dpi and sent at 100% lands dot for dot.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image


def page_count(pdf: bytes | Path) -> int:
    """How many pages the PDF has."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def page_size_pt(pdf: bytes | Path, index: int = 0) -> tuple[float, float]:
    """Width and height in points of page ``index``."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        w, h = doc[index].get_size()
        return float(w), float(h)
    finally:
        doc.close()


def pdf_pages_to_images(pdf: bytes | Path, dpi: float, crisp: bool = False, grayscale: bool = False,
                        first: int = 0, last: int | None = None) -> Iterator[Image]:
    """Each page from ``first`` to ``last`` (inclusive) as a PIL image at ``dpi``.

    ``crisp`` turns anti-aliasing off, for 1-bit thermal bitmaps where a grey edge dot is noise.
    """
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        end = len(doc) - 1 if last is None else min(last, len(doc) - 1)
        for i in range(first, end + 1):
            page = doc[i]
            bitmap = page.render(scale=dpi / 72.0, grayscale=grayscale, no_smoothtext=crisp,
                                 no_smoothimage=crisp, no_smoothpath=crisp)
            yield bitmap.to_pil()
            page.close()
    finally:
        doc.close()
