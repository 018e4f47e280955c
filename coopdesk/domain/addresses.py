"""Provinces and communes as in force since 1 July 2025 (34 provinces, two levels).

Codes were reused across the reform, so every stored code goes with ADDRESS_SCHEME.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from coopdesk import paths
from coopdesk.domain.errors import Collector
from coopdesk.domain.text import fold, fold_place, nfc, sort_key
from coopdesk.i18n import _

ADDRESS_SCHEME = f"vn-2025@{version('vietnam-provinces')}"


@dataclass(frozen=True)
class Place:
    """A province or a commune: its official code and name."""

    code: int
    name: str
    folded: str


@lru_cache(maxsize=1)
def provinces() -> tuple[Place, ...]:
    """The 34 provinces and centrally-run cities, in Vietnamese order (by name without 'Tỉnh')."""
    items = [Place(int(p.code), p.name, fold_place(p.name)) for p in Province.iter_all()]
    return tuple(sorted(items, key=lambda p: sort_key(_bare(p.name))))


@lru_cache(maxsize=64)
def communes(province_code: int) -> tuple[Place, ...]:
    """The communes, wards and special zones of one province, in Vietnamese order."""
    try:
        code = ProvinceCode(province_code)
    except ValueError:
        return ()
    items = [Place(int(w.code), w.name, fold_place(w.name)) for w in Ward.iter_by_province(code)]
    return tuple(sorted(items, key=lambda p: sort_key(_bare(p.name))))


def _bare(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Xã ", "Phường ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def province_name(code: int | None) -> str:
    """The province's official name, or '' when the code is unknown."""
    if code is None:
        return ""
    return next((p.name for p in provinces() if p.code == code), "")


def short_province_name(code: int | None) -> str:
    """'Thanh Hóa' rather than 'Tỉnh Thanh Hóa', for narrow columns."""
    return _bare(province_name(code))


def commune_name(code: int | None) -> str:
    """The commune's official name, or '' when the code is unknown."""
    if code is None:
        return ""
    try:
        return Ward.from_code(WardCode(code)).name
    except ValueError:
        return ""


def commune_province(code: int) -> int | None:
    """The province a commune belongs to, or None for an unknown commune."""
    try:
        return int(Ward.from_code(WardCode(code)).province_code)
    except ValueError:
        return None


def find_province(text: str) -> Place | None:
    """The province named by ``text`` ('dien bien', 'Tỉnh Điện Biên', 'TP. Hồ Chí Minh'), or by a short form
    staff type for it ('hn', 'hcm', 'tphcm', 'sai gon'), as the window's province box takes them."""
    key = fold_place(text)
    found = next((p for p in provinces() if p.folded == key), None)
    if found is None:
        best = search_provinces(text)[:1]
        q = " ".join(fold(text).replace(".", " ").split())
        code = _PROVINCE_ALIASES.get(q) or _PROVINCE_ALIASES.get(q.replace(" ", ""))
        found = best[0] if best and best[0].code == code else None
    return found


# What staff type for a province besides its name: common short forms and the names of the 63 pre-2025
# provinces merged into it (typing "binh duong" still finds TP. Hồ Chí Minh).
_PROVINCE_ALIASES = {"sai gon": 79, "saigon": 79, "sg": 79, "hcm": 79, "tphcm": 79, "tp hcm": 79, "hn": 1,
                     "hue": 46, "tt hue": 46, "brvt": 79, "vung tau": 79}
_QUERY_PREFIXES = ("thanh pho ", "tp. ", "tp.", "tp ", "tinh ")


def _old_province_aliases() -> dict[str, int]:
    """Folded old province name -> the 2025 province that took it in (through one of its wards)."""
    return _legacy_data()["provinces"]


def search_provinces(text: str) -> list[Place]:
    """Provinces for what was typed, best first, ignoring diacritics: 'thanh' -> Thanh Hóa, 'hcm' and
    'sai gon' -> TP. Hồ Chí Minh, 'hn' -> Hà Nội, 'binh duong' (merged in 2025) -> TP. Hồ Chí Minh."""
    q = " ".join(fold(text).replace(".", ". ").split()).replace(". ", ".").strip()
    if not q:
        return list(provinces())
    alias = _PROVINCE_ALIASES.get(q) or _PROVINCE_ALIASES.get(q.replace(" ", ""))
    for prefix in _QUERY_PREFIXES:
        if q.startswith(prefix) and len(q) > len(prefix):
            q = q[len(prefix):].strip()
            break
    if q.startswith("tp") and q[2:] in _PROVINCE_ALIASES:
        alias = alias or _PROVINCE_ALIASES[q[2:]]
    alias = alias or _PROVINCE_ALIASES.get(q)
    packed = q.replace(" ", "")
    words = q.split()
    ranked = []
    for order, p in enumerate(provinces()):
        name_words = p.folded.split()
        initials = "".join(w[0] for w in name_words)
        if p.code == alias or p.folded == q:
            rank = 0
        elif p.folded.startswith(q) or p.folded.replace(" ", "").startswith(packed):
            rank = 1
        elif initials == packed:
            rank = 2
        elif all(any(n.startswith(w) for n in name_words) for w in words):
            rank = 3
        elif all(w in p.folded for w in words):
            rank = 4
        else:
            continue
        ranked.append((rank, order, p))
    if not ranked:  # an old name: the old-address index is read (or built) only then
        codes = {code for name, code in _old_province_aliases().items() if name.startswith(q)}
        ranked = [(5, order, p) for order, p in enumerate(provinces()) if p.code in codes]
    return [p for _r, _o, p in sorted(ranked, key=lambda x: (x[0], x[1]))]


def find_commune(text: str, province_code: int) -> Place | None:
    """The commune of that province named by ``text`` ('na tau' -> Xã Nà Tấu).

    Ten provinces have two communes that differ only by their marks (Xã Tân Thành, Xã Tân Thạnh): the one
    written with exactly those marks wins; without marks, the first in Vietnamese order.
    """
    found = _communes_by_name(province_code).get(fold_place(text), ())
    if len(found) > 1:
        written = nfc(text).casefold().strip()
        return next((c for c in found if written in (c.name.casefold(), _bare(c.name).casefold())), found[0])
    return found[0] if found else None


@lru_cache(maxsize=64)
def _communes_by_name(province_code: int) -> dict[str, tuple[Place, ...]]:
    """Folded name -> the communes of that name in Vietnamese order, for an import's thousands of look-ups: built
    without the sorting of the whole list (which a command paid in every process)."""
    try:
        code = ProvinceCode(province_code)
    except ValueError:
        return {}
    out: dict[str, tuple[Place, ...]] = {}
    for w in Ward.iter_by_province(code):
        place = Place(int(w.code), w.name, fold_place(w.name))
        out[place.folded] = (*out.get(place.folded, ()), place)
    return {k: v if len(v) == 1 else tuple(sorted(v, key=lambda p: sort_key(_bare(p.name))))
            for k, v in out.items()}


def search_communes(text: str, province_code: int | None = None, limit: int = 20) -> list[Place]:
    """Communes whose name contains the typed words, ignoring diacritics and 'xã'/'phường'."""
    words = fold_place(text).split()
    pool = communes(province_code) if province_code else (
        c for p in provinces() for c in communes(p.code))
    return [c for c in pool if all(w in c.folded for w in words)][:limit]


def resolve(collector: Collector, province_text: str, commune_text: str,
            province_key: str = "province", commune_key: str = "commune") -> tuple[int | None, int | None]:
    """Province and commune codes from a form's text (a code or a name), errors into ``collector``."""
    province = commune = None
    raw = province_text.strip()
    if raw:
        place = (next((p for p in provinces() if p.code == int(raw)), None) if raw.isdigit()
                 else find_province(raw))
        if place is None:
            collector.add(province_key, _("Province: “{text}” is not one of the 34 provinces").format(text=raw))
        else:
            province = place.code
    raw = commune_text.strip()
    if raw:
        if province is None:
            if not collector.has(province_key):
                collector.add(province_key, _("Province: choose the province of the commune"))
        else:
            place = (next((x for x in communes(province) if x.code == int(raw)), None) if raw.isdigit()
                     else find_commune(raw, province))
            if place is None:
                collector.add(commune_key, _("Commune: “{text}” is not a commune of {province}").format(
                    text=raw, province=province_name(province)))
            else:
                commune = place.code
    return province, commune


@dataclass(frozen=True)
class LegacyMatch:
    """A pre-2025 ward and the new communes it became (more than one when it was split)."""

    old: str
    candidates: tuple[Place, ...]
    province: int


_OLD_PREFIXES = ("thanh pho ", "tp. ", "tp ", "tinh ", "quan ", "huyen ", "thi xa ", "thi tran ", "xa ", "phuong ")


def _old_key(name: str) -> str:
    folded = fold(name).replace(".", ". ").strip()
    folded = " ".join(folded.split())
    for prefix in _OLD_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix):].strip()
    return folded


# Bump when what the old-address index holds, or how its keys are folded (_old_key, fold_place), changes: the
# cache written by an older CoopDesk is then rebuilt. A new vietnam-provinces or CoopDesk rebuilds it anyway.
LEGACY_CACHE_FORMAT = 1


def legacy_cache_file() -> Path:
    """Where the old-address index is kept between processes."""
    return paths.cache_dir() / "old-addresses.json"


def _legacy_cache_key() -> str:
    from coopdesk import __version__

    return f"{LEGACY_CACHE_FORMAT}|coopdesk {__version__}|{ADDRESS_SCHEME}"


@lru_cache(maxsize=1)
def _legacy_data() -> dict:
    """The pre-2025 units and what became of them: read from the cache file, or built and written there.

    Building takes about half a second (vietnam-provinces' old tables and its conversion table, imported only
    then), which every ``coopdesk import-orders`` paid before; reading the file takes a few milliseconds.
    A file that is missing, unreadable, damaged or written for another version is rebuilt.
    """
    path = legacy_cache_file()
    key = _legacy_cache_key()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if (isinstance(data, dict) and data.get("key") == key
                and all(isinstance(data.get(k), dict) for k in ("index", "new", "provinces"))):
            return data
    except (OSError, ValueError):
        pass
    data = {"key": key, **build_legacy_data()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")  # two processes may build it at once
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # only a cache: the next process builds it again
    return data


def build_legacy_data() -> dict:
    """The old-address index from vietnam-provinces' pre-2025 tables.

    ``index``: "old province<TAB>old district<TAB>old ward", folded and without 'tỉnh/quận/phường' (the district
    also left empty, as districts were renamed or regrouped before 2025 too) -> [[old full name, old ward code]];
    ``new``: old ward code -> the 2025 commune codes it became; ``provinces``: folded old province name -> the
    2025 province that took it in.
    """
    from vietnam_provinces.legacy import District as OldDistrict
    from vietnam_provinces.legacy import Province as OldProvince
    from vietnam_provinces.legacy import Ward as OldWard

    provinces_by_code = {int(p.code): p.name for p in OldProvince.iter_all()}
    districts = {int(d.code): (d.name, int(d.province_code)) for d in OldDistrict.iter_all()}
    index: dict[str, list[list]] = {}
    new: dict[str, list[int]] = {}
    first_ward: dict[int, int] = {}
    for w in OldWard.iter_all():
        code = int(w.code)
        district, province_code = districts[int(w.district_code)]
        province = provinces_by_code[province_code]
        entry = [f"{w.name}, {district}, {province}", code]
        for key in ((_old_key(province), _old_key(district), _old_key(w.name)),
                    (_old_key(province), "", _old_key(w.name))):
            index.setdefault("\t".join(key), []).append(entry)
        became = [int(r.ward.code) for r in Ward.search_from_legacy(code=code)]
        if became:
            new[str(code)] = became
        first_ward.setdefault(province_code, code)
    aliases: dict[str, int] = {}
    for code, name in provinces_by_code.items():
        became = new.get(str(first_ward.get(code)), [])
        target = commune_province(became[0]) if became else None
        if target is not None:
            aliases[fold_place(name)] = target
    return {"index": index, "new": new, "provinces": aliases}


@lru_cache(maxsize=4096)
def _new_wards(old_code: int) -> tuple[Place, ...]:
    names = [(code, commune_name(code)) for code in _legacy_data()["new"].get(str(old_code), ())]
    return tuple(Place(code, name, fold_place(name)) for code, name in names if name)


@lru_cache(maxsize=8192)
def legacy_candidates(text: str) -> list[LegacyMatch]:
    """Map an old three-level address ('Phường Phú Cường, Thành phố Thủ Dầu Một, Bình Dương') to new communes.

    Old names repeat a lot, so the ward is looked up inside its old district and province, as the text gives them.
    A ward split by the reform gives several candidates for staff to choose from.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) < 3:
        return []
    index = _legacy_data()["index"]
    province, district, ward = _old_key(parts[-1]), _old_key(parts[-2]), _old_key(parts[-3])
    province = {"thua thien hue": "hue"}.get(province, province)  # renamed a city in January 2025
    found = index.get(f"{province}\t{district}\t{ward}") or index.get(f"{province}\t\t{ward}", [])
    out = []
    for old_name, code in found:
        places = _new_wards(code)
        if places:
            province = commune_province(places[0].code)
            out.append(LegacyMatch(old_name, places, province or 0))
    return out
