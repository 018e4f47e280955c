"""Issue 11, item 9: privacy is decided by the record, and no spelling of a private household reaches the site.

A cooperative whose private members appear in every field a diary entry, an area or a recall has, in every
spelling the screens produce (the members list writes 'Hộ Đỗ Thị Kín', the diary's Who list 'Đỗ Thị Kín')
and the ways people type them; every page of the site is built and none of them is found.
"""

from __future__ import annotations

import html
import unicodedata
from datetime import date

from openpyxl import load_workbook

from coopdesk.domain.lots import EventDraft, Redactor, household_key, member_for
from coopdesk.domain.text import fold
from coopdesk.services import diary, publishing
from coopdesk.services import traceability as trace

TODAY = date(2026, 11, 23)
PRIVATE = ("Hộ Đỗ Thị Kín", "Hộ Giàng A Páo")


def spellings(name: str) -> list[str]:
    bare = name.removeprefix("Hộ ")
    return [name, bare, bare.lower(), bare.upper(), fold(bare), fold(bare).title(), unicodedata.normalize("NFD", bare),
            "  ".join(bare.split()), f"hộ gia đình {bare}", f"HỘ {bare.upper()}"]


def _visible(text: str) -> str:
    """What a reader of the page sees, folded: entities decoded, tags' text and attributes alike."""
    return " ".join(fold(unicodedata.normalize("NFC", html.unescape(text))).split())


def test_one_household_key_for_every_spelling():
    members = {7: "Hộ Đỗ Thị Kín", 8: "Hộ Lê Văn Thắng"}
    for s in spellings("Hộ Đỗ Thị Kín"):
        assert household_key(s) == "do thi kin" and member_for(s, members) == 7
    assert member_for("Đỗ Thị", members) is None and member_for("", members) is None


def test_no_private_household_on_any_public_page(demo_db, tmp_path):
    ids = [trace.add_member(demo_db, name, private=True) for name in PRIVATE]
    open_member = trace.add_member(demo_db, "Hộ Vàng Thị Mỷ")
    lot = None
    for name, member in zip(PRIVATE, ids, strict=True):
        bare = name.removeprefix("Hộ ")
        area = trace.save_area(demo_db, f"Ruộng nhà {bare}", "500", code="DB-01", member_id=member).id
        lot = trace.create_lot(demo_db, "NL-SAN-TUOI", area_ids=[area], day=TODAY).code
        for i, spelled in enumerate(spellings(name)):
            trace.add_event(demo_db, lot, EventDraft(
                kind="care", day=f"{i + 1:02d}/10/2026", person=spelled, place=f"Vườn {spelled}",
                note=f"Làm cùng {spelled}; ghi chú công khai"), today=TODAY)
        seed = trace.save_input(demo_db, "seed", f"Giống nhà {bare}")
        trace.add_event(demo_db, lot, EventDraft(kind="planting", day="01/09/2026", person="Vàng Thị Mỷ",
                                                 input_id=str(seed.id), dose=f"Theo {bare.upper()}"), today=TODAY)
        trace.add_event(demo_db, lot, EventDraft(kind="harvest", day="20/10/2026", person="Vàng Thị Mỷ",
                                                 quantity_kg="100", note=f"Cân tại nhà {bare.lower()}"), today=TODAY)
        trace.add_event(demo_db, lot, EventDraft(kind="processing", day="21/10/2026", person=bare, quantity_kg="50",
                                                 method=f"Phơi ở sân {fold(bare)}"), today=TODAY)
        trace.add_event(demo_db, lot, EventDraft(kind="quality_test", day="22/10/2026", person=name,
                                                 lab=f"Mẫu của {bare}", result=f"Đạt (người lấy mẫu: {bare})",
                                                 passed="đạt"), today=TODAY)
    # The diary spreadsheet's Who column, as members fill it in.
    template = diary.write_template(demo_db, tmp_path / "mau.xlsx")
    wb = load_workbook(template)
    ws = wb["Nhật ký"]
    ws.delete_rows(2, ws.max_row)
    ws.append(["23/10/2026", "Chăm sóc", "đỗ thị kín", "", "", "", "", "", "", "", "", "", "", "", "Tưới đợt KX-7"])
    wb.save(template)
    preview = diary.preview_diary(demo_db, lot, template, TODAY)
    assert preview.ok, [str(x) for x in preview.errors]
    diary.commit_diary(demo_db, preview)
    trace.recall_lot(demo_db, lot, f"Báo từ hộ {PRIVATE[1].removeprefix('Hộ ')}", day=TODAY)
    stored = {e.member_id for v in trace.views(demo_db) for e in v.state.events if "KX-7" in e.note}
    assert stored == {ids[0]}  # the record points at the household: that, not the text, decides

    out = tmp_path / "site"
    publishing.export_site(demo_db, out, TODAY)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 2 + 2 * 7
    seen = " ".join(_visible(p.read_text(encoding="utf-8")) for p in pages)
    for name in PRIVATE:
        assert household_key(name) not in seen, name
    # The rest of the same entries is published: the fields were there, only the names are gone.
    assert "vang thi my" in seen and "ghi chu cong khai" in seen and "giong nha …" in seen and "theo …" in seen
    assert open_member


def test_a_household_made_private_later_disappears(demo_db, tmp_path):
    member = trace.add_member(demo_db, "Hộ Đỗ Thị Kín")
    lot = trace.create_lot(demo_db, "NL-SAN-TUOI", day=TODAY).code
    trace.add_event(demo_db, lot, EventDraft(kind="care", day="01/10/2026", person="Đỗ Thị Kín"), today=TODAY)
    publishing.export_site(demo_db, tmp_path / "a", TODAY)
    assert "do thi kin" in _visible((tmp_path / "a" / f"lo/{lot}/index.html").read_text(encoding="utf-8"))
    demo_db.conn.execute("UPDATE members SET private = 1 WHERE id = ?", (member,))
    publishing.export_site(demo_db, tmp_path / "b", TODAY)
    assert "do thi kin" not in _visible((tmp_path / "b" / f"lo/{lot}/index.html").read_text(encoding="utf-8"))


def test_redactor_leaves_other_words_alone():
    redact = Redactor(["Hộ Đỗ Thị Kín", "Hộ Mai"])
    assert redact("Ngày mai tưới, hộ Đỗ  Thị Kín làm") == "Ngày mai tưới, … làm"
    assert redact("Đỗ Thị Kínhg") == "Đỗ Thị Kínhg"
