"""Opening a lot and saving an order read history by index only (issue 12): no statement they run scans
orders, order lines, allocations or events, so their cost does not grow with the season."""

import re

from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.services import order_entry, traceability

HISTORY = ("orders", "order_lines", "allocations", "events", "stock_adjustments", "order_history", "lot_stock")


def _statements(database, action) -> list[str]:
    seen: list[str] = []
    database.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        database.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "DELETE", "INSERT"))]


def _full_scans(database, statements: list[str]) -> list[str]:
    """Statements whose plan SCANs a history table (a SCAN USING an index for an IN-list is fine)."""
    bad = []
    for sql in statements:
        plan = database.conn.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
        for row in plan:
            detail = row[-1]
            m = re.match(r"SCAN (\w+)", detail)
            if m and m.group(1) in HISTORY and "USING" not in detail:
                bad.append(f"{detail} ← {sql.strip()[:120]}")
    return bad


def test_opening_a_lot_reads_by_index(demo_db):
    code = traceability.views(demo_db)[0].code
    statements = _statements(demo_db, lambda: traceability.view(demo_db, code))
    assert statements and _full_scans(demo_db, statements) == []
    # The detector itself: listing every lot does scan the events, and is caught.
    assert _full_scans(demo_db, _statements(demo_db, lambda: traceability.views(demo_db)))


def test_saving_an_order_reads_by_index(demo_db):
    draft = OrderDraft(phone="0912000111", name="Khách", street="1 Lê Lợi",
                       lines=[LineDraft("YDI-BUN-500", "2"), LineDraft("LDU-BIDO-QUA", "1")])
    order_entry.save_order(demo_db, draft)  # warm the caches, as the desk is warm after its first order
    statements = _statements(demo_db, lambda: order_entry.save_order(demo_db, draft))
    assert statements and _full_scans(demo_db, statements) == []
