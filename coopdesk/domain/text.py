"""Vietnamese text: NFC, diacritic-free folding for search, and Vietnamese sort order."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Division prefixes people leave out when they type a place name.
_PLACE_PREFIXES = ("thanh pho ", "tp. ", "tp ", "tinh ", "xa ", "phuong ", "dac khu ", "thi tran ")


def nfc(text: str) -> str:
    """Text in NFC, the form every stored string uses (NFD input would never match)."""
    return unicodedata.normalize("NFC", text)


def clean(text: str | None) -> str:
    """NFC, stripped; None becomes the empty string."""
    if text is None:
        return ""
    return " ".join(nfc(str(text)).split())


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case text without diacritics, đ as d: 'Bún khô' -> 'bun kho'. Cached: names repeat a lot."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Typed apostrophes vary (Ea H’leo, Ea H'leo): one form, so they compare equal.
    return stripped.replace("đ", "d").replace("’", "'").replace("‘", "'").replace("`", "'")


def fold_place(text: str) -> str:
    """Folded place name without its division prefix ('Xã Nà Tấu' -> 'na tau')."""
    folded = fold(text).strip()
    for prefix in _PLACE_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix):].strip()
    return folded


def matches(query: str, folded_haystack: str) -> bool:
    """True when every word of the query occurs in the folded haystack."""
    return all(word in folded_haystack for word in fold(query).split())


# Vietnamese alphabet order, with f j w z in their Latin places.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}
# Tones: none < huyền < hỏi < ngã < sắc < nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SHAPES = {("a", "\u0306"): "ă", ("a", "\u0302"): "â", ("e", "\u0302"): "ê",
           ("o", "\u0302"): "ô", ("o", "\u031b"): "ơ", ("u", "\u031b"): "ư"}


def _letters(word: str) -> list[tuple[str, int, int]]:
    """Split into (base letter with shape, tone, is_upper) triples."""
    out: list[tuple[str, int, int]] = []
    for ch in unicodedata.normalize("NFC", word):
        decomposed = unicodedata.normalize("NFD", ch)
        base = decomposed[0]
        upper = 1 if base.isupper() else 0
        base = base.lower()
        tone = 0
        for mark in decomposed[1:]:
            if mark in _TONES:
                tone = _TONES[mark]
            elif (base, mark) in _SHAPES:
                base = _SHAPES[(base, mark)]
        if base == "đ" or ch in "đĐ":
            base = "đ"
        out.append((base, tone, upper))
    return out


def _rank(base: str) -> int:
    if base in _LETTER_RANK:
        return 20 + _LETTER_RANK[base]
    if base.isdigit():
        return 1 + int(base) if base.isascii() else 11
    if base.isalnum():
        return 100 + ord(base)
    return 0  # spaces and punctuation sort before any letter


def sort_key(text: str) -> tuple:
    """A key that sorts Vietnamese the way a Vietnamese reader expects (a < ă < â < b … d < đ)."""
    letters = _letters(text)
    primary = tuple(_rank(b) for b, _, _ in letters)
    secondary = tuple(t for _, t, _ in letters)
    tertiary = tuple(u for _, _, u in letters)
    return (primary, secondary, tertiary)
