"""Recall: who got lot X, from anything that can be suspect, and the recall carried through to the last buyer.

Both doors call these: the Truy xuất/Thu hồi screen and `coopdesk who-got` / `coopdesk recall`.
Reading (who_got, what_they_got, recall_view) never writes; every write is one transaction.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from operator import itemgetter

from coopdesk.domain import addresses
from coopdesk.domain.errors import CoopDeskError, FieldError, ValidationError
from coopdesk.domain.lots import format_kg
from coopdesk.domain.phones import display_phone, normalize_phone
from coopdesk.domain.recall import (
    CHECK_NOTICE,
    CLOSED,
    DELIVERED,
    GROUP_OF_STATUS,
    GROUPS,
    HELD,
    IN_TRANSIT,
    NOT_CALLED,
    NOT_NEEDED,
    NOT_REACHED,
    OPEN,
    OUT_RETURNED,
    OUTCOMES,
    RECALL_NOTICE,
    RETURNED,
    TO_HOLD,
    WITHDRAWN,
    HeldOrder,
    MessageFacts,
    customer_message,
    dial_form,
    name_order,
    needs_call,
    needs_telling,
    outcome_label,
    recall_status_label,
    refund_of,
)
from coopdesk.domain.shipping import order_code
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import _
from coopdesk.services.changes import Changes
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit
from coopdesk.storage import cooperative as coop_store
from coopdesk.storage import orders as order_store
from coopdesk.storage import recalls as store
from coopdesk.storage.database import Database

# --- what the answers hold -------------------------------------------------------------------------------


@dataclass(slots=True)
class ReceivedLine:
    """Packs of one lot on one order line."""

    order_id: int
    line_id: int
    lot: str
    lot_id: int
    sku: str
    product: str
    qty: int
    status: str  # the order's status
    group: str  # what can still be done (domain.recall.GROUPS)
    order_date: str
    carrier: str
    tracking: str
    customer_id: int
    name: str
    phone: str  # E.164
    phone_display: str
    address: str
    held_by: int | None = None

    def as_json(self) -> dict:
        return {"order_id": self.order_id, "order_code": order_code(self.order_id), "customer": self.name,
                "phone": self.phone_display,
                "status": self.status, "group": self.group, "quantity": self.qty, "lot": self.lot, "sku": self.sku,
                "product": self.product, "order_date": self.order_date, "carrier": self.carrier,
                "tracking": self.tracking, "address": self.address}


@dataclass
class LotFigure:
    """One lot of the answer: what was made, where it went, what is left (quarantined when recalled)."""

    id: int
    code: str
    sku: str
    product: str
    unit: str
    role: str  # 'source' (where the search started) or 'made_from' (made from a source lot)
    packed: bool
    packs_made: int
    made_g: int
    on_hand: int
    on_hand_unit: str  # 'packs' or 'g'
    recall_id: int | None = None
    given: dict[str, int] = field(default_factory=dict)  # packs by group

    @property
    def produced_text(self) -> str:
        return _("{n} packs").format(n=self.packs_made) if self.packed else format_kg(self.made_g)

    @property
    def on_hand_text(self) -> str:
        return _("{n} packs").format(n=self.on_hand) if self.on_hand_unit == "packs" else format_kg(self.on_hand)


@dataclass(frozen=True)
class Sender:
    """What every buyer's message of one answer shares: who writes, their phone, the published reason, which
    lots stand recalled, and the few orders a recall held (with what their buyers paid ahead)."""

    cooperative: str
    phone: str  # as shown
    reason: str
    recalled: frozenset[str] = frozenset()  # codes of the answer's lots a standing recall covers
    # Customer id -> the orders a recall held (few; read once per answer), and each held order's refund.
    held: dict[int, tuple[HeldOrder, ...]] = field(default_factory=dict)


@dataclass(slots=True)
class CustomerEntry:
    """One buyer reached by the lots, with what to tell them and what they said."""

    customer_id: int
    name: str
    phone: str
    phone_display: str
    address: str
    # Tuples and a shared frozenset, not lists and a set per buyer: 10,000 buyers would leave 60,000 containers
    # for the garbage collector to walk again and again while the answer is built.
    orders: tuple[int, ...] = ()
    quantity: int = 0
    groups: frozenset[str] = frozenset()
    lots: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    carriers: tuple[str, ...] = ()
    tracking: tuple[str, ...] = ()
    first_order: str = ""
    outcome: str = NOT_CALLED
    outcome_who: str = ""
    outcome_at: str = ""
    outcome_note: str = ""
    sender: Sender | None = field(default=None, repr=False)  # one for the whole answer

    @property
    def held_orders(self) -> tuple[HeldOrder, ...]:
        """This buyer's orders the recall cancelled before they were handed to a carrier."""
        s = self.sender
        return s.held.get(self.customer_id, ()) if s is not None else ()

    @property
    def refund(self) -> int:
        """Đồng paid ahead on the held orders: to be refunded."""
        return sum(h.refund for h in self.held_orders)

    @property
    def notice(self) -> str:
        """'recall' when a standing recall covers a lot this buyer got; 'check' (a precautionary notice while the
        lot is checked) when none does yet."""
        s = self.sender
        return RECALL_NOTICE if s is not None and not s.recalled.isdisjoint(self.lots) else CHECK_NOTICE

    @property
    def facts(self) -> MessageFacts | None:
        """What the message says (made when asked for: a list of 10,000 buyers shows one at a time)."""
        s = self.sender
        if s is None:
            return None
        return MessageFacts(self.name, self.products, self.orders, IN_TRANSIT in self.groups, s.reason,
                            s.cooperative, s.phone, self.groups, self.held_orders, self.notice)

    @property
    def message(self) -> str:
        """The ready text for Zalo or SMS."""
        facts = self.facts
        return customer_message(facts) if facts else ""

    @property
    def needs_call(self) -> bool:
        return needs_call(self.groups)

    @property
    def needs_contact(self) -> bool:
        """To be told: the product is out there with them (call), or the recall cancelled an order of theirs."""
        return needs_telling(self.groups)

    @property
    def reached(self) -> bool:
        return not self.needs_contact or self.outcome not in NOT_REACHED

    def as_json(self) -> dict:
        return {"customer_id": self.customer_id, "name": self.name, "phone": self.phone_display,
                "address": self.address, "orders": self.orders,
                "order_codes": [order_code(n) for n in self.orders], "quantity": self.quantity,
                "groups": sorted(self.groups, key=GROUPS.index), "lots": self.lots, "needs_call": self.needs_call,
                "needs_contact": self.needs_contact,
                "held_orders": [h.order_id for h in self.held_orders], "refund": self.refund,
                "outcome": self.outcome, "outcome_by": self.outcome_who, "outcome_at": self.outcome_at,
                "notice": self.notice, "message": self.message}


@dataclass
class WhoGot:
    """The answer to "who got it": the lots it reached, every order line, the buyers, the stock left."""

    start_kind: str  # lot, input, area, member
    start_label: str
    lots: list[LotFigure]
    made_from: list[str]  # lots one or more steps back of the start (not included: they did not get it)
    inputs: list[dict]
    areas: list[dict]
    lines: list[ReceivedLine]
    customers: list[CustomerEntry]

    @property
    def lot(self) -> str:
        return self.start_label

    @cached_property
    def _by_group(self) -> dict[str, list[ReceivedLine]]:
        """The lines by group, sorted out once: the screen and --json ask for each group several times."""
        out: dict[str, list[ReceivedLine]] = {}
        for x in self.lines:
            out.setdefault(x.group, []).append(x)
        return out

    def in_group(self, group: str) -> list[ReceivedLine]:
        return list(self._by_group.get(group, ()))

    def quantity(self, *groups: str) -> int:
        if not groups:
            return sum(x.qty for x in self.lines)
        return sum(x.qty for g in dict.fromkeys(groups) for x in self._by_group.get(g, ()))

    @property
    def order_ids(self) -> list[int]:
        return sorted({x.order_id for x in self.lines})

    def on_hand(self) -> dict[str, dict]:
        return {f.code: {"amount": f.on_hand, "unit": f.on_hand_unit} for f in self.lots}

    def as_json(self) -> dict:
        return {"lot": self.start_label, "start": {"kind": self.start_kind, "label": self.start_label},
                "lots_included": [f.code for f in self.lots], "made_from": self.made_from,
                "orders": len(self.order_ids), "customers": len(self.customers), "quantity": self.quantity(),
                "by_group": {g: {"lines": len(self.in_group(g)), "quantity": self.quantity(g),
                                 "orders": len({x.order_id for x in self.in_group(g)})} for g in GROUPS},
                "on_hand": self.on_hand(),
                "inputs": [{"name": i["name"], "kind": i["kind"], "lots": i["lots"]} for i in self.inputs],
                "areas": [{"name": a["name"], "code": a["code"], "lots": a["lots"]} for a in self.areas],
                "lines": [x.as_json() for x in self.lines],
                "buyers": [c.as_json() for c in self.customers]}


@dataclass
class RecallView:
    """A recall record with its live answer: the buyers, what each was told, what was held."""

    id: int
    status: str
    day: str
    reason: str
    public_reason: str
    decided_by: str
    source_kind: str
    source_label: str
    created_at: str
    ended_at: str | None
    ended_by: str
    end_reason: str
    answer: WhoGot
    holds: list[dict]

    @property
    def to_call(self) -> list[CustomerEntry]:
        return [c for c in self.answer.customers if c.needs_call]

    @property
    def to_inform(self) -> list[CustomerEntry]:
        """Buyers whose orders the recall held, with nothing out there: to be told it is cancelled (refunded)."""
        return [c for c in self.answer.customers if c.needs_contact and not c.needs_call]

    @property
    def not_reached(self) -> list[CustomerEntry]:
        return [c for c in self.answer.customers if not c.reached]

    @property
    def status_text(self) -> str:
        return recall_status_label(self.status)

    def as_json(self) -> dict:
        return {"recall_id": self.id, "status": self.status, "day": self.day, "reason": self.reason,
                "public_reason": self.public_reason, "decided_by": self.decided_by,
                "source": {"kind": self.source_kind, "label": self.source_label}, "ended_at": self.ended_at,
                "ended_by": self.ended_by, "end_reason": self.end_reason,
                "held_orders": [h["order_id"] for h in self.holds],
                "refunds": [{"order_id": h.order_id, "order_code": order_code(h.order_id), "customer": c.name,
                             "phone": c.phone_display, "refund": h.refund}
                            for c in self.answer.customers for h in c.held_orders],
                "not_reached": [c.phone_display for c in self.not_reached],
                "recalled": [f.code for f in self.answer.lots], **{"answer": self.answer.as_json()}}


# --- where a search starts -------------------------------------------------------------------------------

def _pick(rows: list[dict], text: str, keys: tuple[str, ...], what: str) -> dict:
    """The one register row that ``text`` names: its number, or an exact or partial name/code, diacritics ignored."""
    wanted = clean(text)
    if wanted.isdigit():
        by_id = [r for r in rows if r["id"] == int(wanted)]
        if by_id:
            return by_id[0]
    folded = fold(wanted)
    exact = [r for r in rows if any(fold(str(r[k] or "")) == folded for k in keys)]
    if len(exact) == 1:
        return exact[0]
    partial = exact or [r for r in rows if folded and any(folded in fold(str(r[k] or "")) for k in keys)]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise CoopDeskError(_("No {what} matches “{text}”.").format(what=what, text=text))
    raise CoopDeskError(_("“{text}” matches several: {names}. Type more of it.").format(
        text=text, names=", ".join(r["name"] for r in partial[:5])))


@dataclass(frozen=True)
class Start:
    kind: str
    label: str
    source_id: int | None
    lot_ids: tuple[int, ...]


def find_start(database: Database, lot: str = "", input: str = "", area: str = "",  # noqa: A002
               member: str = "") -> Start:
    """Resolve what the search starts from; an unknown lot, input, area or household is a clear error."""
    given = [k for k, v in (("lot", lot), ("input", input), ("area", area), ("member", member)) if clean(v)]
    if len(given) != 1:
        raise CoopDeskError(_("Say what to start from: one lot, one input, one growing area or one household."))
    if clean(lot):
        row = store.lot_by_code(database, clean(lot))
        if row is None:
            raise CoopDeskError(_("No lot has the code “{code}”.").format(code=clean(lot)))
        return Start("lot", row["code"], row["id"], (row["id"],))
    if clean(input):
        row = _pick(store.all_inputs(database), input, ("name", "registration_no", "active_ingredient"),
                    _("input in the register"))
        return Start("input", row["name"], row["id"], tuple(store.lots_using_input(database, row["id"])))
    if clean(area):
        row = _pick(store.all_areas(database), area, ("code", "name"), _("growing area"))
        label = f"{row['name']} ({row['code']})" if row["code"] else row["name"]
        return Start("area", label, row["id"], tuple(store.lots_of_areas(database, [row["id"]])))
    row = _pick(store.all_members(database), member, ("name", "phone"), _("household"))
    return Start("member", row["name"], row["id"],
                 tuple(store.lots_of_areas(database, store.areas_of_member(database, row["id"]))))


def starting_points(database: Database) -> dict[str, list[tuple[str, str]]]:
    """(value, shown text) of everything a search can start from, for the screen's pickers."""
    return {
        "input": [(str(r["id"]), f"{r['name']}" + (f" ({r['registration_no']})" if r["registration_no"] else ""))
                  for r in store.all_inputs(database)],
        "area": [(str(r["id"]), r["name"] + (f" ({r['code']})" if r["code"] else ""))
                 for r in store.all_areas(database)],
        "member": [(str(r["id"]), r["name"]) for r in store.all_members(database)],
    }


# --- the answer ------------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)  # 3,321 communes: the names never change while the program runs
def _place(commune: int | None, province: int | None) -> str:
    """', commune, province' of an order's address codes ('' without any)."""
    parts = [addresses.commune_name(commune), addresses.province_name(province)]
    return "".join(f", {p}" for p in parts if p)


def _figures(database: Database, lot_ids: list[int], sources: set[int]) -> list[LotFigure]:
    covering = store.covering(database, lot_ids)
    out = []
    for r in store.lot_figures(database, lot_ids):
        packed = r["packings"] > 0
        on_hand = r["packs"] - r["allocated"] + r["adjusted"] if packed else max(r["made_g"] - r["used_g"], 0)
        out.append(LotFigure(r["id"], r["code"], r["sku"], r["product"], r["unit"],
                             "source" if r["id"] in sources else "made_from", packed, r["packs"], r["made_g"],
                             on_hand, "packs" if packed else "g",
                             covering[r["id"]]["id"] if r["id"] in covering else None))
    return out


def _lines(database: Database, lot_ids: list[int], figures: dict[int, LotFigure],
           held: dict[int, list[int]]) -> list[ReceivedLine]:
    """The order lines that received the lots, cancelled ones left out; each lot's packs given, by group; the
    orders a recall held, by customer, into ``held``.

    Per row only what differs per row is made: a phone is formatted once per phone, an address once per order
    and its commune and province names once per commune.
    """
    lines: list[ReceivedLine] = []
    add = lines.append
    phones: dict[str, str] = {}
    places: dict[tuple, str] = {}
    order, address = None, ""
    for (lot_id, lot, qty, line_id, sku, product, cancelled, order_id, created_at, status, carrier, tracking,
         customer_id, name, phone, street, commune, province, raw_address, held_by) in store.lines_for_lots(
            database, lot_ids, GROUP_OF_STATUS):
        if held_by is not None:
            group = HELD
            held.setdefault(customer_id, []).append(order_id)
        elif cancelled or (group := GROUP_OF_STATUS.get(status)) is None:
            continue  # a cancelled line (or order) never reached anyone (the query leaves them out already)
        shown = phones.get(phone)
        if shown is None:
            shown = phones[phone] = dial_form(phone, display_phone)
        if order_id != order:  # lines come by order: the address once per order
            order = order_id
            if commune or province:
                place = places.get((commune, province))
                if place is None:
                    place = places[(commune, province)] = _place(commune, province)
                address = f"{street}{place}" if street else place[2:]
            else:
                address = raw_address or street
        add(ReceivedLine(order_id, line_id, lot, lot_id, sku, product, qty, status, group, created_at or "",
                         carrier, tracking, customer_id, name, phone, shown, address, held_by))
        fig = figures.get(lot_id)
        if fig:
            fig.given[group] = fig.given.get(group, 0) + qty
    return lines


def _answer(database: Database, start: Start, outcomes: dict[int, dict] | None = None,
            reason: str = "") -> WhoGot:
    sources = set(start.lot_ids)
    included = store.closure(database, sources, "forward")
    upstream = [i for i in store.closure(database, sources, "back") if i not in set(included)]
    figures = _figures(database, included, sources)
    held: dict[int, list[int]] = {}
    with _no_collector_passes():
        lines = _lines(database, included, {f.id: f for f in figures}, held)
        customers = _customers(lines, outcomes or {}, _sender(database, reason, figures, held))
    inputs, areas = store.lot_sources(database, [*included, *upstream])
    upstream_codes = sorted(r["code"] for r in store.lot_figures(database, upstream))
    return WhoGot(start.kind, start.label, figures, upstream_codes, inputs, areas, lines, customers)


def _sender(database: Database, reason: str, figures: list[LotFigure], held: dict[int, list[int]]) -> Sender:
    """What the messages of one answer share; the payments of the held orders only are read (a few)."""
    coop = coop_store.get(database)
    paid = store.order_payments(database, {o for orders in held.values() for o in orders}) if held else {}

    def one(order_id: int) -> HeldOrder:
        r = paid.get(order_id)
        if r is None:
            return HeldOrder(order_id, 0)
        return HeldOrder(order_id, refund_of(r["prepaid"] or 0, r["total"] or 0, r["cod"] or 0, r["platform"] or ""),
                         r["platform"] or "")

    return Sender(coop.name if coop else _("The cooperative"),
                  display_phone(coop.phone) if coop and coop.phone else "", reason,
                  frozenset(f.code for f in figures if f.recall_id is not None),
                  {cid: tuple(one(o) for o in dict.fromkeys(orders)) for cid, orders in held.items()})


def _customers(lines: list[ReceivedLine], outcomes: dict[int, dict], sender: Sender) -> list[CustomerEntry]:
    """One entry per buyer, in the order to call them; their messages are made when asked for."""
    first: dict[int, ReceivedLine] = {}  # buyer -> their first line, in the order lines come (by order)
    more: dict[int, list[ReceivedLine]] = {}  # every line of the buyers who have more than one
    for x in lines:
        seen = first.setdefault(x.customer_id, x)
        if seen is not x:
            more.setdefault(x.customer_id, [seen]).append(x)
    labels: dict[tuple[str, str], str] = {}  # "product (lô LOT)", once per product and lot
    # The groups a buyer's lines fall in: at most 31 sets, each made once and shared, with what follows from it
    # (whether to call, how urgent) worked out once too.
    groupsets: dict[frozenset[str], tuple[frozenset[str], bool, int]] = {}

    def kind(groups: frozenset[str]) -> tuple[frozenset[str], bool, int]:
        """(the shared set, whether to contact them, urgency): delivered first, then in transit, then the
        buyers of held orders (to tell them it is cancelled), then those with nothing to tell."""
        known = groupsets.get(groups)
        if known is None:
            urgency = (0 if DELIVERED in groups else 1 if IN_TRANSIT in groups else 2 if HELD in groups else 3)
            known = groupsets[groups] = (groups, needs_telling(groups), urgency)
        return known

    single = {g: kind(frozenset((g,))) for g in GROUPS}  # a buyer with one line

    def label(x: ReceivedLine) -> str:
        text = labels.get((x.product, x.lot))
        if text is None:
            text = labels[(x.product, x.lot)] = f"{x.product} (lô {x.lot})"
        return text

    ones: dict[object, tuple] = {}  # (lot,), (label,), (carrier,): one tuple each, shared by the buyers

    def one(value: object) -> tuple:
        return ones.get(value) or ones.setdefault(value, (value,))

    place = name_order(x.name for x in first.values())
    size = len(place)
    keyed: list[tuple[int, CustomerEntry]] = []
    for cid, x in first.items():
        mine = more.get(cid)
        if mine is None:  # most buyers have one line
            groups, call, urgency = single[x.group]
            c = CustomerEntry(cid, x.name, x.phone, x.phone_display, x.address, (x.order_id,), x.qty, groups,
                              one(x.lot), one(label(x)), one(x.carrier) if x.carrier else (),
                              (x.tracking,) if x.tracking else (), x.order_date, sender=sender)
        else:  # each list in the order the lines come, without repeats
            groups, call, urgency = kind(frozenset(y.group for y in mine))
            c = CustomerEntry(cid, x.name, x.phone, x.phone_display, x.address,
                              tuple(dict.fromkeys(y.order_id for y in mine)), sum(y.qty for y in mine), groups,
                              tuple(dict.fromkeys(y.lot for y in mine)), tuple(dict.fromkeys(label(y) for y in mine)),
                              tuple(dict.fromkeys(y.carrier for y in mine if y.carrier)),
                              tuple(dict.fromkeys(y.tracking for y in mine if y.tracking)), x.order_date,
                              sender=sender)
        told = outcomes.get(cid)
        if told:
            c.outcome, c.outcome_who, c.outcome_at, c.outcome_note = (told["outcome"], told["who"], told["at"],
                                                                      told["note"])
        elif not call:
            c.outcome = NOT_NEEDED  # nothing of it is out there with this buyer, no order of theirs held
        # Those to call first (by group urgency), then the Vietnamese way by given name: one int to compare.
        keyed.append((urgency * size + place[x.name], c))
    keyed.sort(key=itemgetter(0))
    return [c for _, c in keyed]


_pauses = 0
_pauses_lock = threading.Lock()
_collector_was_on = False


@contextmanager
def _no_collector_passes() -> Iterator[None]:
    """Build a big answer without Python's cycle collector walking it again and again while it grows.

    The answer holds no reference cycles (reference counting frees it), yet 13,000 lines and 12,000 buyers
    made one by one set off one or two full passes over the whole heap (measured: 40-110 ms, a fifth to a
    third of the whole answer). The collector is back on (if it was on) when the last build on any thread
    ends, and looks at the new objects once, at its next pass.
    """
    global _pauses, _collector_was_on
    with _pauses_lock:
        if _pauses == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_on:
                gc.enable()


def who_got(database: Database, lot: str = "", input: str = "", area: str = "",  # noqa: A002
            member: str = "") -> WhoGot:
    """Every order line and buyer that received the lot (or what was made with the input, on the area, by the
    household) and every lot made from it. Reads only. A lot nobody bought is an answer with no lines."""
    with store.snapshot(database):
        start = find_start(database, lot, input, area, member)
        standing = store.covering(database, start.lot_ids)
        reason = ""
        if standing:
            first = store.recalls(database, next(iter(standing.values()))["id"])
            if first:
                reason = first[0]["public_reason"] or first[0]["reason"]
        return _answer(database, start, reason=reason)


# --- the other direction ---------------------------------------------------------------------------------

@dataclass
class Received:
    """What an order or a customer received: every lot, the lots they were made from, inputs and areas."""

    label: str
    orders: list[int]
    lots: list[LotFigure]
    made_from: list[str]
    inputs: list[dict]
    areas: list[dict]

    def as_json(self) -> dict:
        return {"for": self.label, "orders": self.orders, "order_codes": [order_code(n) for n in self.orders],
                "lots": [f.code for f in self.lots],
                "made_from": self.made_from, "inputs": [i["name"] for i in self.inputs],
                "areas": [a["name"] for a in self.areas]}


def what_they_got(database: Database, order_id: int | None = None, phone: str = "") -> Received:
    """From an order or a customer (by phone), every lot in what they received and where it came from."""
    if order_id is not None:
        row = store.order(database, order_id)
        if row is None:
            raise CoopDeskError(_("There is no order number {id}.").format(id=order_id))
        orders, label = [order_id], _("Order {code} — {name}").format(code=order_code(order_id), name=row["name"])
    else:
        parsed = normalize_phone(phone)
        customer = store.customer_by_phone(database, parsed.e164) if parsed else None
        if customer is None:
            raise CoopDeskError(_("No customer has the phone {phone}.").format(phone=phone))
        orders = [o["id"] for o in store.orders_of_customer(database, customer["id"]) if o["status"] != "cancelled"]
        label = f"{customer['name']} · {display_phone(customer['phone'])}"
    lot_ids = store.lot_ids_of_orders(database, orders)
    upstream = [i for i in store.closure(database, lot_ids, "back") if i not in set(lot_ids)]
    inputs, areas = store.lot_sources(database, [*lot_ids, *upstream])
    return Received(label, orders, _figures(database, lot_ids, set(lot_ids)),
                    sorted(r["code"] for r in store.lot_figures(database, upstream)), inputs, areas)


# --- the recall record -----------------------------------------------------------------------------------

def recall_view(database: Database, recall_id: int) -> RecallView:
    """A recall record and its live answer over the lots it covers (and any lot made from them since)."""
    with store.snapshot(database):
        rows = store.recalls(database, recall_id)
        if not rows:
            raise CoopDeskError(_("There is no recall number {id}.").format(id=recall_id))
        r = rows[0]
        covered = store.recall_lots(database, recall_id)
        sources = tuple(x["lot_id"] for x in covered if x["role"] == "source") or tuple(x["lot_id"] for x in covered)
        start = Start(r["source_kind"], r["source_label"], r["source_id"], sources)
        public = r["public_reason"] or r["reason"]
        answer = _answer(database, start, store.latest_outcomes(database, recall_id), public)
        return RecallView(r["id"], r["status"], r["day"], r["reason"], public, r["decided_by"], r["source_kind"],
                          r["source_label"], r["created_at"], r["ended_at"], r["ended_by"], r["end_reason"], answer,
                          store.holds(database, recall_id))


def list_recalls(database: Database) -> list[dict]:
    """Every recall record, newest first (withdrawn and closed ones too: nothing is deleted)."""
    return store.recalls(database)


def open_recall(database: Database, reason: str, lot: str = "", input: str = "",  # noqa: A002
                area: str = "", member: str = "", by: str = "", public_reason: str = "",
                day: date | None = None) -> RecallView:
    """Open a recall record: every lot it reaches is marked recalled (labels, slips and orders refuse it, the
    trace page shows THU HỒI / RECALLED), in one transaction."""
    reason = clean(reason)
    if not reason:
        raise ValidationError([FieldError("reason", _("Reason: a recall needs a reason"))])
    start = find_start(database, lot, input, area, member)
    if not start.lot_ids:
        raise CoopDeskError(_("No lot was made with {what}: there is nothing to recall.").format(what=start.label))
    included = store.closure(database, start.lot_ids, "forward")
    standing = store.covering(database, included)
    if start.kind == "lot" and start.lot_ids[0] in standing:
        r = standing[start.lot_ids[0]]
        raise CoopDeskError(_("Lot {code} is already in recall #{id} ({status}); open that one instead.").format(
            code=start.label, id=r["id"], status=recall_status_label(r["status"])))
    if start.kind != "lot" and all(i in standing for i in included):
        raise CoopDeskError(_("Every lot of {what} is already in a recall (#{ids}).").format(
            what=start.label, ids=", #".join(str(i) for i in sorted({r["id"] for r in standing.values()}))))
    sources = set(start.lot_ids)
    with database.transaction() as db:
        recall_id = store.insert_recall(db, start.lot_ids[0] if start.kind == "lot" else None,
                                        (day or date.today()).isoformat(), reason, clean(public_reason) or reason,
                                        clean(by), start.kind, start.source_id, start.label)
        store.add_recall_lots(db, recall_id, [(i, "source" if i in sources else "made_from") for i in included])
        audit.record(db, "recall", "recall", recall_id, {"start": start.label, "reason": reason, "by": clean(by),
                                                         "lots": len(included)})
    return recall_view(database, recall_id)


def _open_one(database: Database, recall_id: int) -> RecallView:
    view = recall_view(database, recall_id)
    if view.status != OPEN:
        raise CoopDeskError(_("Recall #{id} is {status}: it cannot change any more.").format(
            id=recall_id, status=view.status_text))
    return view


def hold_orders(database: Database, recall_id: int, who: str = "") -> list[int]:
    """Cancel every order of the recall not yet handed to a carrier, in one transaction.

    The recalled packs stay with the order (so nothing recalled returns to saleable stock, and the order still
    shows who would have got it); packs of other lots on those orders go back to stock.
    """
    view = _open_one(database, recall_id)
    orders = sorted({x.order_id for x in view.answer.in_group(TO_HOLD)})
    keep = [f.id for f in view.answer.lots]
    held = []
    with database.transaction() as db:
        for order_id in orders:
            previous = store.hold_order(db, recall_id, order_id, keep, clean(who))
            if previous is None:
                continue  # moved on (handed to a carrier) since the list was read
            order_store.add_history(db, order_id, clean(who), "recall_hold", {"recall": recall_id, "from": previous})
            held.append(order_id)
        audit.record(db, "hold", "recall", recall_id, {"orders": held})
    return held


def record_outcome(database: Database, recall_id: int, customer_id: int, outcome: str, who: str,
                   note: str = "") -> CustomerEntry:
    """What telling one customer gave (called, no answer, returned …), with who and when; every entry is kept."""
    if outcome not in OUTCOMES:
        raise ValidationError([FieldError("outcome", _("Outcome: choose one of {list}").format(
            list=", ".join(outcome_label(o) for o in OUTCOMES)))])
    if not clean(who):
        raise ValidationError([FieldError("who", _("Who: say who called (it is kept with the outcome)"))])
    view = _open_one(database, recall_id)
    customer = next((c for c in view.answer.customers if c.customer_id == customer_id), None)
    if customer is None:
        raise CoopDeskError(_("Customer {id} did not receive anything of recall #{recall}.").format(
            id=customer_id, recall=recall_id))
    with database.transaction() as db:
        store.add_outcome(db, recall_id, customer_id, outcome, clean(who), clean(note))
    again = recall_view(database, recall_id)
    return next(c for c in again.answer.customers if c.customer_id == customer_id)


def customer_id_for(database: Database, phone: str) -> int:
    parsed = normalize_phone(phone)
    row = store.customer_by_phone(database, parsed.e164) if parsed else None
    if row is None:
        raise CoopDeskError(_("No customer has the phone {phone}.").format(phone=phone))
    return row["id"]


def close_recall(database: Database, recall_id: int, who: str = "", reason: str = "") -> RecallView:
    """End a recall once the buyers were told; with customers not yet reached only with a reason."""
    view = _open_one(database, recall_id)
    left = view.not_reached
    if left and not clean(reason):
        raise ValidationError([FieldError("reason", _(
            "Reason: {n} customers were not reached yet (not called or no answer); say why the recall closes "
            "anyway").format(n=len(left)))])
    with database.transaction() as db:
        store.end_recall(db, recall_id, CLOSED, clean(who), clean(reason))
        audit.record(db, "close", "recall", recall_id, {"not_reached": len(left), "reason": clean(reason)})
    return recall_view(database, recall_id)


def withdraw_recall(database: Database, recall_id: int, reason: str, who: str = "") -> RecallView:
    """A recall opened by mistake: its lots are no longer recalled, the record stays with the reason.

    Orders it held stay cancelled (a buyer may have been told); their recalled packs go back to stock.
    """
    if not clean(reason):
        raise ValidationError([FieldError("reason", _("Reason: say why the recall is withdrawn"))])
    view = _open_one(database, recall_id)
    with database.transaction() as db:
        store.end_recall(db, recall_id, WITHDRAWN, clean(who), clean(reason))
        for h in view.holds:
            store.release_other_lots(db, h["order_id"], [])
        audit.record(db, "withdraw", "recall", recall_id, {"reason": clean(reason)})
    return recall_view(database, recall_id)


def changes() -> Changes:
    """What a recall write changes for the other screens."""
    return Changes(lots=True, orders=True)


__all__ = ["CLOSED", "DELIVERED", "HELD", "IN_TRANSIT", "OPEN", "OUT_RETURNED", "RETURNED", "TO_HOLD",
           "CustomerEntry", "LotFigure", "ReceivedLine", "RecallView", "Received", "WhoGot", "close_recall",
           "find_start", "hold_orders", "list_recalls", "open_recall", "recall_view", "record_outcome",
           "starting_points", "what_they_got", "who_got", "withdraw_recall"]


@atomic
def recall_lot(database: Database, code: str, reason: str, day: date | None = None, by: str = "") -> list[str]:
    """Open a recall record of a lot; returns the lot and every lot made from it, which the recall reaches too."""
    opened = open_recall(database, reason, lot=code, by=by, day=day)
    first = [f.code for f in opened.answer.lots if f.role == "source"]
    return [*first, *sorted(f.code for f in opened.answer.lots if f.role != "source")]
