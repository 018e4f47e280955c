"""The order list filters in SQL by index (issue 12): the trigram index for text, kept in step by triggers,
backfilled by its migration; keyset pages that neither skip nor repeat; the rule for 1–2 letter terms."""

import sqlite_utils

from coopdesk.services import order_entry as oe
from coopdesk.storage.database import _connect, open_database
from coopdesk.storage.migrations import MIGRATIONS

F = oe.OrderFilter
V12 = MIGRATIONS.index(next(m for m in MIGRATIONS if m.__name__ == "_v12_order_list_index"))


def _plan(database, f: F, sort="id") -> list[str]:
    statements: list[str] = []
    database.conn.set_trace_callback(statements.append)
    try:
        oe.order_keys(database, f, sort)
    finally:
        database.conn.set_trace_callback(None)
    select = [s for s in statements if s.lstrip().startswith("SELECT")]
    assert select
    return [row[-1] for s in select for row in database.conn.execute("EXPLAIN QUERY PLAN " + s).fetchall()]


def test_the_text_filter_reads_the_trigram_index(demo_db):
    plan = _plan(demo_db, F(text="hồng"))
    assert any(d.startswith("SCAN orders_fts VIRTUAL TABLE INDEX") for d in plan), plan
    assert "SEARCH o USING INTEGER PRIMARY KEY (rowid=?)" in plan  # each match read by its number
    assert not any(d == "SCAN o" for d in plan), plan  # never a pass over every order


def test_the_other_filters_read_their_indexes(demo_db):
    assert any("ix_orders_status" in d for d in _plan(demo_db, F(status="new")))
    assert any("ix_orders_carrier" in d for d in _plan(demo_db, F(carrier="GHTK")))
    session = demo_db.query("SELECT id FROM live_sessions LIMIT 1")[0]["id"]
    assert any("ix_orders_session" in d for d in _plan(demo_db, F(session=session)))
    assert any("ix_orders_created" in d for d in _plan(demo_db, F(since="2026-01-01", until="2026-01-02")))
    # The detector itself: a 1–2 letter term alone has no index to read and is seen scanning.
    assert "SCAN o" in _plan(demo_db, F(text="ho"))


def test_the_index_follows_saves_edits_and_deletes(demo_db):
    saved = oe.save_order(demo_db, oe.OrderDraft(phone="0966555444", name="Lê Thị Xuyến", street="1 Lê Lợi",
                                                 lines=[oe.LineDraft("YDI-BUN-500", "1")]))
    found = lambda text: [k[2] for k in oe.order_keys(demo_db, F(text=text))]  # noqa: E731
    assert found("xuyen") == [saved.order_id] and found("Xuyến") == [saved.order_id]
    with demo_db.transaction() as db:
        db.execute("UPDATE orders SET search_text = 'khach doi ten qwerty' WHERE id = ?", (saved.order_id,))
    assert found("xuyen") == [] and found("qwerty") == [saved.order_id]
    with demo_db.transaction() as db:
        db.execute("DELETE FROM order_history WHERE order_id = ?", (saved.order_id,))
        db.execute("DELETE FROM allocations WHERE line_id IN (SELECT id FROM order_lines WHERE order_id = ?)",
                   (saved.order_id,))
        db.execute("DELETE FROM order_lines WHERE order_id = ?", (saved.order_id,))
        db.execute("DELETE FROM orders WHERE id = ?", (saved.order_id,))
    assert found("qwerty") == []
    assert demo_db.conn.execute("INSERT INTO orders_fts (orders_fts, rank) VALUES ('integrity-check', 1)")


def test_keyset_pages_neither_skip_nor_repeat(demo_db):
    for sort in ("id", "name", "total", "created", "status"):
        for descending in (True, False):
            for f in (F(), F(text="hong")):
                whole = oe.order_keys(demo_db, f, sort, descending, None, 10_000)
                paged, after = [], None
                while True:
                    page = oe.order_keys(demo_db, f, sort, descending, after, 3)
                    paged += page
                    if len(page) < 3:
                        break
                    after = page[-1]
                assert paged == whole and len({k[2] for k in whole}) == len(whole)
                assert len(whole) == oe.order_count(demo_db, f)
                values = [(k[0], k[1], k[2]) for k in whole]
                # rank first (buyer before products), then the column, then the number
                assert [v[0] for v in values] == sorted(v[0] for v in values)
                for rank in {v[0] for v in values}:
                    group = [(v[1], v[2]) for v in values if v[0] == rank]
                    assert group == sorted(group, reverse=descending)


def test_short_terms_are_matched_on_what_the_filters_found(demo_db):
    """1–2 letters are below the trigram: they must appear in the order's text too, checked per row."""
    long_only = {k[2] for k in oe.order_keys(demo_db, F(text="hong"), limit=10_000)}
    with_short = {k[2] for k in oe.order_keys(demo_db, F(text="hong 09"), limit=10_000)}
    texts = {r["id"]: r["search_text"] for r in demo_db.query("SELECT id, search_text FROM orders")}
    assert with_short == {i for i in long_only if "09" in texts[i]}
    alone = {k[2] for k in oe.order_keys(demo_db, F(text="y"), limit=10_000)}
    assert alone == {i for i, t in texts.items() if "y" in t}
    assert oe.order_count(demo_db, F(text="hong"), at_most=2) == 2


def test_the_migration_indexes_the_orders_already_stored(tmp_path):
    path = tmp_path / "old.db"
    conn = _connect(path, read_only=False)
    db = sqlite_utils.Database(conn)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("BEGIN")
    for m in MIGRATIONS[:V12]:
        m(db)
    conn.execute(f"PRAGMA user_version = {V12}")
    conn.execute("INSERT INTO customers (id, phone, name) VALUES (1, '+84912345678', 'Nguyễn Thị Hồng')")
    conn.execute("INSERT INTO orders (id, customer_id, phone, name, total, cod, search_text) VALUES "
                 "(7, 1, '+84912345678', 'Nguyễn Thị Hồng', 1, 1, 'nguyen thi hong 0912345678 bun san')")
    conn.execute("COMMIT")
    conn.close()
    migrated = open_database(path, backup_dir=tmp_path / "bk")
    try:
        assert [k[2] for k in oe.order_keys(migrated, F(text="Hồng bún"))] == [7]
        assert any("ix_orders_status" in d for d in _plan(migrated, F(status="new")))
    finally:
        migrated.close()
