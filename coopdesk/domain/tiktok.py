"""The TikTok Shop Seller Center order export: one row per SKU line, order fields repeated on every row.

Columns are found by name. Every cell is text (NFC); money is whole đồng; an order's amounts are read
once, never summed over its lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from coopdesk.domain import addresses
from coopdesk.domain.money import MoneyError, check_vnd, parse_vnd
from coopdesk.domain.phones import Phone, find_phones
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import N_, _

PLATFORM = "tiktok"
TEMPLATE = "template"  # CoopDesk's own order sheet, for orders taken on Facebook, Zalo or the phone
# CoopDesk's order template speaks Vietnamese; its headers map onto the export's names.
TEMPLATE_HEADERS = {
    "Mã đơn": "Order ID", "Trạng thái": "Order Status", "Mã SKU": "Seller SKU", "Tên sản phẩm": "Product Name",
    "Số lượng": "Quantity", "Đơn giá": "SKU Unit Original Price", "Thành tiền": "SKU Subtotal After Discount",
    "Phí giao hàng": "Shipping Fee After Discount", "Tổng tiền đơn": "Order Amount", "Ngày đặt": "Created Time",
    "Người nhận": "Recipient", "Điện thoại": "Phone #", "Tỉnh/thành": "Province", "Xã/phường": "Commune",
    "Địa chỉ": "Detail Address", "Thanh toán": "Payment Method", "Ghi chú": "Buyer Message", "Kênh": "Channel",
}
REQUIRED = ("Order ID", "Order Status", "Seller SKU", "Quantity", "Order Amount")
COD_METHODS = {"thanh toan khi giao hang", "cash on delivery", "cod"}
# Folded status words -> CoopDesk status; substatus refines "shipped" into delivered.
STATUSES = {
    "chua thanh toan": "new", "unpaid": "new", "cho van chuyen": "new", "awaiting shipment": "new",
    "cho lay hang": "packed", "awaiting collection": "packed", "da san sang": "packed",
    "da van chuyen": "handed", "dang giao": "handed", "dang van chuyen": "handed", "shipped": "handed",
    "in transit": "handed", "da giao": "delivered", "delivered": "delivered", "da hoan tat": "delivered",
    "completed": "delivered", "da huy": "cancelled", "cancelled": "cancelled", "canceled": "cancelled",
}
RANK = {"new": 0, "packed": 1, "handed": 2, "delivered": 3, "returned": 4, "cancelled": 4}


@dataclass
class ImportedLine:
    row: int
    seller_sku: str
    sku_id: str
    name: str
    variation: str
    qty: int
    unit_price: int
    subtotal_after_discount: int
    cancel_type: str
    weight_g: int | None = None  # the line's whole shipping weight as the export states it (Weight(kg))


@dataclass
class ImportedOrder:
    """One platform order, its lines grouped from its rows."""

    order_id: str
    first_row: int
    status: str
    raw_status: str
    unpaid: bool
    created: datetime | None
    amount: int
    shipping_fee: int
    payment_method: str
    tracking: str
    carrier: str
    buyer_username: str
    recipient: str
    phone_raw: str
    phone: Phone | None
    other_phones: tuple[str, ...]
    province: int | None
    commune: int | None
    raw_address: str
    street: str
    buyer_message: str
    package_id: str
    lines: list[ImportedLine] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def is_cod(self) -> bool:
        return fold(self.payment_method) in COD_METHODS and self.status != "cancelled"


@dataclass
class Rejected:
    row: int
    reason: str
    order_id: str = ""


def _cell(row: dict[str, str], name: str) -> str:
    # Seller Center ends IDs and times with a tab so Excel keeps them as text; the tab is not data.
    value = row.get(name, "")
    if "\t" in value or "  " in value or "\n" in value:
        return clean(value.replace("\t", " "))
    return value.strip()


def _money(text: str) -> int:
    raw = text.strip()
    if raw.isascii() and raw.isdigit():
        return check_vnd(int(raw))
    if not raw:
        return 0
    return parse_vnd(raw)


def _time(text: str) -> datetime | None:
    raw = text.strip()
    for fmt in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def line_weight_g(text: str) -> int | None:
    """Grams of a ``Weight(kg)`` cell: '0.45', '0,45', '1.8' (kg); '' or 0 -> None (unknown).

    Raises ValueError for what is not a weight, so the caller can flag it (a weight never rejects an order).
    """
    raw = text.strip().replace(",", ".")
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{1,6}(?:\.[0-9]{1,6})?", raw):
        raise ValueError(text)
    grams = round(float(raw) * 1000)
    return grams or None


def map_status(status: str, substatus: str) -> str | None:
    base = STATUSES.get(fold(status).strip())
    sub = STATUSES.get(fold(substatus).strip())
    if base == "handed" and sub == "delivered":
        return "delivered"
    return base


def missing_columns(headers: list[str]) -> list[str]:
    present = {h.strip() for h in headers}
    return [c for c in REQUIRED if c not in present]


def _address(row: dict[str, str], order: ImportedOrder) -> None:
    province_text, district, commune_text = (_cell(row, "Province"), _cell(row, "District"), _cell(row, "Commune"))
    detail = ", ".join(x for x in (_cell(row, "Detail Address"), _cell(row, "Additional address information")) if x)
    order.street = detail
    order.raw_address = ", ".join(x for x in (detail, commune_text, district, province_text) if x)
    if district:
        matches = addresses.legacy_candidates(f"{commune_text}, {district}, {province_text}")
        names = [c.name for m in matches for c in m.candidates]
        if len(names) == 1:
            order.province, order.commune = matches[0].province, matches[0].candidates[0].code
            order.flags.append(_("old three-level address, mapped to {commune}").format(commune=names[0]))
        else:
            order.flags.append(_("old three-level address; candidates: {names}").format(
                names=", ".join(names) or _("none found")))
        return
    province = addresses.find_province(province_text) if province_text else None
    if province is None:
        if province_text:
            order.flags.append(_("province “{text}” is not one of the 34").format(text=province_text))
        return
    order.province = province.code
    commune = addresses.find_commune(commune_text, province.code) if commune_text else None
    if commune is None:
        if commune_text:
            order.flags.append(_("commune “{text}” is not in {province}").format(text=commune_text,
                                                                                  province=province.name))
        return
    order.commune = commune.code


MAX_LINES_PER_ORDER = 200  # no livestream order has more; a file claiming more is refused for that order
# Each money column and its name as shown in a message.
MONEY_COLUMNS = {"SKU Unit Original Price": N_("Unit price (SKU Unit Original Price)"),
                 "SKU Subtotal After Discount": N_("Line total (SKU Subtotal After Discount)"),
                 "Order Amount": N_("Order total (Order Amount)"),
                 "Shipping Fee After Discount": N_("Shipping fee (Shipping Fee After Discount)")}


def parse_rows(rows: list[tuple[int, dict[str, str]]], platform_ids: bool = True,
               ) -> tuple[list[ImportedOrder], list[Rejected]]:
    """Group rows into orders; a bad row rejects its whole order (never half an order), with row and reason.

    ``platform_ids``: order ids are TikTok's long numbers (a template's ids may be any short text).
    A row repeated exactly (two downloads pasted together) counts once and is flagged; two different rows
    for the same order and SKU are both kept and flagged.
    """
    orders: dict[str, ImportedOrder] = {}
    bad: dict[str, Rejected] = {}
    rejected: list[Rejected] = []
    seen: dict[tuple, int] = {}  # the row's content -> the first row number that had it
    skus: dict[tuple[str, str], int] = {}  # (order, SKU) -> first row
    for number, row in rows:
        order_id = _cell(row, "Order ID")
        if not order_id:
            rejected.append(Rejected(number, _("Order ID: empty")))
            continue
        content = tuple(sorted((k, _cell(row, k)) for k in row))
        first = seen.setdefault(content, number)
        if first != number:
            if order_id in orders and order_id not in bad:
                orders[order_id].flags.append(_("row {row} repeats row {first} exactly: counted once").format(
                    row=number, first=first))
            continue
        if not re.fullmatch(r"[0-9]{6,25}" if platform_ids else r"[\w.\-/]{1,40}", order_id):
            rejected.append(Rejected(number, _("Order ID: “{text}” is not an order number (was it changed by "
                                               "Excel? Export again and import without opening it)").format(
                text=order_id), order_id))
            bad[order_id] = rejected[-1]
            continue
        if order_id in bad:
            continue
        problems = []
        qty_text = _cell(row, "Quantity")
        qty = int(qty_text) if re.fullmatch(r"[0-9]{1,6}", qty_text) and int(qty_text) > 0 else None
        if qty is None:
            problems.append(_("Quantity: “{text}” is not a whole number from 1 to 999.999").format(text=qty_text))
        sku = _cell(row, "Seller SKU")
        if not sku:
            problems.append(_("Seller SKU: empty"))
        money = {}
        for column, label in MONEY_COLUMNS.items():
            try:
                money[column] = _money(_cell(row, column))
            except MoneyError as e:
                problems.append(_("{column}: {reason}").format(column=_(label), reason=e))
                money[column] = 0
        unit, after, amount, shipping = (money[c] for c in MONEY_COLUMNS)
        status = map_status(_cell(row, "Order Status"), _cell(row, "Order Substatus"))
        if status is None:
            problems.append(_("Order Status: “{text}” is not a known status").format(text=_cell(row, "Order Status")))
        created_text = _cell(row, "Created Time")
        created = _time(created_text)
        if created_text and created is None:
            problems.append(_("Created Time: “{text}” is not a date and time (dd/mm/yyyy hh:mm:ss)").format(
                text=created_text))
        order = orders.get(order_id)
        if order is not None and len(order.lines) >= MAX_LINES_PER_ORDER:
            problems.append(_("Order ID: order {id} has more than {n} lines, more than any order CoopDesk takes "
                              "from a file").format(id=order_id, n=MAX_LINES_PER_ORDER))
        if problems:
            bad[order_id] = Rejected(number, "; ".join(problems), order_id)
            rejected.append(bad[order_id])
            orders.pop(order_id, None)
            continue
        if order is None:
            phone_raw = _cell(row, "Phone #")
            phones = [] if "*" in phone_raw else find_phones(phone_raw)
            order = ImportedOrder(
                order_id=order_id, first_row=number, status=status, raw_status=_cell(row, "Order Status"),
                unpaid=fold(_cell(row, "Order Status")) in ("chua thanh toan", "unpaid"),
                created=created, amount=amount, shipping_fee=shipping,
                payment_method=_cell(row, "Payment Method"), tracking=_cell(row, "Tracking ID"),
                carrier=_cell(row, "Shipping Provider Name"), buyer_username=_cell(row, "Buyer Username"),
                recipient=_cell(row, "Recipient"), phone_raw=phone_raw, phone=phones[0] if phones else None,
                other_phones=tuple(p.e164 for p in phones[1:]), province=None, commune=None, raw_address="",
                street="", buyer_message=_cell(row, "Buyer Message"), package_id=_cell(row, "Package ID"))
            if order.phone is None:
                order.flags.append(_("phone “{text}” is masked or invalid: kept as given").format(text=phone_raw)
                                   if phone_raw else _("no phone"))
            if created is None:
                order.flags.append(_("no Created Time: the day of the import is used"))
            _address(row, order)
            orders[order_id] = order
        twin = skus.setdefault((order_id, sku.upper()), number)
        if twin != number:
            order.flags.append(_("SKU {sku} is on rows {first} and {row} with different details: both kept, "
                                 "check them").format(sku=sku, first=twin, row=number))
        try:
            weight = line_weight_g(_cell(row, "Weight(kg)"))
        except ValueError:
            weight = None
            order.flags.append(_("row {row}: Weight(kg) “{text}” is not a weight in kg; the catalog's weight is "
                                 "used").format(row=number, text=_cell(row, "Weight(kg)")))
        order.lines.append(ImportedLine(number, sku, _cell(row, "SKU ID"), _cell(row, "Product Name"),
                                        _cell(row, "Variation"), qty, unit, after,
                                        _cell(row, "Cancelation/Return Type"), weight))
    return [o for oid, o in orders.items() if oid not in bad], rejected
