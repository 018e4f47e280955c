"""The recall's documents from the live answer: call list PDF, buyers xlsx/CSV, summary for the authorities."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from coopdesk.documents import recall_docs
from coopdesk.documents.typeset import atomic_write
from coopdesk.domain.dates import format_date
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.lots import INPUT_LABELS, format_kg
from coopdesk.domain.money import format_vnd
from coopdesk.domain.phones import display_phone
from coopdesk.domain.recall import (
    DELIVERED,
    GROUPS,
    HELD,
    IN_TRANSIT,
    NOT_REACHED,
    OUT_RETURNED,
    OUTCOME_LABELS,
    OUTCOMES,
    PLATFORM_NAMES,
    RETURNED,
    SOURCE_LABELS,
    TO_HOLD,
)
from coopdesk.domain.shipping import order_code
from coopdesk.i18n import _, translator
from coopdesk.services.recall import CustomerEntry, RecallView, WhoGot, recall_view
from coopdesk.storage import cooperative as coop_store
from coopdesk.storage.database import Database

VI = translator("vi")


def _day(text: str) -> str:
    """'2026-11-26 19:35:00' -> '26/11/2026'."""
    try:
        return format_date(date.fromisoformat(text[:10]))
    except ValueError:
        return text


def _stamp(text: str) -> str:
    """dd/mm/yyyy hh:mm: day first, as the other date columns and people write it."""
    try:
        return datetime.fromisoformat(text).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return text


def _situation(c: CustomerEntry) -> str:
    return ", ".join(label for g, label in (
        (DELIVERED, "Đã giao"), (IN_TRANSIT, "Đang vận chuyển"), (RETURNED, "Đơn hoàn về"),
        (HELD, "Đơn đã giữ lại, HỦY do thu hồi"), (TO_HOLD, "Chưa giao cho hãng vận chuyển")) if g in c.groups)


def refund_text(c: CustomerEntry) -> str:
    """What is owed back on the buyer's held orders, as the call list prints it ('' without held orders)."""
    held = c.held_orders
    if not held:
        return ""
    if c.refund <= 0:
        return "Chưa thu tiền: không phải hoàn"
    via = {PLATFORM_NAMES.get(h.platform, "") for h in held if h.refund > 0}
    return f"Hoàn trả {format_vnd(c.refund)}" + (f" qua {via.pop()}" if len(via) == 1 and "" not in via else "")


def _row(c: CustomerEntry) -> recall_docs.CallRow:
    return recall_docs.CallRow(
        c.name, c.phone_display, c.address, ", ".join(order_code(n) for n in c.orders), _day(c.first_order),
        "; ".join(c.products), c.quantity, _situation(c), ", ".join(c.carriers), ", ".join(c.tracking),
        VI(OUTCOME_LABELS[c.outcome]), c.outcome_who, _stamp(c.outcome_at) if c.outcome_at else "", c.message,
        c.refund, refund_text(c))


def call_rows(answer: WhoGot, everyone: bool = False) -> list[recall_docs.CallRow]:
    """The buyers to call (or everyone who got it), in the order of the list on screen."""
    return [_row(c) for c in answer.customers if everyone or c.needs_call]


def held_rows(answer: WhoGot) -> list[recall_docs.CallRow]:
    """The buyers to tell that the recall cancelled their order (and refunds what they paid ahead): those
    with nothing out there, so not on the call rows already."""
    return [_row(c) for c in answer.customers if c.needs_contact and not c.needs_call]


def _coop(database: Database) -> tuple[str, str, str, str, str]:
    coop = coop_store.get(database)
    if coop is None:
        return ("Hợp tác xã", "", "", "", "")
    phone = display_phone(coop.phone) if coop.phone else ""
    line = " · ".join(x for x in (coop.address_line(), phone) if x)
    return coop.name, line, coop.tax_code, coop.address_line(), phone


def contact_counts(answer: WhoGot) -> str:
    """Who is to be contacted, each buyer counted once, so the parts add up to the whole: those who have it
    (delivered; else in transit) to call, and those whose only orders were held, to tell."""
    delivered = transit = held = 0
    refund = held_orders = 0
    for c in answer.customers:
        if DELIVERED in c.groups:
            delivered += 1
        elif IN_TRANSIT in c.groups:
            transit += 1
        elif HELD in c.groups:
            held += 1
        if c.held_orders:
            refund += c.refund
            held_orders += len(c.held_orders)
    calls = delivered + transit
    text = (f"{calls + held} khách cần liên hệ = {calls} cần gọi ({delivered} đã nhận hàng, {transit} có hàng đang "
            "vận chuyển)")
    if held_orders:
        owed = f"hoàn trả {format_vnd(refund)}" if refund else "không phải hoàn tiền"
        text += f" + {held} có đơn bị giữ lại · {held_orders} đơn đã hủy, {owed}"
    return text


def call_list(database: Database, answer: WhoGot, view: RecallView | None = None,
              today: date | None = None) -> recall_docs.CallList:
    name, line, *_rest = _coop(database)
    recalled = [f.recall_id for f in answer.lots if f.recall_id is not None]
    heading = "DANH SÁCH GỌI KHÁCH — THU HỒI SẢN PHẨM"
    if view is None and len(set(recalled)) == 1:  # one recall covers what was asked: its record says why
        view = recall_view(database, recalled[0])
    if view is not None:
        title = f"Thu hồi #{view.id} — {VI(SOURCE_LABELS[view.source_kind]).lower()} {view.source_label}"
        decided = f"Quyết định ngày {_day(view.day)}" + (f" · {view.decided_by}" if view.decided_by else "")
        reason = view.reason
    elif recalled:
        title = f"Ai đã nhận {answer.start_label}"
        decided = "Lô đang bị thu hồi (xem hồ sơ thu hồi)"
        reason = "—"
    else:
        # Nothing recalled yet: the messages are a precautionary notice, and the list says so.
        heading = "DANH SÁCH GỌI KHÁCH — KIỂM TRA CHẤT LƯỢNG (CHƯA THU HỒI)"
        title = f"Ai đã nhận {answer.start_label}"
        decided = "Chưa mở hồ sơ thu hồi: tin nhắn là thông báo phòng ngừa (để riêng sản phẩm, chờ kết quả)"
        reason = "—"
    return recall_docs.CallList(name, line, title, reason, decided, ", ".join(f.code for f in answer.lots) or "—",
                                contact_counts(answer), format_date(today or date.today()), tuple(call_rows(answer)),
                                tuple(held_rows(answer)), heading)


def write_call_list(database: Database, answer: WhoGot, target: Path, view: RecallView | None = None) -> Path:
    """The call list as an A4 PDF, written atomically (a failure leaves nothing under the name)."""
    data = recall_docs.call_list_pdf(call_list(database, answer, view))
    with atomic_write(Path(target)) as temp:
        temp.write_bytes(data)
    return Path(target)


def write_buyers(database: Database, answer: WhoGot, target: Path, view: RecallView | None = None) -> Path:
    """Every buyer with phone and ready message, as xlsx or CSV (by the file's suffix) for a bulk-SMS service."""
    target = Path(target)
    rows = call_rows(answer, everyone=True)
    if target.suffix.lower() == ".csv":
        data = recall_docs.buyers_csv(rows)
    elif target.suffix.lower() == ".xlsx":
        data = recall_docs.buyers_xlsx(rows)
    else:
        raise CoopDeskError(_("Choose a file name ending in .xlsx or .csv: {file}").format(file=target))
    with atomic_write(target) as temp:
        temp.write_bytes(data)
    return target


def summary(database: Database, view: RecallView, today: date | None = None) -> recall_docs.Summary:
    """The figures of the summary: per lot produced, sent, held, returned, on hand, still out."""
    name, _line, tax, address, phone = _coop(database)
    a = view.answer
    returned_by_customer = {c.customer_id for c in a.customers if c.outcome == OUT_RETURNED}
    lots = []
    for f in a.lots:
        lines = [x for x in a.lines if x.lot_id == f.id]
        out = sum(x.qty for x in lines if x.group in (IN_TRANSIT, DELIVERED, RETURNED))
        # Held means held: packs of orders not yet handed over but not held either are counted apart, as in
        # section 4 (they once showed as held while section 4 said none was).
        held = sum(x.qty for x in lines if x.group == HELD)
        not_held = sum(x.qty for x in lines if x.group == TO_HOLD)
        back = sum(x.qty for x in lines if x.group == RETURNED
                   or (x.group in (IN_TRANSIT, DELIVERED) and x.customer_id in returned_by_customer))
        still = sum(x.qty for x in lines if x.group in (IN_TRANSIT, DELIVERED)
                    and x.customer_id not in returned_by_customer)
        lots.append(recall_docs.LotLine(f.code, f"{f.sku} — {f.product}",
                                        "Lô nghi vấn" if f.role == "source" else "Làm ra từ lô nghi vấn",
                                        f"{f.packs_made} gói" if f.packed else format_kg(f.made_g), out, held, back,
                                        f"{f.on_hand} gói" if f.on_hand_unit == "packs" else format_kg(f.on_hand),
                                        still, not_held))
    back = [("Lô nguyên liệu (làm ra lô nghi vấn)", ", ".join(a.made_from) or "—")]
    for i in a.inputs:
        kind = VI(INPUT_LABELS.get(i["kind"], i["kind"]))
        extra = " · ".join(x for x in (i.get("active_ingredient", ""), i.get("registration_no", "")) if x)
        named = f"{i['name']} ({extra})" if extra else i["name"]
        back.append((f"Vật tư: {kind}", f"{named} — lô {', '.join(i['lots'])}"))
    for g in a.areas:
        named = f"{g['name']} · mã {g['code']}" if g["code"] else g["name"]
        back.append(("Vùng trồng", f"{named} — lô {', '.join(g['lots'])}"))
    buyers = [("Số khách hàng đã nhận", str(len(a.customers))), ("Số đơn hàng", str(len(a.order_ids)))]
    for g, label in ((DELIVERED, "Đã giao (gói)"), (IN_TRANSIT, "Đang vận chuyển (gói)"),
                     (RETURNED, "Đơn hoàn về (gói)"), (HELD, "Đơn đã giữ lại, không giao (gói)"),
                     (TO_HOLD, "Chưa giao cho hãng vận chuyển (gói)")):
        buyers.append((label, str(a.quantity(g))))
    outcomes, contact = _outcomes(view)
    started = f"{VI(SOURCE_LABELS[view.source_kind])}: {view.source_label}"
    how = (f"Bắt đầu từ {started}; tìm các lô liên quan trong sổ nhật ký sản xuất của hợp tác xã.",
           "Theo phả hệ lô (lô nguyên liệu, rồi lô chế biến, rồi lô đóng gói) tìm mọi lô làm ra từ đó: "
           f"{', '.join(f.code for f in a.lots)}.",
           "Theo phân bổ từng gói của từng dòng đơn hàng cho lô, tìm mọi đơn hàng và khách hàng đã nhận; "
           "đơn đã hủy không tính, đơn hoàn về ghi là hoàn về.",
           "Một bước trước: vật tư, vùng trồng và lô nguyên liệu được ghi trong nhật ký các lô.")
    status = {"open": "Đang thu hồi", "closed": "Đã kết thúc", "withdrawn": "Đã rút lại"}[view.status]
    ended = ""
    if view.ended_at:
        ended = f"{status} lúc {_stamp(view.ended_at)}" + (f" · {view.ended_by}" if view.ended_by else "") + (
            f" · {view.end_reason}" if view.end_reason else "")
    return recall_docs.Summary(name, tax, address, phone, f"Thu hồi số {view.id}", status, _day(view.day),
                               view.decided_by, view.reason, view.public_reason, started, how, tuple(lots),
                               tuple(back), tuple(buyers), tuple(outcomes), ended,
                               format_date(today or date.today()), tuple(contact))


def _outcomes(view: RecallView) -> tuple[list[tuple[str, ...]], list[tuple[str, str]]]:
    """Section 5: every outcome the domain defines, counted per kind of buyer (to call, to tell of a held
    order, nothing to tell), each buyer once, with the totals; then reached / not reached and the held orders."""
    a = view.answer
    kinds = ("call", "held", "none")
    counted = {o: dict.fromkeys(kinds, 0) for o in OUTCOMES}
    for c in a.customers:
        kind = "call" if c.needs_call else "held" if c.needs_contact else "none"
        counted.setdefault(c.outcome, dict.fromkeys(kinds, 0))[kind] += 1
    rows: list[tuple[str, ...]] = [("Kết quả", "Khách có hàng đã giao / đang giao", "Khách có đơn bị giữ lại",
                                    "Khách không cần liên hệ", "Cộng")]
    for o, n in counted.items():
        rows.append((VI(OUTCOME_LABELS.get(o, o)), *(str(n[k]) for k in kinds), str(sum(n.values()))))
    rows.append(("Cộng", *(str(sum(n[k] for n in counted.values())) for k in kinds), str(len(a.customers))))
    to_contact = [c for c in a.customers if c.needs_contact]
    reached = [c for c in to_contact if c.outcome not in NOT_REACHED]
    contact = [("Khách cần liên hệ", str(len(to_contact))), ("Đã liên hệ được", str(len(reached))),
               ("Chưa liên hệ được (chưa gọi hoặc không nghe máy)", str(len(view.not_reached)))]
    held = [(c, h) for c in a.customers for h in c.held_orders]
    if not held and view.holds:  # a withdrawn recall gave the packs of its held orders back: no lines left
        contact.append((f"Đơn đã giữ lại, hủy do thu hồi ({len(view.holds)} đơn)",
                        ", ".join(order_code(h["order_id"]) for h in view.holds)))
    elif held:
        refund = sum(h.refund for _c, h in held)
        contact.append((f"Đơn đã giữ lại, hủy do thu hồi ({len(held)} đơn)",
                        ", ".join(f"{order_code(h.order_id)} ({c.name}"
                                  + (f", hoàn trả {format_vnd(h.refund)})" if h.refund else ")") for c, h in held)))
        contact.append(("Tiền hoàn trả cho khách đã trả trước",
                        format_vnd(refund) if refund else "Không có (các đơn chưa thu tiền)"))
    else:
        contact.append(("Đơn đã giữ lại, hủy do thu hồi", "Không có"))
    return rows, contact


def write_summary(database: Database, view: RecallView, target: Path) -> Path:
    data = recall_docs.summary_pdf(summary(database, view))
    with atomic_write(Path(target)) as temp:
        temp.write_bytes(data)
    return Path(target)


__all__ = ["GROUPS", "call_list", "call_rows", "contact_counts", "held_rows", "refund_text", "summary",
           "write_buyers", "write_call_list", "write_summary"]
