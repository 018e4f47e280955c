"""The order desk: live sessions, customers by phone, orders saved in one transaction each, stock by lot."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from coopdesk.domain import addresses
from coopdesk.domain.errors import CoopDeskError, FieldError, ValidationError
from coopdesk.domain.livestream import parse_comment
from coopdesk.domain.orders import (
    CANCELLED,
    CatalogItem,
    CheckedOrder,
    LineDraft,
    OrderDraft,
    OrderLine,
    allocate,
    can_move,
    check_order,
    order_status_label,
)
from coopdesk.domain.phones import display_phone, normalize_phone
from coopdesk.domain.products import format_weight
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import _
from coopdesk.services import stock, traceability
from coopdesk.services.changes import Changes
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import orders as store
from coopdesk.storage import products as product_store
from coopdesk.storage.database import Database


@dataclass
class SavedOrder:
    """What the desk shows after a save (and what `add-order --json` prints)."""

    order_id: int
    phone: str
    name: str
    total_vnd: int
    cod_vnd: int
    lines: list[dict] = field(default_factory=list)  # sku, qty, lots [{code, qty}]
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=lambda: Changes(orders=True, lots=True))

    def as_json(self) -> dict:
        return {"order_id": self.order_id, "phone": self.phone, "name": self.name, "total_vnd": self.total_vnd,
                "cod_vnd": self.cod_vnd, "lines": self.lines, "warnings": self.warnings}


def catalog_items(database: Database) -> list[CatalogItem]:
    return _catalog(database)[0]


def _catalog(database: Database) -> tuple[list[CatalogItem], dict[int, int | None]]:
    """Item-entry rows and shelf lives, from one query per save (an item is made once per distinct row)."""
    rows = product_store.catalog_tuples(database)
    return [_catalog_item(r) for r in rows], {r[0]: r[5] for r in rows}


@lru_cache(maxsize=4096)
def _catalog_item(row: tuple) -> CatalogItem:
    """One product as item entry sees it; the same row (a product unchanged since) gives the same item."""
    pid, sku, name, name_en, price, _shelf, unit, weight = row
    return CatalogItem(pid, sku, name, price, fold(f"{sku} {name} {name_en}"),
                       " ".join(x for x in (unit, format_weight(weight)) if x))


# --- sessions ----------------------------------------------------------------------------------------

@atomic
def start_session(database: Database, name: str, channel: str = "", host: str = "",
                  started_at: str | None = None) -> int:
    name = clean(name)
    if not name:
        raise ValidationError([FieldError("name", _("Session name: required"))])
    with database.transaction() as db:
        return store.start_session(db, name, clean(channel), clean(host), started_at)


@atomic
def end_session(database: Database, session_id: int, ended_at: str | None = None) -> None:
    with database.transaction() as db:
        store.end_session(db, session_id, ended_at)


def sessions(database: Database) -> list[dict]:
    return store.sessions(database)


def current_session(database: Database) -> dict | None:
    """The open live session, newest first."""
    return next((s for s in store.sessions(database) if not s["ended_at"]), None)


def tally(database: Database, session_id: int) -> dict:
    return store.tally(database, session_id)


# --- customers ---------------------------------------------------------------------------------------

@dataclass
class CustomerCard:
    """A known customer as the desk shows them after the phone is typed."""

    id: int
    phone: str
    name: str
    street: str
    province: int | None
    commune: int | None
    orders: int
    delivered: int
    returned: int
    flagged: bool
    flag_reason: str

    def summary(self) -> str:
        text = _("{orders} orders, {delivered} delivered, {returned} returned or refused").format(
            orders=self.orders, delivered=self.delivered, returned=self.returned)
        if self.flagged:
            text = _("⚠ Flagged (bom hàng): {reason}").format(reason=self.flag_reason) + " — " + text
        return text


def find_customer(database: Database, phone_text: str) -> CustomerCard | None:
    phone = normalize_phone(phone_text)
    if phone is None:
        return None
    row = store.customer_by_phone(database, phone.e164)
    if row is None:
        return None
    h = store.customer_history(database, row["id"])
    return CustomerCard(row["id"], row["phone"], row["name"], row["street"], row["province"], row["commune"],
                        h["orders"], h["delivered"], h["returned"], bool(row["flag_bom"]), row["flag_reason"])


@atomic
def flag_customer(database: Database, phone_text: str, reason: str, flagged: bool = True) -> None:
    """Mark a customer who refused or faked orders (bom hàng); the desk warns when they order again."""
    card = find_customer(database, phone_text)
    if card is None:
        raise CoopDeskError(_("No customer has the phone {phone}.").format(phone=phone_text))
    if flagged and not clean(reason):
        raise ValidationError([FieldError("reason", _("Reason: say why this customer is flagged"))])
    with database.transaction() as db:
        store.flag_customer(db, card.id, flagged, clean(reason))


def customers(database: Database) -> list[dict]:
    """Every customer, sorted the Vietnamese way by given name."""
    from coopdesk.domain.orders import given_name_key

    return sorted(store.customers(database), key=lambda c: given_name_key(c["name"]))


# --- stock -------------------------------------------------------------------------------------------

def stock_warnings(database: Database, draft: OrderDraft) -> list[str]:
    """Oversells the draft would make, for the desk to show while typing."""
    items, shelf = _catalog(database)
    try:
        checked = check_order(draft, items)
    except ValidationError:
        return []
    recalled = traceability.recalled_lot_ids(database)
    warnings = []
    for line in checked.lines:
        lots = stock.packed_lots(database.db, line.product_id, shelf.get(line.product_id), recalled)
        _takes, short = allocate(line.qty, [s for _i, s in lots], line.lot)
        if short:
            text = _("{sku}: only {have} packs in stock, {short} short").format(
                sku=line.sku, have=line.qty - short, short=short)
            held = _held_by_recall(database.db, line.product_id, recalled)
            warnings.append(f"{text}; {held}" if held else text)
    return warnings


def _held_by_recall(db, product_id: int, recalled: set[int]) -> str:  # noqa: ANN001
    """'packs held back by a recall: HP-2026-0001 (40)' when recalled lots of the product still hold packs."""
    held = [f"{code} ({n})" for lot_id, code, _day, n in store.packed_stock(db, product_id)
            if lot_id in recalled and n > 0]
    return _("packs held back by a recall: {lots}").format(lots=", ".join(held)) if held else ""


# --- orders ------------------------------------------------------------------------------------------

def _search_text(o: CheckedOrder) -> str:
    parts = [o.name, o.phone.national.replace(" ", ""), o.phone.e164, o.street, addresses.commune_name(o.commune),
             *(f"{line.sku} {line.name}" for line in o.lines)]
    return fold(" ".join(p for p in parts if p))


def _allocate(db, line_id: int, line_no: int, line: OrderLine, qty: int, shelf: dict[int, int | None],  # noqa: ANN001
              recalled: set[int], forced: str) -> tuple[list[tuple[str, int]], int]:
    """Take ``qty`` packs for one stored line (first-expiring first, or the forced lot); returns (takes, short)."""
    lots = stock.packed_lots(db, line.product_id, shelf.get(line.product_id), recalled)  # one rule for stock
    ids = {s.code.upper(): lot_id for lot_id, s in lots}
    if forced and forced.upper() not in ids:
        raise ValidationError([FieldError(f"line{line_no}.lot", _(
            "Line {n}: {lot} is not a packed lot of {sku}").format(n=line_no, lot=forced, sku=line.sku))])
    takes, short = allocate(qty, [s for _i, s in lots], forced)
    for code, n in takes:
        store.insert_allocation(db, line_id, ids[code.upper()], n)
    return takes, short


def _store_lines(db, database: Database, order_id: int, checked: CheckedOrder,  # noqa: ANN001
                 shelf: dict[int, int | None]) -> tuple[list[dict], list[str]]:
    recalled = traceability.recalled_lot_ids(database)
    lines, warnings = [], []
    for i, line in enumerate(checked.lines, start=1):
        line_id = store.insert_line(db, order_id, line)
        takes, short = _allocate(db, line_id, i, line, line.qty, shelf, recalled, line.lot)
        if short:
            warnings.append(_oversold(db, line, short, recalled))
        lines.append({"sku": line.sku, "qty": line.qty, "unit_price_vnd": line.unit_price,
                      "lots": [{"code": c, "qty": q} for c, q in takes]})
    return lines, warnings


def _oversold(db, line: OrderLine, short: int, recalled: set[int]) -> str:  # noqa: ANN001
    """The oversell warning; it names the recalled lots that still hold packs (held back, never sold)."""
    text = _("{sku}: {short} of {qty} packs had no stock in any packed lot (oversold)").format(
        sku=line.sku, short=short, qty=line.qty)
    held = _held_by_recall(db, line.product_id, recalled)
    return f"{text}; {held}" if held else text


def save_order(database: Database, draft: OrderDraft, session_id: int | None = None, who: str = "",
               created_at: str | None = None) -> SavedOrder:
    """Check and save one order in one transaction (customer, order, lines, stock, history): all or nothing.

    It returns only after COMMIT, so an order the desk reports as saved survives a power cut.
    """
    with database.unit_of_work():
        items, shelf = _catalog(database)
        checked = check_order(draft, items)
        db = database.db
        customer_id = store.upsert_customer(db, checked, addresses.ADDRESS_SCHEME)
        order_id = store.insert_order(db, session_id, customer_id, checked, _search_text(checked), created_at)
        lines, warnings = _store_lines(db, database, order_id, checked, shelf)
        store.add_history(db, order_id, who, "create", {"total": checked.total, "cod": checked.cod})
        lots = store.lot_ids_of(database, order_id)
    return SavedOrder(order_id, checked.phone.e164, checked.name, checked.total, checked.cod, lines, warnings,
                      changes=Changes(orders=True, order_ids=frozenset({order_id}), lot_ids=lots))


EDITABLE = ("new", "packed")


def _editable_order(database: Database, order_id: int) -> dict:
    order = store.get_order(database, order_id)
    if order is None:
        raise CoopDeskError(_("There is no order number {id}.").format(id=order_id))
    if order["status"] not in EDITABLE:
        raise CoopDeskError(_("Order {id} is {status}: it can no longer be edited.").format(
            id=order_id, status=order_status_label(order["status"])))
    return order


def _lot_text(lots: list[dict]) -> str:
    """The Lô cell of a stored line: the lots it took, in the order it took them."""
    return ", ".join(dict.fromkeys(a["code"] for a in lots))


def _money_text(vnd: int) -> str:
    return f"{vnd:,}".replace(",", ".") if vnd else ""


def draft_for_edit(database: Database, order_id: int) -> OrderDraft:
    """A saved order as the form edits it: every line with its id, price, reason, discount and lots.

    Saving it through ``edit_order`` keeps the allocations of every line whose product, quantity
    and lots were left alone: a packed parcel's lots are facts, not a plan.
    """
    o = _editable_order(database, order_id)
    prices = {i.product_id: i.price_vnd for i in catalog_items(database)}

    def reason(x: dict) -> str:
        # The catalog price may have changed since: the order keeps the price it was sold at, and says why.
        moved = prices.get(x["product_id"], x["unit_price"]) != x["unit_price"]
        return x["price_reason"] or (_("price when ordered") if moved else "")

    lines = [LineDraft(item=x["sku"], qty=str(x["qty"]), price=_money_text(x["unit_price"]) or "0",
                       price_reason=reason(x), discount=_money_text(x["discount"]),
                       lot=_lot_text(x["lots"]), line_id=x["id"])
             for x in o["lines"] if not x["cancelled"]]
    subtotal = sum(x["qty"] * x["unit_price"] - x["discount"] for x in o["lines"] if not x["cancelled"])
    own_cod = o["cod"] != subtotal + (o["shipping"] or 0) - (o["prepaid"] or 0)
    return OrderDraft(phone=display_phone(o["phone"]), name=o["name"], street=o["street"],
                      province=str(o["province"] or ""), commune=str(o["commune"] or ""),
                      raw_address=o["raw_address"], lines=lines, shipping=_money_text(o["shipping"] or 0),
                      prepaid=_money_text(o["prepaid"] or 0), cod=str(o["cod"]) if own_cod else "",
                      delivery_note=o["delivery_note"], internal_note=o["internal_note"])


def _edit_line(db, i: int, line: OrderLine, prev: dict, shelf: dict[int, int | None],  # noqa: ANN001
               recalled: set[int]) -> int:
    """Bring a stored line to the edited one; returns its shortfall. Unchanged lots stay where they are."""
    store.update_line(db, prev["id"], line)
    same_lots = line.lot.upper() == _lot_text(prev["lots"]).upper()
    if prev["product_id"] != line.product_id or not same_lots:
        store.release_allocations(db, prev["id"])
        forced = "" if prev["product_id"] != line.product_id else line.lot
        return _allocate(db, prev["id"], i, line, line.qty, shelf, recalled, forced)[1]
    taken = sum(a["qty"] for a in prev["lots"])
    if line.qty > prev["qty"]:
        return _allocate(db, prev["id"], i, line, line.qty - prev["qty"], shelf, recalled, "")[1] + \
            (prev["qty"] - taken)
    if line.qty < taken:  # what the line was short of goes first, then the last-taken packs
        store.trim_allocations(db, prev["id"], taken - line.qty)
    return max(0, line.qty - taken)


def edit_order(database: Database, order_id: int, draft: OrderDraft, who: str = "") -> SavedOrder:
    """Change a saved order in one unit of work; its history keeps the before and after.

    Lines the draft carries unchanged (same ``line_id``, product, quantity and lots) keep their
    allocations; a changed quantity takes or gives back only the difference; lines left out give
    their packs back; new lines are allocated first-expiring first (or from their forced lot).
    """
    with database.unit_of_work():
        before = _editable_order(database, order_id)
        lots = store.lot_ids_of(database, order_id)
        items, shelf = _catalog(database)
        checked = check_order(draft, items)
        db = database.db
        recalled = traceability.recalled_lot_ids(database)
        old = {x["id"]: x for x in before["lines"] if not x["cancelled"]}
        customer_id = store.upsert_customer(db, checked, addresses.ADDRESS_SCHEME)
        store.update_order(db, order_id, customer_id, checked, _search_text(checked))
        kept, warnings = set(), []
        for i, line in enumerate(checked.lines, start=1):
            prev = old.get(line.line_id) if line.line_id is not None else None
            if prev is not None and prev["id"] not in kept:
                kept.add(prev["id"])
                short = _edit_line(db, i, line, prev, shelf, recalled)
            else:
                line_id = store.insert_line(db, order_id, line)
                short = _allocate(db, line_id, i, line, line.qty, shelf, recalled, line.lot)[1]
            if short:
                warnings.append(_oversold(db, line, short, recalled))
        for line_id in old.keys() - kept:
            store.delete_line(db, line_id)
        store.add_history(db, order_id, who, "edit", {
            "before": {"total": before["total"], "cod": before["cod"],
                       "lines": [(x["sku"], x["qty"], x["unit_price"]) for x in old.values()]},
            "after": {"total": checked.total, "cod": checked.cod,
                      "lines": [(x.sku, x.qty, x.unit_price) for x in checked.lines]}})
        after = store.get_order(database, order_id)
        lots |= store.lot_ids_of(database, order_id)
    lines = [{"sku": x["sku"], "qty": x["qty"], "unit_price_vnd": x["unit_price"], "lots": x["lots"]}
             for x in after["lines"] if not x["cancelled"]]
    return SavedOrder(order_id, checked.phone.e164, checked.name, checked.total, checked.cod, lines, warnings,
                      changes=Changes(orders=True, order_ids=frozenset({order_id}), lot_ids=lots))


def unallocated_lines(order: dict) -> list[str]:
    """'SKU × short' for each live line of a stored order that has fewer packs from lots than it sells."""
    out = []
    for x in order["lines"]:
        short = x["qty"] - sum(a["qty"] for a in x["lots"])
        if not x["cancelled"] and short > 0:
            out.append(f"{x['sku']} × {short}")
    return out


def set_status(database: Database, order_id: int, status: str, who: str = "", carrier: str = "",
               tracking: str = "", reason: str = "") -> Changes:
    """Move an order along new → packed → handed → delivered (or returned / cancelled); cancelling frees stock.

    Packing an order whose lines have no packs from a lot (an oversell or a backorder) needs a stated reason,
    kept in the history: a parcel cannot be packed from stock that is not there.
    """
    with database.unit_of_work():  # the status that decides the move is read under the write lock
        order = store.get_order(database, order_id)
        if order is None:
            raise CoopDeskError(_("There is no order number {id}.").format(id=order_id))
        if not can_move(order["status"], status):
            raise CoopDeskError(_("Order {id} cannot go from {old} to {new}.").format(
                id=order_id, old=order_status_label(order["status"]), new=order_status_label(status)))
        missing = unallocated_lines(order) if status == "packed" else []
        if missing and not clean(reason):
            raise ValidationError([FieldError("reason", _(
                "Order {id} has lines with no packs from a lot ({lines}): packing it needs a reason.").format(
                id=order_id, lines=", ".join(missing)))])
        detail = {"from": order["status"], "to": status}
        if missing:
            detail["reason"] = clean(reason)
            detail["unallocated"] = missing
        db = database.db
        lots: set[int] = set()
        if status == CANCELLED:
            lots = store.lot_ids_of(database, order_id)
            store.release_order(db, order_id)
        store.set_status(db, order_id, status)
        if carrier or tracking:
            store.set_carrier(db, order_id, carrier, tracking)
        store.add_history(db, order_id, who, "status", detail)
    return Changes(orders=True, order_ids=frozenset({order_id}), lot_ids=lots)


def cancel_line(database: Database, order_id: int, line_id: int, who: str = "") -> Changes:
    """Cancel one line; its packs go back to their lots and the order's total and COD follow."""
    with database.unit_of_work():  # the totals are computed from what is stored at the moment of the change
        order = store.get_order(database, order_id)
        line = next((x for x in (order or {}).get("lines", []) if x["id"] == line_id), None)
        if order is None or line is None:
            raise CoopDeskError(_("Order {id} has no line number {line}.").format(id=order_id, line=line_id))
        if line["cancelled"]:
            raise CoopDeskError(_("Line {line} of order {id} is already cancelled.").format(id=order_id, line=line_id))
        amount = line["qty"] * line["unit_price"] - line["discount"]
        new_total = order["total"] - amount
        new_cod = max(0, min(order["cod"] - amount, new_total))
        db = database.db
        lots = store.lot_ids_of(database, order_id, line_id)
        store.release_line(db, line_id)
        store.set_totals(db, order_id, new_total, new_cod)
        store.add_history(db, order_id, who, "cancel_line", {"sku": line["sku"], "qty": line["qty"]})
    return Changes(orders=True, order_ids=frozenset({order_id}), lot_ids=lots)


def get_order(database: Database, order_id: int) -> dict | None:
    return store.get_order(database, order_id)


def history(database: Database, order_id: int) -> list[dict]:
    return store.history(database, order_id)


def order_rows(database: Database, session_id: int | None = None, ids: list[int] | None = None) -> list[tuple]:
    return store.order_rows(database, session_id, ids)


def orders_json(database: Database, session_id: int | None = None) -> list[dict]:
    out = []
    for o in store.orders_json(database, session_id):
        out.append({"order_id": o["id"], "session_id": o["session_id"], "created_at": o["created_at"],
                    "phone": o["phone"], "phone_display": display_phone(o["phone"]), "name": o["name"],
                    "street": o["street"], "commune": addresses.commune_name(o["commune"]),
                    "province": addresses.province_name(o["province"]), "status": o["status"],
                    "total_vnd": o["total"], "cod_vnd": o["cod"], "shipping_vnd": o["shipping"],
                    "prepaid_vnd": o["prepaid"], "carrier": o["carrier"], "tracking": o["tracking"],
                    "delivery_note": o["delivery_note"], "internal_note": o["internal_note"],
                    "lines": [{"sku": x["sku"], "qty": x["qty"], "unit_price_vnd": x["unit_price"],
                               "discount_vnd": x["discount"], "cancelled": bool(x["cancelled"]), "lots": x["lots"]}
                              for x in o["lines"]]})
    return out


def draft_from_comment(database: Database, text: str) -> OrderDraft:
    """A suggestion from a pasted comment, for staff to confirm."""
    return parse_comment(text, catalog_items(database))


@dataclass(frozen=True)
class ItemStock:
    """Packs of a product the desk can sell now, and packs held back in recalled lots."""

    on_hand: int = 0
    recalled: int = 0


def item_stock(database: Database) -> dict[int, ItemStock]:
    """Stock on hand per product id, for the item picker (one query, not one per product)."""
    recalled = traceability.recalled_lot_ids(database)
    sums: dict[int, list[int]] = {}
    for product_id, lot_id, packs in store.packs_on_hand(database):
        entry = sums.setdefault(product_id, [0, 0])
        entry[1 if lot_id in recalled else 0] += max(packs or 0, 0)
    return {pid: ItemStock(on, rec) for pid, (on, rec) in sums.items()}


@dataclass(frozen=True)
class ShippingProblem:
    """Something that keeps an order from shipping as typed: no address, no stock, an oversell."""

    kind: str  # 'address' or 'stock'
    message: str


def shipping_problems(database: Database, draft: OrderDraft) -> list[ShippingProblem]:
    """What the desk asks about before saving; empty when the draft is wrong anyway (the save names that)."""
    items, shelf = _catalog(database)
    try:
        checked = check_order(draft, items)
    except ValidationError:
        return []
    problems = []
    if checked.commune is None:
        problems.append(ShippingProblem("address", _("No delivery address yet (no commune): the carrier cannot "
                                                     "take it until one is added.")))
    recalled = traceability.recalled_lot_ids(database)
    for line in checked.lines:
        lots = [s for _i, s in stock.packed_lots(database.db, line.product_id, shelf.get(line.product_id),
                                                 recalled)]
        sellable = sum(s.on_hand for s in lots if not s.recalled and s.on_hand > 0)
        held = sum(s.on_hand for s in lots if s.recalled and s.on_hand > 0)
        _takes, short = allocate(line.qty, lots, line.lot)
        if sellable == 0 and held:
            problems.append(ShippingProblem("stock", _("{sku}: its only stock is in a recalled lot — nothing to "
                                                       "ship.").format(sku=line.sku)))
        elif sellable == 0:
            problems.append(ShippingProblem("stock", _("{sku}: out of stock in every lot.").format(sku=line.sku)))
        elif short:
            problems.append(ShippingProblem("stock", _("{sku}: only {have} packs in stock, {short} short.").format(
                sku=line.sku, have=line.qty - short, short=short)))
    return problems


def order_keys(database: Database, f: store.OrderFilter, sort: str = "id", descending: bool = True,
               after: tuple | None = None, limit: int = 200) -> list[tuple]:
    return store.order_keys(database, f, sort, descending, after, limit)


def plan_order_list(database: Database, f: store.OrderFilter, sort: str = "id",
                    descending: bool = True) -> store.OrderList:
    """A filter in a sort order, planned for paging (see ``storage.orders.OrderList``)."""
    return store.plan_order_list(database, f, sort, descending)


def order_page(database: Database, plan: store.OrderList, after: tuple | None = None,
               limit: int = 200) -> tuple[list[tuple], tuple | None]:
    return store.order_page(database, plan, after, limit)


def order_count_small(database: Database, plan: store.OrderList) -> int | None:
    return store.order_count_small(database, plan)


def order_count_range(database: Database, plan: store.OrderList, low: int, high: int) -> int:
    return store.order_count_range(database, plan, low, high)


def order_key(database: Database, f: store.OrderFilter, order_id: int, sort: str = "id") -> tuple | None:
    return store.order_key(database, f, order_id, sort)


def order_count(database: Database, f: store.OrderFilter | None = None, at_most: int | None = None) -> int:
    return store.order_count(database, f, at_most)


def order_carriers(database: Database) -> list[str]:
    return store.order_carriers(database)
OrderFilter = store.OrderFilter
OrderList = store.OrderList


def last_order_id(database: Database) -> int:
    return store.last_order_id(database)
