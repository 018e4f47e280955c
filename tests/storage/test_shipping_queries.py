"""Choosing and reading a batch of orders for the documents goes through indexes: its cost does not grow with
the season's history (EXPLAIN QUERY PLAN shows no scan of a table that grows with every order)."""

from __future__ import annotations

import pytest


@pytest.fixture
def plans(demo_db, monkeypatch):
    """Every SELECT the storage functions run, with its query plan."""
    seen: list[tuple[str, list[str]]] = []
    real = demo_db.query

    def query(sql, params=()):
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            plan = [r[3] for r in demo_db.conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
            seen.append((" ".join(sql.split()), plan))
        return real(sql, params)

    monkeypatch.setattr(demo_db, "query", query)
    return seen


def full_scans(seen):
    """Every step that reads a whole table (aliases hide the table's name, so any SCAN counts)."""
    return [(sql[:90], step) for sql, plan in seen for step in plan
            if step.startswith("SCAN ") and step != "SCAN CONSTANT ROW"]


def test_choosing_and_reading_a_batch_uses_indexes(demo_db, plans):
    from datetime import date

    from coopdesk.storage import shipping as store

    ids = [r[0] for r in store.select_ids(demo_db, session_id=1)]
    assert ids
    store.select_ids(demo_db, since="2026-11-01", until="2026-11-30")
    store.select_ids(demo_db, order_ids=ids)
    store.load_orders(demo_db, ids)
    store.printed_before(demo_db, ids, "slips")
    store.statuses(demo_db, ids)
    store.carriers_since(demo_db, date(2026, 8, 1).isoformat())
    store.session_orders(demo_db, 1)
    assert plans and full_scans(plans) == []


def test_the_check_itself_sees_a_scan(demo_db, plans):
    demo_db.query("SELECT o.id FROM orders o WHERE o.street = ?", ("x",))  # no index on the street
    assert full_scans(plans)
