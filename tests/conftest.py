"""Shared fixtures: real SQLite files in tmp_path, built once per run and copied per test (Anki's trick)."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["COOPDESK_LANG"] = "vi"

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SAMPLES = ROOT.parent / "shared" / "samples"  # CI clones the project with shared/ beside it
needs_samples = pytest.mark.skipif(not (SAMPLES / "tiktok_orders_small.csv").exists(),
                                   reason=f"the sample exports are not at {SAMPLES}")
DEMO_DAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Every test gets its own data dir, so config and backups never leak between tests."""
    from coopdesk import i18n, paths

    data_dir = tmp_path_factory.mktemp("coopdesk-data")
    monkeypatch.setenv("COOPDESK_DATA_DIR", str(data_dir))
    paths.set_data_dir(None)
    i18n.set_language("vi")
    yield data_dir
    i18n.set_language("vi")


@pytest.fixture(scope="session")
def _template_files(tmp_path_factory):
    from coopdesk.services import datafile, demo

    base = tmp_path_factory.mktemp("templates")
    empty = base / "empty.db"
    db = datafile.open_data(empty)
    db.close()
    demo_file = base / "demo.db"
    db = datafile.open_data(demo_file)
    demo.write_demo(db, today=DEMO_DAY)  # a fixed day, so lot codes and dates never depend on the clock
    db.close()
    return empty, demo_file


@pytest.fixture
def db_path(tmp_path, _template_files) -> Path:
    """A migrated, empty data file of this test's own."""
    target = tmp_path / "coop.db"
    shutil.copy(_template_files[0], target)
    return target


@pytest.fixture
def demo_path(tmp_path, _template_files) -> Path:
    """A data file holding the demo cooperative."""
    target = tmp_path / "demo.db"
    shutil.copy(_template_files[1], target)
    return target


@pytest.fixture
def database(db_path):
    from coopdesk.services import datafile

    db = datafile.open_data(db_path)
    yield db
    db.close()


@pytest.fixture
def demo_db(demo_path):
    from coopdesk.services import datafile

    db = datafile.open_data(demo_path)
    yield db
    db.close()


def artifact(kind: str, name: str) -> Path:
    """Where a test saves what a person should look at (screens, rendered pages)."""
    folder = ARTIFACTS / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
