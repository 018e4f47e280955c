"""Who got lot X, and the recall carried through to the last buyer, on the demo cooperative's real file.

The demo (written on 23/11/2026): raw cassava lots HP-2025-0001 (sprayed with Abamectin, area Đồng Mới) and
HP-2025-0002 (area Đồng Cao) made the vermicelli lot HP-2026-0001; the pumpkin lot HP-2026-0002; the nem lot
HP-2026-0003, already recalled. The vermicelli went to orders 1 and 2 (delivered), 4 (returned), 5 (packed),
6 (new) and 8 (cancelled).
"""

from datetime import date

import pytest

from coopdesk.domain.errors import CoopDeskError, ValidationError
from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.services import order_entry, recall
from coopdesk.services import traceability as trace
from coopdesk.storage import recalls as store

RAW, OTHER_RAW, BUN, PUMPKIN, NEM = "HP-2025-0001", "HP-2025-0002", "HP-2026-0001", "HP-2026-0002", "HP-2026-0003"


def handed_order(db, phone="0903 777 888", name="Lý Thị Ngọc", qty="2"):
    saved = order_entry.save_order(db, OrderDraft(phone=phone, name=name, province="Hà Nội", commune="Phường Ba Đình",
                                                  street="5 Hoàng Diệu", lines=[LineDraft("YDI-BUN-500", qty)]))
    order_entry.set_status(db, saved.order_id, "packed")
    order_entry.set_status(db, saved.order_id, "handed", carrier="GHN", tracking="GHN123456789")
    return saved.order_id


def test_from_a_raw_lot_the_answer_follows_the_genealogy_to_every_buyer(demo_db):
    transit = handed_order(demo_db)
    got = recall.who_got(demo_db, lot=RAW)
    assert [f.code for f in got.lots] == [RAW, BUN]
    assert {f.code: f.role for f in got.lots} == {RAW: "source", BUN: "made_from"}
    by_order = {x.order_id: x for x in got.lines}
    assert 8 not in by_order  # the cancelled order never reached anyone
    assert {o: by_order[o].group for o in by_order} == {1: "delivered", 2: "delivered", 4: "returned",
                                                        5: "to_hold", 6: "to_hold", transit: "in_transit"}
    assert by_order[4].status == "returned" and by_order[4].qty == 10
    line = by_order[transit]
    assert (line.carrier, line.tracking, line.phone_display, line.lot) == ("GHN", "GHN123456789", "0903 777 888", BUN)
    assert "Phường Ba Đình" in line.address and line.order_date[:10] == date.today().isoformat()
    assert got.quantity() == 4 + 2 + 10 + 3 + 1 + 2
    # Only buyers with the product out there are to be called; the first to call had it delivered.
    called = [c for c in got.customers if c.needs_call]
    assert {c.name for c in called} == {"Nguyễn Thị Hồng", "Trần Văn Ba", "Lý Thị Ngọc"}
    assert got.customers[0].groups == {"delivered"}
    ngoc = next(c for c in got.customers if c.name == "Lý Thị Ngọc")
    # No recall is open yet: a precautionary notice (keep it aside while it is checked), not "is recalled".
    assert ngoc.notice == "check" and "anh/chị Ngọc" in ngoc.message and f"lô {BUN}" in ngoc.message
    assert "KIỂM TRA LẠI" in ngoc.message and "THU HỒI" not in ngoc.message and "từ chối nhận" not in ngoc.message
    view = recall.open_recall(demo_db, "Kiểm nghiệm không đạt", lot=RAW)
    ngoc = next(c for c in view.answer.customers if c.name == "Lý Thị Ngọc")
    assert ngoc.notice == "recall" and "THU HỒI" in ngoc.message and "từ chối nhận" in ngoc.message


def test_from_a_packed_lot_one_step_back_is_shown_not_included(demo_db):
    got = recall.who_got(demo_db, lot=BUN)
    assert [f.code for f in got.lots] == [BUN]
    assert got.made_from == [RAW, OTHER_RAW]
    assert {i["name"] for i in got.inputs} >= {"Abamectin 3.6EC (giả định)", "NPK 16-16-8"}
    assert {a["code"] for a in got.areas} == {"VT-38-YD-001", "VT-38-YD-002"}
    bun = got.lots[0]
    assert (bun.on_hand, bun.on_hand_unit, bun.packs_made) == (1480, "packs", 1500)


def test_a_lot_nobody_bought_is_an_answer_and_unknown_starts_are_named(demo_db):
    got = recall.who_got(demo_db, lot=OTHER_RAW.lower())
    assert {x.lot for x in got.lines} == {BUN}  # its buyers got it through the vermicelli
    lonely = trace.create_lot(demo_db, "TSE-CUDO-300").code
    empty = recall.who_got(demo_db, lot=lonely)
    assert (empty.lines, empty.customers, [f.code for f in empty.lots]) == ([], [], [lonely])
    with pytest.raises(CoopDeskError, match="KHONG-CO"):
        recall.who_got(demo_db, lot="KHONG-CO")
    with pytest.raises(CoopDeskError, match="Glyphosate"):
        recall.who_got(demo_db, input="Glyphosate")
    with pytest.raises(CoopDeskError):
        recall.who_got(demo_db, input="sinh")  # a fertiliser and a pesticide match: type more of it


def test_from_an_area_and_a_household(demo_db):
    by_area = recall.who_got(demo_db, area="VT-38-YD-002")
    assert [f.code for f in by_area.lots] == [OTHER_RAW, BUN]
    by_household = recall.who_got(demo_db, member="Lê Văn Thắng")
    assert [f.code for f in by_household.lots] == [RAW, OTHER_RAW, BUN]
    pumpkin = recall.who_got(demo_db, member="pham duc ung")  # diacritics not needed
    assert [f.code for f in pumpkin.lots] == [PUMPKIN]


def test_a_recall_started_from_a_pesticide_batch(demo_db, tmp_path):
    view = recall.open_recall(demo_db, "Dư lượng Abamectin vượt ngưỡng (mẫu lưu)", input="Abamectin",
                              by="Nguyễn Thị Hồng", public_reason="Dư lượng thuốc bảo vệ thực vật vượt ngưỡng")
    assert (view.source_kind, view.decided_by, view.status) == ("input", "Nguyễn Thị Hồng", "open")
    assert [f.code for f in view.answer.lots] == [RAW, BUN]
    # Every lot it covers is recalled, the other raw lot is not.
    assert trace.view(demo_db, RAW).state.status == "recalled"
    assert trace.view(demo_db, BUN).state.status == "recalled"
    assert trace.view(demo_db, OTHER_RAW).state.status == "harvested"
    assert BUN in {v.code for v in trace.views(demo_db) if v.recall}
    # The stock on hand is quarantined: no order can take it.
    saved = order_entry.save_order(demo_db, OrderDraft(phone="0912 000 111", lines=[LineDraft("YDI-BUN-500", "1")]))
    assert saved.lines[0]["lots"] == [] and saved.warnings
    with pytest.raises(CoopDeskError, match=BUN):
        recall.open_recall(demo_db, "lần hai", lot=BUN)
    with pytest.raises(CoopDeskError, match="#"):
        recall.open_recall(demo_db, "lần hai", input="Abamectin")


def test_hold_cancels_what_has_not_shipped_and_returns_nothing_recalled_to_stock(demo_db):
    pumpkin_before = trace.view(demo_db, PUMPKIN).state.on_hand()[0]
    view = recall.open_recall(demo_db, "Kiểm nghiệm không đạt", lot=BUN, by="Hồng")
    on_hand = next(f for f in view.answer.lots if f.code == BUN).on_hand
    held = recall.hold_orders(demo_db, view.id, "Mai")
    assert held == [5, 6]
    after = recall.recall_view(demo_db, view.id)
    assert {x.order_id for x in after.answer.in_group("held")} == {5, 6}
    assert after.answer.in_group("to_hold") == []
    assert order_entry.get_order(demo_db, 5)["status"] == "cancelled"
    assert [h["action"] for h in order_entry.history(demo_db, 5)][-1] == "recall_hold"
    assert next(f for f in after.answer.lots if f.code == BUN).on_hand == on_hand  # nothing back on the shelf
    # Order 5 also had two pumpkins (not recalled): those go back to stock.
    assert trace.view(demo_db, PUMPKIN).state.on_hand()[0] == pumpkin_before + 2
    assert recall.hold_orders(demo_db, view.id, "Mai") == []


def test_outcomes_are_kept_and_closing_with_buyers_not_reached_needs_a_reason(demo_db):
    view = recall.open_recall(demo_db, "Kiểm nghiệm không đạt", lot=BUN, by="Hồng")
    to_call = {c.name: c.customer_id for c in view.to_call}
    assert set(to_call) == {"Nguyễn Thị Hồng", "Trần Văn Ba"}
    with pytest.raises(ValidationError) as info:
        recall.close_recall(demo_db, view.id, "Hồng")
    assert info.value.fields == ["reason"] and "2" in info.value.errors[0].message
    with pytest.raises(ValidationError):
        recall.record_outcome(demo_db, view.id, to_call["Trần Văn Ba"], "called", "")
    with pytest.raises(ValidationError):
        recall.record_outcome(demo_db, view.id, to_call["Trần Văn Ba"], "maybe", "Mai")
    recall.record_outcome(demo_db, view.id, to_call["Trần Văn Ba"], "no_answer", "Mai")
    entry = recall.record_outcome(demo_db, view.id, to_call["Trần Văn Ba"], "returned", "Mai", "Gửi lại 2 gói")
    assert (entry.outcome, entry.outcome_who, entry.outcome_note) == ("returned", "Mai", "Gửi lại 2 gói")
    assert entry.outcome_at
    left = recall.recall_view(demo_db, view.id).not_reached
    assert [c.name for c in left] == ["Nguyễn Thị Hồng"]
    closed = recall.close_recall(demo_db, view.id, "Hồng", "Khách không nghe máy sau 3 lần gọi")
    assert (closed.status, closed.ended_by, closed.end_reason) == ("closed", "Hồng",
                                                                   "Khách không nghe máy sau 3 lần gọi")
    assert trace.view(demo_db, BUN).state.status == "recalled"  # closing does not un-recall the product
    with pytest.raises(CoopDeskError):
        recall.record_outcome(demo_db, view.id, to_call["Nguyễn Thị Hồng"], "called", "Mai")
    from coopdesk.storage import recalls as store

    assert [r["outcome"] for r in store.outcome_history(demo_db, view.id)] == ["no_answer", "returned"]


def test_withdrawing_a_recall_keeps_the_record_and_frees_the_lots(demo_db):
    view = recall.open_recall(demo_db, "Nhầm lô", lot=PUMPKIN)
    recall.hold_orders(demo_db, view.id)
    assert trace.view(demo_db, PUMPKIN).state.status == "recalled"
    before = trace.view(demo_db, PUMPKIN).state.on_hand()[0]
    with pytest.raises(ValidationError):
        recall.withdraw_recall(demo_db, view.id, "  ")
    gone = recall.withdraw_recall(demo_db, view.id, "Mở nhầm: lô bí không liên quan", "Hồng")
    assert gone.status == "withdrawn" and gone.end_reason.startswith("Mở nhầm")
    assert trace.view(demo_db, PUMPKIN).state.status == "packed"
    assert trace.view(demo_db, PUMPKIN).state.on_hand()[0] > before  # held packs are back on the shelf
    assert [r["status"] for r in recall.list_recalls(demo_db)][:1] == ["withdrawn"]
    with pytest.raises(CoopDeskError):
        recall.close_recall(demo_db, view.id)
    # A lot freed by a withdrawal can be recalled again.
    assert recall.open_recall(demo_db, "Lần này thật", lot=PUMPKIN).status == "open"


def test_the_old_recall_of_the_demo_is_a_record(demo_db):
    records = recall.list_recalls(demo_db)
    assert len(records) == 1 and records[0]["source_lots"] == NEM and records[0]["status"] == "open"
    assert trace.recall_lot(demo_db, RAW, "Dư lượng thuốc") == [RAW, BUN]


def test_the_other_direction_from_an_order_and_a_customer(demo_db):
    got = recall.what_they_got(demo_db, order_id=2)
    assert [f.code for f in got.lots] == [BUN, PUMPKIN]
    assert got.made_from == [RAW, OTHER_RAW]
    assert {"Abamectin 3.6EC (giả định)", "Chế phẩm Bt sinh học (giả định)"} <= {i["name"] for i in got.inputs}
    assert {"Ruộng sắn Đồng Mới", "Vườn bí Đồng Ấp"} <= {a["name"] for a in got.areas}
    by_phone = recall.what_they_got(demo_db, phone="0912.345.001")
    assert by_phone.orders == [1, 7] and [f.code for f in by_phone.lots] == [BUN, PUMPKIN]
    with pytest.raises(CoopDeskError):
        recall.what_they_got(demo_db, order_id=999)


def _plans(database, action) -> dict[str, list[str]]:
    """Each statement ``action`` reads with, with the steps of its query plan."""
    from tests.storage.test_query_plans import _statements

    return {sql: [r[-1] for r in database.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()]
            for sql in _statements(database, action) if sql.lstrip().upper().startswith(("SELECT", "WITH"))}


def test_who_got_reads_through_the_allocation_index(demo_db):
    plan = " ".join(r["detail"] for r in demo_db.query(
        f"EXPLAIN QUERY PLAN {store.LINE_SQL} WHERE a.lot_id IN (?, ?)", (1, 2)))
    assert "USING COVERING INDEX ix_allocations_lot" in plan, plan
    assert "SCAN a" not in plan and "SCAN allocations" not in plan
    for direction in ("forward", "back"):
        walk = " ".join(r["detail"] for r in demo_db.query(
            "EXPLAIN QUERY PLAN WITH RECURSIVE walk(id) AS (SELECT id FROM lots WHERE id IN (?) UNION SELECT "
            + ("p.child_id FROM lot_parents p JOIN walk w ON p.parent_id = w.id" if direction == "forward" else
               "p.parent_id FROM lot_parents p JOIN walk w ON p.child_id = w.id") + ") SELECT id FROM walk", (1,)))
        assert "SCAN p" not in walk, walk


@pytest.mark.parametrize("start", [{"lot": RAW}, {"input": "Abamectin"}, {"area": "Đồng Mới"}])
def test_who_got_reads_only_the_rows_of_its_lots(demo_db, start):
    """Every statement a who-got runs (the lines one as it is really sent, with its sort) reaches the season's
    tables by index only: the allocations of the lots from the covering index, each line and order by its key."""
    plans = _plans(demo_db, lambda: recall.who_got(demo_db, **start))
    lines = [steps for sql, steps in plans.items() if "FROM allocations a JOIN order_lines" in sql]
    assert len(lines) == 1, list(plans)
    steps = lines[0]
    assert "SEARCH a USING COVERING INDEX ix_allocations_lot (lot_id=?)" in steps, steps
    assert "SEARCH l USING INTEGER PRIMARY KEY (rowid=?)" in steps, steps
    assert "SEARCH o USING INTEGER PRIMARY KEY (rowid=?)" in steps, steps
    assert "SEARCH lo USING INTEGER PRIMARY KEY (rowid=?)" in steps, steps
    assert not [step for step in steps if step.startswith("SCAN")], steps
    # No statement scans a table that grows with the season (plans name tables by their alias when they have one:
    # a, l, o, h, e, p, q, k are allocations, order lines or lots, orders, holds, events, lot parents, stock).
    history = {"orders", "order_lines", "allocations", "events", "lot_parents", "recall_holds", "customers", "lots",
               "lot_stock", "a", "l", "o", "h", "e", "p", "q", "k", "lo"}
    scans = [f"{step} <- {sql.strip()[:80]}" for sql, steps in plans.items() for step in steps
             if step.startswith("SCAN ") and step.split()[1] in history and "USING" not in step]
    assert scans == []
    # The check itself: the same lines read without the index do scan the allocations, and would be caught.
    forced = [r[-1] for r in demo_db.conn.execute(
        f"EXPLAIN QUERY PLAN {store.LINE_SQL} WHERE +a.lot_id IN (1, 2)").fetchall()]
    assert any(step.startswith("SCAN a") for step in forced), forced


def test_the_trace_page_of_a_descendant_shows_the_published_reason(demo_db, tmp_path):
    from coopdesk.services import publishing

    recall.open_recall(demo_db, "Mẫu lưu: Abamectin 0,05 mg/kg (giới hạn 0,01)", input="Abamectin",
                       public_reason="Dư lượng thuốc bảo vệ thực vật vượt ngưỡng cho phép")
    publishing.export_site(demo_db, tmp_path / "www")
    page = (tmp_path / "www" / "01/02000000000022/10" / BUN / "index.html").read_text(encoding="utf-8")
    assert "THU HỒI / RECALLED" in page and "Dư lượng thuốc bảo vệ thực vật vượt ngưỡng cho phép" in page
    assert "0,05 mg/kg" not in page  # the internal reason stays internal
    raw = (tmp_path / "www" / "lo" / RAW / "index.html").read_text(encoding="utf-8")
    other = (tmp_path / "www" / "lo" / OTHER_RAW / "index.html").read_text(encoding="utf-8")
    assert "THU HỒI / RECALLED" in raw and "THU HỒI / RECALLED" not in other


def test_a_lot_made_later_from_a_recalled_lot_is_recalled_too(demo_db):
    view = recall.open_recall(demo_db, "Dư lượng vượt ngưỡng", lot=OTHER_RAW)
    later = trace.create_lot(demo_db, "YDI-MIEN-500", parents=[(OTHER_RAW, "100")]).code
    assert trace.view(demo_db, later).state.status == "recalled"
    assert later in [f.code for f in recall.recall_view(demo_db, view.id).answer.lots]
    with pytest.raises(CoopDeskError, match=f"#{view.id}"):
        recall.open_recall(demo_db, "lần hai", lot=later)  # already reached by the first recall
    assert trace.view(demo_db, PUMPKIN).state.status == "packed"


def test_labels_refuse_every_lot_of_a_recall_until_it_is_withdrawn(demo_db):
    from coopdesk.services import labels

    view = recall.open_recall(demo_db, "Mẫu lưu vượt ngưỡng", input="Abamectin",
                              public_reason="Dư lượng thuốc bảo vệ thực vật vượt ngưỡng")
    with pytest.raises(CoopDeskError, match="Dư lượng thuốc bảo vệ thực vật vượt ngưỡng"):
        labels.lot_content(demo_db, BUN, date(2026, 11, 29))  # the vermicelli, made from the sprayed cassava
    assert BUN not in {v.code for v in labels.packed_lots(demo_db)}
    assert PUMPKIN in {v.code for v in labels.packed_lots(demo_db)}
    recall.withdraw_recall(demo_db, view.id, "Mẫu lưu lấy nhầm")
    content, _lot_id, _warnings = labels.lot_content(demo_db, BUN, date(2026, 11, 29))
    assert content is not None


def test_an_answer_over_many_statements_is_the_same_answer(demo_db, monkeypatch):
    """More lots than one statement takes (500) are read in parts and put back in one order: the same answer."""
    handed_order(demo_db)
    start = {"input": "Phân hữu cơ vi sinh"}  # both the vermicelli and the pumpkins, orders 2 and 5 took both
    whole = recall.who_got(demo_db, **start).as_json()
    assert {x["lot"] for x in whole["lines"]} == {BUN, PUMPKIN}
    monkeypatch.setattr(store, "CHUNK", 1)
    assert recall.who_got(demo_db, **start).as_json() == whole


def prepaid_new_order(db, prepaid="110000"):
    """A new order (not yet handed over) paid ahead by bank transfer: 2 packs of the vermicelli + 30k shipping."""
    return order_entry.save_order(db, OrderDraft(phone="0903 777 888", name="Lý Thị Ngọc", province="Hà Nội",
                                                 commune="Phường Ba Đình", street="5 Hoàng Diệu", shipping="30k",
                                                 prepaid=prepaid, lines=[LineDraft("YDI-BUN-500", "2")])).order_id


def test_buyers_of_held_orders_are_told_it_is_cancelled_and_refunded(demo_db):
    ngoc = prepaid_new_order(demo_db)
    # Order 5 as a TikTok Shop order paid on the platform (no COD): its whole total comes back through TikTok.
    demo_db.conn.execute("UPDATE orders SET platform = 'tiktok', cod = 0, prepaid = total WHERE id = 5")
    total_5 = demo_db.query("SELECT total FROM orders WHERE id = 5")[0]["total"]
    view = recall.open_recall(demo_db, "Kiểm nghiệm không đạt", lot=BUN, by="Hồng")
    assert recall.hold_orders(demo_db, view.id, "Mai") == [5, 6, ngoc]
    view = recall.recall_view(demo_db, view.id)
    by_name = {c.name: c for c in view.answer.customers}
    held = [by_name[n] for n in ("Hoàng Thị Ánh", "Vũ Đình Ông", "Lý Thị Ngọc")]
    for c in held:
        assert c.groups == {"held"} and c.needs_contact and not c.needs_call and not c.reached
        assert c.outcome == "not_called" and "HỦY" in c.message and "Nếu đã nhận hàng" not in c.message
    anh, ong, ngoc_entry = held
    assert (ngoc_entry.refund, ong.refund, anh.refund) == (110_000, 0, total_5)
    assert "Số tiền 110.000\u00a0₫" in ngoc_entry.message and "qua TikTok Shop" not in ngoc_entry.message
    assert "qua TikTok Shop" in anh.message and "hoàn lại" not in ong.message
    assert [c.name for c in view.to_inform] == [c.name for c in view.answer.customers if c in held]
    # They come after the buyers to call, before those with nothing to tell.
    order = [c.name for c in view.answer.customers]
    assert order.index("Phạm Minh Đức") > max(order.index(c.name) for c in held) > order.index("Trần Văn Ba")
    as_json = view.as_json()
    assert {(r["order_code"], r["refund"]) for r in as_json["refunds"]} == {
        ("DH000005", total_5), ("DH000006", 0), (f"DH{ngoc:06d}", 110_000)}
    buyer = next(b for b in as_json["answer"]["buyers"] if b["name"] == "Lý Thị Ngọc")
    assert (buyer["needs_call"], buyer["needs_contact"], buyer["held_orders"], buyer["refund"]) == (
        False, True, [ngoc], 110_000)
    assert buyer["notice"] == "recall" and buyer["message"] == ngoc_entry.message
    # Closing asks why while they were not told; telling them (refunded) reaches them.
    with pytest.raises(ValidationError):
        recall.close_recall(demo_db, view.id, "Hồng")
    recall.record_outcome(demo_db, view.id, ngoc_entry.customer_id, "refunded", "Mai")
    left = {c.name for c in recall.recall_view(demo_db, view.id).not_reached}
    assert left == {"Nguyễn Thị Hồng", "Trần Văn Ba", "Hoàng Thị Ánh", "Vũ Đình Ông"}
    # who-got of the lot (the command line's answer) says the same to them.
    again = {c.name: c for c in recall.who_got(demo_db, lot=BUN).customers}
    assert again["Lý Thị Ngọc"].message == ngoc_entry.message


def test_messages_are_made_only_when_asked_for(demo_db, monkeypatch):
    """10,000 buyers show one message at a time: the answer builds none up front (nor reads anything for them)."""
    view = recall.open_recall(demo_db, "Kiểm nghiệm không đạt", lot=BUN)
    recall.hold_orders(demo_db, view.id)

    def refuse(_facts):
        raise AssertionError("a message was made while the answer was built")

    monkeypatch.setattr(recall, "customer_message", refuse)
    got = recall.who_got(demo_db, lot=BUN)
    assert got.customers and recall.recall_view(demo_db, view.id).answer.customers
    with pytest.raises(AssertionError, match="was made"):
        _ = got.customers[0].message


def test_received_names_the_order_by_its_code(demo_db):
    got = recall.what_they_got(demo_db, order_id=5)
    assert got.label.startswith("Đơn DH000005 — ") and "#" not in got.label
    assert got.as_json()["for"] == got.label and got.as_json()["orders"] == [5]
