import pytest

from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.services import order_entry as oe
from coopdesk.services import traceability as trace


def draft(phone="0912 000 111", lines=(("bun500", "3"),), **kw) -> OrderDraft:
    return OrderDraft(phone=phone, name=kw.pop("name", "Ngô Thị Lan"), province="Thanh Hóa", commune="yen dinh",
                      lines=[LineDraft(i, q, lot=kw.pop("lot", "")) for i, q in lines], **kw)


def on_hand(db, code):
    return trace.view(db, code).state.on_hand()[0]


def test_saved_order_takes_stock_fefo_and_cancel_returns_it(demo_db):
    before = on_hand(demo_db, "HP-2026-0001")
    saved = oe.save_order(demo_db, draft(lines=(("bun500", "3"), ("bidoqua", "2")), shipping="30k"))
    assert saved.lines[0]["lots"] == [{"code": "HP-2026-0001", "qty": 3}]
    assert saved.total_vnd == 3 * 40_000 + 2 * 39_000 + 30_000 == saved.cod_vnd
    assert on_hand(demo_db, "HP-2026-0001") == before - 3
    oe.set_status(demo_db, saved.order_id, "cancelled")
    assert on_hand(demo_db, "HP-2026-0001") == before
    with pytest.raises(CoopDeskError):
        oe.set_status(demo_db, saved.order_id, "packed")


def test_cancel_one_line(demo_db):
    saved = oe.save_order(demo_db, draft(lines=(("bun500", "3"), ("bidoqua", "2"))))
    order = oe.get_order(demo_db, saved.order_id)
    before = on_hand(demo_db, "HP-2026-0002")
    oe.cancel_line(demo_db, saved.order_id, order["lines"][1]["id"])
    after = oe.get_order(demo_db, saved.order_id)
    assert after["total"] == 120_000 and after["cod"] == 120_000
    assert on_hand(demo_db, "HP-2026-0002") == before + 2


def test_fefo_across_two_lots_and_forced_lot(demo_db, tmp_path):
    from coopdesk.domain.lots import EventDraft

    newer = trace.create_lot(demo_db, "YDI-BUN-500", parents=[("HP-2025-0001", "100")]).code
    trace.add_event(demo_db, newer, EventDraft(kind="processing", day="20/11/2026", person="Mai", method="Tráng",
                                               quantity_kg="50"))
    trace.add_event(demo_db, newer, EventDraft(kind="packing", day="21/11/2026", person="Mai", packs="20",
                                               pack_size="500 g"))
    left = on_hand(demo_db, "HP-2026-0001")
    saved = oe.save_order(demo_db, draft(lines=(("bun500", str(left + 5)),)))
    assert saved.lines[0]["lots"] == [{"code": "HP-2026-0001", "qty": left}, {"code": newer, "qty": 5}]
    forced = oe.save_order(demo_db, draft(lines=(("bun500", "2"),), lot=newer))
    assert forced.lines[0]["lots"] == [{"code": newer, "qty": 2}]
    with pytest.raises(ValidationError) as info:
        oe.save_order(demo_db, draft(lines=(("bun500", "1"),), lot="HP-2026-0002"))
    assert info.value.fields == ["line1.lot"]


def test_oversell_is_saved_with_a_warning(demo_db):
    w = oe.stock_warnings(demo_db, draft(lines=(("bun500", "5000"),)))
    assert w and "YDI-BUN-500" in w[0]
    saved = oe.save_order(demo_db, draft(lines=(("nem10", "2"),)))  # the only nem lot is recalled
    assert saved.lines[0]["lots"] == [] and saved.warnings


def test_bad_input_saves_nothing(demo_db):
    count = len(oe.orders_json(demo_db))
    for bad in (draft(phone="0123"), draft(lines=(("KHONG-CO", "1"),)), draft(lines=(("bun500", "hai"),)),
                draft(prepaid="9.000.000")):
        with pytest.raises(ValidationError):
            oe.save_order(demo_db, bad)
    assert len(oe.orders_json(demo_db)) == count


def test_customers_are_one_per_phone_and_remembered(demo_db):
    oe.save_order(demo_db, draft(phone="01689 000 111", name="Ngô Thị Lan"))
    oe.save_order(demo_db, draft(phone="+84 389 000 111", name=""))
    card = oe.find_customer(demo_db, "0389000111")
    assert card.name == "Ngô Thị Lan" and card.orders == 2 and card.commune is not None
    names = [c["name"] for c in oe.customers(demo_db)]
    assert names.index("Hoàng Thị Ánh") < names.index("Nguyễn Thị Hồng") < names.index("Ngô Thị Lan")


def test_flagged_customer_is_shown(demo_db):
    card = oe.find_customer(demo_db, "0905111004")
    assert card.flagged and "⚠" in card.summary() and card.returned == 1


def test_edit_keeps_history(demo_db):
    saved = oe.save_order(demo_db, draft())
    oe.edit_order(demo_db, saved.order_id, draft(lines=(("bun500", "5"),)), "Mai")
    actions = [h["action"] for h in oe.history(demo_db, saved.order_id)]
    assert actions == ["create", "edit"]
    assert '"before"' in oe.history(demo_db, saved.order_id)[1]["detail"]


def test_session_tally(demo_db):
    sid = oe.start_session(demo_db, "Live thử", "Facebook", "Mai")
    assert oe.current_session(demo_db)["id"] == sid
    oe.save_order(demo_db, draft(lines=(("bun500", "2"),), shipping="20k"), sid)
    oe.save_order(demo_db, draft(phone="0977 000 222", lines=(("bidoqua", "1"),), prepaid="39k"), sid)
    t = oe.tally(demo_db, sid)
    assert t == {"orders": 2, "revenue": 2 * 40_000 + 20_000 + 39_000, "cod": 2 * 40_000 + 20_000, "items": 3,
                 "cancelled": 0}
    oe.end_session(demo_db, sid)
    assert oe.current_session(demo_db) is None


def test_demo_past_session(demo_db):
    rows = oe.orders_json(demo_db)
    assert len(rows) == 8 and {r["status"] for r in rows} == {"new", "packed", "handed", "delivered", "returned",
                                                              "cancelled"}
    assert on_hand(demo_db, "HP-2026-0001") == 1500 - (4 + 2 + 10 + 3 + 1)
