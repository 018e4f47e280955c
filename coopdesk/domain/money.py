"""Money in whole đồng: parsing what staff type and showing it the Vietnamese way."""

from __future__ import annotations

import re

from coopdesk.i18n import _

_SUFFIXES = {"k": 1_000, "ng": 1_000, "nghin": 1_000, "nghìn": 1_000, "tr": 1_000_000,
             "trieu": 1_000_000, "triệu": 1_000_000, "m": 1_000_000}
_CURRENCY = re.compile(r"(₫|vnđ|vnd|đồng|dong|đ)$", re.IGNORECASE)


# The largest amount CoopDesk accepts anywhere (a price, an order, a fee): 10¹² đồng, a thousand billion.
# Bounded so no sum can overflow SQLite's 64-bit integers, and a slipped key is caught at the field.
MAX_VND = 10**12


class MoneyError(ValueError):
    """The text is not an amount of đồng."""


def check_vnd(value: int) -> int:
    """``value`` if it is within 0..MAX_VND; MoneyError (saying the limit) otherwise."""
    if value < 0:
        raise MoneyError(_("must not be negative"))
    if value > MAX_VND:
        raise MoneyError(_("{value} is more than {limit} đồng, the largest amount CoopDesk accepts").format(
            value=format_number(value) if value < 10**30 else _("a number of {n} digits").format(n=len(str(value))),
            limit=format_number(MAX_VND)))
    return value


def parse_vnd(text: str) -> int:
    """Read '120000', '120.000', '120k', '1,2tr', '1.250.000 ₫' as whole đồng.

    Raises MoneyError for anything else, negative amounts and fractions of a đồng.
    """
    raw = " ".join(str(text).split()).lower().replace("\u00a0", " ")
    if not raw:
        raise MoneyError(_("an amount is required"))
    raw = _CURRENCY.sub("", raw).strip()
    if raw.startswith("-"):
        raise MoneyError(_("must not be negative"))
    multiplier = 1
    for suffix, factor in sorted(_SUFFIXES.items(), key=lambda kv: -len(kv[0])):
        if raw.endswith(suffix):
            multiplier = factor
            raw = raw[: -len(suffix)].strip()
            break
    raw = raw.replace(" ", "")
    if not raw or not re.fullmatch(r"[0-9.,]+", raw):
        raise MoneyError(_("“{text}” is not an amount in đồng").format(text=text))
    if len(raw) > 40:
        raise MoneyError(_("“{text}…” is not an amount in đồng").format(text=str(text)[:20]))
    if multiplier == 1:
        # Without a suffix, '.' and ',' are thousands separators (120.000 or 120,000).
        if not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", raw):
            raise MoneyError(_("“{text}” is not a whole number of đồng").format(text=text))
        return check_vnd(int(re.sub(r"[.,]", "", raw)))
    # With a suffix a single decimal comma or point is allowed: 1,2tr = 1.200.000.
    if raw.count(",") + raw.count(".") > 1:
        raise MoneyError(_("“{text}” is not an amount in đồng").format(text=text))
    whole, _sep, frac = raw.replace(",", ".").partition(".")
    value = int(whole or "0") * multiplier
    if frac:
        scale = 10 ** len(frac)
        part = int(frac) * multiplier
        if part % scale:
            raise MoneyError(_("“{text}” is not a whole number of đồng").format(text=text))
        value += part // scale
    return check_vnd(value)


def format_number(n: int) -> str:
    """1250000 -> '1.250.000' (the Vietnamese grouping, whatever the UI language)."""
    sign = "-" if n < 0 else ""
    return sign + f"{abs(int(n)):,}".replace(",", ".")


def format_vnd(n: int) -> str:
    """1250000 -> '1.250.000 ₫' (no-break space, as babel's vi_VN gives)."""
    return f"{format_number(n)}\u00a0₫"


def amount_in_words(vnd: int) -> str:
    """1250000 -> "Một triệu hai trăm năm mươi nghìn đồng": the amount in words that COD slips and handover
    sheets carry in Vietnamese whatever the UI language (num2words' Vietnamese, capitalised)."""
    from num2words import num2words

    n = int(vnd)
    words = num2words(abs(n), lang="vi")
    words = ("âm " if n < 0 else "") + words + " đồng"
    return words[0].upper() + words[1:]
