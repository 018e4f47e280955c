"""Reads that decide a write are made after BEGIN IMMEDIATE, inside the write's own transaction."""

from datetime import date

import pytest

from coopdesk.domain.errors import CoopDeskError
from coopdesk.domain.lots import EventDraft
from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.services import order_entry as oe
from coopdesk.services import traceability as trace


def _statements(db, fn):
    seen: list[str] = []
    db.conn.set_trace_callback(lambda sql: seen.append(" ".join(sql.split())[:60]))
    try:
        fn()
    finally:
        db.conn.set_trace_callback(None)
    return seen


def _first_read_is_inside(seen: list[str]) -> None:
    assert seen[0] == "BEGIN IMMEDIATE", seen[:3]
    assert seen[-1] == "COMMIT"
    assert seen.count("BEGIN IMMEDIATE") == 1  # one transaction, not two


def _order(db):
    return oe.save_order(db, OrderDraft(phone="0912 000 111", name="Lan", province="Thanh Hóa", commune="yen dinh",
                                        lines=[LineDraft("bun500", "3"), LineDraft("bidoqua", "1")]))


@pytest.mark.parametrize("operation", ["set_status", "cancel_line", "edit_order", "create_lot", "add_event",
                                       "save_order", "adjust_stock"])
def test_the_reads_that_decide_a_write_come_after_begin(demo_db, operation):
    saved = _order(demo_db)
    line_id = oe.get_order(demo_db, saved.order_id)["lines"][1]["id"]
    edit = oe.draft_for_edit(demo_db, saved.order_id)
    fresh = trace.create_lot(demo_db, "YDI-BUN-500", parents=[("HP-2025-0001", "10")], day=date(2026, 11, 1)).code
    calls = {
        "set_status": lambda: oe.set_status(demo_db, saved.order_id, "packed"),
        "cancel_line": lambda: oe.cancel_line(demo_db, saved.order_id, line_id),
        "edit_order": lambda: oe.edit_order(demo_db, saved.order_id, edit),
        "create_lot": lambda: trace.create_lot(demo_db, "YDI-BUN-500", parents=[("HP-2025-0001", "10")],
                                               day=date(2026, 11, 1)),
        "add_event": lambda: trace.add_event(demo_db, fresh, EventDraft(
            kind="processing", day="20/11/2026", person="Mai", method="Tráng", quantity_kg="5")),
        "save_order": lambda: _order(demo_db),
        "adjust_stock": lambda: trace.adjust_stock(demo_db, "HP-2026-0001", 2, "khách trả"),
    }
    _first_read_is_inside(_statements(demo_db, calls[operation]))


def test_a_refused_write_rolls_back_and_leaves_no_transaction_open(demo_db):
    saved = _order(demo_db)
    oe.set_status(demo_db, saved.order_id, "cancelled")
    with pytest.raises(CoopDeskError):
        oe.set_status(demo_db, saved.order_id, "packed")
    assert not demo_db.conn.in_transaction and not demo_db.in_unit_of_work


def test_nested_units_are_savepoints(demo_db):
    count = lambda: demo_db.query("SELECT count(*) AS n FROM live_sessions")[0]["n"]  # noqa: E731
    before = count()
    with demo_db.unit_of_work():
        oe.start_session(demo_db, "Live A")
        with pytest.raises(CoopDeskError):
            with demo_db.unit_of_work():
                oe.start_session(demo_db, "Live B")
                raise CoopDeskError("inner fails")
        assert count() == before + 1  # the inner part is undone, the outer part stands
    assert count() == before + 1 and not demo_db.conn.in_transaction
    with pytest.raises(RuntimeError):
        with demo_db.unit_of_work():
            oe.start_session(demo_db, "Live C")
            raise RuntimeError("outer fails")
    assert count() == before + 1
