"""Identifiers with rules of their own: GTIN-13 check digits and Vietnamese tax codes."""

from __future__ import annotations

import re

# GS1 AI (10) batch/lot: at most 20 characters. CoopDesk's codes use a safe subset of its character set
# (upper-case letters, ASCII digits, '-', '.', '_'), so a code is the same in a URL, a barcode and on paper.
LOT_CODE_MAX = 20
LOT_CODE_RE = re.compile(rf"[A-Z0-9][A-Z0-9._\-]{{0,{LOT_CODE_MAX - 1}}}")


def is_gs1_lot_code(code: str) -> bool:
    """A code GS1 AI (10) accepts as it is: 1–20 characters of the safe set."""
    return bool(LOT_CODE_RE.fullmatch(code))


def gtin_check_digit(body: str) -> int:
    """The GS1 check digit for the digits before it (weights 3,1,3,1… from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin13(code: str) -> bool:
    """13 digits whose last one is the right check digit."""
    return bool(re.fullmatch(r"[0-9]{13}", code)) and gtin_check_digit(code[:12]) == int(code[12])


def gtin14(gtin13: str) -> str:
    """The 14-digit form used in GS1 Digital Link paths (a leading zero)."""
    return gtin13.rjust(14, "0")


def normalize_tax_code(text: str) -> str | None:
    """'0101234567' or '0101234567-001' (a branch); None when it is neither.

    Accepts spaces, and 13 digits without the dash, and writes the 10-3 form.
    """
    raw = re.sub(r"\s", "", text or "")
    m = re.fullmatch(r"([0-9]{10})(?:-?([0-9]{3}))?", raw)
    if not m:
        return None
    main, branch = m.groups()
    return f"{main}-{branch}" if branch else main
