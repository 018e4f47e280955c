"""Labels for thermal printers without a driver: TSPL (Xprinter, TSC and clones) and ZPL (Zebra) commands that
carry each label as a 1-bit bitmap at the printer's own resolution.

Why bitmaps: the printers' built-in fonts have no Vietnamese; a bitmap made from the same PDF the window
previews prints every mark and every QR module exactly, dot for dot. Data in, bytes out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

FORMATS = ("tspl", "zpl")


def to_1bit(image: Image) -> Image:
    """A page render as pure black and white (a thermal dot is on or off): dark below half grey."""
    gray = image.convert("L")
    return gray.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=0)


def _mm(value: float) -> str:
    return f"{value:g}"


def tspl_header(width_mm: float, height_mm: float, gap_mm: float) -> bytes:
    """The label stock: size, the gap between labels, print direction, origin."""
    return (f"SIZE {_mm(width_mm)} mm,{_mm(height_mm)} mm\r\nGAP {_mm(gap_mm)} mm,0 mm\r\n"
            "DIRECTION 1,0\r\nREFERENCE 0,0\r\nOFFSET 0 mm\r\nSET TEAR ON\r\n").encode("ascii")


def tspl_page(image: Image, copies: int = 1) -> bytes:
    """One label row as ``CLS``, a ``BITMAP`` (a 0 bit prints a dot, as TSPL wants) and ``PRINT 1,copies``."""
    bits = to_1bit(image)
    width, height = bits.size
    row_bytes = (width + 7) // 8
    # PIL's mode "1" packs rows MSB first, 1 = white: exactly TSPL's "0 prints".
    data = bits.tobytes()
    assert len(data) == row_bytes * height
    return (b"CLS\r\n" + f"BITMAP 0,0,{row_bytes},{height},0,".encode("ascii") + data +
            f"\r\nPRINT 1,{copies}\r\n".encode("ascii"))


def zpl_page(image: Image, copies: int = 1) -> bytes:
    """One label as ``^GFA`` hex (a 1 bit prints, the reverse of TSPL) with ``^PQ`` copies."""
    from PIL import ImageOps

    bits = to_1bit(image)
    width, height = bits.size
    row_bytes = (width + 7) // 8
    inverted = ImageOps.invert(bits.convert("L")).convert("1", dither=0)
    data = inverted.tobytes()
    total = row_bytes * height
    return (f"^XA\n^PW{width}\n^LL{height}\n^LH0,0\n^FO0,0^GFA,{total},{total},{row_bytes},".encode("ascii") +
            data.hex().upper().encode("ascii") + f"^FS\n^PQ{copies},0,1,Y\n^XZ\n".encode("ascii"))


# --- reading the commands back (tests, and a check before sending) -----------------------------------------------

def decode_tspl(data: bytes) -> list[tuple[Image, int]]:
    """Every BITMAP in a TSPL stream as an image, with the copies of the PRINT after it."""
    import re

    from PIL import Image as PILImage

    out = []
    head = re.compile(rb"BITMAP (\d+),(\d+),(\d+),(\d+),(\d+),")
    pos = 0
    while True:
        m = head.search(data, pos)
        if m is None:
            return out
        row_bytes, height = int(m.group(3)), int(m.group(4))
        start, end = m.end(), m.end() + row_bytes * height
        image = PILImage.frombytes("1", (row_bytes * 8, height), data[start:end])
        copies = re.compile(rb"PRINT 1,(\d+)").search(data, end)
        out.append((image, int(copies.group(1)) if copies else 1))
        pos = end


def decode_zpl(data: bytes) -> list[tuple[Image, int]]:
    """Every ^GFA graphic in a ZPL stream as an image (black = printed), with its ^PQ copies."""
    import re

    from PIL import Image as PILImage
    from PIL import ImageOps

    out = []
    for m in re.finditer(rb"\^GFA,(\d+),(\d+),(\d+),([0-9A-F]+)\^FS.*?\^PQ(\d+)", data, re.S):
        total, row_bytes = int(m.group(1)), int(m.group(3))
        raw = bytes.fromhex(m.group(4).decode("ascii"))
        assert len(raw) == total
        image = PILImage.frombytes("1", (row_bytes * 8, total // row_bytes), raw)
        out.append((ImageOps.invert(image.convert("L")).convert("1", dither=0), int(m.group(5))))
    return out
