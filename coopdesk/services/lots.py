"""Lots: states, views, genealogy, the recall that reaches a lot, the lot's URL, and new lots and their codes.

The diary events of a lot are written in ``services.diary_events``, recalls in ``services.recall``;
``services.traceability`` still exports every one of these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from coopdesk.domain.codes import LOT_CODE_MAX, is_gs1_lot_code
from coopdesk.domain.cooperative import Cooperative
from coopdesk.domain.errors import Collector, CoopDeskError, FieldError, ValidationError
from coopdesk.domain.lots import (
    DEFAULT_LOT_PATTERN,
    GrowingArea,
    Lot,
    LotState,
    check_lot_pattern,
    format_kg,
    make_lot_code,
    parse_kg,
    trace_url,
)
from coopdesk.domain.products import Product
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import _
from coopdesk.services.changes import Changes
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit, settings
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


def lot_pattern(database: Database) -> str:
    return str(settings.get(database, "lot_code_pattern") or DEFAULT_LOT_PATTERN)


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


def state_of(database: Database, code: str) -> LotState:
    """One lot's state (events, stock, recall), read by its code; CoopDeskError when no lot has it."""
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


def choices(database: Database) -> list[tuple[str, str]]:
    """(code, product name) of every lot, newest first, for a picker: one query, whatever the season's size."""
    return store.code_names(database)


def lot_id(database: Database, code: str) -> int | None:
    """The id of the lot with this code (any case), or None."""
    return store.lot_id(database, code)


def views_of(database: Database, ids: list[int]) -> list[LotView]:
    """These lots as screens show them, reading only their rows (a page updating the lots a write touched)."""
    return _views(database, list(ids))


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


def lot_url(coop: Cooperative | None, v: LotView) -> str:
    """The address the lot's QR encodes (a relative path when no base address is set yet)."""
    base = coop.trace_base_url if coop and coop.trace_base_url else ""
    return trace_url(base, v.code, v.product.gtin) if base else trace_url(".", v.code, v.product.gtin)[2:]


_state = state_of  # the name services.traceability has always used


# --- new lots ------------------------------------------------------------------------------------------

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
