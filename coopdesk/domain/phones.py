"""Vietnamese phone numbers: old 11-digit prefixes, lost leading zeros, E.164 to store."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberFormat

# Retired 11-digit mobile prefixes (2018 conversion); the last 7 digits were kept.
OLD_MOBILE = {
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    **{f"016{d}": f"03{d}" for d in "23456789"},
    "0186": "056", "0188": "058", "0199": "059",
}


# The ten-digit mobile prefixes in use since the 2018 conversion: 03x, 05x, 07x, 08x, 09x.
_CURRENT_MOBILE = re.compile(r"0(?:3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}")


@dataclass(frozen=True)
class Phone:
    """A valid number: E.164 to store, national form to show."""

    e164: str
    national: str


def _digits(raw: str) -> str:
    # Any decimal digit counts as its value: full-width ０９１２ typed with a Vietnamese IME is 0912.
    digits = "".join(str(unicodedata.decimal(ch)) for ch in raw if ch.isdecimal())
    if digits.startswith("0084"):
        digits = "0" + digits[4:]
    if digits.startswith("840") and len(digits) in (12, 13):
        digits = digits[2:]  # +84 (0) 912 345 678: the national 0 written after the country code
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif len(digits) in (9, 10) and not digits.startswith("0"):
        digits = "0" + digits  # Excel dropped the leading zero
    if len(digits) == 11 and digits[:4] in OLD_MOBILE:
        digits = OLD_MOBILE[digits[:4]] + digits[4:]
    return digits


@lru_cache(maxsize=65536)
def normalize_phone(raw: str) -> Phone | None:
    """The number in ``raw``, or None when it is not a valid Vietnamese number."""
    digits = _digits(raw or "")
    if len(digits) < 8:
        return None
    try:
        number = phonenumbers.parse(digits, "VN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        if _CURRENT_MOBILE.fullmatch(digits):
            # Allocated mobile ranges that the phonenumbers data may not list yet (e.g. some 089x numbers).
            return Phone(f"+84{digits[1:]}", f"{digits[:4]} {digits[4:7]} {digits[7:]}")
        return None
    return Phone(
        phonenumbers.format_number(number, PhoneNumberFormat.E164),
        phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
    )


_SEPARATORS = re.compile(r"[;/,|]|\s[-–]\s|\bhoặc\b|\bhay\b|\bor\b|\bvà\b", re.IGNORECASE)


def find_phones(text: str) -> list[Phone]:
    """Every valid number in free text ('0912.345.678 hoặc 0988 111 222', '0912345678 0988111222')."""
    found: list[Phone] = []
    for chunk in _SEPARATORS.split(text or ""):
        phone = normalize_phone(chunk)
        for p in [phone] if phone else _spaced(chunk):
            if p not in found:
                found.append(p)
    return found


def _spaced(chunk: str) -> list[Phone]:
    """Numbers separated only by spaces: each run of words is read as the longest valid number it starts."""
    words, out, i = chunk.split(), [], 0
    while i < len(words):
        best, end = None, i + 1
        for j in range(i + 1, len(words) + 1):
            part = " ".join(words[i:j])
            if sum(ch.isdecimal() for ch in part) > 14:
                break
            phone = normalize_phone(part)
            if phone:
                best, end = phone, j
        if best:
            out.append(best)
        i = end
    return out


def display_phone(e164: str) -> str:
    """'+84912345678' -> '0912 345 678'."""
    phone = normalize_phone(e164)
    return phone.national if phone else e164
