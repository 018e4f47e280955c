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


def default_data_file() -> Path:
    return data_dir() / DATA_FILE_NAME


def demo_data_file() -> Path:
    return data_dir() / DEMO_FILE_NAME


def backup_dir_for(data_file: Path) -> Path:
    """Automatic backups of a data file sit in a 'backups' folder beside it, per file name."""
    data_file = Path(data_file)
    return data_file.parent / "backups" / data_file.stem


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
        return json.loads(_config_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_config(**values: object) -> None:
    config = load_config()
    config.update(values)
    try:
        _config_file().write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError:
        pass  # preferences are a convenience; never fail a save of real data over them
