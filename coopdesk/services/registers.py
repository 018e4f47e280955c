"""The cooperative's registers behind its diaries: member households, growing areas, inputs (seeds to pesticides)."""

from __future__ import annotations

import re
from dataclasses import replace

from coopdesk.domain import addresses
from coopdesk.domain.errors import Collector
from coopdesk.domain.lots import INPUT_KINDS, GrowingArea, Input
from coopdesk.domain.phones import normalize_phone
from coopdesk.domain.text import clean
from coopdesk.i18n import _
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import cooperative as coop_store
from coopdesk.storage import lots as store
from coopdesk.storage.database import Database


@atomic
def add_member(database: Database, name: str, phone: str = "", street: str = "", note: str = "",
               private: bool = False) -> int:
    """A member household; ``private`` keeps its name off the public pages."""
    c = Collector()
    name = clean(name)
    if not name:
        c.add("name", _("Member name: required"))
    e164 = ""
    if phone.strip():
        parsed = normalize_phone(phone)
        if parsed is None:
            c.add("phone", _("Phone: “{text}” is not a valid Vietnamese phone number").format(text=phone))
        else:
            e164 = parsed.e164
    c.raise_if_any()
    coop = coop_store.get(database)
    with database.transaction() as db:
        member_id = coop_store.add_member(db, name, e164, coop.province if coop else None,
                                          coop.commune if coop else None, clean(street), clean(note), private)
    return member_id


@atomic
def save_area(database: Database, name: str, area_m2: str = "", province: str = "", commune: str = "",
              code: str = "", gps: str = "", member_id: int | None = None, area_id: int | None = None) -> GrowingArea:
    """A growing area: name, size in m², commune of the 2025 map, optional area code and GPS point."""
    c = Collector()
    name = clean(name)
    if not name:
        c.add("name", _("Area name: required"))
    size = None
    if area_m2.strip():
        raw = area_m2.strip().replace(".", "").replace(" ", "")
        if not raw.isdigit() or int(raw) <= 0:
            c.add("area_m2", _("Area (m²): “{text}” is not a whole number of square metres").format(text=area_m2))
        else:
            size = int(raw)
    prov, comm = addresses.resolve(c, province, commune)
    lat = lon = None
    if gps.strip():
        m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*", gps)
        if not m or not (-90 <= float(m.group(1)) <= 90 and -180 <= float(m.group(2)) <= 180):
            c.add("gps", _("GPS: write latitude, longitude (e.g. 19.9906, 105.6522)"))
        else:
            lat, lon = float(m.group(1)), float(m.group(2))
    c.raise_if_any()
    area = GrowingArea(name=name, area_m2=size, province=prov, commune=comm, code=clean(code), lat=lat, lon=lon,
                       member_id=member_id, id=area_id)
    with database.transaction() as db:
        new_id = store.save_area(db, area, addresses.ADDRESS_SCHEME)
    return replace(area, id=new_id)


@atomic
def save_input(database: Database, kind: str, name: str, active_ingredient: str = "", registration_no: str = "",
               phi_days: str = "", unit: str = "", input_id: int | None = None) -> Input:
    """An entry of the inputs register; pesticides need their pre-harvest interval."""
    c = Collector()
    if kind not in INPUT_KINDS:
        c.add("kind", _("Kind: choose seed, fertiliser, pesticide or other"))
    name = clean(name)
    if not name:
        c.add("name", _("Input name: required"))
    phi = 0
    if str(phi_days).strip():
        if not str(phi_days).strip().isdigit() or int(phi_days) > 365:
            c.add("phi_days", _("Pre-harvest interval: a whole number of days from 0 to 365"))
        else:
            phi = int(phi_days)
    elif kind == "pesticide":
        c.add("phi_days", _("Pre-harvest interval: required for a pesticide (days, from its label)"))
    if kind == "pesticide" and not clean(active_ingredient):
        c.add("active_ingredient", _("Active ingredient: required for a pesticide"))
    c.raise_if_any()
    item = Input(kind=kind, name=name, active_ingredient=clean(active_ingredient),
                 registration_no=clean(registration_no), phi_days=phi, unit=clean(unit), id=input_id)
    with database.transaction() as db:
        new_id = store.save_input(db, item)
    return replace(item, id=new_id)


def inputs(database: Database) -> dict[int, Input]:
    return store.inputs(database)


def areas(database: Database) -> dict[int, GrowingArea]:
    return store.areas(database)


def members(database: Database) -> list[dict]:
    return coop_store.members(database)
