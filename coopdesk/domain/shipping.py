"""After the live: which orders a document covers, what each parcel holds, and the rules of the documents.

Plain data in, plain data out (no Qt, no SQL): the picking order, the totals a sheet must show to the đồng,
why a slip is refused, and the handover scan check.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from coopdesk.domain.orders import CANCELLED, DELIVERED, HANDED, RETURNED
from coopdesk.domain.text import clean, fold, sort_key
from coopdesk.i18n import N_, _

SLIPS, PICKING, HANDOVER, REPORT = "slips", "picking", "handover", "report"
KINDS = (SLIPS, PICKING, HANDOVER, REPORT)
KIND_LABELS = {SLIPS: N_("Packing slips"), PICKING: N_("Picking list"), HANDOVER: N_("Carrier handover sheets"),
               REPORT: N_("After-live report")}
SIZES = ("a6", "100x150", "a5")
SIZE_LABELS = {"a6": N_("A6 thermal (105×148 mm), one per page"), "100x150": N_("100×150 mm thermal, one per page"),
               "a5": N_("A5, two per A4 sheet")}
TIKTOK = "tiktok"
NO_CARRIER = "Chưa chọn đơn vị vận chuyển"  # printed on Vietnamese documents whatever the window's language
#: Statuses whose parcels have left: documents for them are history, not work.
GONE = (HANDED, DELIVERED, RETURNED, CANCELLED)


@dataclass(frozen=True)
class Selection:
    """Which orders: by live session, days, status, carrier, channel, or the ids picked by hand."""

    session_id: int | None = None
    since: date | None = None
    until: date | None = None
    statuses: tuple[str, ...] = ()
    carrier: str | None = None  # None: any; "" : orders with no carrier yet
    channel: str = ""  # "tiktok" or a session channel name (Facebook, Zalo …); "" any
    order_ids: tuple[int, ...] = ()

    def is_empty(self) -> bool:
        return (self.session_id is None and self.since is None and self.until is None and not self.order_ids)

    def describe(self) -> str:
        """A line for the top of a document: what was chosen."""
        parts = []
        if self.order_ids:
            parts.append(_("{n} orders chosen by hand").format(n=len(self.order_ids)))
        if self.session_id is not None:
            parts.append(_("live session {id}").format(id=self.session_id))
        if self.since or self.until:
            since = self.since.strftime("%d/%m/%Y") if self.since else "…"
            until = self.until.strftime("%d/%m/%Y") if self.until else "…"
            parts.append(f"{since} – {until}")
        if self.carrier:
            parts.append(self.carrier)
        if self.channel:
            parts.append(self.channel)
        return ", ".join(parts)


def parse_order_ids(text: str) -> tuple[int, ...]:
    """'1,2, 5-7' -> (1, 2, 5, 6, 7); raises ValueError naming the bad part."""
    out: list[int] = []
    for part in re.split(r"[,\s;]+", text.strip()):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise ValueError(part)
        a = int(m.group(1))
        b = int(m.group(2) or a)
        if b < a or b - a > 100_000:
            raise ValueError(part)
        out.extend(range(a, b + 1))
    return tuple(dict.fromkeys(out))


def order_code(order_id: int) -> str:
    """The order number printed and encoded in its Code 128: 'DH000123'."""
    return f"DH{order_id:06d}"


def order_id_from_code(code: str) -> int | None:
    """'DH000123', 'dh123' or '123' -> 123."""
    m = re.fullmatch(r"(?:DH)?0*(\d{1,9})", clean(code).upper())
    return int(m.group(1)) if m else None


def parse_tracking_lines(text: str) -> tuple[dict[int, str], list[str]]:
    """Tracking numbers pasted from a carrier's app, one order a line: 'DH000123  GHTK84123456' (tab, spaces,
    ',' or ';' between). Returns ({order id: tracking}, [problems naming the line])."""
    found: dict[int, str] = {}
    problems: list[str] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = clean(raw)
        if not line:
            continue
        parts = [x for x in re.split(r"[\s,;]+", line) if x]
        order_id = order_id_from_code(parts[0]) if parts else None
        if order_id is None or len(parts) != 2:
            problems.append(_("Line {n}: “{text}” is not an order number and a tracking number").format(
                n=n, text=line))
            continue
        if order_id in found and found[order_id] != parts[1]:
            problems.append(_("Line {n}: order {code} already has the tracking number {tracking}").format(
                n=n, code=order_code(order_id), tracking=found[order_id]))
            continue
        found[order_id] = parts[1]
    return found, problems


def mask_phone(display: str) -> str:
    """'0912 345 678' -> '0912 *** 678' for the handover sheet, which the carrier's staff keep."""
    digits = re.sub(r"\D", "", display)
    if len(digits) < 7:
        return display
    return f"{digits[:4]} *** {digits[-3:]}"


# --- what a parcel holds ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LotTake:
    code: str
    qty: int
    expiry: date | None
    url: str = ""
    recall: str = ""  # the recall's reason when a recall reaches this lot


@dataclass(frozen=True)
class ParcelLine:
    sku: str
    name: str
    qty: int
    unit_price: int
    discount: int
    unit: str
    storage_place: str
    weight_g: int | None  # one pack as shipped: the product's shipping weight, else its net weight
    lots: tuple[LotTake, ...]
    product_id: int | None = None
    stated_weight_g: int | None = None  # the whole line's weight as the platform's export stated it

    @property
    def amount(self) -> int:
        return self.qty * self.unit_price - self.discount

    @property
    def shipping_weight_g(self) -> int | None:
        """What the line adds to the parcel: the weight the export stated, else packs × one pack; None: unknown."""
        if self.stated_weight_g:
            return self.stated_weight_g
        return self.weight_g * self.qty if self.weight_g else None


@dataclass(frozen=True)
class Parcel:
    """One order as the documents print it (cancelled lines left out)."""

    id: int
    created_at: str
    status: str
    session_id: int | None
    channel: str
    platform: str
    platform_order_id: str
    name: str
    phone: str  # display form, '' when none
    address: str  # street, commune, province: the new two-level form
    lines: tuple[ParcelLine, ...]
    shipping: int
    prepaid: int
    total: int
    cod: int
    delivery_note: str
    carrier: str
    tracking: str
    parcels: int = 1

    @property
    def code(self) -> str:
        return order_code(self.id)

    @property
    def inside(self) -> bool:
        """TikTok orders carry the platform's label: CoopDesk's slip goes inside the parcel."""
        return self.platform == TIKTOK

    @property
    def subtotal(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def items(self) -> int:
        return sum(line.qty for line in self.lines)

    @property
    def weight_g(self) -> int:
        """The parcel's weight as far as it is known (lines of unknown weight add nothing: see weight_known)."""
        return sum(line.shipping_weight_g or 0 for line in self.lines)

    @property
    def weight_known(self) -> bool:
        """Whether every line has a weight, so weight_g is the whole parcel's."""
        return all(line.shipping_weight_g for line in self.lines)

    @property
    def scan_code(self) -> str:
        """What the handover barcode encodes: the carrier's tracking number, else the order number."""
        return self.tracking or self.code

    def lots(self) -> list[LotTake]:
        """Distinct lots in the parcel, in line order."""
        seen: dict[str, LotTake] = {}
        for line in self.lines:
            for lot in line.lots:
                seen.setdefault(lot.code.upper(), lot)
        return list(seen.values())


def refusal(p: Parcel, kind: str) -> str:
    """Why a document must not be made for this order ('' when it may)."""
    for lot in p.lots():
        if lot.recall:
            return _("Order {code}: lot {lot} is recalled ({reason}); take it out of the parcel and change the "
                     "order first.").format(code=p.code, lot=lot.code, reason=lot.recall)
    if p.status == CANCELLED:
        return _("Order {code} is cancelled.").format(code=p.code)
    if kind in (SLIPS, HANDOVER) and not p.inside:
        if not p.phone:
            return _("Order {code} ({name}) has no phone number: add it before the parcel goes out.").format(
                code=p.code, name=p.name or "-")
        if not p.address:
            return _("Order {code} ({name}) has no address: add it before the parcel goes out.").format(
                code=p.code, name=p.name or "-")
    if kind in (SLIPS, PICKING) and not p.lines:
        return _("Order {code} has no items left.").format(code=p.code)
    if kind == HANDOVER and not p.carrier.strip():
        # A handover sheet is signed by one carrier's driver: an order with none is not handed over yet.
        return _("Order {code} has no carrier yet: choose one (Set carrier…) before its handover sheet.").format(
            code=p.code)
    return ""


# --- totals -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Totals:
    orders: int
    parcels: int
    items: int
    cod: int
    weight_g: int
    weight_known: bool = True  # every line of every parcel has a weight: weight_g is the whole

    @classmethod
    def of(cls, parcels: list[Parcel]) -> Totals:
        return cls(len(parcels), sum(p.parcels for p in parcels), sum(p.items for p in parcels),
                   sum(p.cod for p in parcels), sum(p.weight_g for p in parcels),
                   all(p.weight_known for p in parcels))


def carrier_name(p: Parcel) -> str:
    return p.carrier.strip() or NO_CARRIER


def by_carrier(parcels: list[Parcel]) -> dict[str, list[Parcel]]:
    """Orders grouped by carrier (folded, so 'ghtk' and 'GHTK' are one), carriers in Vietnamese order."""
    groups: dict[str, list[Parcel]] = defaultdict(list)
    names: dict[str, str] = {}
    for p in parcels:
        key = fold(p.carrier.strip())
        names.setdefault(key, carrier_name(p))
        groups[key].append(p)
    return {names[k]: groups[k] for k in sorted(groups, key=lambda k: (k == "", sort_key(names[k])))}


# --- picking ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PickRow:
    storage_place: str
    sku: str
    name: str
    unit: str
    lot: str  # '' for packs with no lot (oversold)
    expiry: date | None
    qty: int
    orders: int


def _place_key(place: str) -> tuple:
    """'Kệ A-2' before 'Kệ A-10'; products with no place set go last."""
    if not place:
        return (1, ())
    parts = re.split(r"(\d+)", fold(place))
    return (0, tuple((0, int(x)) if x.isdigit() else (1, x) for x in parts if x))


def pick_rows(parcels: list[Parcel]) -> list[PickRow]:
    """Packs to take per product and per allocated lot, in the order of the store's shelves."""
    qty: Counter = Counter()
    orders: dict[tuple, set[int]] = defaultdict(set)
    info: dict[tuple, tuple] = {}
    for p in parcels:
        for line in p.lines:
            takes = list(line.lots)
            left = line.qty - sum(t.qty for t in takes)
            entries = [(t.code, t.expiry, t.qty) for t in takes] + ([("", None, left)] if left > 0 else [])
            for code, expiry, n in entries:
                key = (line.sku.upper(), code.upper())
                qty[key] += n
                orders[key].add(p.id)
                info.setdefault(key, (line.storage_place, line.sku, line.name, line.unit, code, expiry))
    rows = [PickRow(*info[k], qty=qty[k], orders=len(orders[k])) for k in qty]
    rows.sort(key=lambda r: (_place_key(r.storage_place), sort_key(r.name), r.sku,
                             r.lot == "", r.expiry or date.max, r.lot))
    return rows


# --- the handover scan check -------------------------------------------------------------------------

OK, UNKNOWN, TWICE, EMPTY = "ok", "unknown", "twice", "empty"


@dataclass
class ScanCheck:
    """Parcels scanned against a handover sheet: a scanner types each code and Enter, like a keyboard."""

    parcels: list[Parcel]
    ticked: list[int] = field(default_factory=list)  # order ids in the order they were scanned
    _codes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for p in self.parcels:
            self._codes[p.code.upper()] = p.id
            if p.tracking:
                self._codes[clean(p.tracking).upper()] = p.id
            if p.platform_order_id:
                self._codes.setdefault(clean(p.platform_order_id).upper(), p.id)

    def scan(self, code: str) -> tuple[str, Parcel | None]:
        """(OK | UNKNOWN | TWICE | EMPTY, the order) for one scanned code."""
        raw = clean(code).upper()
        if not raw:
            return EMPTY, None
        order_id = self._codes.get(raw)
        if order_id is None:
            maybe = order_id_from_code(raw) if raw.startswith("DH") else None
            order_id = maybe if maybe in {p.id for p in self.parcels} else None
        if order_id is None:
            return UNKNOWN, None
        parcel = next(p for p in self.parcels if p.id == order_id)
        if order_id in self.ticked:
            return TWICE, parcel
        self.ticked.append(order_id)
        return OK, parcel

    def untick(self, order_id: int) -> None:
        if order_id in self.ticked:
            self.ticked.remove(order_id)

    def missing(self) -> list[Parcel]:
        done = set(self.ticked)
        return [p for p in self.parcels if p.id not in done]

    def ticked_parcels(self) -> list[Parcel]:
        by_id = {p.id: p for p in self.parcels}
        return [by_id[i] for i in self.ticked]


# --- the after-live report ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionReport:
    session_id: int
    name: str
    channel: str
    started_at: str
    ended_at: str
    orders: int
    items: int
    revenue: int  # the goods (line amounts); the shipping fees apart
    shipping: int
    cod: int
    cancelled: int
    cancelled_value: int
    top_products: tuple[tuple[str, str, int, int], ...]  # sku, name, packs, revenue
    carriers: tuple[tuple[str, int, int], ...]  # carrier, orders, cod
    per_ten_minutes: tuple[tuple[str, int], ...]  # "19:30", orders in the ten minutes from then


def ten_minute_buckets(times: list[str], start: str = "", end: str = "") -> list[tuple[str, int]]:
    """Orders per ten minutes from the live's start (or the first order) to its end (or the last order),
    empty slots included so the chart's time axis is true."""
    from datetime import datetime, timedelta

    def parse(s: str) -> datetime | None:
        try:
            return datetime.fromisoformat(s[:19]) if s else None
        except ValueError:
            return None

    stamps = sorted(t for t in (parse(x) for x in times) if t)
    if not stamps:
        return []
    first = min(filter(None, [parse(start), stamps[0]]))
    last = max(filter(None, [parse(end), stamps[-1]]))
    first = first.replace(minute=first.minute - first.minute % 10, second=0, microsecond=0)
    slots = int((last - first).total_seconds() // 600) + 1
    slots = min(slots, 24 * 6)  # a day at most: a session left open for a week still draws
    counts = [0] * slots
    for t in stamps:
        i = int((t - first).total_seconds() // 600)
        if 0 <= i < slots:
            counts[i] += 1
    return [((first + timedelta(minutes=10 * i)).strftime("%H:%M"), n) for i, n in enumerate(counts)]
