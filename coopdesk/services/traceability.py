"""Lots from seed to pack: the writes — new lots, diary events and their corrections, recalls.

What screens read about lots (views, states, genealogy, URLs) lives in ``services.lots``, the registers
(members, growing areas, inputs) in ``services.registers`` and stock in ``services.stock``; their functions
are still importable from here under the same names.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from coopdesk.domain.codes import LOT_CODE_MAX, is_gs1_lot_code
from coopdesk.domain.errors import Collector, CoopDeskError, FieldError, ValidationError
from coopdesk.domain.lots import (
    EventDraft,
    Lot,
    LotState,
    TraceEvent,
    check_lot_pattern,
    check_timeline,
    format_kg,
    make_lot_code,
    member_for,
    parse_kg,
    validate_event,
)
from coopdesk.domain.text import clean
from coopdesk.i18n import _
from coopdesk.services.catalog import copy_media
from coopdesk.services.changes import Changes
from coopdesk.services.lots import (  # noqa: F401 - re-exported under their old names
    LotView,
    _recalled_ids,
    _state,
    _views,
    filter_views,
    lineage_codes,
    lot_id,
    lot_pattern,
    lot_states,
    lot_url,
    recalled_lot_ids,
    state_of,
    view,
    views,
    views_of,
)
from coopdesk.services.registers import add_member, areas, inputs, members, save_area, save_input  # noqa: F401
from coopdesk.services.stock import adjust_stock  # noqa: F401 - re-exported under its old name
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit, settings
from coopdesk.storage import lots as store
from coopdesk.storage import products as product_store
from coopdesk.storage.database import Database

# --- lots ----------------------------------------------------------------------------------------------

@atomic
def set_lot_pattern(database: Database, pattern: str) -> Changes:
    checked = check_lot_pattern(pattern)
    with database.transaction() as db:
        settings.put(db, "lot_code_pattern", checked)
    return Changes(settings=True)


def next_lot_code(database: Database, pattern: str, day: date | None = None) -> str:
    """The code the next lot would get under ``pattern`` (HP-2026-0006 after HP-2026-0005), without taking it."""
    day = day or date.today()
    key = make_lot_code(pattern, day, 0)
    number = store.last_sequence(database, key) + 1
    code = make_lot_code(pattern, day, number)
    while store.code_exists(database.db, code):
        number += 1
        code = make_lot_code(pattern, day, number)
    return code


@atomic
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


def with_member(database: Database, event: TraceEvent, known: dict[int, str] | None = None) -> TraceEvent:
    """The event tied to the member household its 'Who' names, so privacy follows the record, not the text.

    ``known``: member id -> name, when the caller has them already (a diary of many rows).
    """
    if event.member_id is not None:
        return event
    if known is None:
        known = {m["id"]: m["name"] for m in members(database)}
    return replace(event, member_id=member_for(event.person, known))


@atomic
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


@atomic
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


@atomic
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


@atomic
def recall_lot(database: Database, code: str, reason: str, day: date | None = None, by: str = "") -> list[str]:
    """Open a recall record of a lot; returns the lot and every lot made from it, which the recall reaches too."""
    from coopdesk.services import recall

    opened = recall.open_recall(database, reason, lot=code, by=by, day=day)
    first = [f.code for f in opened.answer.lots if f.role == "source"]
    return [*first, *sorted(f.code for f in opened.answer.lots if f.role != "source")]


# Moved out, still reachable under their old names (imported last: services.stock reads _state from here).
