"""The public trace pages: a static, mobile-first site, one page per lot, for any static host or a USB stick.

It takes plain, already-public data (PublicLot, PublicCoop): no buyers, no prices paid, nothing a member
kept private ever reaches this module. Every text is escaped. Output is deterministic: the same data
writes the same bytes, and files whose bytes did not change are not rewritten.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.products import pack_in
from coopdesk.i18n import _, translator
from coopdesk.paths import font_path

MANIFEST = ".coopdesk-site.json"


@dataclass(frozen=True)
class PublicEvent:
    day: str  # dd/mm/yyyy
    kind: str
    label: dict[str, str]  # {"vi": …, "en": …}
    details: dict[str, list[str]]
    person: str = ""
    place: str = ""
    photos: tuple[Path, ...] = ()


@dataclass(frozen=True)
class PublicLot:
    path: str  # "lo/HP-2026-0042" or "01/{GTIN14}/10/{LOT}"
    code: str
    product: str
    product_en: str
    photo: Path | None
    pack: str
    ocop_stars: int  # 0 when none or lapsed: a lapsed certificate is never shown as stars
    ocop_note: dict[str, str]  # by language
    certifications: dict[str, tuple[str, ...]]  # by language; lapsed ones are left out
    origin: str
    areas: tuple[str, ...]
    dates: tuple[tuple[str, str, str], ...]  # (label vi, label en, dd/mm/yyyy)
    made_from: tuple[tuple[str, str], ...]  # (code, path) of lots it was made from: one step back
    events: tuple[PublicEvent, ...]
    used_in: tuple[tuple[str, str], ...] = ()  # (code, path) of lots made from it: one step forward
    recall: tuple[str, str] | None = None  # (day, reason)


@dataclass(frozen=True)
class PublicCoop:
    name: str
    address: str
    phone: str
    tax_code: str
    logo: Path | None = None


@dataclass
class SiteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.written) + len(self.unchanged)


CSS = """
@font-face{font-family:"Be Vietnam Pro";src:url("{root}media/BeVietnamPro-Regular.ttf") format("truetype")}
*{box-sizing:border-box}
body{margin:0;font-family:"Be Vietnam Pro",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 color:#1d2a1f;background:#f4f7f2;line-height:1.45;font-size:16px}
header{background:#1b5e20;color:#fff;padding:14px 16px;display:flex;gap:12px;align-items:center}
header img{width:48px;height:48px;object-fit:contain;background:#fff;border-radius:8px}
header .coop{font-weight:700;font-size:17px}
header .sub{font-size:13px;opacity:.9}
nav.lang{margin-left:auto;font-size:14px}
nav.lang a{color:#fff}
main{max-width:760px;margin:0 auto;padding:12px}
.card{background:#fff;border-radius:12px;padding:14px 16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:22px;margin:4px 0 6px}
h2{font-size:18px;margin:0 0 8px;color:#1b5e20}
.code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#eef3ea;padding:2px 6px;border-radius:6px}
.hero{width:100%;max-height:320px;object-fit:cover;border-radius:10px;margin:6px 0}
.stars{color:#e6a100;font-size:22px;letter-spacing:2px}
.ocop{display:flex;gap:10px;align-items:center;flex-wrap:wrap}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:0}
dt{color:#56705a}
dd{margin:0}
ol.timeline{list-style:none;margin:0;padding:0;border-left:3px solid #a5d6a7;margin-left:6px}
ol.timeline li{position:relative;padding:0 0 14px 16px}
ol.timeline li::before{content:"";position:absolute;left:-8px;top:5px;width:13px;height:13px;border-radius:50%;
 background:#43a047;border:2px solid #fff}
.when{font-size:13px;color:#56705a}
.what{font-weight:700}
.photos{display:flex;gap:6px;flex-wrap:wrap;margin-top:6px}
.photos img{width:96px;height:96px;object-fit:cover;border-radius:8px}
.recall{background:#b71c1c;color:#fff;padding:14px 16px;border-radius:12px;margin:12px 0;font-size:18px}
.recall strong{font-size:24px;display:block}
ul.lots{list-style:none;padding:0;margin:0}
ul.lots li{padding:8px 0;border-bottom:1px solid #e3eadf}
footer{text-align:center;font-size:12px;color:#56705a;padding:16px}
@media (min-width:900px){main{max-width:880px}.cols{display:grid;grid-template-columns:1fr 1fr;gap:12px}
 .cols .card{margin:0}}
"""


def e(text: object) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def _media_name(source: Path, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:16]
    return f"{digest}{source.suffix.lower()}"


class _Writer:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.report = SiteReport()
        self.files: set[str] = set()
        self.folders: set[str] = set()  # made (or found) this run: one mkdir a folder, not one a file
        self.copied: dict[Path, str] = {}  # a photo used by many lots is read and hashed once

    def put(self, rel: str, data: bytes) -> None:
        # Plain strings, not Path objects: two thousand pages make pathlib's parsing show in the profile.
        target = os.path.join(self.out, rel)
        self.files.add(rel)
        if os.path.exists(target):
            with open(target, "rb") as f:
                if f.read() == data:
                    self.report.unchanged.append(rel)
                    return
        folder = os.path.dirname(target)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        tmp = target + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
        self.report.written.append(rel)

    def media(self, source: Path | None) -> str | None:
        if source is None:
            return None
        if source in self.copied:
            return self.copied[source]
        if not source.is_file():
            raise CoopDeskError(_("The photo {file} is missing; put it back or remove it from the record.").format(
                file=source))
        data = source.read_bytes()
        name = f"media/{_media_name(source, data)}"
        if name not in self.files:
            self.put(name, data)
        self.copied[source] = name
        return name


def _page(lang: str, root: str, title: str, coop: PublicCoop, logo: str | None, body: str, other: str) -> str:
    head, foot = _chrome(lang, root, coop, logo, other)
    return f"{head[0]}{e(title)}{head[1]}{body}{foot}"


@lru_cache(maxsize=64)
def _chrome(lang: str, root: str, coop: PublicCoop, logo: str | None, other: str) -> tuple[tuple[str, str], str]:
    """What every page of one language and depth shares, around its title and its body: made once, not per lot."""
    t = translator(lang)
    other_label = "English" if lang == "vi" else "Tiếng Việt"
    other_lang = "en" if lang == "vi" else "vi"
    logo_html = f'<img src="{e(root + logo)}" alt="">' if logo else ""
    before_title = (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
                    f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>')
    after_title = (f"</title>\n<style>{CSS.replace('{root}', root)}</style>\n</head>\n<body>\n"
                   f'<header>{logo_html}<div><div class="coop">{e(coop.name)}</div>'
                   f'<div class="sub">{e(t("Product traceability"))}</div></div>'
                   f'<nav class="lang"><a href="{e(other)}" hreflang="{other_lang}" lang="{other_lang}">'
                   f"{other_label}</a></nav></header>\n<main>\n")
    foot = ("\n</main>\n"
            f'<footer>{e(coop.name)} · {e(coop.address)}'
            f'{" · " + e(coop.phone) if coop.phone else ""}'
            f'{" · " + e(t("Tax code")) + " " + e(coop.tax_code) if coop.tax_code else ""}'
            f"<br>{e(t('Made with CoopDesk'))}</footer>\n</body>\n</html>\n")
    return (before_title, after_title), foot


def _lot_body(lang: str, root: str, lot: PublicLot, w: _Writer) -> str:
    t = translator(lang)
    parts = []
    if lot.recall:
        parts.append(f'<div class="recall" role="alert"><strong>THU HỒI / RECALLED</strong>'
                     f'{e(t("This lot has been recalled. Do not eat it; contact the cooperative."))}'
                     f'<br>{e(lot.recall[0])}: {e(lot.recall[1])}</div>')
    photo = w.media(lot.photo)
    name = lot.product if lang == "vi" or not lot.product_en else lot.product_en
    head = [f'<div class="card"><h1>{e(name)}</h1>',
            f'<div>{e(t("Lot"))} <span class="code">{e(lot.code)}</span>'
            f'{" · " + e(pack_in(lang, lot.pack)) if lot.pack else ""}</div>']
    if photo:
        head.append(f'<img class="hero" src="{e(root + photo)}" alt="{e(name)}">')
    if lot.ocop_stars:
        stars_label = t("OCOP {n} of 5 stars").format(n=lot.ocop_stars)
        head.append(f'<div class="ocop"><span class="stars" role="img" aria-label="{e(stars_label)}">'
                    f'{"★" * lot.ocop_stars}</span><span>OCOP {lot.ocop_stars} {e(t("stars"))}'
                    f" · {e(lot.ocop_note.get(lang, ''))}</span></div>")
    head.append("<dl>")
    if lot.origin:
        head.append(f"<dt>{e(t('Origin'))}</dt><dd>{e(lot.origin)}</dd>")
    if lot.areas:
        head.append(f"<dt>{e(t('Growing areas'))}</dt><dd>{'<br>'.join(e(a) for a in lot.areas)}</dd>")
    for vi, en, day in lot.dates:
        head.append(f"<dt>{e(vi if lang == 'vi' else en)}</dt><dd>{e(day)}</dd>")
    if lot.certifications.get(lang):
        head.append(f"<dt>{e(t('Certifications'))}</dt>"
                    f"<dd>{'<br>'.join(e(c) for c in lot.certifications[lang])}</dd>")
    for label, lots in ((t("Made from lots"), lot.made_from), (t("Used in lots"), lot.used_in)):
        if lots:
            links = ", ".join(f'<a href="{e(root + path + "/" + _index(lang))}">{e(code)}</a>'
                              for code, path in lots)
            head.append(f"<dt>{e(label)}</dt><dd>{links}</dd>")
    head.append("</dl></div>")
    parts.append("".join(head))
    items = []
    for ev in lot.events:
        photos = [w.media(p) for p in ev.photos]
        details = "".join(f"<div>{e(d)}</div>" for d in ev.details.get(lang, []))
        who = " · ".join(x for x in (ev.person, ev.place) if x)
        what = ev.label.get(lang, ev.kind)
        pics = ("<div class=\"photos\">" + "".join(
            f'<img src="{e(root + p)}" alt="{e(t("Photo {n}: {what}, {day}").format(n=i, what=what, day=ev.day))}" '
            f'loading="lazy">' for i, p in enumerate((p for p in photos if p), start=1)) + "</div>") if photos else ""
        items.append(f'<li><div class="when">{e(ev.day)}</div><div class="what">{e(ev.label.get(lang, ev.kind))}'
                     f"</div>{details}{'<div class=when>' + e(who) + '</div>' if who else ''}{pics}</li>")
    parts.append(f'<div class="card"><h2>{e(t("From seed to pack"))}</h2>'
                 f'<ol class="timeline">{"".join(items) or "<li>" + e(t("No events recorded yet.")) + "</li>"}'
                 f"</ol></div>")
    return "\n".join(parts)


def _index(lang: str) -> str:
    return "index.html" if lang == "vi" else "en.html"


def write_site(out: Path, coop: PublicCoop, lots: list[PublicLot]) -> SiteReport:
    """Write (or update) the whole site in ``out``; lot pages at ``<path>/index.html`` and ``en.html``."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise CoopDeskError(_("Cannot write the trace site into {folder}: {detail}").format(
            folder=out, detail=err.strerror or err)) from err
    w = _Writer(out)
    w.put("media/BeVietnamPro-Regular.ttf", font_path().read_bytes())
    logo = w.media(coop.logo) if coop.logo else None
    for lot in sorted(lots, key=lambda x: x.path):
        depth = lot.path.count("/") + 1
        root = "../" * depth
        for lang in ("vi", "en"):
            other = "en.html" if lang == "vi" else "index.html"
            body = _lot_body(lang, root, lot, w)
            name = lot.product if lang == "vi" or not lot.product_en else lot.product_en
            w.put(f"{lot.path}/{_index(lang)}",
                  _page(lang, root, f"{name} · {lot.code}", coop, logo, body, other).encode("utf-8"))
    for lang in ("vi", "en"):
        t = translator(lang)
        rows = "".join(
            f'<li><a href="{e(lot.path + "/" + _index(lang))}">{e(lot.code)}</a> · '
            f'{e(lot.product if lang == "vi" or not lot.product_en else lot.product_en)}'
            f'{" · THU HỒI / RECALLED" if lot.recall else ""}</li>'
            for lot in sorted(lots, key=lambda x: x.code))
        body = f'<div class="card"><h1>{e(t("Our lots"))}</h1><ul class="lots">{rows}</ul></div>'
        w.put(_index(lang), _page(lang, "", coop.name, coop, logo, body,
                                  "en.html" if lang == "vi" else "index.html").encode("utf-8"))
    manifest = out / MANIFEST
    try:
        listed = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        listed = []
    # Only names this writer could have made: a damaged or edited manifest never removes anything outside the site.
    previous = {x for x in listed if isinstance(x, str)} if isinstance(listed, list) else set()
    root = out.resolve()
    for rel in sorted(previous - w.files):
        target = out / rel
        if root not in target.resolve().parents:
            continue
        if target.is_file():
            target.unlink()
            w.report.removed.append(rel)
    data = json.dumps(sorted(w.files), ensure_ascii=False, indent=0).encode("utf-8")
    if not manifest.exists() or manifest.read_bytes() != data:
        manifest.write_bytes(data)
    return w.report
