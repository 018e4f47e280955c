"""The recall's documents from the live answer: call list PDF, buyers xlsx/CSV, summary for the authorities."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from coopdesk.documents import recall_docs
from coopdesk.documents.typeset import atomic_write
from coopdesk.domain.dates import format_date
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.lots import INPUT_LABELS, format_kg
from coopdesk.domain.phones import display_phone
from coopdesk.domain.recall import (
    DELIVERED,
    GROUPS,
    HELD,
    IN_TRANSIT,
    OUT_RETURNED,
    OUTCOMES,
    RETURNED,
    SOURCE_LABELS,
    TO_HOLD,
)
from coopdesk.domain.shipping import order_code
from coopdesk.i18n import _, translator
from coopdesk.services.recall import CustomerEntry, RecallView, WhoGot
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
    return ", ".join(VI(label) for g, label in (
        (DELIVERED, "Delivered"), (IN_TRANSIT, "In transit"), (RETURNED, "Parcel returned"),
        (HELD, "Held by the recall"), (TO_HOLD, "Not yet handed to a carrier")) if g in c.groups)


def call_rows(answer: WhoGot, everyone: bool = False) -> list[recall_docs.CallRow]:
    """The buyers to call (or everyone who got it), in the order of the list on screen."""
    from coopdesk.domain.recall import OUTCOME_LABELS

    rows = []
    for c in answer.customers:
        if not everyone and not c.needs_call:
            continue
        rows.append(recall_docs.CallRow(
            c.name, c.phone_display, c.address, ", ".join(order_code(n) for n in c.orders), _day(c.first_order),
            "; ".join(c.products), c.quantity, _situation(c), ", ".join(c.carriers), ", ".join(c.tracking),
            VI(OUTCOME_LABELS[c.outcome]), c.outcome_who, _stamp(c.outcome_at) if c.outcome_at else "", c.message))
    return rows


def _coop(database: Database) -> tuple[str, str, str, str, str]:
    coop = coop_store.get(database)
    if coop is None:
        return ("Hợp tác xã", "", "", "", "")
    phone = display_phone(coop.phone) if coop.phone else ""
    line = " · ".join(x for x in (coop.address_line(), phone) if x)
    return coop.name, line, coop.tax_code, coop.address_line(), phone


def call_list(database: Database, answer: WhoGot, view: RecallView | None = None,
              today: date | None = None) -> recall_docs.CallList:
    name, line, *_rest = _coop(database)
    rows = call_rows(answer)
    transit = len({c.customer_id for c in answer.customers if IN_TRANSIT in c.groups})
    delivered = len({c.customer_id for c in answer.customers if DELIVERED in c.groups})
    counts = f"{len(rows)} khách cần gọi · {transit} có hàng đang vận chuyển · {delivered} đã nhận hàng"
    if view is not None:
        title = f"Thu hồi #{view.id} — {VI(SOURCE_LABELS[view.source_kind]).lower()} {view.source_label}"
        decided = f"Quyết định ngày {_day(view.day)}" + (f" · {view.decided_by}" if view.decided_by else "")
        reason = view.reason
    else:
        title = f"Ai đã nhận {answer.start_label}"
        decided = "Chưa mở hồ sơ thu hồi"
        reason = "—"
    return recall_docs.CallList(name, line, title, reason, decided, ", ".join(f.code for f in answer.lots) or "—",
                                counts, format_date(today or date.today()), tuple(rows))


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
    counted = {o: 0 for o in OUTCOMES}
    for c in view.to_call:
        counted[c.outcome] += 1
    from coopdesk.domain.recall import OUTCOME_LABELS

    outcomes = [(VI(OUTCOME_LABELS[o]), str(n)) for o, n in counted.items() if n]
    outcomes.append(("Chưa liên hệ được", str(len(view.not_reached))))
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
                               format_date(today or date.today()))


def write_summary(database: Database, view: RecallView, target: Path) -> Path:
    data = recall_docs.summary_pdf(summary(database, view))
    with atomic_write(Path(target)) as temp:
        temp.write_bytes(data)
    return Path(target)


__all__ = ["GROUPS", "call_list", "call_rows", "summary", "write_buyers", "write_call_list", "write_summary"]
