"""Lots from seed to pack: members, growing areas, inputs, lots, events, genealogy and recalls."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from coopdesk.domain import addresses
from coopdesk.domain.codes import LOT_CODE_MAX, is_gs1_lot_code
from coopdesk.domain.cooperative import Cooperative
from coopdesk.domain.errors import Collector, CoopDeskError, FieldError, ValidationError
from coopdesk.domain.lots import (
    DEFAULT_LOT_PATTERN,
    INPUT_KINDS,
    EventDraft,
    GrowingArea,
    Input,
    Lot,
    LotState,
    TraceEvent,
    check_lot_pattern,
    check_timeline,
    format_kg,
    make_lot_code,
    member_for,
    parse_kg,
    trace_url,
    validate_event,
)
from coopdesk.domain.phones import normalize_phone
from coopdesk.domain.products import Product
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import _
from coopdesk.services.catalog import copy_media
from coopdesk.services.changes import Changes
from coopdesk.storage import audit, settings
from coopdesk.storage import cooperative as coop_store
from coopdesk.storage import lots as store
from coopdesk.storage import orders as order_store
from coopdesk.storage import products as product_store
from coopdesk.storage.database import Database


@dataclass
class LotView:
    """Everything a screen, a page or a report shows about one lot."""

    state: LotState
    product: Product
    made_from: list[str] = field(default_factory=list)
    used_in: list[str] = field(default_factory=list)
    areas: list[GrowingArea] = field(default_factory=list)
    recall: dict | None = None  # the recall that reaches this lot (its own or an ancestor's)

    @property
    def code(self) -> str:
        return self.state.lot.code

    @property
    def expiry(self) -> date | None:
        return self.state.expiry(self.product.shelf_life_days)


# --- registers ---------------------------------------------------------------------------------------

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


# --- lots ----------------------------------------------------------------------------------------------

def lot_pattern(database: Database) -> str:
    return str(settings.get(database, "lot_code_pattern") or DEFAULT_LOT_PATTERN)


def set_lot_pattern(database: Database, pattern: str) -> Changes:
    checked = check_lot_pattern(pattern)
    with database.transaction() as db:
        settings.put(db, "lot_code_pattern", checked)
    return Changes(settings=True)


def create_lot(database: Database, sku: str, planned_kg: str = "", area_ids: list[int] | None = None,
               parents: list[tuple[str, str]] | None = None, note: str = "", day: date | None = None) -> Lot:
    """A new lot with the next code of the cooperative's pattern; ``parents`` are (lot code, kg taken)."""
    day = day or date.today()
    c = Collector()
    product_id = product_store.by_sku(database).get(sku.strip().upper())
    if product_id is None:
        c.add("product", _("Product: no product has the SKU “{sku}”").format(sku=sku))
    planned = None
    if planned_kg.strip():
        try:
            planned = parse_kg(planned_kg)
        except ValueError:
            c.add("planned", _("Planned quantity (kg): “{text}” is not a positive number of kg").format(
                text=planned_kg))
    known_areas = store.areas(database)
    for a in area_ids or []:
        if a not in known_areas:
            c.add("areas", _("Growing area: no area has the number {id}").format(id=a))
    parent_ids = [i for i in (store.lot_id(database, code) for code, _kg in parents or []) if i is not None]
    states = lot_states(database, parent_ids)
    by_code = {s.lot.code.upper(): s for s in states.values()}
    taken: list[tuple[str, int]] = []
    for code, kg in parents or []:
        parent = by_code.get(code.strip().upper())
        if parent is None:
            c.add("parents", _("Made from: no lot has the code “{code}”").format(code=code))
            continue
        try:
            grams = parse_kg(kg) if str(kg).strip() else 0
        except ValueError:
            c.add("parents", _("Made from {code}: “{text}” is not a positive number of kg").format(code=code, text=kg))
            continue
        available, unit = parent.on_hand()
        if unit == "g" and grams > available:
            c.add("parents", _("Made from {code}: only {available} of it is left").format(
                code=parent.lot.code, available=format_kg(available)))
        taken.append((parent.lot.code, grams))
    c.raise_if_any()
    pattern = lot_pattern(database)
    with database.transaction() as db:
        key = make_lot_code(pattern, day, 0)
        while True:
            code = make_lot_code(pattern, day, store.next_sequence(db, key))
            if not store.code_exists(db, code):
                break
        if not is_gs1_lot_code(code):  # a pattern saved before the GS1 check, or a sequence past its digits
            raise ValidationError([FieldError("product", _(
                "Lot code {code} is not a valid GS1 lot code (at most {limit} letters, digits, '-' or '.'): "
                "change the lot code pattern in Settings").format(code=code, limit=LOT_CODE_MAX))])
        lot = Lot(code=code, product_id=product_id, planned_g=planned, area_ids=tuple(area_ids or ()),
                  parents=tuple(taken), note=clean(note), created=day)
        new_id = store.insert_lot(db, lot)
        audit.record(db, "create", "lot", new_id, {"code": code})
    return replace(lot, id=new_id)


def lot_states(database: Database, ids: list[int] | None = None) -> dict[int, LotState]:
    """Lots (all, or these ids) with their events, what their child lots used, and whether a recall reaches them.

    With ids only those lots' rows are read, so opening one lot costs the same in any season.
    """
    some = store.lots(database, ids)
    lot_ids = None if ids is None else [lot.id for lot in some]
    events = store.events(database, lot_ids)
    used = store.used_by_children(database, lot_ids)
    sold = order_store.allocated_by_lot(database, lot_ids)
    recalled = _recalled_ids(database)
    return {lot.id: LotState(lot, events.get(lot.id, []), lot.id in recalled, used.get(lot.id, 0),
                            sold.get(lot.id, 0)) for lot in some}


def recalled_lot_ids(database: Database) -> set[int]:
    """Lots a recall reaches: never allocated to an order."""
    return set(_recalled_ids(database))


def _recalled_ids(database: Database) -> dict[int, dict]:
    """Lot id -> the recall that reaches it (a recalled lot's descendants are recalled with it)."""
    out: dict[int, dict] = {}
    for r in store.recalls(database):  # already reaches every lot made from a recalled one
        out.setdefault(r["lot_id"], r)
    return out


def _state(database: Database, code: str) -> LotState:
    lot = store.lot_id(database, code)
    if lot is None:
        raise CoopDeskError(_("No lot has the code “{code}”.").format(code=code))
    return lot_states(database, [lot])[lot]


def _views(database: Database, ids: list[int] | None = None) -> list[LotView]:
    states = lot_states(database, ids)
    products = {p.id: p for p in product_store.list_all(database)}
    all_areas = store.areas(database)
    kids = store.children(database, None if ids is None else list(states))
    if ids is None:
        codes = {lot_id: st.lot.code for lot_id, st in states.items()}
    else:
        codes = store.codes(database, [k for ks in kids.values() for k in ks])
    recalled = _recalled_ids(database)
    out = []
    for lot_id, st in states.items():
        out.append(LotView(
            state=st, product=products[st.lot.product_id], made_from=[c for c, _g in st.lot.parents],
            used_in=[codes[k] for k in kids.get(lot_id, [])],
            areas=[all_areas[a] for a in st.lot.area_ids if a in all_areas], recall=recalled.get(lot_id)))
    return out


def views(database: Database) -> list[LotView]:
    """Every lot as screens and pages show it, newest first."""
    return _views(database)


def view(database: Database, code: str) -> LotView:
    """One lot as screens and pages show it; reads only that lot's rows."""
    lot = store.lot_id(database, code)
    if lot is None:
        raise CoopDeskError(_("No lot has the code “{code}”.").format(code=code))
    return _views(database, [lot])[0]


def filter_views(items: list[LotView], sku: str = "", status: str = "", since: date | None = None,
                 until: date | None = None, text: str = "") -> list[LotView]:
    """The lot list's filters: product, status, date range (of creation or any event), text without diacritics."""
    words = fold(text).split()
    out = []
    for v in items:
        if sku and v.product.sku != sku:
            continue
        if status and v.state.status != status:
            continue
        days = [v.state.lot.created, *(e.day for e in v.state.events)]
        if since and max(days) < since:
            continue
        if until and min(days) > until:
            continue
        hay = fold(" ".join([v.code, v.product.sku, v.product.name, *(a.name for a in v.areas), *v.made_from]))
        if not all(w in hay for w in words):
            continue
        out.append(v)
    return out


def lineage_codes(database: Database, code: str, direction: str) -> list[str]:
    """Lot codes one or more steps back ('back') or forward ('forward') of a lot."""
    lot = store.lot_id(database, code)
    if lot is None:
        raise CoopDeskError(_("No lot has the code “{code}”.").format(code=code))
    ids = store.lineage(database, lot, direction)
    return sorted(x.code for x in store.lots(database, ids))


# --- events --------------------------------------------------------------------------------------------

def _copy_files(database: Database, draft: EventDraft) -> EventDraft:
    photos = [copy_media(database, p, "photos") for p in draft.photos]
    attachment = copy_media(database, draft.attachment, "attachment") if draft.attachment else ""
    return replace(draft, photos=photos, attachment=attachment)


def _needs_reason(state: LotState, reason: str) -> str:
    reason = clean(reason)
    if state.is_packed and not reason:
        raise ValidationError([FieldError("reason", _(
            "Reason: lot {code} is packed and locked; a change is a correction and needs a reason").format(
            code=state.lot.code))])
    return reason


def with_member(database: Database, event: TraceEvent, members: dict[int, str] | None = None) -> TraceEvent:
    """The event tied to the member household its 'Who' names, so privacy follows the record, not the text."""
    if event.member_id is not None:
        return event
    if members is None:
        members = {m["id"]: m["name"] for m in coop_store.members(database)}
    return replace(event, member_id=member_for(event.person, members))


def add_event(database: Database, code: str, draft: EventDraft, reason: str = "",
              today: date | None = None) -> TraceEvent:
    """Add one event through every rule; a packed lot takes it only as a correction with a reason."""
    state = _state(database, code)
    registry = store.inputs(database)
    event = with_member(database, validate_event(draft, registry, today or date.today()))
    reason = _needs_reason(state, reason)
    check_timeline(state, event, registry)
    copied = _copy_files(database, draft)
    event = replace(event, photos=tuple(copied.photos), attachment=copied.attachment)
    with database.transaction() as db:
        event_id = store.insert_event(db, state.lot.id, event)
        if reason:
            store.record_correction(db, state.lot.id, event_id, reason, None, replace(event, id=event_id))
        audit.record(db, "create", "event", event_id, {"lot": state.lot.code, "kind": event.kind})
    return replace(event, id=event_id)


def correct_event(database: Database, code: str, event_id: int, draft: EventDraft, reason: str,
                  today: date | None = None) -> TraceEvent:
    """Change an event; the old and new values and the reason go into the lot's correction trail."""
    state = _state(database, code)
    old = next((e for e in state.events if e.id == event_id), None)
    if old is None:
        raise CoopDeskError(_("Lot {code} has no event number {id}.").format(code=code, id=event_id))
    registry = store.inputs(database)
    event = replace(with_member(database, validate_event(draft, registry, today or date.today())), id=event_id)
    reason = clean(reason)
    if not reason:
        raise ValidationError([FieldError("reason", _("Reason: a correction needs a reason"))])
    check_timeline(state, event, registry, replaces=event_id)
    copied = _copy_files(database, draft)
    event = replace(event, photos=tuple(copied.photos), attachment=copied.attachment)
    with database.transaction() as db:
        store.update_event(db, event)
        store.record_correction(db, state.lot.id, event_id, reason, old, event)
    return event


def delete_event(database: Database, code: str, event_id: int, reason: str) -> None:
    """Remove an event, keeping it in the correction trail with the reason."""
    state = _state(database, code)
    old = next((e for e in state.events if e.id == event_id), None)
    if old is None:
        raise CoopDeskError(_("Lot {code} has no event number {id}.").format(code=code, id=event_id))
    if not clean(reason):
        raise ValidationError([FieldError("reason", _("Reason: a correction needs a reason"))])
    with database.transaction() as db:
        store.record_correction(db, state.lot.id, event_id, clean(reason), old, None)
        store.delete_event(db, event_id)


def corrections(database: Database, code: str) -> list[dict]:
    lot = store.lot_id(database, code)
    return store.corrections(database, lot) if lot else []


def adjust_stock(database: Database, code: str, packs: int, reason: str) -> int:
    """Put packs back on a packed lot (a returned parcel) or take them off (breakage); returns packs on hand."""
    state = _state(database, code)
    if not state.is_packed:
        raise ValidationError([FieldError("lot", _("Lot {code} is not packed: its stock is counted in kg").format(
            code=state.lot.code))])
    if not clean(reason):
        raise ValidationError([FieldError("reason", _("Reason: say why the stock changes"))])
    if packs == 0 or state.on_hand()[0] + packs < 0:
        raise ValidationError([FieldError("packs", _("Packs: {n} would leave lot {code} below zero").format(
            n=packs, code=state.lot.code))])
    with database.transaction() as db:
        order_store.adjust_stock(db, state.lot.id, packs, clean(reason))
        audit.record(db, "adjust", "lot", state.lot.id, {"packs": packs, "reason": clean(reason)})
    return _state(database, code).on_hand()[0]


def recall_lot(database: Database, code: str, reason: str, day: date | None = None, by: str = "") -> list[str]:
    """Open a recall record of a lot; returns the lot and every lot made from it, which the recall reaches too."""
    from coopdesk.services import recall

    view = recall.open_recall(database, reason, lot=code, by=by, day=day)
    first = [f.code for f in view.answer.lots if f.role == "source"]
    return [*first, *sorted(f.code for f in view.answer.lots if f.role != "source")]


def lot_url(coop: Cooperative | None, v: LotView) -> str:
    """The address the lot's QR encodes (a relative path when no base address is set yet)."""
    base = coop.trace_base_url if coop and coop.trace_base_url else ""
    return trace_url(base, v.code, v.product.gtin) if base else trace_url(".", v.code, v.product.gtin)[2:]
