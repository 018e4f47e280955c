"""QR label templates and the geometry of a label: where each label sits on its page, how big the QR is and
where the text goes. Plain maths in millimetres and points; no fonts, no files, no Qt.

Why here: the window, the command line, the PDF and the thermal bitmaps must agree to the dot on where a label
is and whether a template can carry a lot's QR at all; one set of rules, tested without a printer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from coopdesk.domain.errors import Collector, CoopDeskError
from coopdesk.i18n import N_, _

MM = 72 / 25.4  # points per millimetre
KINDS = ("roll", "sheet")
DPIS = (203, 300, 600)
ERROR_LEVELS = ("l", "m", "q", "h")
QUIET = 4  # modules of white around the QR, as the standard asks
EDGE_MM = 0.75  # the QR's quiet zone keeps this far from the label's edge (thermal printers drift ±0.5 mm)
PAD_MM = 1.0  # text keeps this far from the label's edge
MIN_TEXT_SHARE = 0.4  # with a QR beside the text, the text keeps at least this share of the label's width
MAX_COUNT = 10_000  # labels of one lot in one job
MAX_JOB = 20_000  # labels in one job
NAME_RE = re.compile(r"[a-z0-9][a-z0-9._\-]{0,31}")

#: The fields of a label in the order they are printed (top to bottom).
FIELDS = ("product", "lot", "dates", "net_weight", "ocop", "coop_name", "coop_address", "price")
#: Never dropped: what identifies the lot and its dates (the QR is never dropped either).
REQUIRED = ("product", "lot", "dates")
#: When a label is too small for everything, optional fields go in this order, first one first.
DROP_ORDER = ("price", "coop_address", "ocop", "coop_name", "net_weight")
FIELD_LABELS = {"product": N_("product name"), "lot": N_("lot code"), "dates": N_("NSX/HSD"),
                "net_weight": N_("net weight"), "ocop": N_("OCOP stars"), "coop_name": N_("cooperative name"),
                "coop_address": N_("cooperative address"), "price": N_("price")}

# Byte-mode capacity of QR versions 1-10 at each error level (ISO/IEC 18004 table 7).
_CAPACITY = {
    "l": (17, 32, 53, 78, 106, 134, 154, 192, 230, 271),
    "m": (14, 26, 42, 62, 84, 106, 122, 152, 180, 213),
    "q": (11, 20, 32, 46, 60, 74, 86, 108, 130, 151),
    "h": (7, 14, 24, 34, 44, 58, 64, 84, 98, 119),
}


def field_label(key: str) -> str:
    return _(FIELD_LABELS.get(key, key))


def qr_modules_for(length: int, error: str) -> int | None:
    """Modules across (no quiet zone) of the smallest QR holding ``length`` bytes, or None beyond version 10."""
    for version, cap in enumerate(_CAPACITY[error], start=1):
        if length <= cap:
            return 17 + 4 * version
    return None


def qr_capacity(modules: int, error: str) -> int:
    """Bytes a QR of ``modules`` modules across holds at ``error`` (0 below version 1)."""
    version = (modules - 17) // 4
    if version < 1:
        return 0
    return _CAPACITY[error][min(version, 10) - 1]


@dataclass(frozen=True)
class LabelTemplate:
    """A label stock: the page (a roll's row or a sheet), the labels on it, and how its printer draws.

    Sizes are millimetres. A roll's page is one row across the roll (one label high); a sheet's page is A4.
    ``qr_dots`` is the module size the QR gets where the label allows it, ``qr_min_dots`` the smallest allowed,
    both in whole printer dots at ``dpi``.
    """

    name: str
    title: str
    kind: str
    page_w: float
    page_h: float
    label_w: float
    label_h: float
    columns: int = 1
    rows: int = 1
    margin_left: float = 0.0
    margin_top: float = 0.0
    gap_x: float = 0.0
    gap_y: float = 0.0
    dpi: int = 203
    qr_error: str = "m"
    qr_dots: int = 4
    qr_min_dots: int = 3
    feed_gap: float = 2.0
    custom: bool = False

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def is_thermal(self) -> bool:
        return self.kind == "roll"

    @property
    def size_text(self) -> str:
        """'50 × 30 mm' or '38,1 × 21,2 mm, 65 per sheet'."""
        def mm(v: float) -> str:
            return f"{v:g}".replace(".", ",")

        size = f"{mm(self.label_w)} × {mm(self.label_h)} mm"
        if self.kind == "sheet":
            return _("{size}, {n} per A4 sheet").format(size=size, n=self.per_page) if self._is_a4 else \
                _("{size}, {n} per {w} × {h} mm sheet").format(size=size, n=self.per_page, w=mm(self.page_w),
                                                               h=mm(self.page_h))
        if self.columns > 1:
            return _("{size}, {n} across a {w} mm roll").format(size=size, n=self.columns, w=mm(self.page_w))
        return size

    @property
    def _is_a4(self) -> bool:
        return abs(self.page_w - 210) < 0.01 and abs(self.page_h - 297) < 0.01

    def slot(self, index: int) -> tuple[float, float]:
        """Bottom-left corner, in mm from the page's bottom-left, of label ``index`` (0-based, row by row)."""
        row, col = divmod(index, self.columns)
        x = self.margin_left + col * (self.label_w + self.gap_x)
        top = self.margin_top + row * (self.label_h + self.gap_y)
        return x, self.page_h - top - self.label_h

    def as_dict(self) -> dict:
        """The template as its JSON file holds it."""
        out = {k: getattr(self, k) for k in TEMPLATE_KEYS}
        return out

    def with_dpi(self, dpi: int) -> LabelTemplate:
        """The same stock for a printer of another resolution (a 300 dpi thermal printer)."""
        if dpi not in DPIS:
            raise CoopDeskError(_("Resolution: {dpi} dpi is not one of {allowed}").format(
                dpi=dpi, allowed=", ".join(str(d) for d in DPIS)))
        if dpi == self.dpi:
            return self
        # Keep the module size in mm about the same: whole dots at the new resolution, never below 3.
        scale = dpi / self.dpi
        return replace(self, dpi=dpi, qr_dots=max(3, round(self.qr_dots * scale)),
                       qr_min_dots=max(3, round(self.qr_min_dots * scale)))


TEMPLATE_KEYS = ("name", "title", "kind", "page_w", "page_h", "label_w", "label_h", "columns", "rows",
                 "margin_left", "margin_top", "gap_x", "gap_y", "dpi", "qr_error", "qr_dots", "qr_min_dots",
                 "feed_gap")


def _number(c: Collector, data: dict, key: str, label: str, default: float | None = None,
            minimum: float = 0.0, strict: bool = False) -> float:
    raw = data.get(key, default)
    if raw is None or raw == "":
        c.add(key, _("{field}: required").format(field=label))
        return 0.0
    try:
        value = float(str(raw).replace(",", "."))
    except ValueError:
        c.add(key, _("{field}: “{text}” is not a number of millimetres").format(field=label, text=raw))
        return 0.0
    if value < minimum or (strict and value <= minimum) or value > 1000:
        if minimum == 0 and not strict:
            c.add(key, _("{field}: cannot be negative").format(field=label))
        else:
            c.add(key, _("{field}: must be more than {n} mm").format(field=label, n=f"{minimum:g}"))
    return value


def _whole(c: Collector, data: dict, key: str, label: str, default: int, lo: int, hi: int) -> int:
    raw = data.get(key, default)
    try:
        value = int(str(raw).strip())
    except ValueError:
        c.add(key, _("{field}: must be a whole number from {lo} to {hi}").format(field=label, lo=lo, hi=hi))
        return default
    if not lo <= value <= hi:
        c.add(key, _("{field}: must be a whole number from {lo} to {hi}").format(field=label, lo=lo, hi=hi))
    return value


def validate_template(data: dict, custom: bool = True) -> LabelTemplate:
    """A template from its JSON object or the custom-template dialog; ValidationError names every wrong field."""
    c = Collector()
    name = str(data.get("name", "")).strip().lower()
    if not NAME_RE.fullmatch(name):
        c.add("name", _("Name: use lower-case letters, digits, '-', '_' or '.', at most 32 (e.g. my-50x25)"))
    title = str(data.get("title", "")).strip() or name
    kind = str(data.get("kind", "roll")).strip()
    if kind not in KINDS:
        c.add("kind", _("Kind: a roll or a sheet"))
    label_w = _number(c, data, "label_w", _("Label width"), minimum=10, strict=False)
    label_h = _number(c, data, "label_h", _("Label height"), minimum=10, strict=False)
    columns = _whole(c, data, "columns", _("Columns"), 1, 1, 20)
    rows = _whole(c, data, "rows", _("Rows"), 1, 1, 40)
    margin_left = _number(c, data, "margin_left", _("Left margin"), 0)
    margin_top = _number(c, data, "margin_top", _("Top margin"), 0)
    gap_x = _number(c, data, "gap_x", _("Gap across"), 0)
    gap_y = _number(c, data, "gap_y", _("Gap down"), 0)
    if kind == "roll":
        rows = 1
        page_w = data.get("page_w") or margin_left * 2 + columns * label_w + (columns - 1) * gap_x
        page_h = label_h
        page_w = _number(c, {"page_w": page_w}, "page_w", _("Roll width"), minimum=10)
    else:
        page_w = _number(c, data, "page_w", _("Sheet width"), 210, minimum=10)
        page_h = _number(c, data, "page_h", _("Sheet height"), 297, minimum=10)
    dpi = _whole(c, data, "dpi", _("Resolution (dpi)"), 203 if kind == "roll" else 300, 100, 1200)
    if dpi not in DPIS and not c.has("dpi"):
        c.add("dpi", _("Resolution: {dpi} dpi is not one of {allowed}").format(
            dpi=dpi, allowed=", ".join(str(d) for d in DPIS)))
    error = str(data.get("qr_error", "m")).strip().lower()
    if error not in ERROR_LEVELS:
        c.add("qr_error", _("QR error correction: L, M, Q or H"))
    qr_min = _whole(c, data, "qr_min_dots", _("Smallest QR module (dots)"), 3, 3, 40)
    qr_dots = _whole(c, data, "qr_dots", _("QR module (dots)"), max(qr_min, 4), 3, 40)
    feed_gap = _number(c, data, "feed_gap", _("Gap between labels on the roll"), 2.0)
    if not c.errors:
        used_w = margin_left + columns * label_w + (columns - 1) * gap_x
        used_h = margin_top + rows * label_h + (rows - 1) * gap_y
        if used_w > page_w + 1e-6:
            c.add("label_w", _("The labels are {used} mm across but the {what} is only {page} mm wide: "
                               "check the label width, columns, gap and margin").format(
                used=f"{used_w:g}", page=f"{page_w:g}", what=_("roll") if kind == "roll" else _("sheet")))
        if used_h > page_h + 1e-6:
            c.add("label_h", _("The labels are {used} mm down but the sheet is only {page} mm high: "
                               "check the label height, rows, gap and margin").format(
                used=f"{used_h:g}", page=f"{page_h:g}"))
        if qr_dots < qr_min:
            c.add("qr_dots", _("QR module: {dots} dots is below the smallest allowed ({min})").format(
                dots=qr_dots, min=qr_min))
    c.raise_if_any(_("Template {name}").format(name=name or "?"))
    return LabelTemplate(name=name, title=title, kind=kind, page_w=float(page_w), page_h=float(page_h),
                         label_w=label_w, label_h=label_h, columns=columns, rows=rows, margin_left=margin_left,
                         margin_top=margin_top, gap_x=gap_x, gap_y=gap_y, dpi=dpi, qr_error=error,
                         qr_dots=qr_dots, qr_min_dots=qr_min, feed_gap=feed_gap, custom=custom)


# --- the geometry of one label ---------------------------------------------------------------------------------

def dots(mm: float, dpi: int) -> int:
    """Millimetres to whole printer dots (rounded)."""
    return round(mm * dpi / 25.4)


def dot_pt(n: int, dpi: int) -> float:
    """``n`` printer dots in points."""
    return n * 72.0 / dpi


def snap_pt(value: float, dpi: int) -> float:
    """A position in points moved to the nearest printer dot, so QR modules start on a dot."""
    return round(value * dpi / 72.0) * 72.0 / dpi


@dataclass(frozen=True)
class LabelLayout:
    """Where things go on one label, in points from the label's bottom-left corner.

    The QR's (x, y) is the bottom-left corner of its quiet zone, a whole number of dots from the corner;
    ``text`` is the text box as (x, top, width, height).
    """

    arrangement: str  # "side": QR left, text right; "stack": text above, QR below
    module_dots: int
    module: float
    qr_x: float
    qr_y: float
    qr_size: float
    text: tuple[float, float, float, float]
    width: float
    height: float


class TemplateTooSmall(CoopDeskError):
    """The template cannot carry this QR at the smallest module size; the message says what would work."""


def plan_layout(t: LabelTemplate, modules: int) -> LabelLayout | None:
    """The layout of a label whose QR is ``modules`` across with the largest module that fits, or None when
    the QR cannot fit even at ``qr_min_dots``."""
    found = plan_layouts(t, modules)
    return found[0] if found else None


def plan_layouts(t: LabelTemplate, modules: int) -> list[LabelLayout]:
    """Every layout the label allows for a QR ``modules`` across, largest module first (``qr_dots`` down to
    ``qr_min_dots``); the caller keeps the largest whose text still fits uncut."""
    out = []
    w, h = t.label_w, t.label_h
    side = w >= h * 1.15
    edge, pad = EDGE_MM, PAD_MM
    for n in range(t.qr_dots, t.qr_min_dots - 1, -1):
        size_mm = (modules + 2 * QUIET) * n * 25.4 / t.dpi
        if side:
            text_w = w - edge - size_mm - pad
            if size_mm > h - 2 * edge or text_w < max(MIN_TEXT_SHARE * w, 10.0):
                continue
            x = dots(edge, t.dpi)
            y = dots((h - size_mm) / 2, t.dpi)
            qr_x, qr_y = dot_pt(x, t.dpi), dot_pt(y, t.dpi)
            size = dot_pt((modules + 2 * QUIET) * n, t.dpi)
            text = (qr_x + size, (h - pad) * MM, (w - pad) * MM - (qr_x + size), (h - 2 * pad) * MM)
        else:
            text_h = h - edge - size_mm - pad
            if size_mm > w - 2 * edge or text_h < 0.3 * h:
                continue
            x = dots((w - size_mm) / 2, t.dpi)
            y = dots(edge, t.dpi)
            qr_x, qr_y = dot_pt(x, t.dpi), dot_pt(y, t.dpi)
            size = dot_pt((modules + 2 * QUIET) * n, t.dpi)
            text = (pad * MM, (h - pad) * MM, (w - 2 * pad) * MM, (h - pad) * MM - (qr_y + size))
        out.append(LabelLayout("side" if side else "stack", n, dot_pt(n, t.dpi), qr_x, qr_y, size, text, w * MM,
                               h * MM))
    return out


def max_modules(t: LabelTemplate) -> int:
    """The largest QR (modules across) the template carries at its smallest module size."""
    best = 0
    for m in range(21, 61, 4):
        if plan_layout(t, m) is not None:
            best = m
    return best


def check_fits(t: LabelTemplate, url: str, modules: int | None, others: list[LabelTemplate],
               base: str) -> list[LabelLayout]:
    """The layouts for ``url`` (a QR of ``modules`` across; None to estimate) on ``t``, or TemplateTooSmall naming
    the smallest template and the longest base address that would work."""
    length = len(url.encode("utf-8"))
    modules = modules or qr_modules_for(length, t.qr_error)
    layouts = plan_layouts(t, modules) if modules else []
    if layouts:
        return layouts
    fits = sorted((o for o in others if o.name != t.name and _fits(o, length)),
                  key=lambda o: (o.label_w * o.label_h, o.name))
    room = qr_capacity(max_modules(t), t.qr_error)
    path_len = length - len(base.encode("utf-8"))
    if room:
        parts = [_("The trace address {url} ({n} characters) needs a QR of {m} modules; template {name} holds at "
                   "most {room} characters at {dots} dots a module.").format(
            url=url, n=length, m=modules or "> 57", name=t.name, room=room, dots=t.qr_min_dots)]
    else:
        parts = [_("Template {name} is too small for any QR at {dots} dots a module, and the trace address {url} "
                   "({n} characters) needs {m} modules.").format(
            url=url, n=length, m=modules or "> 57", name=t.name, dots=t.qr_min_dots)]
    if fits:
        parts.append(_("The smallest template that works is {name} ({size}).").format(
            name=fits[0].name, size=fits[0].size_text))
    if base and room - path_len >= len("https://a.vn"):
        parts.append(_("Or shorten the trace page address (Settings → Cooperative) to at most {n} characters; "
                       "it is {now} now ({base}).").format(n=room - path_len, now=len(base), base=base))
    raise TemplateTooSmall(" ".join(parts))


def _fits(t: LabelTemplate, length: int) -> bool:
    modules = qr_modules_for(length, t.qr_error)
    return modules is not None and plan_layout(t, modules) is not None


# --- a job -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LabelContent:
    """What one lot's label says (Decree 43/2017 for food labels), all as it will be printed."""

    lot_code: str
    product: str
    url: str
    packed: date | None = None
    expiry: date | None = None
    net_weight: str = ""
    ocop_stars: int = 0  # 0 unless the certificate is valid on the printing day
    coop_name: str = ""
    coop_address: str = ""
    price: str = ""  # empty unless price printing was asked for


def check_job(t: LabelTemplate, counts: list[int], start: int) -> None:
    """Counts and the start position a person typed: ValidationError naming what is wrong and why."""
    c = Collector()
    if not counts:
        c.add("lots", _("Lots: choose at least one lot"))
    for n in counts:
        if n < 1:
            c.add("count", _("Count: {n} labels is not a count; print at least 1").format(n=n))
        elif n > MAX_COUNT:
            c.add("count", _("Count: {n} labels of one lot is more than {max} in one job; print it in several "
                             "jobs").format(n=f"{n:,}".replace(",", "."), max=f"{MAX_COUNT:,}".replace(",", ".")))
    if sum(counts) > MAX_JOB and not c.has("count"):
        c.add("count", _("Count: {n} labels in one job is more than {max}; print it in several jobs").format(
            n=f"{sum(counts):,}".replace(",", "."), max=f"{MAX_JOB:,}".replace(",", ".")))
    if start < 1:
        c.add("start", _("Start at label: {n} is not a label position; the first label is 1").format(n=start))
    elif start > 1 and t.per_page == 1:
        c.add("start", _("Start at label: {name} has one label across the roll, so it always starts at label 1")
              .format(name=t.name))
    elif start > t.per_page:
        where = _("sheet") if t.kind == "sheet" else _("row of the roll")
        c.add("start", _("Start at label: {n} is past the {where}: {name} has {per} labels on one {where}").format(
            n=start, where=where, name=t.name, per=t.per_page))
    c.raise_if_any()


def parse_offset(text: str) -> tuple[float, float]:
    """'0.5,-0.3' or '0,5; -0,3' (mm right, mm down) -> (0.5, -0.3); at most 10 mm either way."""
    raw = text.strip()
    if not raw:
        return 0.0, 0.0
    m = re.fullmatch(r"\s*([+-]?\d+(?:[.]\d+)?)\s*[,;/ ]\s*([+-]?\d+(?:[.]\d+)?)\s*", raw) or \
        re.fullmatch(r"\s*([+-]?\d+(?:,\d+)?)\s*[;/ ]\s*([+-]?\d+(?:,\d+)?)\s*", raw)
    if not m:
        raise CoopDeskError(_("Offset: “{text}” is not x,y in millimetres (e.g. 0.5,-0.3)").format(text=text))
    x, y = (float(g.replace(",", ".")) for g in m.groups())
    if abs(x) > 10 or abs(y) > 10:
        raise CoopDeskError(_("Offset: {x}, {y} mm is more than 10 mm; check the label stock and the template "
                              "instead").format(x=f"{x:g}", y=f"{y:g}"))
    return x, y
