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
    asked = oe.stock_warnings(demo_db, draft(lines=(("nem10", "2"),)))
    saved = oe.save_order(demo_db, draft(lines=(("nem10", "2"),)))  # the only nem lot is recalled
    assert saved.lines[0]["lots"] == [] and saved.warnings
    # the packs exist, but a recall holds them back: both warnings say so, naming the lot
    assert "thu hồi" in asked[0] and "thu hồi" in saved.warnings[0] and "HP-" in saved.warnings[0]


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
    assert t == {"orders": 2, "revenue": 2 * 40_000 + 39_000, "shipping": 20_000, "prepaid": 39_000,
                 "cod": 2 * 40_000 + 20_000, "items": 3, "cancelled": 0}
    assert t["revenue"] + t["shipping"] - t["prepaid"] == t["cod"]  # the tally reconciles at a glance
    oe.end_session(demo_db, sid)
    assert oe.current_session(demo_db) is None


def test_demo_past_session(demo_db):
    rows = oe.orders_json(demo_db)
    assert len(rows) == 8 and {r["status"] for r in rows} == {"new", "packed", "handed", "delivered", "returned",
                                                              "cancelled"}
    assert on_hand(demo_db, "HP-2026-0001") == 1500 - (4 + 2 + 10 + 3 + 1)


def _packed_lot(db, day, packs="20", made=None):
    """A bun lot packed on ``day`` (dd/mm/yyyy), entered now."""
    from datetime import date

    from coopdesk.domain.lots import EventDraft

    made = made or date(2026, 7, 1)
    code = trace.create_lot(db, "YDI-BUN-500", parents=[("HP-2025-0001", "60")], day=made).code
    trace.add_event(db, code, EventDraft(kind="processing", day=day, person="Mai", method="Tráng", quantity_kg="30"))
    trace.add_event(db, code, EventDraft(kind="packing", day=day, person="Mai", packs=packs, pack_size="500 g"))
    return code


def _lots(db, order_id):
    return [(x["sku"], x["lots"]) for x in oe.get_order(db, order_id)["lines"]]


def test_draft_for_edit_is_typed_and_keeps_lot_price_and_discount(demo_db):
    newer = _packed_lot(demo_db, "21/11/2026")
    d = draft(lines=(("bun500", "2"), ("bidoqua", "1")), lot=newer)
    d.lines[1].discount = "5.000"
    d.lines[1].price, d.lines[1].price_reason = "35.000", "khách quen"
    saved = oe.save_order(demo_db, d, created_at="2026-11-21 10:00:00")
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    assert isinstance(edit, OrderDraft)
    assert [(x.lot, x.qty, x.discount, x.price_reason) for x in edit.lines] == [
        (newer, "2", "", ""), ("HP-2026-0002", "1", "5.000", "khách quen")]
    assert all(x.line_id for x in edit.lines)
    assert edit.name == "Ngô Thị Lan" and edit.province and edit.commune


def test_editing_the_address_of_a_forced_lot_order_keeps_its_lots(demo_db):
    newer = _packed_lot(demo_db, "21/11/2026")
    saved = oe.save_order(demo_db, draft(lines=(("bun500", "3"),), lot=newer))
    before = _lots(demo_db, saved.order_id)
    assert before == [("YDI-BUN-500", [{"code": newer, "qty": 3}])]
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    edit.street = "12 Lê Lợi"
    oe.edit_order(demo_db, saved.order_id, edit)
    assert _lots(demo_db, saved.order_id) == before
    assert oe.get_order(demo_db, saved.order_id)["street"] == "12 Lê Lợi"


def test_editing_after_a_sooner_expiring_lot_was_entered_keeps_the_lots(demo_db):
    saved = oe.save_order(demo_db, draft(lines=(("bun500", "3"), ("bidoqua", "1"))))
    before = _lots(demo_db, saved.order_id)
    assert before[0][1] == [{"code": "HP-2026-0001", "qty": 3}]
    sooner = _packed_lot(demo_db, "01/07/2026")  # packed before HP-2026-0001, entered after the order
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    edit.street = "Thôn Đông"
    oe.edit_order(demo_db, saved.order_id, edit)
    assert _lots(demo_db, saved.order_id) == before
    assert on_hand(demo_db, sooner) == 20
    # A new line takes the sooner lot; the old line still keeps its packs.
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    edit.lines.append(LineDraft("bun500", "2"))
    oe.edit_order(demo_db, saved.order_id, edit)
    after = _lots(demo_db, saved.order_id)
    assert after[:2] == before and after[2] == ("YDI-BUN-500", [{"code": sooner, "qty": 2}])


def test_editing_a_quantity_keeps_the_packs_already_taken(demo_db):
    saved = oe.save_order(demo_db, draft(lines=(("bun500", "3"),)))
    sooner = _packed_lot(demo_db, "01/07/2026")
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    edit.lines[0].qty = "5"
    oe.edit_order(demo_db, saved.order_id, edit)
    assert _lots(demo_db, saved.order_id) == [("YDI-BUN-500", [{"code": "HP-2026-0001", "qty": 3},
                                                               {"code": sooner, "qty": 2}])]
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    edit.lines[0].qty = "2"
    before_hp = on_hand(demo_db, "HP-2026-0001")
    oe.edit_order(demo_db, saved.order_id, edit)
    assert _lots(demo_db, saved.order_id) == [("YDI-BUN-500", [{"code": "HP-2026-0001", "qty": 2}])]
    assert on_hand(demo_db, "HP-2026-0001") == before_hp + 1 and on_hand(demo_db, sooner) == 20
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    edit.lines = []
    edit.lines.append(LineDraft("bidoqua", "1"))
    oe.edit_order(demo_db, saved.order_id, edit)
    assert _lots(demo_db, saved.order_id) == [("LDU-BIDO-QUA", [{"code": "HP-2026-0002", "qty": 1}])]
    assert on_hand(demo_db, "HP-2026-0001") == before_hp + 3


def test_editing_after_a_catalog_price_change_keeps_the_price_sold_at(demo_db):
    saved = oe.save_order(demo_db, draft(lines=(("bun500", "2"),)))
    with demo_db.unit_of_work():
        demo_db.conn.execute("UPDATE products SET price_vnd = 45000 WHERE sku = 'YDI-BUN-500'")
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    assert edit.lines[0].price == "40.000" and edit.lines[0].price_reason == "giá lúc đặt đơn"
    edit.street = "Xóm 2"
    after = oe.edit_order(demo_db, saved.order_id, edit)
    assert after.total_vnd == saved.total_vnd == 80_000
