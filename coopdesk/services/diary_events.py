"""A lot's diary events and their corrections: every write goes through the timeline rules, and a packed lot
takes a change only as a correction with a reason (kept in the lot's correction trail).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from coopdesk.domain.errors import CoopDeskError, FieldError, ValidationError
from coopdesk.domain.lots import EventDraft, LotState, TraceEvent, check_timeline, member_for, validate_event
from coopdesk.domain.text import clean
from coopdesk.i18n import _
from coopdesk.services.catalog import copy_media
from coopdesk.services.lots import _state
from coopdesk.services.registers import members
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit
from coopdesk.storage import lots as store
from coopdesk.storage.database import Database


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
