"""Writing a finished document to the folder a person chose, with a plain message when that fails."""

from __future__ import annotations

from pathlib import Path

from coopdesk.domain.errors import CoopDeskError
from coopdesk.i18n import _


def write_bytes(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target``; a full disk, a read-only stick or a missing folder gets a plain message."""
    target = Path(target)
    try:
        target.write_bytes(data)
    except OSError as e:
        raise CoopDeskError(_("Cannot write {file}: {detail}").format(file=target, detail=e.strerror or e)) from e
    return target
