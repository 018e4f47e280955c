"""The cooperative's own profile: who prints the labels and answers for the products."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from coopdesk.domain import addresses
from coopdesk.domain.codes import normalize_tax_code
from coopdesk.domain.errors import Collector
from coopdesk.domain.phones import normalize_phone
from coopdesk.domain.text import clean
from coopdesk.i18n import _

# The base of every lot's GS1 Digital Link: https only (a QR sends buyers there), a plain host and path.
# No query, fragment or user-info: the lot path is appended to it, and a buyer must see where it goes.
TRACE_URL_RE = re.compile(r"https://[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*"
                          r"[A-Za-z0-9])?)*(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~\-]+)*")


@dataclass(frozen=True)
class Cooperative:
    """The profile as stored: phone in E.164, address as codes of the 2025 map plus the street."""

    name: str
    tax_code: str = ""
    province: int | None = None
    commune: int | None = None
    street: str = ""
    phone: str = ""
    email: str = ""
    representative: str = ""
    logo: str = ""
    trace_base_url: str = ""

    def address_line(self) -> str:
        """'Thôn 3, Xã Nà Tấu, Tỉnh Điện Biên'."""
        parts = [self.street, addresses.commune_name(self.commune), addresses.province_name(self.province)]
        return ", ".join(p for p in parts if p)


@dataclass
class CooperativeDraft:
    """The profile form's text, unchecked."""

    name: str = ""
    tax_code: str = ""
    province: str = ""
    commune: str = ""
    street: str = ""
    phone: str = ""
    email: str = ""
    representative: str = ""
    logo: str = ""
    trace_base_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def validate_cooperative(d: CooperativeDraft) -> Cooperative:
    """Check the profile and return it, or raise ValidationError naming each wrong field."""
    c = Collector()
    name = clean(d.name)
    if not name:
        c.add("name", _("Cooperative name: required"))
    tax = ""
    if d.tax_code.strip():
        tax = normalize_tax_code(d.tax_code) or ""
        if not tax:
            c.add("tax_code", _("Tax code: must be 10 digits, or 10-3 digits for a branch (0101234567-001)"))
    province, commune = addresses.resolve(c, d.province, d.commune)
    phone = ""
    if d.phone.strip():
        parsed = normalize_phone(d.phone)
        if parsed is None:
            c.add("phone", _("Phone: “{text}” is not a valid Vietnamese phone number").format(text=d.phone))
        else:
            phone = parsed.e164
    email = clean(d.email)
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        c.add("email", _("Email: “{text}” is not an e-mail address").format(text=email))
    url = clean(d.trace_base_url).rstrip("/")
    if url and not TRACE_URL_RE.fullmatch(url):
        c.add("trace_base_url", _("Trace page address: must be https://host/path, with no “?”, “#” or “user@” "
                                  "(e.g. https://truyxuat.htx.vn)"))
    c.raise_if_any()
    return Cooperative(name=name, tax_code=tax, province=province, commune=commune, street=clean(d.street),
                       phone=phone, email=email, representative=clean(d.representative), logo=d.logo.strip(),
                       trace_base_url=url)
