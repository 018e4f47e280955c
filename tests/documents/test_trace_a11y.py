"""Issue 11, item 13: the trace pages read well for everyone: contrast, alt text, roles, languages."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from PIL import Image

from coopdesk.documents.trace_site import CSS
from coopdesk.domain.lots import EventDraft
from coopdesk.services import publishing
from coopdesk.services import traceability as trace

TODAY = date(2026, 11, 23)


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _rule(selector: str, prop: str) -> str:
    body = re.search(rf"(?:^|\}}|\n){re.escape(selector)}\{{([^}}]*)\}}", CSS).group(1)
    return re.search(rf"(?:^|;){prop}:(#[0-9a-fA-F]{{6}})", body).group(1)


def test_text_contrast_is_aa():
    page = _rule("body", "background")
    assert contrast(_rule("footer", "color"), page) >= 4.5  # was 4.06:1
    assert contrast(_rule("dt", "color"), "#ffffff") >= 4.5
    assert contrast(_rule(".when", "color"), "#ffffff") >= 4.5
    assert contrast("#ffffff", _rule("header", "background")) >= 4.5


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_photos_have_alt_text_stars_a_role_and_the_switch_a_language(demo_db, tmp_path):
    photo = tmp_path / "ruong.png"
    Image.new("RGB", (40, 30), "green").save(photo)
    lot = trace.create_lot(demo_db, "YDI-BUN-500", day=TODAY).code
    trace.add_event(demo_db, lot, EventDraft(kind="care", day="01/11/2026", person="Lê Văn Thắng",
                                             photos=[str(photo)]), today=TODAY)
    out = tmp_path / "site"
    publishing.export_site(demo_db, out, TODAY)
    for page_name, lang, other in (("index.html", "vi", "en"), ("en.html", "en", "vi")):
        parser = Tags()
        parser.feed(next(out.rglob(f"{lot}/{page_name}")).read_text(encoding="utf-8"))
        tags = parser.tags
        assert ("html", {"lang": lang}) in tags
        switch = [a for t, a in tags if t == "a" and a.get("hreflang")]
        assert switch and all(a.get("lang") == other == a["hreflang"] for a in switch)
        images = [a for t, a in tags if t == "img"]
        content = [a for a in images if a.get("class") == "hero" or a.get("loading") == "lazy"]
        assert content and all(a.get("alt", "").strip() for a in content)  # the header logo beside the name: alt=""
        timeline = [a for a in images if a.get("loading") == "lazy"]
        assert timeline and "01/11/2026" in timeline[0]["alt"]
        stars = [a for t, a in tags if t == "span" and "stars" in a.get("class", "")]
        assert stars and all(a.get("role") == "img" and "5" in a.get("aria-label", "") for a in stars)
