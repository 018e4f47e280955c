"""Reading a buyer's comment ('chốt 2 nem50 0912345678 Nguyễn Thị Hồng, xã Nà Tấu, Điện Biên') into a draft.

Only a suggestion: the desk shows it for staff to confirm; nothing is saved from a comment alone.
"""

from __future__ import annotations

import re

from coopdesk.domain import addresses
from coopdesk.domain.orders import CatalogItem, LineDraft, OrderDraft, find_items
from coopdesk.domain.phones import normalize_phone
from coopdesk.domain.text import clean

_TRIGGERS = r"(?:chốt|chot|lấy|lay|đặt|dat|mua|order|ib)"
_PHONE = re.compile(r"(?<![\w.])(?:\+?84|0)[\d .\-]{7,13}\d")


def parse_comment(text: str, catalog: list[CatalogItem]) -> OrderDraft:
    """Phone, items with quantities, name and commune found in a comment."""
    raw = clean(text)
    draft = OrderDraft(raw_address=raw)
    rest = raw
    for run in _PHONE.findall(raw):
        phone = normalize_phone(run)
        if phone:
            draft.phone = draft.phone or phone.national
            rest = rest.replace(run, " ")
    rest = re.sub(rf"^\s*{_TRIGGERS}\b", " ", rest, flags=re.IGNORECASE).strip()
    head, _sep, tail = rest.partition(",")
    tokens = head.split()
    used: set[int] = set()
    lines: list[LineDraft] = []
    for i, tok in enumerate(tokens):
        m = re.fullmatch(r"(.+?)[x×*](\d{1,3})", tok, re.IGNORECASE)
        word, qty = (m.group(1), m.group(2)) if m else (tok, "")
        # An item is a code-like word (letters and digits: nem50, bun500) or an exact SKU.
        if not (re.search(r"\d", word) and re.search(r"[^\W\d_]", word)) and not any(
                c.sku.upper() == word.upper() for c in catalog):
            continue
        found = find_items(word, catalog)
        if len(found) != 1:
            continue
        used.add(i)
        if not qty and i > 0 and (i - 1) not in used and re.fullmatch(r"\d{1,3}", tokens[i - 1]):
            qty = tokens[i - 1]
            used.add(i - 1)
        if not qty and i + 1 < len(tokens) and re.fullmatch(r"[x×*]\d{1,3}", tokens[i + 1], re.IGNORECASE):
            qty = tokens[i + 1][1:]
            used.add(i + 1)
        lines.append(LineDraft(item=found[0].sku, qty=qty or "1"))
    draft.lines = lines
    name_words = [t for j, t in enumerate(tokens) if j not in used and not re.fullmatch(r"[\d x×*]+", t)
                  and not re.fullmatch(_TRIGGERS, t, re.IGNORECASE)]
    draft.name = " ".join(name_words)
    # Place: the comma-separated parts after the name; the last known province, then its commune.
    parts = [clean(p) for p in tail.split(",") if clean(p)]
    province = None
    for part in reversed(parts):
        province = addresses.find_province(part)
        if province:
            draft.province = str(province.code)
            break
    if province:
        for part in parts:
            found = addresses.find_commune(part, province.code)
            if found:
                draft.commune = found.name
                break
    elif len(parts) >= 3:
        # No province of the 2025 map: maybe a pre-2025 address (ward, district, province). Take the new commune
        # when it maps to exactly one; otherwise leave it for staff (the original text is kept).
        matches = addresses.legacy_candidates(", ".join(parts[-3:]))
        if len(matches) == 1 and len(matches[0].candidates) == 1:
            draft.commune = matches[0].candidates[0].name
            draft.province = str(matches[0].province)
            parts = parts[:-3]
    if not draft.commune and not draft.province:
        # A commune named alone: only when its name is unique in the country (238 names repeat).
        for part in parts:
            exact = [p for p in addresses.search_communes(part, None, limit=50)
                     if p.folded == addresses.fold_place(part)]
            if len(exact) == 1:
                draft.commune = exact[0].name
                code = addresses.commune_province(exact[0].code)
                draft.province = str(code) if code else ""
                break
    known = {addresses.fold_place(draft.commune)} if draft.commune else set()
    if draft.province:
        known.add(addresses.fold_place(addresses.province_name(int(draft.province))))
    draft.street = ", ".join(p for p in parts if addresses.fold_place(p) not in known)
    return draft
