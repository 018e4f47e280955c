"""Publishing what buyers may see: the trace site, lot QR codes, the farming diary for inspectors."""

from __future__ import annotations

from collections.abc import Generator
from datetime import date
from pathlib import Path

from coopdesk.documents import trace_site
from coopdesk.documents.qr import write_qr
from coopdesk.domain import addresses
from coopdesk.domain.dates import format_date
from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.lots import (
    EVENT_LABELS,
    FERTILISING,
    HARVEST,
    PACKING,
    PLANTING,
    PROCESSING,
    QUALITY_TEST,
    SPRAYING,
    GrowingArea,
    Input,
    Redactor,
    TraceEvent,
    format_kg,
    public_events,
    trace_path,
)
from coopdesk.domain.phones import display_phone
from coopdesk.domain.products import format_weight
from coopdesk.i18n import _, translator
from coopdesk.services import catalog, cooperative, traceability
from coopdesk.services.progress import Progress, run_to_end
from coopdesk.services.traceability import LotView
from coopdesk.storage.database import Database


def event_details(ev: TraceEvent, registry: dict[int, Input], lang: str) -> list[str]:
    """The lines under an event, in one language: inputs, doses, quantities, results."""
    t = translator(lang)
    item = registry.get(ev.input_id) if ev.input_id is not None else None
    lines = []
    if ev.kind == PLANTING and item:
        lines.append(t("Variety: {name}").format(name=item.name))
    if ev.kind == FERTILISING and item:
        lines.append(t("Fertiliser: {name}").format(name=item.name))
    if ev.kind == SPRAYING and item:
        extra = ", ".join(x for x in (
            t("active ingredient {ai}").format(ai=item.active_ingredient) if item.active_ingredient else "",
            t("reg. no. {no}").format(no=item.registration_no) if item.registration_no else "") if x)
        lines.append(t("Pesticide: {name}").format(name=item.name) + (f" ({extra})" if extra else ""))
        if item.phi_days:
            lines.append(t("Pre-harvest interval: {days} days").format(days=item.phi_days))
    if ev.dose:
        lines.append(t("Dose: {dose}").format(dose=ev.dose))
    if ev.kind == HARVEST and ev.quantity_g:
        lines.append(t("Harvested: {qty}").format(qty=format_kg(ev.quantity_g)))
    if ev.kind == PROCESSING:
        if ev.method:
            lines.append(t("Method: {method}").format(method=ev.method))
        if ev.quantity_g:
            lines.append(t("Output: {qty}").format(qty=format_kg(ev.quantity_g)))
    if ev.kind == QUALITY_TEST:
        verdict = {True: t("passed"), False: t("failed"), None: ""}[ev.passed]
        lines.append(t("Tested by {lab}: {result}").format(lab=ev.lab, result=ev.result)
                     + (f" ({verdict})" if verdict else ""))
    if ev.kind == PACKING and ev.packs:
        lines.append(t("{packs} packs of {size}").format(packs=ev.packs, size=format_weight(ev.pack_size_g)))
    if ev.note:
        lines.append(ev.note)
    return lines


def _place(ev: TraceEvent, all_areas: dict[int, GrowingArea]) -> str:
    if ev.area_id in all_areas:
        return all_areas[ev.area_id].name
    return ev.place


def public_lot(database: Database, v: LotView, today: date, registry: dict[int, Input],
               all_areas: dict[int, GrowingArea], private_ids: set[int],
               paths: dict[str, str], redact: Redactor | None = None,
               members: dict[int, dict] | None = None) -> trace_site.PublicLot:
    """Only what a buyer may see: no buyers, no prices paid, nothing a member kept private.

    A private household is hidden by its id wherever a record points at it (an entry's 'Who', an area's
    owner); ``redact`` also takes its name out of free text someone typed it into. ``members`` (id -> member)
    is read once by a caller making many lots' pages.
    """
    redact = redact or Redactor([])
    p = v.product
    photo = catalog.media_path(database, p.photo)
    if p.photo and photo is None:
        raise CoopDeskError(_("The photo of {sku} ({file}) is missing from the data folder.").format(
            sku=p.sku, file=p.photo))
    stars = p.ocop_stars if p.ocop_valid_on(today) else 0
    ocop_note, certs = {}, {}
    for lang in ("vi", "en"):
        t = translator(lang)
        until = t("valid until {date}").format(date=format_date(p.ocop_expires)) if p.ocop_expires else ""
        ocop_note[lang] = " · ".join(x for x in (p.ocop_cert_no, p.ocop_authority, until) if x)
        certs[lang] = tuple(
            f"{c.kind} {c.number}".strip()
            + (f" ({t('valid until {date}').format(date=format_date(c.expires))})" if c.expires else "")
            for c in p.certifications if c.expires is None or c.expires >= today)
    origin = ", ".join(x for x in (addresses.commune_name(p.origin_commune),
                                   addresses.province_name(p.origin_province)) if x)
    if members is None:
        members = {m["id"]: m for m in cooperative.members(database)}
    area_lines = []
    for a in v.areas:
        owner = members.get(a.member_id)
        owner_name = owner["name"] if owner and a.member_id not in private_ids else ""
        size = f"{a.area_m2:,} m²".replace(",", ".") if a.area_m2 else ""
        area_lines.append(redact(" · ".join(x for x in (a.name, a.code, size, owner_name,
                                                        addresses.commune_name(a.commune)) if x)))
    st = v.state
    dates = []
    for kind, vi, en in ((PLANTING, "Ngày gieo trồng", "Planted"), (HARVEST, "Ngày thu hoạch", "Harvested"),
                         (PACKING, "Ngày đóng gói", "Packed")):
        if st.first(kind):
            dates.append((vi, en, format_date(st.first(kind))))
    if v.expiry:
        dates.append(("Hạn sử dụng", "Best before", format_date(v.expiry)))
    events = []
    vi, en = translator("vi"), translator("en")
    for ev in public_events(st):
        person = "" if ev.member_id in private_ids else redact(ev.person)
        photos = []
        for name in ev.photos:
            path = catalog.media_path(database, name)
            if path is None:
                raise CoopDeskError(_("A photo of lot {code} ({file}) is missing from the data folder.").format(
                    code=v.code, file=name))
            photos.append(path)
        events.append(trace_site.PublicEvent(
            day=format_date(ev.day), kind=ev.kind,
            label={"vi": vi(EVENT_LABELS[ev.kind]), "en": en(EVENT_LABELS[ev.kind])},
            details={lang: [redact(x) for x in event_details(ev, registry, lang)] for lang in ("vi", "en")},
            person=person, place=redact(_place(ev, all_areas)), photos=tuple(photos)))
    recall = (format_date(date.fromisoformat(v.recall["day"])), redact(v.recall["reason"])) if v.recall else None
    return trace_site.PublicLot(
        path=paths[v.code], code=v.code, product=p.name, product_en=p.name_en, photo=photo,
        pack=f"{p.unit} {format_weight(p.net_weight_g)}".strip(), ocop_stars=stars or 0, ocop_note=ocop_note,
        certifications=certs, origin=origin, areas=tuple(area_lines), dates=tuple(dates),
        made_from=tuple((c, paths[c]) for c in v.made_from if c in paths), events=tuple(events), recall=recall,
        used_in=tuple((c, paths[c]) for c in v.used_in if c in paths))


def export_site(database: Database, out: Path, today: date | None = None) -> trace_site.SiteReport:
    """Write the whole public site: an index and one page (vi + en) per lot at the path its QR encodes."""
    return run_to_end(export_site_job(database, out, today))


def export_site_job(database: Database, out: Path, today: date | None = None
                    ) -> Generator[Progress, None, trace_site.SiteReport]:
    """``export_site`` as a long job: yields Progress per lot read, then writes the site; returns the report."""
    today = today or date.today()
    coop = cooperative.get_profile(database)
    if coop is None:
        raise CoopDeskError(_("Set up the cooperative's profile first (Settings)."))
    items = traceability.views(database)
    registry = traceability.inputs(database)
    all_areas = traceability.areas(database)
    members = {m["id"]: m for m in cooperative.members(database)}
    private = [m for m in members.values() if m["private"]]
    private_ids = {m["id"] for m in private}
    redact = Redactor([m["name"] for m in private])
    paths = {v.code: trace_path(v.code, v.product.gtin) for v in items}
    lots = []
    for i, v in enumerate(items):
        lots.append(public_lot(database, v, today, registry, all_areas, private_ids, paths, redact, members))
        yield Progress(i + 1, len(items) + 1, v.code)
    logo = catalog.media_path(database, coop.logo)
    public = trace_site.PublicCoop(name=coop.name, address=coop.address_line(),
                                   phone=display_phone(coop.phone) if coop.phone else "", tax_code=coop.tax_code,
                                   logo=logo)
    report = trace_site.write_site(Path(out), public, lots)
    yield Progress(len(items) + 1, len(items) + 1)
    return report


def lot_qr(database: Database, code: str, target: Path) -> tuple[str, Path]:
    """Write the lot's QR (PNG or SVG); returns the URL it encodes."""
    v = traceability.view(database, code)
    url = traceability.lot_url(cooperative.get_profile(database), v)
    return url, write_qr(url, Path(target))
