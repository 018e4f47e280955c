"""Save and open dialogs that start in the folder used last (a USB stick, Documents), not the home folder.

Staff save the slips, the labels and the call list to the same place every evening; the folder is kept per
machine in the preferences (paths.save_config), never in the cooperative's data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from coopdesk import paths


def last_folder() -> Path:
    """The folder a file was last saved to or opened from (the home folder the first time, or if it is gone)."""
    folder = paths.load_config().get("last_folder")
    if folder and Path(folder).is_dir():
        return Path(folder)
    return Path.home()


def remember(path: str | Path) -> None:
    chosen = Path(path)
    paths.save_config(last_folder=str(chosen if chosen.is_dir() else chosen.parent))


def save_path(parent: QWidget | None, title: str, name: str, pattern: str) -> str:
    """The file to write (``name`` proposed in the last folder); '' when cancelled."""
    path, _f = QFileDialog.getSaveFileName(parent, title, str(last_folder() / name), pattern)
    if path:
        remember(path)
    return path


def open_path(parent: QWidget | None, title: str, pattern: str) -> str:
    """The file to read, looked for in the last folder; '' when cancelled."""
    path, _f = QFileDialog.getOpenFileName(parent, title, str(last_folder()), pattern)
    if path:
        remember(path)
    return path


def folder_path(parent: QWidget | None, title: str) -> str:
    """A folder (for several files at once), starting in the last folder; '' when cancelled."""
    path = QFileDialog.getExistingDirectory(parent, title, str(last_folder()))
    if path:
        remember(path)
    return path
