"""The old-address index is built once and kept on disk, not rebuilt by every process (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from coopdesk import paths
from coopdesk.domain import addresses

OLD = "Phường Phú Cường, Thành phố Thủ Dầu Một, Bình Dương"
KEY = "binh duong\tthu dau mot\tphu cuong"


def _forget() -> None:
    addresses._legacy_data.cache_clear()
    addresses._new_wards.cache_clear()
    addresses.legacy_candidates.cache_clear()


@pytest.fixture
def fresh():
    """No index in memory before or after the test: what it reads or writes is what a new process would see."""
    _forget()
    yield
    _forget()


def _answer(text: str = OLD) -> list[tuple[str, list[str]]]:
    return [(m.old, [c.name for c in m.candidates]) for m in addresses.legacy_candidates(text)]


def test_cache_dir_follows_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("COOPDESK_DATA_DIR", str(tmp_path))
    assert paths.cache_dir() == tmp_path / "cache"
    monkeypatch.delenv("COOPDESK_DATA_DIR")
    assert paths.cache_dir() == Path(platformdirs.user_cache_dir("CoopDesk", appauthor=False))


def test_a_missing_index_is_built_and_written(fresh):
    path = addresses.legacy_cache_file()
    assert not path.exists()
    assert _answer() == [("Phường Phú Cường, Thành phố Thủ Dầu Một, Tỉnh Bình Dương", ["Phường Thủ Dầu Một"])]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["key"] == addresses._legacy_cache_key()
    assert "vietnam-provinces" not in data["key"] and addresses.ADDRESS_SCHEME in data["key"]
    [[name, code]] = data["index"][KEY]
    assert name.startswith("Phường Phú Cường") and data["new"][str(code)] == [25747]
    assert data["provinces"]["binh duong"] == 79
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_present_index_is_read_not_rebuilt(fresh, monkeypatch):
    addresses._legacy_data()
    _forget()
    path = addresses.legacy_cache_file()
    data = json.loads(path.read_text(encoding="utf-8"))
    # The file says Phú Cường became Phường Bến Thành: only an index read from the file can answer that.
    data["new"][str(data["index"][KEY][0][1])] = [26743]
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(addresses, "build_legacy_data", lambda: pytest.fail("the index was rebuilt"))
    assert _answer()[0][1] == ["Phường Bến Thành"]


def test_a_new_process_reads_the_index_without_the_old_tables(fresh):
    addresses._legacy_data()
    code = ("import sys\nfrom coopdesk.domain import addresses\n"
            f"print([c.name for m in addresses.legacy_candidates({OLD!r}) for c in m.candidates])\n"
            "print(*(m in sys.modules for m in ('vietnam_provinces.legacy',\n"
            "                                   'vietnam_provinces._ward_conversion_2025')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONIOENCODING": "utf-8"}).stdout.splitlines()
    assert out == ["['Phường Thủ Dầu Một']", "False False"]


@pytest.mark.parametrize("content", [
    "stale",  # written for another vietnam-provinces (or another CoopDesk)
    "partial",  # the right key, a part missing
    "not json {",
    "[1, 2]",
    "",
])
def test_a_stale_or_damaged_index_is_rebuilt(fresh, content):
    path = addresses.legacy_cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    if content == "stale":
        wrong = {"index": {KEY: [["Phường Sai", 1]]}, "new": {"1": [26743]}, "provinces": {}}
        content = json.dumps({"key": addresses._legacy_cache_key().replace("vn-2025@", "vn-2025@0."), **wrong})
    elif content == "partial":
        content = json.dumps({"key": addresses._legacy_cache_key(), "index": {}, "new": {}})
    path.write_text(content, encoding="utf-8")
    assert _answer()[0][1] == ["Phường Thủ Dầu Một"]
    assert json.loads(path.read_text(encoding="utf-8"))["key"] == addresses._legacy_cache_key()


def test_an_unwritable_cache_folder_still_answers(fresh, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(addresses, "legacy_cache_file", lambda: blocker / "old-addresses.json")
    assert _answer()[0][1] == ["Phường Thủ Dầu Một"]
    assert [p.name for p in addresses.search_provinces("vinh phuc")] == ["Tỉnh Phú Thọ"]  # merged in 2025
