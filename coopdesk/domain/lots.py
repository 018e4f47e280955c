"""Production lots and their trace events (the critical tracking events), with the rules that guard them.

Who, what, where, when and why for each event (TCVN 12850); one step back and one step forward
through the lot genealogy (Circular 02/2024). No Qt, no SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from coopdesk.domain.codes import LOT_CODE_MAX, gtin14, is_valid_gtin13
from coopdesk.domain.dates import DateError, format_date, parse_date
from coopdesk.domain.errors import Collector, FieldError, ValidationError
from coopdesk.domain.money import format_number
from coopdesk.domain.products import parse_weight_g
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import N_, _

# Event kinds, in the order they usually happen.
PLANTING, FERTILISING, SPRAYING, CARE, IRRIGATION, HARVEST, PROCESSING, QUALITY_TEST, PACKING = (
    "planting", "fertilising", "spraying", "care", "irrigation", "harvest", "processing", "quality_test", "packing")
EVENT_KINDS = (PLANTING, FERTILISING, SPRAYING, CARE, IRRIGATION, HARVEST, PROCESSING, QUALITY_TEST, PACKING)
EVENT_LABELS = {
    PLANTING: N_("Planting / seeding"), FERTILISING: N_("Fertilising"), SPRAYING: N_("Spraying"),
    CARE: N_("Care"), IRRIGATION: N_("Irrigation"), HARVEST: N_("Harvest"), PROCESSING: N_("Processing"),
    QUALITY_TEST: N_("Quality test"), PACKING: N_("Packing"),
}
INPUT_KINDS = ("seed", "fertiliser", "pesticide", "other")
INPUT_LABELS = {"seed": N_("Seed / variety"), "fertiliser": N_("Fertiliser"), "pesticide": N_("Pesticide"),
                "other": N_("Other input")}
STATUS_LABELS = {"planned": N_("Planned"), "growing": N_("Growing"), "harvested": N_("Harvested"),
                 "processed": N_("Processed"), "packed": N_("Packed"), "recalled": N_("Recalled")}
# Stated bounds for what a diary entry may say: a slipped key is refused at the field, never overflows.
MAX_KG = 10_000_000  # ten thousand tonnes in one harvest or processing entry
MAX_PACKS = 10_000_000
DEFAULT_LOT_PATTERN = "HP-{YYYY}-{NNNN}"


def pattern_for(cooperative_name: str) -> str:
    """A first lot code pattern from the cooperative's own name: its proper name comes last in Vietnamese
    ('Hợp tác xã Nông sản sạch Hồng Phước' -> 'HP-{YYYY}-{NNNN}', 'HTX Đồng Tâm' -> 'DT-{YYYY}-{NNNN}')."""
    words = [w for w in re.findall(r"[a-z0-9]+", fold(cooperative_name))]
    if not words:
        return DEFAULT_LOT_PATTERN
    initials = "".join(w[0] for w in words[-2:]) if len(words) >= 2 else words[0][:2]
    return f"{initials.upper()}-{{YYYY}}-{{NNNN}}"


def event_label(kind: str) -> str:
    return _(EVENT_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


@dataclass(frozen=True)
class Input:
    """An entry of the inputs register: a seed variety, fertiliser or pesticide."""

    kind: str
    name: str
    active_ingredient: str = ""
    registration_no: str = ""
    phi_days: int = 0  # pre-harvest interval (thời gian cách ly), for pesticides
    unit: str = ""
    id: int | None = None


@dataclass(frozen=True)
class GrowingArea:
    """A growing area (vùng trồng) of a member household."""

    name: str
    area_m2: int | None = None
    province: int | None = None
    commune: int | None = None
    code: str = ""  # mã vùng trồng, when one was issued
    lat: float | None = None
    lon: float | None = None
    member_id: int | None = None
    id: int | None = None


@dataclass(frozen=True)
class TraceEvent:
    """One critical tracking event of a lot. Masses are whole grams."""

    kind: str
    day: date
    person: str = ""
    area_id: int | None = None
    place: str = ""
    input_id: int | None = None
    dose: str = ""
    quantity_g: int | None = None  # harvest, processing output
    packs: int | None = None  # packing
    pack_size_g: int | None = None
    method: str = ""  # processing: drying, fermenting …
    lab: str = ""
    result: str = ""
    passed: bool | None = None
    note: str = ""
    photos: tuple[str, ...] = ()
    attachment: str = ""
    private: bool = False  # kept off the public page
    member_id: int | None = None  # the member household who did it: its privacy decides what the public sees
    id: int | None = None

    @property
    def packed_g(self) -> int:
        return (self.packs or 0) * (self.pack_size_g or 0)


@dataclass(frozen=True)
class Lot:
    """A production lot: a harvest of raw produce, or a processed batch made from other lots."""

    code: str
    product_id: int
    planned_g: int | None = None
    area_ids: tuple[int, ...] = ()
    parents: tuple[tuple[str, int], ...] = ()  # (lot code, grams taken from it)
    note: str = ""
    created: date | None = None
    id: int | None = None


@dataclass
class LotState:
    """A lot with its events in date order: what the rules and pages look at."""

    lot: Lot
    events: list[TraceEvent] = field(default_factory=list)
    recalled: bool = False
    used_g: int = 0  # taken by child lots
    sold_packs: int = 0  # taken by orders (later issues)

    def of(self, kind: str) -> list[TraceEvent]:
        return [e for e in self.events if e.kind == kind]

    @property
    def harvested_g(self) -> int:
        return sum(e.quantity_g or 0 for e in self.of(HARVEST))

    @property
    def processed_g(self) -> int:
        return sum(e.quantity_g or 0 for e in self.of(PROCESSING))

    @property
    def packed_g(self) -> int:
        return sum(e.packed_g for e in self.of(PACKING))

    @property
    def packs(self) -> int:
        return sum(e.packs or 0 for e in self.of(PACKING))

    @property
    def is_packed(self) -> bool:
        return bool(self.of(PACKING))

    @property
    def status(self) -> str:
        if self.recalled:
            return "recalled"
        if self.is_packed:
            return "packed"
        if self.of(PROCESSING):
            return "processed"
        if self.of(HARVEST):
            return "harvested"
        if self.events:
            return "growing"
        return "planned"

    def first(self, kind: str) -> date | None:
        days = [e.day for e in self.of(kind)]
        return min(days) if days else None

    def expiry(self, shelf_life_days: int | None) -> date | None:
        """Use-by date: the first packing day plus the product's shelf life."""
        return use_by(self.first(PACKING), shelf_life_days)

    def on_hand(self) -> tuple[int, str]:
        """(amount, unit): packs for a packed lot, grams of produce otherwise."""
        if self.is_packed:
            return self.packs - self.sold_packs, "packs"
        return max(self.harvested_g + self.processed_g - self.used_g, 0), "g"


def use_by(first_packed: date | None, shelf_life_days: int | None) -> date | None:
    """The expiry rule, the one place it is written: the first packing day plus the product's shelf life."""
    if first_packed is None or not shelf_life_days:
        return None
    return first_packed + timedelta(days=shelf_life_days)


# --- lot codes -----------------------------------------------------------------------------------

def make_lot_code(pattern: str, day: date, seq: int, prefix: str = "") -> str:
    """'HP-{YYYY}-{NNNN}' -> 'HP-2026-0042'. {YY}, {MM}, {PREFIX} and any count of N work too."""
    code = pattern.replace("{YYYY}", f"{day.year:04d}").replace("{YY}", f"{day.year % 100:02d}")
    code = code.replace("{MM}", f"{day.month:02d}").replace("{PREFIX}", prefix)
    code = re.sub(r"\{(N+)\}", lambda m: f"{seq:0{len(m.group(1))}d}", code)
    return code.upper()


def check_lot_pattern(pattern: str) -> str:
    """The pattern, or raise ValidationError: it needs a sequence number and only code-safe characters."""
    p = clean(pattern).upper()
    if not re.search(r"\{N+\}", p):
        raise ValidationError([FieldError("lot_code_pattern", _(
            "Lot code pattern: it must contain a sequence number such as {NNNN}"))])
    if "{PREFIX}" in p:  # nothing fills it: '{PREFIX}-{NNNN}' would make '-0001'
        raise ValidationError([FieldError("lot_code_pattern", _(
            "Lot code pattern: write the prefix itself instead of {PREFIX} (e.g. HP-{YYYY}-{NNNN})"))])
    digits = max(len(n) for n in re.findall(r"\{(N+)\}", p))
    probe = make_lot_code(p, date(2026, 12, 1), 10**digits - 1)  # the longest code the pattern makes
    if not re.fullmatch(r"[A-Z0-9._\-]*", probe) or not probe[:1].isalnum():
        raise ValidationError([FieldError("lot_code_pattern", _(
            "Lot code pattern: use letters, digits, '-', '.' and the fields {YYYY}, {YY}, {MM}, {NNNN}; "
            "the code starts with a letter or digit"))])
    if len(probe) > LOT_CODE_MAX:
        raise ValidationError([FieldError("lot_code_pattern", _(
            "Lot code pattern: its codes have {n} characters (e.g. {example}); GS1 allows at most {limit} in a lot "
            "code").format(n=len(probe), example=probe, limit=LOT_CODE_MAX))])
    return p


# --- drafts and validation -----------------------------------------------------------------------

@dataclass
class EventDraft:
    """What a person typed in an 'add event' dialog or a diary spreadsheet row: all text, unchecked."""

    kind: str = ""
    day: str = ""
    person: str = ""
    area_id: str = ""
    place: str = ""
    input_id: str = ""
    dose: str = ""
    quantity_kg: str = ""
    packs: str = ""
    pack_size: str = ""
    method: str = ""
    lab: str = ""
    result: str = ""
    passed: str = ""
    note: str = ""
    photos: list[str] = field(default_factory=list)
    attachment: str = ""
    private: bool = False


def parse_kg(text: str) -> int:
    """'1.250,5' or '1250.5' or '12' kg -> grams (whole)."""
    raw = text.strip().lower().replace(" ", "").removesuffix("kg")
    if re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?", raw):
        raw = raw.replace(".", "")
    raw = raw.replace(",", ".")
    if not re.fullmatch(r"[0-9]{1,12}(\.[0-9]{1,6})?", raw):
        raise ValueError(text)
    grams = round(float(raw) * 1000)
    if grams <= 0 or grams > MAX_KG * 1000:
        raise ValueError(text)
    return grams


def format_kg(grams: int | None) -> str:
    """1250500 -> '1.250,5 kg'."""
    if grams is None:
        return ""
    whole, frac = divmod(grams, 1000)
    text = f"{whole:,}".replace(",", ".")
    if frac:
        text += "," + f"{frac:03d}".rstrip("0")
    return f"{text} kg"


def validate_event(d: EventDraft, inputs: dict[int, Input], today: date) -> TraceEvent:
    """Check the fields of one event (the timeline rules come after, in check_timeline)."""
    c = Collector()
    kind = d.kind.strip()
    if kind not in EVENT_KINDS:
        c.add("kind", _("Event type: “{text}” is not a known event type").format(text=d.kind))
    day = None
    try:
        day = parse_date(d.day)
        if day is None:
            c.add("day", _("Date: required"))
        elif day > today:
            c.add("day", _("Date: {day} is in the future").format(day=format_date(day)))
    except DateError as e:
        c.add("day", _("Date: {reason}").format(reason=e))
    person = clean(d.person)
    if not person:
        c.add("person", _("Who: required (the person who did it)"))
    input_id = int(d.input_id) if str(d.input_id).strip().isdigit() else None
    if kind in (FERTILISING, SPRAYING):
        wanted = "fertiliser" if kind == FERTILISING else "pesticide"
        if input_id is None or input_id not in inputs:
            c.add("input_id", _("Input: choose the {kind} from the inputs register").format(
                kind=_(INPUT_LABELS[wanted]).lower()))
        elif inputs[input_id].kind != wanted:
            c.add("input_id", _("Input: {name} is not a {kind}").format(
                name=inputs[input_id].name, kind=_(INPUT_LABELS[wanted]).lower()))
        if not clean(d.dose):
            c.add("dose", _("Dose: required (e.g. 20 ml / 16 l bình)"))
    quantity = None
    if kind in (HARVEST, PROCESSING) or d.quantity_kg.strip():
        try:
            quantity = parse_kg(d.quantity_kg)
        except ValueError:
            c.add("quantity_kg", _("Quantity (kg): “{text}” is not a number of kg above 0 and at most {limit}").format(
                text=d.quantity_kg, limit=format_number(MAX_KG)))
    packs = pack_size = None
    if kind == PACKING:
        if not re.fullmatch(r"[0-9]{1,9}", d.packs.strip()) or not 0 < int(d.packs) <= MAX_PACKS:
            c.add("packs", _("Packs made: “{text}” is not a whole number from 1 to {limit}").format(
                text=d.packs, limit=format_number(MAX_PACKS)))
        else:
            packs = int(d.packs)
        try:
            pack_size = parse_weight_g(d.pack_size)
        except ValueError:
            c.add("pack_size", _("Pack size: “{text}” is not a weight (e.g. 500 g)").format(text=d.pack_size))
    if kind == PROCESSING and not clean(d.method):
        c.add("method", _("Method: required (drying, fermenting …)"))
    passed = None
    if kind == QUALITY_TEST:
        if not clean(d.lab):
            c.add("lab", _("Lab: required"))
        if not clean(d.result):
            c.add("result", _("Result: required"))
        passed = {"": None, "1": True, "true": True, "yes": True, "đạt": True, "dat": True,
                  "0": False, "false": False, "no": False, "không đạt": False, "khong dat": False}.get(
            clean(d.passed).lower())
    area_id = int(d.area_id) if str(d.area_id).strip().isdigit() else None
    c.raise_if_any()
    return TraceEvent(kind=kind, day=day, person=person, area_id=area_id, place=clean(d.place),
                      input_id=input_id if kind in (PLANTING, FERTILISING, SPRAYING) else None,
                      dose=clean(d.dose), quantity_g=quantity, packs=packs, pack_size_g=pack_size,
                      method=clean(d.method), lab=clean(d.lab), result=clean(d.result), passed=passed,
                      note=clean(d.note), photos=tuple(d.photos), attachment=d.attachment.strip(),
                      private=bool(d.private))


def _in_date_order(events: list[TraceEvent]) -> list[TraceEvent]:
    order = {k: i for i, k in enumerate(EVENT_KINDS)}
    return sorted(events, key=lambda e: (e.day, order.get(e.kind, 99), e.id or 0))


def timeline_problems(state: LotState, inputs: dict[int, Input]) -> list[FieldError]:
    """Every rule the lot's timeline breaks: date order, pre-harvest intervals, packed ≤ harvested."""
    problems: list[FieldError] = []
    events = _in_date_order(state.events)
    planted = state.first(PLANTING)
    for e in events:
        if planted and e.kind in (HARVEST, PACKING, PROCESSING) and e.day < planted:
            problems.append(FieldError("day", _("Date: a {what} on {day} cannot come before the planting on "
                                                "{planted}").format(what=event_label(e.kind).lower(),
                                                                    day=format_date(e.day),
                                                                    planted=format_date(planted))))
    made = [e.day for e in events if e.kind in (HARVEST, PROCESSING)]
    for e in events:
        if e.kind == PACKING and made and e.day < min(made):
            problems.append(FieldError("day", _("Date: packing on {day} cannot come before the first harvest or "
                                                "processing on {first}").format(day=format_date(e.day),
                                                                                first=format_date(min(made)))))
    for spray in (e for e in events if e.kind == SPRAYING):
        pesticide = inputs.get(spray.input_id) if spray.input_id is not None else None
        if pesticide is None or not pesticide.phi_days:
            continue
        safe = spray.day + timedelta(days=pesticide.phi_days)
        for e in events:
            if e.kind in (HARVEST, PACKING) and spray.day <= e.day < safe:
                problems.append(FieldError("day", _(
                    "Date: {what} on {day} falls inside the pre-harvest interval of the spraying on {spray_day} "
                    "({pesticide}, {phi} days): the first safe day is {safe}").format(
                    what=event_label(e.kind).lower(), day=format_date(e.day), spray_day=format_date(spray.day),
                    pesticide=pesticide.name, phi=pesticide.phi_days, safe=format_date(safe))))
    if state.of(PACKING):
        available = state.harvested_g + state.processed_g
        if available == 0 and not state.lot.parents:
            problems.append(FieldError("packs", _("Packs made: the lot has no harvest or processing to pack from")))
        elif available and state.packed_g > available:
            problems.append(FieldError("packs", _(
                "Packs made: {packed} would be packed but only {available} was harvested or processed").format(
                packed=format_kg(state.packed_g), available=format_kg(available))))
    return problems


def check_timeline(state: LotState, event: TraceEvent, inputs: dict[int, Input],
                   replaces: int | None = None) -> LotState:
    """The lot with ``event`` added (or replacing event ``replaces``); ValidationError when a rule breaks.

    Only problems the new event brings are reported, so an old inconsistency never blocks an unrelated entry.
    """
    before = {p.message for p in timeline_problems(state, inputs)}
    events = [e for e in state.events if replaces is None or e.id != replaces]
    after = replace(state, events=_in_date_order([*events, event]))
    new = [p for p in timeline_problems(after, inputs) if p.message not in before]
    if new:
        raise ValidationError(new)
    return after


_HOUSEHOLD_WORDS = ("ho gia dinh ", "ho ")


def household_key(name: str) -> str:
    """A member's name as the screens spell it, reduced to one key: 'Hộ Đỗ Thị Kín', 'Đỗ Thị Kín', 'đỗ  thị kín'
    and 'Do Thi Kin' are one household."""
    key = " ".join(fold(name).split())
    for word in _HOUSEHOLD_WORDS:
        if key.startswith(word):
            return key[len(word):]
    return key


def member_for(person: str, members: dict[int, str]) -> int | None:
    """The member household a typed 'Who' names (id -> member name), resolved once, when the entry is saved;
    from then on the record, not the text, decides what is public."""
    key = household_key(person)
    if not key:
        return None
    found = [member_id for member_id, name in members.items() if household_key(name) == key]
    return found[0] if len(found) == 1 else None


class Redactor:
    """Takes private households' names out of free text (notes, places, area names) in any spelling.

    Privacy is decided by the record (an event's or an area's member id); this only catches a name someone
    also typed into a free-text field. Names of one word are left alone: they are ordinary words too.
    """

    def __init__(self, names: list[str]) -> None:
        keys = sorted({household_key(n) for n in names if len(household_key(n).split()) >= 2}, key=len, reverse=True)
        words = [r"\s+".join(re.escape(w) for w in k.split()) for k in keys]
        self._pattern = re.compile(r"(?<!\w)(?:ho\s+gia\s+dinh\s+|ho\s+)?(?:" + "|".join(words) + r")(?!\w)"
                                   ) if words else None

    def __call__(self, text: str) -> str:
        if not self._pattern or not text:
            return text
        folded, where = [], []
        for i, ch in enumerate(text):
            for f in fold(ch):
                folded.append(f)
                where.append(i)
        spans = [(where[m.start()], where[m.end() - 1] + 1) for m in self._pattern.finditer("".join(folded))]
        for start, end in reversed(spans):
            text = text[:start] + "…" + text[end:]
        return text


def public_events(state: LotState) -> list[TraceEvent]:
    """What the public trace page may show: not what a member chose to keep private."""
    return [e for e in _in_date_order(state.events) if not e.private]


def trace_path(lot_code: str, gtin: str = "") -> str:
    """Where a lot's public page lives under the site's base: GS1 Digital Link form when there is a GTIN."""
    if gtin and is_valid_gtin13(gtin):  # a GTIN stored before entry was checked (full-width digits) never
        return f"01/{gtin14(gtin)}/10/{lot_code}"  # reaches a Digital Link
    return f"lo/{lot_code}"


def trace_url(base: str, lot_code: str, gtin: str = "") -> str:
    """The URL the lot's QR encodes."""
    return f"{base.rstrip('/')}/{trace_path(lot_code, gtin)}"
