"""QR codes for trace URLs, as PNG or SVG files (segno: pure Python, fast, and exact module sizes)."""

from __future__ import annotations

from pathlib import Path

from coopdesk.domain.errors import CoopDeskError
from coopdesk.i18n import _


def write_qr(url: str, target: Path, scale: int = 10) -> Path:
    """Write the QR of ``url`` to a .png or .svg file, with the standard 4-module quiet zone."""
    import segno

    target = Path(target)
    if target.suffix.lower() not in (".png", ".svg"):
        raise CoopDeskError(_("The QR file must end in .png or .svg, not “{name}”.").format(name=target.name))
    code = segno.make(url, error="m", micro=False)
    try:
        code.save(str(target), scale=scale, border=4)
    except OSError as e:
        raise CoopDeskError(_("Cannot write {file}: {detail}").format(file=target, detail=e.strerror)) from e
    return target


def qr_png_bytes(url: str, scale: int = 6) -> bytes:
    """PNG bytes for showing in the window."""
    import io

    import segno

    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()
