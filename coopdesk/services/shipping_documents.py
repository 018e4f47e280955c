"""After the live: choose the orders, make the slips, picking list, handover sheets and report, record what was
printed, and move the orders along (new → packed when slips are printed, → handed at the handover check).

Making a document is a generator that yields Progress, so the window shows a progress bar with Cancel and the
command line just runs it to the end; the file appears under its final name only when it is complete.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from coopdesk.documents import shipping as docs
from coopdesk.documents import typeset as ts
from coopdesk.documents.spreadsheets import write_xlsx
from coopdesk.domain import addresses
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.lots import trace_path, trace_url
from coopdesk.domain.orders import CANCELLED, HANDED, NEW, PACKED, can_move
from coopdesk.domain.phones import display_phone
from coopdesk.domain.shipping import (
    HANDOVER,
    PICKING,
    REPORT,
    SLIPS,
    TIKTOK,
    LotTake,
    Parcel,
    ParcelLine,
    Selection,
    SessionReport,
    Totals,
    by_carrier,
    order_code,
    pick_rows,
    refusal,
    ten_minute_buckets,
)
from coopdesk.domain.text import fold
from coopdesk.i18n import _
from coopdesk.services import catalog, cooperative
from coopdesk.services.changes import Changes
from coopdesk.storage import lots as lot_store
from coopdesk.storage import shipping as store
from coopdesk.storage.database import Database

DEFAULT_STATUSES = {SLIPS: (NEW, PACKED), PICKING: (NEW, PACKED), HANDOVER: (NEW, PACKED), REPORT: ()}


class Cancelled(CoopDeskError):
    """The person pressed Cancel: nothing was written."""


@dataclass
class Progress:
    done: int
    total: int
    message: str = ""
    ready: Path | None = None  # a part file that is complete (slips made in parts)


@dataclass
class Chosen:
    """What the chosen orders hold, shown before anything is printed."""

    order_ids: list[int]
    parcels: list[Parcel]
    refused: list[tuple[int, str]]  # (order id, reason): no document for these
    printed_before: dict[int, tuple[int, str]]  # order id -> (times, last time) for this kind
    totals: Totals

    @property
    def printable(self) -> list[Parcel]:
        bad = {i for i, _r in self.refused}
        return [p for p in self.parcels if p.id not in bad]

    def carriers(self) -> dict[str, list[Parcel]]:
        return by_carrier(self.printable)

    def summary(self) -> str:
        t = self.totals
        text = _("{orders} orders · {parcels} parcels · {items} packs · COD {cod}").format(
            orders=t.orders, parcels=t.parcels, items=t.items, cod=docs.vnd(t.cod))
        if self.printed_before:
            text += " · " + _("{n} already printed").format(n=len(self.printed_before))
        if self.refused:
            text += " · " + _("{n} refused").format(n=len(self.refused))
        return text


@dataclass
class Made:
    """A finished document: the files written and the orders each covered."""

    kind: str
    files: list[Path]
    order_ids: list[int]
    refused: list[tuple[int, str]]
    totals: Totals
    sheets: list[tuple[str, str, list[int], int]] = field(default_factory=list)  # carrier, number, ids, cod
    pages: int = 0


# --- choosing ----------------------------------------------------------------------------------------

def select(database: Database, sel: Selection, kind: str = SLIPS) -> list[int]:
    """The ids of the chosen orders, oldest first."""
    if sel.is_empty():
        raise CoopDeskError(_("No orders chosen: pick a live session, a date range or orders in the list."))
    rows = store.select_ids(database, sel.session_id, sel.since.isoformat() if sel.since else None,
                            sel.until.isoformat() if sel.until else None, sel.order_ids)
    statuses = sel.statuses or DEFAULT_STATUSES.get(kind, ())
    carrier = None if sel.carrier is None else fold(sel.carrier.strip())
    channel = fold(sel.channel)
    out = []
    for order_id, status, order_carrier, platform, session_channel in rows:
        if statuses and status not in statuses and not sel.order_ids:
            continue
        if carrier is not None and fold(order_carrier.strip()) != carrier:
            continue
        if channel:
            own = "tiktok" if platform == TIKTOK else fold(session_channel)
            if own != channel:
                continue
        out.append(order_id)
    return out


def _recalls(database: Database) -> dict[int, str]:
    """Lot id -> the reason of a standing recall that reaches it (its own, or one of a lot it was made from)."""
    out: dict[int, str] = {}
    for r in lot_store.recalls(database):  # one row per reached lot, withdrawn recalls left out
        out.setdefault(r["lot_id"], r["reason"])
    return out


def parcels(database: Database, ids: list[int]) -> list[Parcel]:
    """The chosen orders as the documents print them (read by index, chunk by chunk)."""
    orders, lines, allocs, packed = store.load_orders(database, ids)
    coop = cooperative.get_profile(database)
    base = coop.trace_base_url if coop and coop.trace_base_url else ""
    recalled = _recalls(database)
    by_line: dict[int, list[dict]] = defaultdict(list)
    for a in allocs:
        by_line[a["line_id"]].append(a)
    by_order: dict[int, list[ParcelLine]] = defaultdict(list)
    for line in lines:
        takes = []
        for a in by_line.get(line["id"], []):
            day = packed.get(a["lot_id"])
            expiry = (date.fromisoformat(day) + timedelta(days=line["shelf_life_days"])
                      if day and line["shelf_life_days"] else None)
            url = trace_url(base, a["code"], a["gtin"]) if base else trace_path(a["code"], a["gtin"])
            takes.append(LotTake(a["code"], a["qty"], expiry, url, recalled.get(a["lot_id"], "")))
        by_order[line["order_id"]].append(ParcelLine(
            line["sku"], line["name"], line["qty"], line["unit_price"], line["discount"], line["unit"],
            line["storage_place"], line["unit_weight_g"], tuple(takes), line["product_id"],
            line["stated_weight_g"]))
    out = []
    for o in orders:
        place = [o["street"], addresses.commune_name(o["commune"]), addresses.province_name(o["province"])]
        address = ", ".join(x for x in place if x) if o["commune"] else (o["raw_address"] or o["street"])
        phone = display_phone(o["phone"]) if o["phone"] else ""
        out.append(Parcel(
            id=o["id"], created_at=o["created_at"], status=o["status"], session_id=o["session_id"],
            channel="TikTok" if o["platform"] == TIKTOK else o["channel"], platform=o["platform"],
            platform_order_id=o["platform_order_id"], name=o["name"], phone=phone, address=address,
            lines=tuple(by_order.get(o["id"], ())), shipping=o["shipping"], prepaid=o["prepaid"], total=o["total"],
            cod=o["cod"], delivery_note=o["delivery_note"], carrier=o["carrier"], tracking=o["tracking"],
            parcels=o["parcels"]))
    return out


def choose(database: Database, sel: Selection, kind: str) -> Chosen:
    """The chosen orders with their counts, COD total, the ones refused and the ones already printed."""
    ids = select(database, sel, kind)
    found = parcels(database, ids)
    refused = [(p.id, reason) for p in found if (reason := refusal(p, kind))] if kind != REPORT else []
    bad = {i for i, _r in refused}
    return Chosen(ids, found, refused, store.printed_before(database, ids, kind),
                  Totals.of([p for p in found if p.id not in bad]))


def sender(database: Database) -> docs.Sender:
    coop = cooperative.get_profile(database)
    if coop is None:
        raise CoopDeskError(_("Set up the cooperative's profile first (Settings): its name goes on every slip."))
    logo = catalog.media_path(database, coop.logo) if coop.logo else None
    return docs.Sender(coop.name, display_phone(coop.phone) if coop.phone else "", coop.address_line(), logo)


def describe(database: Database, sel: Selection) -> str:
    """What was chosen, in Vietnamese for the top of a document: the session's name, the days, the carrier."""
    parts = []
    if sel.session_id is not None:
        s = store.session(database, sel.session_id)
        parts.append(f"Phiên live “{s['name']}”" if s else f"Phiên live {sel.session_id}")
    if sel.since or sel.until:
        parts.append(f"{docs.day_text(sel.since) or '…'} – {docs.day_text(sel.until) or '…'}")
    if sel.order_ids:
        parts.append(f"{len(sel.order_ids)} đơn chọn tay")
    if sel.carrier:
        parts.append(sel.carrier)
    if sel.channel:
        parts.append(sel.channel)
    return ", ".join(parts)


# --- making documents --------------------------------------------------------------------------------

def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", fold(text)).strip("-") or "khac"


def carrier_file(out: Path, carrier: str) -> Path:
    """'ban-giao.pdf' + 'Viettel Post' -> 'ban-giao-viettel-post.pdf'."""
    return out.with_name(f"{out.stem}-{_slug(carrier)}{out.suffix}")


def _drain(gen: Iterator[int], total: int, label: str, cancel: threading.Event | None,
           every: int = 25) -> Iterator[Progress]:
    for n in gen:
        if cancel is not None and cancel.is_set():
            raise Cancelled(_("Cancelled: nothing was written."))
        if n % every == 0 or n == total:
            yield Progress(n, total, label)


def part_file(out: Path, n: int) -> Path:
    """'phieu.pdf', part 2 -> 'phieu-02.pdf'."""
    return out.with_name(f"{out.stem}-{n:02d}{out.suffix}")


JOIN_PART = 1000  # slips per part when one file is wanted: memory is that of one part, the join is PDFium's


def _slips_joined(who: docs.Sender, todo: list[Parcel], size: str, printed_at: str, out: Path,
                  cancel: threading.Event | None, parts_dir: Path | None) -> Iterator[Progress]:
    """Slips into one file made in parts of JOIN_PART: each part written and freed, announced in
    Progress.ready (so a window can print it while the next is made), then all joined into ``out``
    atomically. The parts live in ``parts_dir`` when given (the caller removes them), else in a temporary
    folder beside ``out`` removed at the end, cancel or not."""
    import shutil
    import tempfile

    own = parts_dir is None
    folder = Path(tempfile.mkdtemp(prefix=f".{out.stem}-parts-", dir=out.parent)) if own else Path(parts_dir)
    try:
        parts: list[Path] = []
        for n, first in enumerate(range(0, len(todo), JOIN_PART), start=1):
            chunk = todo[first:first + JOIN_PART]
            target = folder / f"{out.stem}-part-{n:03d}.pdf"
            with ts.atomic_write(target) as temp:
                for p in _drain(docs.write_slips(temp, who, chunk, size, printed_at), len(chunk),
                                _("Packing slips"), cancel):
                    yield Progress(first + p.done, len(todo), p.message)
            parts.append(target)
            yield Progress(first + len(chunk), len(todo), _("Packing slips"), ready=target)
        with ts.atomic_write(out) as temp:
            for n in docs.join_parts(parts, temp):
                if cancel is not None and cancel.is_set():
                    raise Cancelled(_("Cancelled: nothing was written."))
                yield Progress(len(todo), len(todo), _("Joining the parts ({n} of {total})").format(
                    n=n, total=len(parts)))
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)


def make(database: Database, sel: Selection, kind: str, out: Path, size: str = "a6", per_carrier: bool = False,
         cancel: threading.Event | None = None, now: datetime | None = None,
         part_size: int | None = None, parts_dir: Path | None = None) -> Iterator[Progress | Made]:
    """Make one document (or one file per carrier for handover sheets); yields Progress, then the Made.

    Slips with ``part_size`` are written as files of that many slips each (``out-01.pdf``, ``out-02.pdf`` …):
    each part is complete, and announced in Progress.ready, while the next is made, so printing can start
    sooner, and memory stays that of one part however many orders there are.

    More than JOIN_PART slips into one file are made in parts and joined (memory stays that of one part);
    each finished part is announced in Progress.ready, kept in ``parts_dir`` when given.

    Orders that must not get the document (a recalled lot, no phone or address, cancelled) are left out and
    listed in ``Made.refused`` with the reason. Raises CoopDeskError when nothing is left to print.
    """
    now = now or datetime.now()
    printed_at = now.strftime("%H:%M %d/%m/%Y")
    out = Path(out)
    if kind not in (SLIPS, PICKING, HANDOVER, REPORT):
        raise CoopDeskError(_("Unknown document “{kind}”.").format(kind=kind))
    if size not in docs.PAGE_SIZES:
        raise CoopDeskError(_("Unknown slip size “{size}” (a6, 100x150 or a5).").format(size=size))
    if not out.parent.is_dir():
        raise CoopDeskError(_("The folder {folder} does not exist.").format(folder=out.parent))
    who = sender(database)
    chosen = choose(database, sel, kind)
    if not chosen.order_ids:
        if sel.carrier:
            raise CoopDeskError(_("The carrier {carrier} has no orders among those chosen.").format(
                carrier=sel.carrier))
        raise CoopDeskError(_("No orders match what was chosen ({what}).").format(what=sel.describe() or "-"))
    todo = chosen.printable
    if not todo:
        raise CoopDeskError(_("None of the {n} chosen orders can be printed:").format(n=len(chosen.order_ids))
                            + "\n" + "\n".join(r for _i, r in chosen.refused[:10]))
    yield Progress(0, len(todo), _("Reading orders"))
    # The report lists cancelled orders too, but they collect nothing: the totals count the live ones only.
    counted = [p for p in todo if p.status != CANCELLED] if kind == REPORT else todo
    made = Made(kind, [], [p.id for p in todo], chosen.refused, Totals.of(counted))
    if kind == SLIPS and part_size and len(todo) > part_size:
        for n, first in enumerate(range(0, len(todo), part_size), start=1):
            part = todo[first:first + part_size]
            target = part_file(out, n)
            try:
                with ts.atomic_write(target) as temp:
                    for p in _drain(docs.write_slips(temp, who, part, size, printed_at), len(part),
                                    _("Packing slips"), cancel):
                        yield Progress(first + p.done, len(todo), p.message)
            except Cancelled:
                if not made.files:
                    raise
                raise Cancelled(_("Cancelled: the finished parts are kept ({files}); nothing else was written.")
                                .format(files=", ".join(f.name for f in made.files))) from None
            made.files.append(target)
            yield Progress(first + len(part), len(todo), _("Packing slips"), ready=target)
    elif kind == SLIPS and len(todo) > JOIN_PART:
        yield from _slips_joined(who, todo, size, printed_at, out, cancel, parts_dir)
        made.files.append(out)
    elif kind == SLIPS:
        with ts.atomic_write(out) as temp:
            yield from _drain(docs.write_slips(temp, who, todo, size, printed_at), len(todo), _("Packing slips"),
                              cancel)
        made.files.append(out)
    elif kind == PICKING:
        rows = pick_rows(todo)
        with ts.atomic_write(out) as temp:
            yield from _drain(docs.write_picking(temp, who, rows, todo, describe(database, sel), printed_at,
                                                 per_order=len(todo) <= 300), len(rows), _("Picking list"), cancel)
        made.files.append(out)
    elif kind == HANDOVER:
        groups = by_carrier(todo)
        if sel.carrier and not groups:
            raise CoopDeskError(_("The carrier {carrier} has no orders among those chosen.").format(
                carrier=sel.carrier))
        seq = store.handover_sheets_on(database, now.date().isoformat())
        sheets = []
        for i, (carrier, group) in enumerate(groups.items(), start=1):
            number = f"BG-{now:%Y%m%d}-{seq + i:02d}"
            sheets.append(docs.HandoverSheet(carrier, number, now.date(), tuple(group)))
            made.sheets.append((carrier, number, [p.id for p in group], sum(p.cod for p in group)))
        targets = [(carrier_file(out, s.carrier), [s]) for s in sheets] if per_carrier else [(out, sheets)]
        done = 0
        for target, part in targets:
            n = sum(len(s.parcels) for s in part)
            with ts.atomic_write(target) as temp:
                for p in _drain(docs.write_handover(temp, who, part, printed_at), n, _("Handover sheets"), cancel):
                    yield Progress(done + p.done, len(todo), p.message)
            done += n
            made.files.append(target)
    else:
        reports = session_reports(database, todo)
        if out.suffix.lower() == ".xlsx":
            with ts.atomic_write(out) as temp:
                temp.write_bytes(report_xlsx(reports))
        else:
            with ts.atomic_write(out) as temp:
                yield from _drain(docs.write_report(temp, who, reports, printed_at), len(reports), _("Report"),
                                  cancel, every=1)
        made.files.append(out)
    yield made


def run(gen: Iterator[Progress | Made]) -> Made:
    """Run a make() to the end (the command line's way) and return what was made."""
    result = None
    for step in gen:
        if isinstance(step, Made):
            result = step
    assert result is not None
    return result


# --- recording and moving orders ---------------------------------------------------------------------

def record(database: Database, made: Made, who: str = "", target: str = "") -> None:
    """Remember that these orders got this document (a reprint is allowed and recorded again)."""
    with database.transaction() as db:
        if made.sheets:
            for carrier, number, ids, cod in made.sheets:
                store.record_job(db, made.kind, ids, who, carrier, number, cod, target)
        else:
            store.record_job(db, made.kind, made.order_ids, who, "", "", made.totals.cod, target)


def _move(database: Database, ids: list[int], to: str, who: str, allowed: tuple[str, ...]) -> list[int]:
    current = store.statuses(database, ids)
    moves = []
    for order_id in ids:
        old = current.get(order_id)
        if old is None or old not in allowed:
            continue
        if old == NEW and to == HANDED:  # packed on the way: both steps are in the history
            moves += [(order_id, NEW, PACKED), (order_id, PACKED, HANDED)]
        elif can_move(old, to):
            moves.append((order_id, old, to))
    with database.transaction() as db:
        store.move_orders(db, moves, who)
    return sorted({m[0] for m in moves})


def mark_packed(database: Database, ids: list[int], who: str = "") -> tuple[list[int], Changes]:
    """New → packed for the orders whose slips were printed, in one transaction; other statuses stay.

    An order with a line no lot fills (a backorder, an oversell) stays New: packing it needs a stated reason
    (``order_entry.set_status``), which a bulk print cannot give. ``short_of_lots`` names them for the message.
    """
    short = store.short_of_lots(database, ids)
    return _move(database, [i for i in ids if i not in short], PACKED, who, (NEW,)), Changes(orders=True)


def short_of_lots(database: Database, ids: list[int]) -> list[int]:
    """The orders among ``ids`` that have a line with no packs from a lot, in id order."""
    return sorted(store.short_of_lots(database, ids))


def confirm_handover(database: Database, ids: list[int], who: str = "") -> tuple[list[int], Changes]:
    """The ticked orders → handed to carrier, all in one transaction (none of them if anything fails)."""
    if not ids:
        raise CoopDeskError(_("No parcel was scanned: nothing was handed over."))
    return _move(database, ids, HANDED, who, (NEW, PACKED)), Changes(orders=True)


def assign_carrier(database: Database, ids: list[int], carrier: str, tracking: dict[int, str] | None = None,
                   who: str = "") -> Changes:
    """Give the chosen orders (not yet handed over) a carrier, and tracking numbers where known."""
    from coopdesk.domain.text import clean

    carrier = clean(carrier)
    if not ids:
        raise CoopDeskError(_("No orders chosen."))
    current = store.statuses(database, ids)
    gone = [i for i in ids if current.get(i) not in (NEW, PACKED)]
    if gone:
        raise CoopDeskError(_("Orders {ids} are no longer new or packed: their carrier stays.").format(
            ids=", ".join(order_code(i) for i in gone[:10])))
    tracking = tracking or {}
    stray = sorted(set(tracking) - set(ids))
    if stray:
        raise CoopDeskError(_("Tracking numbers were given for orders that are not chosen: {codes}.").format(
            codes=", ".join(order_code(i) for i in stray[:10])))
    with database.transaction() as db:
        store.set_carriers(db, [(carrier, clean(tracking[i]) if i in tracking else None, i) for i in ids])
    return Changes(orders=True)


def recent_carriers(database: Database, days: int = 120) -> list[str]:
    """Carriers of the orders of the last ``days`` days (read through the creation-time index), one spelling
    each, in Vietnamese order: what the filter and the Set carrier list offer."""
    from coopdesk.domain.text import sort_key

    since = (date.today() - timedelta(days=days)).isoformat()
    seen: dict[str, str] = {}
    for name in store.carriers_since(database, since):
        seen.setdefault(fold(name.strip()), name.strip())
    return sorted(seen.values(), key=sort_key)


def jobs(database: Database, limit: int = 50) -> list[dict]:
    return store.jobs(database, limit)


# --- the after-live report ---------------------------------------------------------------------------

def session_reports(database: Database, chosen: list[Parcel]) -> list[SessionReport]:
    """One report per live session of the chosen orders (orders of no session make one of their own)."""
    groups: dict[int | None, list[Parcel]] = defaultdict(list)
    for p in chosen:
        groups[p.session_id].append(p)
    out = []
    for session_id in sorted(groups, key=lambda s: (s is None, s or 0)):
        group = groups[session_id]
        s = store.session(database, session_id) if session_id is not None else None
        live = [p for p in group if p.status != CANCELLED]
        gone = [p for p in group if p.status == CANCELLED]
        packs: Counter = Counter()
        money: Counter = Counter()
        names: dict[str, str] = {}
        for p in live:
            for line in p.lines:
                packs[line.sku] += line.qty
                money[line.sku] += line.amount
                names.setdefault(line.sku, line.name)
        top = tuple((sku, names[sku], packs[sku], money[sku]) for sku, _n in
                    sorted(packs.items(), key=lambda kv: (-kv[1], kv[0]))[:10])
        carriers: dict[str, list[Parcel]] = by_carrier(live)
        out.append(SessionReport(
            session_id=session_id or 0, name=s["name"] if s else _("Orders outside a live session"),
            channel=s["channel"] if s else "", started_at=s["started_at"] if s else min(p.created_at for p in group),
            ended_at=(s["ended_at"] or "") if s else max(p.created_at for p in group),
            orders=len(live), items=sum(p.items for p in live), revenue=sum(p.total - p.shipping for p in live),
            shipping=sum(p.shipping for p in live),
            cod=sum(p.cod for p in live), cancelled=len(gone), cancelled_value=sum(p.total for p in gone),
            top_products=top, carriers=tuple((c, len(g), sum(p.cod for p in g)) for c, g in carriers.items()),
            per_ten_minutes=tuple(ten_minute_buckets([p.created_at for p in live], s["started_at"] if s else "",
                                                     (s["ended_at"] or "") if s else ""))))
    return out


def report_xlsx(reports: list[SessionReport]) -> bytes:
    """The report as a workbook; every text cell neutralised against formula injection."""
    safe = ts.xlsx_safe
    summary = [[safe(r.name), safe(r.channel), r.started_at[:16], (r.ended_at or "")[:16], r.orders, r.items,
                r.revenue, r.shipping, r.cod, r.cancelled, r.cancelled_value] for r in reports]
    top = [[safe(r.name), safe(sku), safe(name), q, m] for r in reports for sku, name, q, m in r.top_products]
    carriers = [[safe(r.name), safe(c), n, cod] for r in reports for c, n, cod in r.carriers]
    slots = [[safe(r.name), t, n] for r in reports for t, n in r.per_ten_minutes]
    return write_xlsx([
        ("Tổng quan", ["Phiên live", "Kênh", "Bắt đầu", "Kết thúc", "Đơn", "Gói", "Tiền hàng (đ)", "Phí ship (đ)",
                       "COD (đ)", "Đơn hủy", "Giá trị hủy (đ)"], summary),
        ("Sản phẩm", ["Phiên live", "Mã SP", "Sản phẩm", "Gói", "Doanh thu (đ)"], top),
        ("Vận chuyển", ["Phiên live", "Đơn vị", "Đơn", "COD (đ)"], carriers),
        ("Mỗi 10 phút", ["Phiên live", "Từ", "Đơn"], slots),
    ])


def report(database: Database, sel: Selection) -> list[SessionReport]:
    """The report's figures for the window."""
    return session_reports(database, choose(database, sel, REPORT).parcels)
