from datetime import date

import pytest

from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.lots import EventDraft
from coopdesk.services import traceability as trace

TODAY = date(2026, 11, 23)


def add(database, code, kind, day, reason="", **kw):
    return trace.add_event(database, code, EventDraft(kind=kind, day=day, person="Trịnh Thị Mai", **kw), reason,
                           TODAY)


def test_codes_follow_the_pattern_and_are_never_reused(demo_db):
    a = trace.create_lot(demo_db, "TSE-CUDO-300", day=date(2026, 11, 1))
    b = trace.create_lot(demo_db, "TSE-CUDO-300", day=date(2026, 11, 2))
    assert a.code == "HP-2026-0004" and b.code == "HP-2026-0005"
    trace.set_lot_pattern(demo_db, "CUDO-{YY}{MM}-{NNN}")
    assert trace.create_lot(demo_db, "TSE-CUDO-300", day=date(2026, 11, 3)).code == "CUDO-2611-001"
    with pytest.raises(ValidationError):
        trace.set_lot_pattern(demo_db, "CUDO")


def test_bad_lot_input_saves_nothing(demo_db):
    before = len(trace.views(demo_db))
    with pytest.raises(ValidationError) as info:
        trace.create_lot(demo_db, "KHONG-CO", "hai", [999], [("HP-2025-0001", "5000")])
    assert info.value.fields == ["product", "planned", "areas", "parents"]
    assert len(trace.views(demo_db)) == before


def test_rules_hold_through_the_service(demo_db):
    lot = trace.create_lot(demo_db, "LDU-BIDO-QUA", day=date(2026, 7, 1)).code
    bt = next(i for i in trace.inputs(demo_db).values() if i.phi_days == 3)
    add(demo_db, lot, "planting", "01/07/2026")
    add(demo_db, lot, "spraying", "01/09/2026", input_id=str(bt.id), dose="30 g")
    with pytest.raises(ValidationError) as info:
        add(demo_db, lot, "harvest", "02/09/2026", quantity_kg="500")
    assert "04/09/2026" in info.value.errors[0].message
    assert [e.kind for e in trace.view(demo_db, lot).state.events] == ["planting", "spraying"]
    add(demo_db, lot, "harvest", "04/09/2026", quantity_kg="500")


def test_a_packed_lot_is_locked_and_changes_are_corrections(demo_db):
    code = "HP-2026-0002"  # the demo pumpkin lot, packed
    with pytest.raises(ValidationError) as info:
        add(demo_db, code, "care", "20/11/2026", note="Kiểm tra kho")
    assert info.value.fields == ["reason"]
    add(demo_db, code, "care", "20/11/2026", reason="Ghi bổ sung sau kiểm tra kho", note="Kiểm tra kho")
    harvest = next(e for e in trace.view(demo_db, code).state.events if e.kind == "harvest")
    with pytest.raises(ValidationError):
        trace.correct_event(demo_db, code, harvest.id, EventDraft(kind="harvest", day="15/10/2026",
                                                                  person="Phạm Đức Ưng", quantity_kg="650"), "")
    trace.correct_event(demo_db, code, harvest.id, EventDraft(kind="harvest", day="15/10/2026",
                                                              person="Phạm Đức Ưng", quantity_kg="650"),
                        "Cân lại bị nhầm", TODAY)
    trail = trace.corrections(demo_db, code)
    assert [c["reason"] for c in trail] == ["Ghi bổ sung sau kiểm tra kho", "Cân lại bị nhầm"]
    assert '"quantity_g": 600000' in trail[1]["before"] and '"quantity_g": 650000' in trail[1]["after"]
    # packed 400 x 1.5 kg = 600 kg: the harvest cannot be corrected below that
    with pytest.raises(ValidationError):
        trace.correct_event(demo_db, code, harvest.id, EventDraft(kind="harvest", day="15/10/2026",
                                                                  person="Phạm Đức Ưng", quantity_kg="500"),
                            "thử", TODAY)
    care = [e for e in trace.view(demo_db, code).state.events if e.kind == "care"][0]
    trace.delete_event(demo_db, code, care.id, "Ghi nhầm lô")
    assert len(trace.corrections(demo_db, code)) == 3


def test_genealogy_and_recall_reach_both_ways(demo_db):
    bun = trace.view(demo_db, "HP-2026-0001")
    assert bun.made_from == ["HP-2025-0001", "HP-2025-0002"]
    assert trace.view(demo_db, "HP-2025-0001").used_in == ["HP-2026-0001"]
    assert trace.lineage_codes(demo_db, "HP-2026-0001", "back") == ["HP-2025-0001", "HP-2025-0002"]
    assert trace.lineage_codes(demo_db, "HP-2025-0002", "forward") == ["HP-2026-0001"]
    reached = trace.recall_lot(demo_db, "HP-2025-0001", "Dư lượng thuốc vượt ngưỡng")
    assert reached == ["HP-2025-0001", "HP-2026-0001"]
    assert trace.view(demo_db, "HP-2026-0001").state.status == "recalled"
    assert trace.view(demo_db, "HP-2025-0002").state.status == "harvested"


def test_made_from_takes_stock_from_the_raw_lots(demo_db):
    assert trace.view(demo_db, "HP-2025-0001").state.on_hand() == (400_000, "g")
    with pytest.raises(ValidationError) as info:
        trace.create_lot(demo_db, "YDI-MIEN-500", parents=[("HP-2025-0001", "401")])
    assert "400 kg" in info.value.errors[0].message
    trace.create_lot(demo_db, "YDI-MIEN-500", parents=[("HP-2025-0001", "400")])
    assert trace.view(demo_db, "HP-2025-0001").state.on_hand() == (0, "g")


def test_photos_are_copied_and_a_missing_one_is_named(demo_db, tmp_path):
    photo = tmp_path / "phoi-bun.jpg"
    photo.write_bytes(b"\xff\xd8 fake jpeg")
    lot = trace.create_lot(demo_db, "YDI-BUN-500").code
    e = add(demo_db, lot, "care", "01/11/2026", photos=[str(photo)])
    assert e.photos == ("phoi-bun.jpg",)
    with pytest.raises(ValidationError) as info:
        add(demo_db, lot, "care", "02/11/2026", photos=[str(tmp_path / "missing.jpg")])
    assert "missing.jpg" in info.value.errors[0].message


def test_registers_name_bad_fields(demo_db):
    with pytest.raises(ValidationError) as info:
        trace.save_input(demo_db, "pesticide", "Thuốc X")
    assert set(info.value.fields) == {"phi_days", "active_ingredient"}
    with pytest.raises(ValidationError) as info:
        trace.save_area(demo_db, "", "nhiều", "Thanh Hóa", "Xã Nà Tấu", gps="200, 5")
    assert info.value.fields == ["name", "area_m2", "commune", "gps"]
    with pytest.raises(ValidationError):
        trace.add_member(demo_db, "Hộ A", "0123")
    member = trace.add_member(demo_db, "Hộ Ẩn Danh", "0912 000 111", private=True)
    assert any(m["id"] == member and m["private"] for m in trace.members(demo_db))


def test_unknown_lot_is_a_plain_error(demo_db):
    with pytest.raises(CoopDeskError):
        trace.view(demo_db, "HP-1999-0001")


def test_filters(demo_db):
    items = trace.views(demo_db)
    assert {v.code for v in trace.filter_views(items, status="packed")} == {"HP-2026-0001", "HP-2026-0002"}
    assert [v.code for v in trace.filter_views(items, text="bun kho")] == ["HP-2026-0001"]
    assert {v.code for v in trace.filter_views(items, sku="NL-SAN-TUOI")} == {"HP-2025-0001", "HP-2025-0002"}
    assert [v.code for v in trace.filter_views(items, text="dong moi")] == ["HP-2025-0001"]


def test_stock_adjustments(demo_db):
    before = trace.view(demo_db, "HP-2026-0002").state.on_hand()[0]
    assert trace.adjust_stock(demo_db, "HP-2026-0002", 3, "Khách hoàn 3 quả") == before + 3
    assert trace.adjust_stock(demo_db, "HP-2026-0002", -1, "Vỡ khi bốc xếp") == before + 2
    with pytest.raises(ValidationError):
        trace.adjust_stock(demo_db, "HP-2026-0002", -1000, "thử")
    with pytest.raises(ValidationError):
        trace.adjust_stock(demo_db, "HP-2025-0001", 1, "thử")  # not packed: counted in kg
    with pytest.raises(ValidationError):
        trace.adjust_stock(demo_db, "HP-2026-0002", 1, "")
