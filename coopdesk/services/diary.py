"""The farming diary: print it (PDF, xlsx) for inspectors, and bring in diaries kept on paper or in spreadsheets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from coopdesk.documents import spreadsheets
from coopdesk.documents.diary import COLUMNS_VI, Diary, DiaryRow, diary_pdf
from coopdesk.documents.output import write_bytes
from coopdesk.domain import addresses
from coopdesk.domain.dates import format_date
from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.lots import (
    EVENT_KINDS,
    EVENT_LABELS,
    FERTILISING,
    PACKING,
    EventDraft,
    TraceEvent,
    check_timeline,
    format_kg,
    validate_event,
)
from coopdesk.domain.products import format_weight
from coopdesk.domain.text import fold
from coopdesk.i18n import _, translator
from coopdesk.services import cooperative, traceability
from coopdesk.services.catalog import RowError
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit
from coopdesk.storage import lots as store
from coopdesk.storage.database import Database

TEMPLATE_COLUMNS = (
    ("day", "Ngày", "Date"),
    ("kind", "Công việc", "Work"),
    ("person", "Người thực hiện", "Who"),
    ("area", "Vùng trồng", "Growing area"),
    ("place", "Địa điểm", "Place"),
    ("input", "Vật tư", "Input"),
    ("dose", "Liều lượng", "Dose"),
    ("quantity_kg", "Số lượng (kg)", "Quantity (kg)"),
    ("packs", "Số gói", "Packs"),
    ("pack_size", "Quy cách gói", "Pack size"),
    ("method", "Phương pháp", "Method"),
    ("lab", "Nơi kiểm nghiệm", "Lab"),
    ("result", "Kết quả", "Result"),
    ("passed", "Đạt/Không đạt", "Passed"),
    ("note", "Ghi chú", "Note"),
)
SHEET = "Nhật ký"


def diary_of(database: Database, code: str, today: date | None = None) -> Diary:
    """The whole diary of a lot, private entries included: it is for the cooperative and inspectors."""
    v = traceability.view(database, code)
    coop = cooperative.get_profile(database)
    registry = traceability.inputs(database)
    all_areas = traceability.areas(database)
    t = translator("vi")
    rows = []
    for e in v.state.events:
        item = registry.get(e.input_id) if e.input_id is not None else None
        qty = ""
        if e.quantity_g:
            qty = format_kg(e.quantity_g)
        if e.kind == PACKING and e.packs:
            qty = f"{e.packs} × {format_weight(e.pack_size_g)}"
        note = " · ".join(x for x in (e.method, f"{e.lab}: {e.result}" if e.lab else "", e.note) if x)
        place = all_areas[e.area_id].name if e.area_id in all_areas else e.place
        rows.append(DiaryRow(format_date(e.day), t(EVENT_LABELS[e.kind]), item.name if item else "",
                             item.active_ingredient if item else "", e.dose, qty, e.person, place, note))
    areas = "; ".join(" · ".join(x for x in (a.name, a.code, addresses.commune_name(a.commune)) if x)
                      for a in v.areas)
    recalled = f"{v.recall['day']}: {v.recall['reason']}" if v.recall else ""
    return Diary(cooperative=coop.name if coop else "", address=coop.address_line() if coop else "",
                 tax_code=coop.tax_code if coop else "", lot_code=v.code, product=f"{v.product.sku} — {v.product.name}",
                 areas=areas, made_from=", ".join(v.made_from), rows=tuple(rows),
                 printed_on=format_date(today or date.today()), recalled=recalled)


def write_diary(database: Database, code: str, target: Path) -> Path:
    """The diary as .pdf or .xlsx, by the file's ending."""
    target = Path(target)
    d = diary_of(database, code)
    if target.suffix.lower() == ".pdf":
        data = diary_pdf(d)
    elif target.suffix.lower() == ".xlsx":
        data = spreadsheets.write_xlsx([(SHEET, list(COLUMNS_VI), [r.cells() for r in d.rows])])
    else:
        raise CoopDeskError(_("The diary file must end in .pdf or .xlsx, not “{name}”.").format(name=target.name))
    return write_bytes(target, data)


def write_template(database: Database, target: Path) -> Path:
    """An empty diary for members to fill, with a sheet listing the work types, areas and inputs to use."""
    t = translator("vi")
    guide = [[t(EVENT_LABELS[k]), k] for k in EVENT_KINDS]
    guide += [["", ""], ["Vùng trồng", "Mã vùng"]] + [[a.name, a.code] for a in traceability.areas(database).values()]
    guide += [["", ""], ["Vật tư", "Loại"]] + [[i.name, i.kind] for i in traceability.inputs(database).values()]
    example = ["01/03/2026", t(EVENT_LABELS[FERTILISING]), "Lê Văn Thắng", "", "", "NPK 16-16-8", "300 kg/ha",
               "", "", "", "", "", "", "", "(dòng mẫu — xóa trước khi nhập)"]
    data = spreadsheets.write_xlsx([(SHEET, [vi for _k, vi, _en in TEMPLATE_COLUMNS], [example]),
                                    ("Hướng dẫn", ["Công việc", "Mã"], guide)])
    return write_bytes(Path(target), data)


@dataclass
class DiaryImport:
    """What a filled diary would add to a lot, and each row's error."""

    file: str
    lot: str
    events: list[tuple[int, TraceEvent]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _kind_of(text: str) -> str:
    key = fold(text).strip()
    for kind in EVENT_KINDS:
        names = {kind, fold(translator("vi")(EVENT_LABELS[kind])), fold(EVENT_LABELS[kind])}
        names |= {n.split("/")[0].strip() for n in names}
        if key in names:
            return kind
    return text


def preview_diary(database: Database, code: str, source: Path, today: date | None = None,
                  reason: str = "") -> DiaryImport:
    """Check every row through the same rules as the 'add event' dialog, in date order; store nothing."""
    today = today or date.today()
    sheets = spreadsheets.read_xlsx(Path(source))
    result = DiaryImport(Path(source).name, code.upper())
    sheet, cols = spreadsheets.sheet_with_columns(sheets, result.file, SHEET, TEMPLATE_COLUMNS,
                                                  ("day", "kind", "person"), _("{file} has no diary sheet."))
    state = traceability.view(database, code).state
    if state.is_packed and not reason.strip():
        raise CoopDeskError(_("Lot {code} is packed and locked: give a reason to add diary entries to it.").format(
            code=state.lot.code))
    registry = traceability.inputs(database)
    members = {m["id"]: m["name"] for m in traceability.members(database)}
    inputs_by_name = {fold(i.name): i.id for i in registry.values()}
    all_areas = traceability.areas(database)
    areas_by_name = {fold(a.name): a.id for a in all_areas.values()} | {
        fold(a.code): a.id for a in all_areas.values() if a.code}
    parsed: list[tuple[int, TraceEvent]] = []
    for number, row in sheet.rows:
        v = {k: row.get(h, "") for k, h in cols.items()}
        if "dòng mẫu" in v.get("note", ""):
            continue
        area = v.get("area", "")
        area_id = areas_by_name.get(fold(area)) if area else None
        errors = []
        if area and area_id is None:
            errors.append(_("Growing area: “{text}” is not in the register").format(text=area))
        input_name = v.get("input", "")
        input_id = inputs_by_name.get(fold(input_name)) if input_name else None
        if input_name and input_id is None:
            errors.append(_("Input: “{text}” is not in the inputs register").format(text=input_name))
        draft = EventDraft(kind=_kind_of(v.get("kind", "")), day=v.get("day", ""), person=v.get("person", ""),
                           area_id=str(area_id or ""), place=v.get("place", ""), input_id=str(input_id or ""),
                           dose=v.get("dose", ""), quantity_kg=v.get("quantity_kg", ""), packs=v.get("packs", ""),
                           pack_size=v.get("pack_size", ""), method=v.get("method", ""), lab=v.get("lab", ""),
                           result=v.get("result", ""), passed=v.get("passed", ""), note=v.get("note", ""))
        try:
            event = traceability.with_member(database, validate_event(draft, registry, today), members)
        except ValidationError as e:
            errors += [err.message for err in e.errors if not (input_name and err.field == "input_id")]
            event = None
        for message in errors:
            result.errors.append(RowError(sheet.name, number, message))
        if event is not None and not errors:
            parsed.append((number, event))
    for number, event in sorted(parsed, key=lambda x: (x[1].day, x[0])):
        try:
            state = check_timeline(state, event, registry)
        except ValidationError as e:
            result.errors += [RowError(sheet.name, number, err.message) for err in e.errors]
            continue
        result.events.append((number, event))
    result.errors.sort(key=lambda x: x.row)
    return result


@atomic
def commit_diary(database: Database, preview: DiaryImport, reason: str = "") -> int:
    """Add every previewed event in one transaction, or none; returns how many were added."""
    if not preview.ok:
        raise CoopDeskError(_("{file} has {n} rows with errors: nothing was imported.").format(
            file=preview.file, n=len(preview.errors)))
    lot = store.lot_id(database, preview.lot)
    with database.transaction() as db:
        for _row, event in preview.events:
            event_id = store.insert_event(db, lot, event)
            if reason.strip():
                store.record_correction(db, lot, event_id, reason.strip(), None, event)
        audit.record(db, "import", "event", lot, {"file": preview.file, "events": len(preview.events)})
    return len(preview.events)
