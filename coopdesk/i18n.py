"""Translations for every layer: gettext catalogs compiled by Babel, no Qt needed.

gettext (not Qt Linguist) because the domain rules and the printed documents need
Vietnamese text without Qt; Qt's own .qm files are used only for Qt's stock dialogs.
Message ids are English; Vietnamese is the default language.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

DOMAIN = "coopdesk"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def set_language(lang: str) -> None:
    """Switch every later _() call to ``lang`` ('vi' or 'en')."""
    global _translations, _language
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    _language = lang
    if lang == "en":
        _translations = gettext.NullTranslations()
    else:
        _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


@lru_cache(maxsize=8)
def translator(lang: str):  # noqa: ANN201 - a gettext function
    """A _() for one language, whatever the UI speaks: printed pages carry Vietnamese and English.

    Cached: the trace site asks for it once per text of every lot, and each uncached look-up reads the catalog
    from disk (40% of a 1,000-lot export before).
    """
    if lang == "en":
        return gettext.NullTranslations().gettext
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True).gettext


def language() -> str:
    """The language now in force."""
    return _language


def _pseudo(text: str) -> str:
    # COOPDESK_PSEUDO=1 stretches every string to catch clipped layouts.
    return f"[{text} ~~~~~~]"


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    text = _translations.gettext(message)
    if os.environ.get("COOPDESK_PSEUDO") == "1":
        return _pseudo(text)
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translate later with _()."""
    return message


set_language(os.environ.get("COOPDESK_LANG", DEFAULT_LANGUAGE))
