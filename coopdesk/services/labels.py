"""QR label printing, for the window and the command line: templates, the checks a job must pass, the PDF and the
thermal command streams (as generators that report progress and can be stopped), sending, and the print log.

A long job is a generator yielding Progress; stopping it (``close()``) leaves no file under the final name,
because every file is written through ``atomic_write``. Nothing here touches Qt.
"""

from __future__ import annotations

import getpass
import io
import json
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from coopdesk.documents import labels as doc
from coopdesk.documents import thermal
from coopdesk.documents import typeset as ts
from coopdesk.documents.raster import pdf_pages_to_images
from coopdesk.domain.dates import format_date
from coopdesk.domain.errors import CoopDeskError, FieldError, ValidationError
from coopdesk.domain.labels import (
    DROP_ORDER,
    LabelContent,
    LabelTemplate,
    check_fits,
    check_job,
    dots,
    validate_template,
)
from coopdesk.domain.lots import status_label
from coopdesk.domain.money import format_vnd
from coopdesk.domain.products import format_weight
from coopdesk.i18n import _
from coopdesk.services import cooperative, traceability
from coopdesk.services.changes import Changes
from coopdesk.storage import labels as store
from coopdesk.storage.database import Database

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "resources" / "label_templates"


@dataclass(frozen=True)
class Progress:
    """How far a job is: ``done`` of ``total`` labels (or pages), and what it is doing."""

    done: int
    total: int
    note: str = ""


# --- templates -------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def builtin_templates() -> dict[str, LabelTemplate]:
    """The templates shipped as JSON files, one per stock, by command-line name."""
    out = {}
    for path in sorted(TEMPLATE_DIR.glob("*.json")):
        t = validate_template(json.loads(path.read_text(encoding="utf-8")), custom=False)
        out[t.name] = t
    return out


def templates(database: Database | None = None) -> dict[str, LabelTemplate]:
    """Shipped templates, then the cooperative's own: single rolls, rolls with labels across, sheets; each by
    size."""
    found = dict(builtin_templates())
    if database is not None:
        for name, data in store.custom_templates(database).items():
            try:
                found[name] = validate_template(data, custom=True)
            except ValidationError:
                continue  # a template saved by a newer CoopDesk with rules this one lacks: not offered
    return dict(sorted(found.items(), key=lambda kv: (kv[1].custom, kv[1].kind != "roll", kv[1].columns > 1,
                                                      kv[1].page_w * kv[1].page_h, kv[1].label_w * kv[1].label_h,
                                                      kv[0])))


def template(database: Database | None, name: str, dpi: int | None = None) -> LabelTemplate:
    known = templates(database)
    found = known.get(name.strip().lower())
    if found is None:
        raise CoopDeskError(_("No label template is called “{name}”. Known templates: {names}").format(
            name=name, names=", ".join(known)))
    return found.with_dpi(dpi) if dpi else found


def save_template(database: Database, data: dict) -> tuple[LabelTemplate, Changes]:
    """Validate and keep a template a person made; a shipped template's name cannot be taken."""
    made = validate_template(data, custom=True)
    if made.name in builtin_templates():
        raise ValidationError([FieldError("name", _("Name: {name} is a template CoopDesk ships; choose another "
                                                    "name").format(name=made.name))])
    with database.transaction() as db:
        store.save_template(db, made.name, made.as_dict())
    return made, Changes(settings=True)


def delete_template(database: Database, name: str) -> Changes:
    with database.transaction() as db:
        store.delete_template(db, name)
    return Changes(settings=True)


def offset_for(database: Database, printer: str, template_name: str) -> tuple[float, float]:
    """The calibration offset (mm right, mm down) kept for this printer and template."""
    return store.offset(database, printer, template_name)


def save_offset(database: Database, printer: str, template_name: str, offset: tuple[float, float]) -> None:
    from coopdesk.domain.labels import parse_offset

    dx, dy = parse_offset(f"{offset[0]},{offset[1]}")
    with database.transaction() as db:
        store.save_offset(db, printer, template_name, dx, dy)


# --- what a lot's label says -----------------------------------------------------------------------------------

def lot_content(database: Database, code: str, today: date, with_price: bool = False,
                view: traceability.LotView | None = None) -> tuple[LabelContent, int, list[str]]:
    """The label of a packed lot, its id and the warnings; CoopDeskError when the lot must not be labelled."""
    v = view or traceability.view(database, code)
    if v.recall:
        raise CoopDeskError(_("Lot {code} is recalled ({day}: {reason}); its labels must not be printed.").format(
            code=v.code, day=_day(v.recall["day"]), reason=v.recall["reason"]))
    if not v.state.is_packed:
        raise CoopDeskError(_("Lot {code} is not packed yet (it is {status}); labels carry the packing date, so "
                              "record the packing in its diary first.").format(
            code=v.code, status=status_label(v.state.status).lower()))
    coop = cooperative.get_profile(database)
    if coop is None or not coop.trace_base_url:
        raise CoopDeskError(_("The cooperative has no trace page address yet, so a label's QR would lead nowhere. "
                              "Set it under Settings → Cooperative (e.g. https://truyxuat.htx.vn)."))
    p = v.product
    warnings = []
    stars = p.ocop_stars or 0
    if stars and not p.ocop_valid_on(today):
        warnings.append(_("Lot {code}: the OCOP stars are left off: the certificate expired on {day}.").format(
            code=v.code, day=format_date(p.ocop_expires)))
        stars = 0
    expiry = v.expiry
    if expiry is None:
        warnings.append(_("Lot {code}: no expiry date (HSD) on the label: set the product's shelf life.").format(
            code=v.code))
    elif expiry < today:
        warnings.append(_("Lot {code}: its expiry date {day} has passed.").format(code=v.code,
                                                                                  day=format_date(expiry)))
    packing = v.state.of("packing")
    grams = packing[0].pack_size_g if packing and packing[0].pack_size_g else p.net_weight_g
    content = LabelContent(
        lot_code=v.code, product=p.name, url=traceability.lot_url(coop, v), packed=v.state.first("packing"),
        expiry=expiry, net_weight=format_weight(grams), ocop_stars=stars, coop_name=coop.name,
        coop_address=coop.address_line(), price=format_vnd(p.price_vnd) if with_price and p.price_vnd else "")
    return content, v.state.lot.id, warnings


def _day(value: object) -> str:
    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


# --- a job -----------------------------------------------------------------------------------------------------

@dataclass
class PreparedJob:
    """A checked job, ready to write in any form: plain data, safe to hand to a background thread."""

    template: LabelTemplate
    labels: list[doc.PreparedLabel]
    counts: list[int]
    lot_ids: list[int]
    start: int = 1
    offset: tuple[float, float] = (0.0, 0.0)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def codes(self) -> list[str]:
        return [label.content.lot_code for label in self.labels]

    def pages(self) -> list[list[tuple[int, int]]]:
        return doc.pages_of(self.template, self.start, self.counts)

    @property
    def title(self) -> str:
        return _("QR labels {lots}").format(lots=", ".join(self.codes))


def prepare_job(database: Database, template_name: str | LabelTemplate, lots: list[tuple[str, int]],
                start: int = 1, offset: tuple[float, float] = (0.0, 0.0), with_price: bool = False,
                today: date | None = None, dpi: int | None = None) -> PreparedJob:
    """Check everything a job needs and lay each lot's label out once; raises with every reason at once."""
    today = today or date.today()
    t = template_name if isinstance(template_name, LabelTemplate) else template(database, template_name, dpi)
    check_job(t, [n for _c, n in lots], start)
    problems, labels, ids, warnings = [], [], [], []
    seen = set()
    coop = cooperative.get_profile(database)
    base = coop.trace_base_url if coop else ""
    for code, _n in lots:
        key = code.strip().upper()
        if key in seen:
            problems.append(FieldError("lots", _("Lot {code} is listed twice; give it one count").format(code=code)))
            continue
        seen.add(key)
        try:  # one lot's rows each (opening a lot costs the same with 10 lots or 10,000)
            content, lot_id, notes = lot_content(database, code, today, with_price)
        except CoopDeskError as e:
            problems.append(FieldError("lots", e.message))
            continue
        symbol = ts.qr_symbol(content.url, t.qr_error)
        try:
            layouts = check_fits(t, content.url, symbol.modules, list(templates(database).values()), base)
        except CoopDeskError as e:
            problems.append(FieldError("template", e.message))
            continue
        # The largest QR module whose text still fits uncut ("4 dots where the label allows").
        tried = [doc.prepare(content, layout, symbol) for layout in layouts]
        label = min(tried, key=lambda p: (len(p.cut), -p.layout.module_dots))
        labels.append(label)
        ids.append(lot_id)
        warnings += notes + label.warnings()
    if problems:
        raise ValidationError(problems)
    return PreparedJob(t, labels, [n for _c, n in lots], ids, start, offset, warnings)


def write_pdf(job: PreparedJob, target: Path | io.BytesIO) -> Iterator[Progress]:
    """Write the job's PDF; yields progress per page. Stopped or failed, nothing is left under ``target``."""
    pages = job.pages()
    if isinstance(target, io.BytesIO):
        for done in doc.write_labels(target, job.template, job.labels, pages, job.offset, job.title):
            yield Progress(done, job.total, _("Drawing labels"))
        return
    with ts.atomic_write(Path(target)) as temp:
        for done in doc.write_labels(temp, job.template, job.labels, pages, job.offset, job.title):
            yield Progress(done, job.total, _("Drawing labels"))


def pdf_bytes(job: PreparedJob) -> bytes:
    """The job's whole PDF in memory (for the preview and the print path: the same bytes as the saved file)."""
    buf = io.BytesIO()
    for _p in write_pdf(job, buf):
        pass
    return buf.getvalue()


def calibration_page(t: LabelTemplate, offset: tuple[float, float] = (0.0, 0.0), note: str = "") -> bytes:
    """The test page (outlines, centre crosses, a ruler) as PDF bytes, moved by ``offset``."""
    buf = io.BytesIO()
    doc.write_test_page(buf, t, offset, note)
    return buf.getvalue()


def thermal_chunks(job: PreparedJob, kind: str) -> Iterator[Progress | bytes]:
    """The job as TSPL or ZPL: each distinct label row drawn once (the same PDF drawing), rendered at the
    printer's dpi, sent as a bitmap with a copy count. Yields bytes chunks and Progress between them."""
    if kind not in thermal.FORMATS:
        raise CoopDeskError(_("Printer language: {kind} is not TSPL or ZPL").format(kind=kind))
    t = job.template
    if not t.is_thermal:
        raise CoopDeskError(_("{name} is a sheet for office printers; TSPL and ZPL are for thermal label rolls. "
                              "Print it or save it as PDF.").format(name=t.name))
    groups = doc.group_pages(job.pages())
    buf = io.BytesIO()
    for _d in doc.write_labels(buf, t, job.labels, [page for page, _n in groups], job.offset, job.title):
        pass
    images = pdf_pages_to_images(buf.getvalue(), t.dpi, crisp=True, grayscale=True)
    if kind == "tspl":
        yield thermal.tspl_header(t.page_w, t.page_h, t.feed_gap)
    done = 0
    size = (dots(t.page_w, t.dpi), dots(t.page_h, t.dpi))  # the stock in whole dots, not a rounding row more
    for (page, repeat), image in zip(groups, images, strict=True):
        image = image.crop((0, 0, *size)) if image.size != size else image
        yield thermal.tspl_page(image, repeat) if kind == "tspl" else thermal.zpl_page(image, repeat)
        done += len(page) * repeat
        yield Progress(done, job.total, _("Drawing labels"))


def thermal_bytes(job: PreparedJob, kind: str) -> bytes:
    return b"".join(c for c in thermal_chunks(job, kind) if isinstance(c, bytes))


def write_thermal(job: PreparedJob, kind: str, target: Path) -> Iterator[Progress]:
    """Write the TSPL/ZPL stream to a file (for copying to the printer, or `lp -o raw` later)."""
    with ts.atomic_write(Path(target)) as temp:
        with open(temp, "wb") as fh:
            for chunk in thermal_chunks(job, kind):
                if isinstance(chunk, bytes):
                    fh.write(chunk)
                else:
                    yield chunk


def parse_host(text: str) -> tuple[str, int]:
    """'192.168.1.50:9100' or '192.168.1.50' (port 9100) -> (host, port)."""
    host, sep, port = text.strip().rpartition(":")
    if not sep:
        host, port = text.strip(), "9100"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CoopDeskError(_("Printer address: “{text}” is not HOST:PORT (e.g. 192.168.1.50:9100)").format(
            text=text))
    return host, int(port)


def send_tcp(data: bytes, address: str, timeout: float = 10.0) -> None:
    """Send raw printer commands to a network printer (port 9100, 'JetDirect')."""
    host, port = parse_host(address)
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
    except OSError as e:
        raise CoopDeskError(_("The printer at {host}:{port} did not take the job ({detail}). Check that it is on, "
                              "on the network, and that the address is right.").format(
            host=host, port=port, detail=e.strerror or e)) from e


def send_lp(data: bytes, queue: str, timeout: float = 60.0) -> None:
    """Hand raw printer commands to a CUPS queue (`lp -o raw`), for a USB thermal printer with no driver."""
    try:
        done = subprocess.run(["lp", "-d", queue, "-o", "raw"], input=data, capture_output=True, timeout=timeout,
                              check=False)
    except FileNotFoundError as e:
        raise CoopDeskError(_("The lp command (CUPS) is not installed, so a raw print queue cannot be used; send "
                              "to the printer's network address or save a file instead.")) from e
    except subprocess.TimeoutExpired as e:
        raise CoopDeskError(_("The print queue {queue} did not answer within {s} seconds.").format(
            queue=queue, s=int(timeout))) from e
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
        raise CoopDeskError(_("The print queue {queue} refused the job: {detail}").format(queue=queue,
                                                                                       detail=detail or "?"))


# --- the print log ---------------------------------------------------------------------------------------------

def record_print(database: Database, job: PreparedJob, output: str, target: str = "", who: str = "") -> list[str]:
    """Append the job to each lot's print log, in one transaction; returns the codes that were reprints."""
    who = who or current_user()
    reprints = []
    with database.transaction() as db:
        for label, lot_id, count in zip(job.labels, job.lot_ids, job.counts, strict=True):
            if store.log_print(db, lot_id, who, job.template.name, count, output, target):
                reprints.append(label.content.lot_code)
    return reprints


def print_log(database: Database, code: str) -> list[dict]:
    """The lot's print log, newest first: when, who, template, count, output, target, reprint."""
    v = traceability.view(database, code)
    return store.prints(database, v.state.lot.id)


def print_log_for(database: Database, lot_id: int) -> list[dict]:
    """The print log of a lot already looked up (the lot page has its id): one indexed query."""
    return store.prints(database, lot_id)


def packed_lots(database: Database) -> list[traceability.LotView]:
    """Lots that may be labelled now: packed and not recalled, newest first."""
    return sorted((v for v in traceability.views(database) if v.state.is_packed and not v.recall),
                  key=lambda v: (v.state.first("packing") or date.min, v.code), reverse=True)


def output_label(output: str) -> str:
    return {"pdf": _("PDF file"), "print": _("printer"), "tspl": "TSPL", "zpl": "ZPL"}.get(output, output)


def current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def drop_order_text() -> str:
    from coopdesk.domain.labels import field_label

    return " → ".join(field_label(k) for k in DROP_ORDER)
