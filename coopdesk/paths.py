"""Where CoopDesk keeps its files: --data-dir, then COOPDESK_DATA_DIR, then the platform's user data folder.

Never Documents: on Windows it is often synced by OneDrive, which corrupts a live database.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import platformdirs

APP = "CoopDesk"
DATA_FILE_NAME = "coopdesk.db"
DEMO_FILE_NAME = "demo-coopdesk.db"
RESOURCES = Path(__file__).parent / "resources"

_override: Path | None = None


def set_data_dir(path: Path | None) -> None:
    """Use ``path`` for everything (the --data-dir flag)."""
    global _override
    _override = Path(path) if path else None


def data_dir() -> Path:
    if _override:
        base = _override
    elif os.environ.get("COOPDESK_DATA_DIR"):
        base = Path(os.environ["COOPDESK_DATA_DIR"])
    else:
        base = Path(platformdirs.user_data_dir(APP, appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def cache_dir() -> Path:
    """Files CoopDesk can always rebuild (the old-address index): the platform's user cache folder, or
    ``cache`` inside the data folder when one is chosen (--data-dir, COOPDESK_DATA_DIR: a USB stick, tests)."""
    if _override or os.environ.get("COOPDESK_DATA_DIR"):
        return data_dir() / "cache"
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def default_data_file() -> Path:
    return data_dir() / DATA_FILE_NAME


def demo_data_file() -> Path:
    return data_dir() / DEMO_FILE_NAME


def backup_dir_for(data_file: Path) -> Path:
    """Automatic backups of a data file sit in a 'backups' folder beside it, per file name,
    unless this PC keeps them elsewhere (a data file in a synced folder, see set_backup_root)."""
    data_file = Path(data_file)
    root = load_config().get("backup_roots", {}).get(_key(data_file))
    if root:
        return Path(root) / data_file.stem
    return data_file.parent / "backups" / data_file.stem


def _key(data_file: Path) -> str:
    return str(Path(data_file).absolute())


def set_backup_root(data_file: Path, root: Path | None) -> None:
    """Keep the automatic backups of ``data_file`` under ``root`` on this PC (None: beside the file again)."""
    roots = dict(load_config().get("backup_roots", {}))
    if root is None:
        roots.pop(_key(data_file), None)
    else:
        roots[_key(data_file)] = str(root)
    save_config(backup_roots=roots)


# Folders that a sync tool copies while CoopDesk writes them: a live SQLite file there gets torn or
# replaced by an older copy ("conflicted copy"). Matched on path components, case-insensitively.
SYNC_ENV = ("OneDrive", "OneDriveConsumer", "OneDriveCommercial")


def sync_service(path: Path, environ: dict[str, str] | None = None) -> str | None:
    """'OneDrive', 'Google Drive', 'Dropbox' or 'iCloud Drive' when ``path`` is inside such a folder, else None."""
    environ = os.environ if environ is None else environ
    parts = [p.lower().rstrip("\\/") for p in Path(path).absolute().parts[:-1]]
    for var in SYNC_ENV:
        root = environ.get(var)
        if root:
            root_parts = [p.lower().rstrip("\\/") for p in Path(root).parts]
            if root_parts and parts[:len(root_parts)] == root_parts:
                return "OneDrive"
    for part in parts:
        if part.startswith("onedrive"):  # "OneDrive", "OneDrive - Contoso"
            return "OneDrive"
        if part in ("google drive", "googledrive", "my drive", "drive của tôi") or part.startswith("google drive"):
            return "Google Drive"
        if part == "dropbox" or part.startswith("dropbox ("):  # "Dropbox (Personal)"
            return "Dropbox"
        if part in ("icloud drive", "iclouddrive"):
            return "iCloud Drive"
    return None


def local_backup_root(data_file: Path) -> Path:
    """Where backups go when the data file sits in a synced folder: this PC's own CoopDesk folder."""
    base = data_dir()
    if sync_service(base / "x") is not None:
        base = Path(platformdirs.user_data_dir(APP, appauthor=False))
    return base / "backups"


def media_dir_for(data_file: Path) -> Path:
    """Photos and logos copied in for a data file (kept beside it, so they travel with it)."""
    data_file = Path(data_file)
    return data_file.parent / f"{data_file.stem}-media"


def font_path(name: str = "BeVietnamPro-Regular.ttf") -> Path:
    return RESOURCES / "fonts" / name


def _config_file() -> Path:
    return data_dir() / "config.json"


def load_config() -> dict:
    """Per-machine preferences (language, last data file); never cooperative data."""
    try:
        config = json.loads(_config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return config if isinstance(config, dict) else {}  # a file edited by hand into a list or a number


def save_config(**values: object) -> None:
    config = load_config()
    config.update(values)
    try:
        _config_file().write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError:
        pass  # preferences are a convenience; never fail a save of real data over them
