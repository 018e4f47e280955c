"""Livestream orders: drafts typed at the desk, their money, stock allocation to lots, and their life.

Money is whole đồng. COD = total − prepaid. Each line takes packs from packed lots of its product,
first-expiring first (FEFO), unless a lot is forced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from coopdesk.domain import addresses
from coopdesk.domain.errors import Collector
from coopdesk.domain.money import MoneyError, parse_vnd
from coopdesk.domain.phones import Phone, find_phones, normalize_phone
from coopdesk.domain.text import clean, fold, sort_key
from coopdesk.i18n import N_, _

NEW, PACKED, HANDED, DELIVERED, RETURNED, CANCELLED = "new", "packed", "handed", "delivered", "returned", "cancelled"
STATUSES = (NEW, PACKED, HANDED, DELIVERED, RETURNED, CANCELLED)
STATUS_LABELS = {NEW: N_("New"), PACKED: N_("Packed"), HANDED: N_("Handed to carrier"), DELIVERED: N_("Delivered"),
                 RETURNED: N_("Returned / refused"), CANCELLED: N_("Cancelled")}
NEXT = {NEW: {PACKED, CANCELLED}, PACKED: {HANDED, CANCELLED, NEW}, HANDED: {DELIVERED, RETURNED},
        DELIVERED: {RETURNED}, RETURNED: set(), CANCELLED: set()}
CHANNELS = ("TikTok", "Facebook", "Zalo", N_("Phone"), N_("Shop"), N_("Other"))


def order_status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def can_move(old: str, new: str) -> bool:
    return new in NEXT.get(old, set())


def given_name_key(full_name: str) -> tuple:
    """Vietnamese lists sort by given name (the last word), then the rest, then the whole name."""
    words = clean(full_name).split()
    if not words:
        return ((), (), ())
    return (sort_key(words[-1]), sort_key(" ".join(words[:-1])), sort_key(full_name))


# --- item entry ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogItem:
    """What item entry needs to know of a product."""

    product_id: int
    sku: str
    name: str
    price_vnd: int
    folded: str
    pack: str = ""  # unit and net weight as shown to staff: 'gói 500 g'


def compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def find_items(query: str, catalog: list[CatalogItem], limit: int = 8) -> list[CatalogItem]:
    """Products for what staff typed: the SKU, a short form of it ('nem50'), or words of the name ('bun kho')."""
    q = clean(query)
    if not q:
        return []
    exact = [c for c in catalog if c.sku.upper() == q.upper()]
    if exact:
        return exact
    if q.isdigit() and len(q) < 3:
        return []  # '5' is a quantity typed in the wrong box, never the product whose SKU holds a 5
    key = compact(q)
    by_sku = [c for c in catalog if compact(c.sku) == key]
    if by_sku:
        return by_sku
    ends = [c for c in catalog if key and compact(c.sku).endswith(key)]
    if ends:
        return ends[:limit]
    words = fold(q).split()
    found = [c for c in catalog if all(w in c.folded or w in compact(c.sku) for w in words)]

    def rank(c: CatalogItem) -> tuple:
        # SKU hits first, then names that start with the words, then the rest; shorter SKUs first.
        return (not all(w in compact(c.sku) for w in words), not fold(c.name).startswith(words[0]), len(c.sku),
                c.sku)

    return sorted(found, key=rank)[:limit]


def sure_item(query: str, catalog: list[CatalogItem]) -> CatalogItem | None:
    """The product ``query`` names beyond doubt, or None when staff must choose.

    An exact SKU, its short form ('nem50') or the only product whose SKU holds every typed word ('bun' ->
    YDI-BUN-500, though 'bún' is in the name of the cassava too); 'nem' (three SKUs) is never guessed.
    """
    found = find_items(query, catalog, limit=1000)
    q = clean(query)
    if q.isdigit() and not any(c.sku.upper() == q.upper() for c in found):
        return None  # a number alone is shown as a choice, never taken: it is more likely a quantity
    if len(found) <= 1:
        return found[0] if found else None
    exact = [c for c in found if c.sku.upper() == q.upper() or compact(c.sku) == compact(q)]
    if len(exact) == 1:
        return exact[0]
    words = fold(q).split()
    sku_hits = [c for c in found if all(w in compact(c.sku) for w in words)]
    return sku_hits[0] if len(sku_hits) == 1 else None


_QTY = re.compile(r"^(?P<item>.+?)\s*(?:[x×*]\s*(?P<qty>\S+))?$", re.IGNORECASE)


def split_item(text: str) -> tuple[str, str]:
    """'NEM50 x3' -> ('NEM50', '3'); '3 nem50' -> ('nem50', '3'); 'nem50' -> ('nem50', '1')."""
    raw = clean(text)
    m = re.fullmatch(r"(\d+)\s+(.+)", raw)
    if m and not re.search(r"\s[x×*]\s*\S+$", raw, re.IGNORECASE):
        return m.group(2), m.group(1)
    m = _QTY.match(raw)
    if m is None:
        return raw, "1"
    return m.group("item").strip(), (m.group("qty") or "1")


def parse_qty(text: str) -> int:
    """A whole number of packs above zero; raises ValueError for '0', '-2', 'hai', '1.5'."""
    raw = clean(text)
    if not re.fullmatch(r"[0-9]{1,5}", raw) or int(raw) <= 0:
        raise ValueError(text)
    return int(raw)


# --- allocation (FEFO) -------------------------------------------------------------------------------

@dataclass(frozen=True)
class LotStock:
    code: str
    expiry: date | None
    on_hand: int
    recalled: bool = False


def allocate(qty: int, lots: list[LotStock], forced: str = "") -> tuple[list[tuple[str, int]], int]:
    """Take ``qty`` packs, first-expiring lot first (or only the forced lot); returns (takes, shortfall).

    Recalled lots are never allocated. A shortfall is an oversell: the line is saved with what there is,
    and the desk warns.
    """
    pool = [lot for lot in lots if not lot.recalled and lot.on_hand > 0]
    if forced:
        pool = [lot for lot in pool if lot.code.upper() == forced.upper()]
    pool.sort(key=lambda lot: (lot.expiry or date.max, lot.code))
    takes, left = [], qty
    for lot in pool:
        if left <= 0:
            break
        take = min(left, lot.on_hand)
        takes.append((lot.code, take))
        left -= take
    return takes, left


# --- the order draft -------------------------------------------------------------------------------

@dataclass
class LineDraft:
    item: str = ""  # what was typed: SKU, short SKU or name words, maybe with 'x3'
    qty: str = "1"
    price: str = ""  # empty: the catalog price
    price_reason: str = ""
    discount: str = ""
    lot: str = ""  # force this lot (when editing: the lots the line already took, "A, B")
    line_id: int | None = None  # the stored line this draft line edits; None for a new line


@dataclass
class OrderDraft:
    """The order form's text, unchecked."""

    phone: str = ""
    name: str = ""
    street: str = ""
    province: str = ""
    commune: str = ""
    raw_address: str = ""
    lines: list[LineDraft] = field(default_factory=list)
    shipping: str = ""
    prepaid: str = ""
    cod: str = ""  # empty: total − prepaid
    delivery_note: str = ""
    internal_note: str = ""


@dataclass(frozen=True)
class OrderLine:
    product_id: int
    sku: str
    name: str
    qty: int
    unit_price: int
    discount: int = 0
    price_reason: str = ""
    lot: str = ""
    line_id: int | None = None  # the stored line being edited

    @property
    def amount(self) -> int:
        return self.qty * self.unit_price - self.discount


@dataclass(frozen=True)
class CheckedOrder:
    """A draft that passed every rule: ready to store."""

    phone: Phone
    other_phones: tuple[str, ...]
    name: str
    street: str
    province: int | None
    commune: int | None
    raw_address: str
    lines: tuple[OrderLine, ...]
    shipping: int
    prepaid: int
    cod: int
    delivery_note: str
    internal_note: str

    @property
    def subtotal(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping


def _money(c: Collector, key: str, text: str, label: str) -> int:
    if not text.strip():
        return 0
    try:
        return parse_vnd(text)
    except MoneyError as e:
        c.add(key, f"{label}: {e}")
        return 0


def check_order(d: OrderDraft, catalog: list[CatalogItem]) -> CheckedOrder:
    """Every rule of the order form; ValidationError names each wrong field (lines as 'line1.item' …)."""
    c = Collector()
    phones = find_phones(d.phone)
    phone = phones[0] if phones else normalize_phone(d.phone)
    if not d.phone.strip():
        c.add("phone", _("Phone: required"))
    elif phone is None:
        c.add("phone", _("Phone: “{text}” is not a valid Vietnamese phone number").format(text=d.phone))
    name = clean(d.name)
    province, commune = addresses.resolve(c, d.province, d.commune)
    lines: list[OrderLine] = []
    for i, ld in enumerate(d.lines, start=1):
        if not ld.item.strip():
            continue
        found = find_items(ld.item, catalog)
        if not found:
            c.add(f"line{i}.item", _("Line {n}: no product matches “{text}”").format(n=i, text=ld.item))
            continue
        if len(found) > 1 and not any(f.sku.upper() == ld.item.strip().upper() for f in found):
            c.add(f"line{i}.item", _("Line {n}: “{text}” matches several products ({skus}); type more of it").format(
                n=i, text=ld.item, skus=", ".join(f.sku for f in found[:4])))
            continue
        item = found[0]
        try:
            qty = parse_qty(ld.qty)
        except ValueError:
            c.add(f"line{i}.qty", _("Line {n}: quantity “{text}” is not a whole number above 0").format(
                n=i, text=ld.qty))
            continue
        price = item.price_vnd
        if ld.price.strip():
            price = _money(c, f"line{i}.price", ld.price, _("Line {n} price").format(n=i))
            if price != item.price_vnd and not clean(ld.price_reason):
                c.add(f"line{i}.price", _("Line {n}: a price other than the catalog's {price} needs a reason").format(
                    n=i, price=f"{item.price_vnd:,}".replace(",", ".")))
        discount = _money(c, f"line{i}.discount", ld.discount, _("Line {n} discount").format(n=i))
        if discount > qty * price:
            c.add(f"line{i}.discount", _("Line {n}: the discount is larger than the line").format(n=i))
        lines.append(OrderLine(item.product_id, item.sku, item.name, qty, price, discount, clean(ld.price_reason),
                               clean(ld.lot), ld.line_id))
    if not lines and not any(k.startswith("line") for k in (e.field for e in c.errors)):
        c.add("items", _("Items: add at least one product"))
    shipping = _money(c, "shipping", d.shipping, _("Shipping fee"))
    prepaid = _money(c, "prepaid", d.prepaid, _("Prepaid"))
    total = sum(line.amount for line in lines) + shipping
    cod = total - prepaid
    if d.cod.strip():
        cod = _money(c, "cod", d.cod, _("COD"))
    if not c.errors:
        if prepaid > total:
            c.add("prepaid", _("Prepaid: {prepaid} is more than the total {total}").format(
                prepaid=f"{prepaid:,}".replace(",", "."), total=f"{total:,}".replace(",", ".")))
        elif cod > total:
            c.add("cod", _("COD: {cod} is more than the total {total}").format(
                cod=f"{cod:,}".replace(",", "."), total=f"{total:,}".replace(",", ".")))
        elif cod < 0:
            c.add("cod", _("COD: must not be negative"))
    c.raise_if_any()
    return CheckedOrder(phone=phone, other_phones=tuple(p.e164 for p in phones[1:]), name=name,
                        street=clean(d.street), province=province, commune=commune,
                        raw_address=clean(d.raw_address), lines=tuple(lines), shipping=shipping, prepaid=prepaid,
                        cod=cod, delivery_note=clean(d.delivery_note), internal_note=clean(d.internal_note))
