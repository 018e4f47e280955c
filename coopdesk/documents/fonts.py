"""The bundled Vietnamese font for every PDF (reportlab's Helvetica has no ă ơ ư đ)."""

from __future__ import annotations

from functools import lru_cache

from coopdesk.paths import font_path

REGULAR = "BeVietnamPro"
BOLD = "BeVietnamPro-Bold"
ITALIC = "BeVietnamPro-Italic"


@lru_cache(maxsize=1)
def register() -> tuple[str, str]:
    """Register Be Vietnam Pro with reportlab once (imported lazily: reportlab is slow to load)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(REGULAR, str(font_path("BeVietnamPro-Regular.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(font_path("BeVietnamPro-Bold.ttf"))))
    pdfmetrics.registerFont(TTFont(ITALIC, str(font_path("BeVietnamPro-Italic.ttf"))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD
