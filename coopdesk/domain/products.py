"""Products of the catalog: OCOP stars and certificates, other certifications, and their rules."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date

from coopdesk.domain import addresses
from coopdesk.domain.codes import gtin_check_digit, is_valid_gtin13
from coopdesk.domain.dates import DateError, add_months, format_date, parse_date
from coopdesk.domain.errors import Collector
from coopdesk.domain.money import MoneyError, format_number, parse_vnd
from coopdesk.domain.text import clean, fold
from coopdesk.i18n import N_, _

OCOP_VALIDITY_MONTHS = 36
MAX_WEIGHT_G = 1_000_000_000  # a stated bound (a thousand tonnes): no pack or product weighs more
EXPIRY_WARNING_DAYS = 60
# Units are data in Vietnamese, as printed on packs and labels.
UNITS = ("gói", "túi", "hộp", "hũ", "chai", "kg", "cái", "chục", "quả", "combo")
# The units in English, for pages printed in English (the catalog keeps the Vietnamese word).
UNITS_EN = {"gói": "pack", "túi": "bag", "hộp": "box", "hũ": "jar", "chai": "bottle", "kg": "kg", "cái": "piece",
            "chục": "pack of ten", "quả": "each", "combo": "combo"}
CERTIFICATION_KINDS = ("VietGAP", "GlobalGAP", N_("Organic"), "HACCP", "ISO 22000", "ISO 9001",
                       N_("Food safety"), N_("Other"))


class CertStatus(enum.Enum):
    """How a certificate stands today."""

    NONE = "none"
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def cert_status(expires: date | None, today: date) -> CertStatus:
    """Expired, expiring within 60 days, or valid."""
    if expires is None:
        return CertStatus.NONE
    if expires < today:
        return CertStatus.EXPIRED
    if (expires - today).days <= EXPIRY_WARNING_DAYS:
        return CertStatus.EXPIRING
    return CertStatus.VALID


@dataclass(frozen=True)
class Certification:
    """A certificate other than OCOP: VietGAP, organic, HACCP, ISO 22000 …"""

    kind: str
    number: str = ""
    issuer: str = ""
    issued: date | None = None
    expires: date | None = None


@dataclass(frozen=True)
class Product:
    """One product of the catalog. Prices are whole đồng; net weight is in grams."""

    sku: str
    name: str
    unit: str = "gói"
    price_vnd: int = 0
    id: int | None = None
    name_en: str = ""
    net_weight_g: int | None = None
    gtin: str = ""
    ocop_stars: int | None = None
    ocop_cert_no: str = ""
    ocop_authority: str = ""
    ocop_issued: date | None = None
    ocop_expires: date | None = None
    origin_province: int | None = None
    origin_commune: int | None = None
    shelf_life_days: int | None = None
    storage: str = ""
    photo: str = ""
    certifications: tuple[Certification, ...] = field(default_factory=tuple)
    storage_place: str = ""  # where it sits in the store ("Kệ A-3"): the order of the picking list
    shipping_weight_g: int | None = None  # one unit as the carrier weighs it, packed; None: the net weight is used

    @property
    def search_text(self) -> str:
        """Folded text that search matches against: SKU, both names, GTIN, origin."""
        parts = [self.sku, self.name, self.name_en, self.gtin,
                 addresses.commune_name(self.origin_commune),
                 addresses.province_name(self.origin_province)]
        return fold(" ".join(p for p in parts if p))

    def worst_cert_status(self, today: date) -> tuple[CertStatus, str, date | None]:
        """The certificate that needs attention first: (status, its name, its expiry)."""
        rank = {CertStatus.EXPIRED: 0, CertStatus.EXPIRING: 1, CertStatus.VALID: 2, CertStatus.NONE: 3}
        found = []
        if self.ocop_stars:
            found.append((cert_status(self.ocop_expires, today), "OCOP", self.ocop_expires))
        for c in self.certifications:
            found.append((cert_status(c.expires, today), c.kind, c.expires))
        if not found:
            return (CertStatus.NONE, "", None)
        return min(found, key=lambda f: (rank[f[0]], f[2] or date.max))

    def ocop_valid_on(self, day: date) -> bool:
        """Whether OCOP stars may be printed on that day (a lapsed certificate may not)."""
        return bool(self.ocop_stars) and (self.ocop_expires is None or self.ocop_expires >= day)


@dataclass
class ProductDraft:
    """What a person typed in the product form or a spreadsheet row: all text, unchecked."""

    sku: str = ""
    name: str = ""
    name_en: str = ""
    unit: str = "gói"
    net_weight: str = ""
    price: str = ""
    gtin: str = ""
    ocop_stars: str = ""
    ocop_cert_no: str = ""
    ocop_authority: str = ""
    ocop_issued: str = ""
    ocop_expires: str = ""
    origin_province: str = ""
    origin_commune: str = ""
    shelf_life_days: str = ""
    storage: str = ""
    photo: str = ""
    certifications: list[dict[str, str]] = field(default_factory=list)
    storage_place: str = ""
    shipping_weight: str = ""


def parse_weight_g(text: str) -> int:
    """'500', '500 g', '1,2 kg', '1.5kg' -> grams (a bare number is grams)."""
    raw = text.strip().lower().replace(" ", "")
    m = re.fullmatch(r"([0-9]{1,9}(?:[.,][0-9]{1,6})?)(kg|g|gr|gam)?", raw)
    if not m:
        raise ValueError(text)
    number = float(m.group(1).replace(",", "."))
    grams = number * 1000 if m.group(2) == "kg" else number
    if grams <= 0 or grams != int(grams) or grams > MAX_WEIGHT_G:
        raise ValueError(text)
    return int(grams)


def _int_field(c: Collector, key: str, text: str, label: str, lo: int, hi: int) -> int | None:
    raw = text.strip()
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{1,12}", raw) or not lo <= int(raw) <= hi:
        c.add(key, _("{field}: must be a whole number from {lo} to {hi}").format(field=label, lo=lo, hi=hi))
        return None
    return int(raw)


def _date_field(c: Collector, key: str, text: str, label: str) -> date | None:
    try:
        return parse_date(text)
    except DateError as e:
        c.add(key, f"{label}: {e}")
        return None


def _weight(c: Collector, field: str, text: str, refusal: str) -> int | None:
    """Grams from a typed weight ('500 g', '1,2 kg'); None when empty; the refusal (with {text}) when not a weight."""
    if not text.strip():
        return None
    try:
        return parse_weight_g(text)
    except ValueError:
        c.add(field, refusal.format(text=text))
        return None


def validate_product(draft: ProductDraft, existing_skus: set[str] | None = None,
                     product_id: int | None = None) -> Product:
    """Check every field and return a Product, or raise ValidationError naming each wrong field.

    ``existing_skus`` holds the upper-cased SKUs of other products, for the duplicate rule.
    """
    c = Collector()
    sku = clean(draft.sku).upper()
    if not sku:
        c.add("sku", _("SKU: required"))
    elif not re.fullmatch(r"[A-Z0-9][A-Z0-9._\-]{0,39}", sku):
        c.add("sku", _("SKU: use letters A–Z, digits, '-', '_' or '.', at most 40"))
    elif existing_skus and sku in existing_skus:
        c.add("sku", _("SKU: {sku} is already used by another product").format(sku=sku))
    name = clean(draft.name)
    if not name:
        c.add("name", _("Name: required"))
    unit = clean(draft.unit) or "gói"
    weight = _weight(c, "net_weight", draft.net_weight,
                     _("Net weight: “{text}” is not a weight (e.g. 500 g or 1,2 kg)"))
    shipping_weight = _weight(c, "shipping_weight", draft.shipping_weight,
                              _("Shipping weight: “{text}” is not a weight (e.g. 550 g or 1,2 kg)"))
    price = 0
    try:
        price = parse_vnd(draft.price)
    except MoneyError as e:
        c.add("price", _("Price: {reason}").format(reason=e))
    gtin = re.sub(r"\s", "", draft.gtin)
    if gtin and not is_valid_gtin13(gtin):
        if not re.fullmatch(r"[0-9]{13}", gtin):
            c.add("gtin", _("GTIN: must be 13 digits 0–9 (no other characters)"))
        else:
            c.add("gtin", _("GTIN: the check digit is wrong (the last digit should be {d})").format(
                d=gtin_check_digit(gtin[:12])))
    stars = None
    if draft.ocop_stars.strip() not in ("", "0"):
        raw = draft.ocop_stars.strip().rstrip("★*").strip()
        if raw not in ("3", "4", "5"):
            c.add("ocop_stars", _("OCOP stars: must be 3, 4 or 5"))
        else:
            stars = int(raw)
    issued = _date_field(c, "ocop_issued", draft.ocop_issued, _("OCOP issue date"))
    expires = _date_field(c, "ocop_expires", draft.ocop_expires, _("OCOP expiry date"))
    cert_no = clean(draft.ocop_cert_no)
    authority = clean(draft.ocop_authority)
    if stars:
        if not cert_no:
            c.add("ocop_cert_no", _("OCOP certificate number: required for an OCOP product"))
        if issued is None and not c.has("ocop_issued"):
            c.add("ocop_issued", _("OCOP issue date: required for an OCOP product"))
        if issued and expires is None and not c.has("ocop_expires"):
            expires = add_months(issued, OCOP_VALIDITY_MONTHS)
    if issued and expires and expires <= issued:
        c.add("ocop_expires", _("OCOP expiry date: must be after the issue date"))
    province, commune = addresses.resolve(c, draft.origin_province, draft.origin_commune,
                                          "origin_province", "origin_commune")
    shelf = _int_field(c, "shelf_life_days", draft.shelf_life_days, _("Shelf life (days)"), 1, 3650)
    certs = []
    for i, row in enumerate(draft.certifications, start=1):
        kind = clean(row.get("kind", ""))
        if not kind:
            c.add(f"cert{i}.kind", _("Certification {n}: choose its kind").format(n=i))
            continue
        c_issued = _date_field(c, f"cert{i}.issued", row.get("issued", ""),
                               _("Certification {n} issue date").format(n=i))
        c_expires = _date_field(c, f"cert{i}.expires", row.get("expires", ""),
                                _("Certification {n} expiry date").format(n=i))
        if c_issued and c_expires and c_expires <= c_issued:
            c.add(f"cert{i}.expires", _("Certification {n}: expiry must be after the issue date").format(n=i))
        certs.append(Certification(kind, clean(row.get("number", "")), clean(row.get("issuer", "")),
                                   c_issued, c_expires))
    c.raise_if_any()
    return Product(
        id=product_id, sku=sku, name=name, name_en=clean(draft.name_en), unit=unit, net_weight_g=weight,
        price_vnd=price, gtin=gtin, ocop_stars=stars, ocop_cert_no=cert_no if stars else "",
        ocop_authority=authority if stars else "", ocop_issued=issued if stars else None,
        ocop_expires=expires if stars else None, origin_province=province, origin_commune=commune,
        shelf_life_days=shelf, storage=clean(draft.storage), photo=draft.photo.strip(),
        certifications=tuple(certs), storage_place=clean(draft.storage_place), shipping_weight_g=shipping_weight,
    )


def draft_from_product(p: Product) -> ProductDraft:
    """The form's text for an existing product (what set_value() shows)."""
    return ProductDraft(
        sku=p.sku, name=p.name, name_en=p.name_en, unit=p.unit,
        net_weight=format_weight(p.net_weight_g), price=format_number(p.price_vnd), gtin=p.gtin,
        ocop_stars=str(p.ocop_stars or ""), ocop_cert_no=p.ocop_cert_no, ocop_authority=p.ocop_authority,
        ocop_issued=format_date(p.ocop_issued), ocop_expires=format_date(p.ocop_expires),
        origin_province=str(p.origin_province or ""), origin_commune=str(p.origin_commune or ""),
        shelf_life_days=str(p.shelf_life_days or ""), storage=p.storage, photo=p.photo,
        certifications=[{"kind": x.kind, "number": x.number, "issuer": x.issuer,
                         "issued": format_date(x.issued), "expires": format_date(x.expires)}
                        for x in p.certifications], storage_place=p.storage_place,
        shipping_weight=format_weight(p.shipping_weight_g),
    )


def format_weight(grams: int | None) -> str:
    """500 -> '500 g'; 1200 -> '1,2 kg'."""
    if not grams:
        return ""
    if grams >= 1000:
        kg = f"{grams / 1000:g}".replace(".", ",")
        return f"{kg} kg"
    return f"{grams} g"


def pack_in(lang: str, pack: str) -> str:
    """'gói 500 g' as a page in ``lang`` shows it: 'pack 500 g' in English; other words are kept."""
    unit, _sep, rest = pack.partition(" ")
    if lang == "en" and unit.lower() in UNITS_EN:
        return " ".join(x for x in (UNITS_EN[unit.lower()], rest) if x)
    return pack
