"""Where the public trace site is written: a named folder of its own, never mixed into other files unasked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from coopdesk import paths
from coopdesk.documents.trace_site import MANIFEST
from coopdesk.i18n import _
from coopdesk.ui.widgets import dialogs

DEFAULT_NAME = "trang-truy-xuat"


def choose_site_folder(parent: QWidget) -> Path | None:
    """Ask for the place (an existing folder, e.g. a USB stick), then the site folder's own name inside it,
    which may be new: the site never spills into the chosen folder itself."""
    start = paths.load_config().get("site_place") or str(Path.home())  # where it went last time
    place = QFileDialog.getExistingDirectory(parent, _("Where should the trace site's folder go?"), start)
    if not place:
        return None
    paths.save_config(site_place=place)
    name, ok = QInputDialog.getText(parent, _("Trace site folder"), _(
        "Name of the site's folder inside {place} (made if it does not exist):").format(place=place),
        text=DEFAULT_NAME)
    name = name.strip().strip("/\\")
    if not ok or not name:
        return None
    return Path(place) / name


def may_write_site(parent: QWidget, folder: Path) -> bool:
    """True for a new or empty folder or an earlier CoopDesk trace site; otherwise ask first (No by default)."""
    if not folder.exists() or (folder / MANIFEST).exists():
        return True
    if not folder.is_dir():
        dialogs.warn(parent, _("Trace site folder"), _("{folder} is a file, not a folder.").format(folder=folder))
        return False
    if not any(folder.iterdir()):
        return True
    return dialogs.ask(parent, _("Write into a folder that holds other files?"), _(
        "{folder} already holds other files and is not a CoopDesk trace site. Writing the site there mixes "
        "its pages with them.\n\nWrite into it anyway?").format(folder=folder), yes=_("Write into it"),
        no=_("Cancel"))
