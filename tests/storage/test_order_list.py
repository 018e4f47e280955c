"""The order list filters in SQL by index (issue 12): the trigram indexes for text, kept in step by triggers,
backfilled by their migrations; keyset pages that neither skip nor repeat; the rule for 1–2 letter terms; and
every sort with every filter, read whole or walked a few rows at a time, the same list as a Python pass."""

from dataclasses import replace

import pytest
import sqlite_utils

import coopdesk.storage.orders as store
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
        # v15 kept the buyer text of the orders already there: a search by the name ranks it first (rank 0)
        assert oe.order_keys(migrated, F(text="Hồng"))[0][:1] == (0,)
        assert migrated.query("SELECT buyer_text FROM orders")[0]["buyer_text"] == store.buyer_text(
            "Nguyễn Thị Hồng", "+84912345678") == "nguyen thi hong +84912345678 0912345678"
        assert any("ix_orders_status" in d for d in _plan(migrated, F(status="new")))
    finally:
        migrated.close()


# --- every sort, every filter, every way of reading: the same list as a plain Python pass over the rows -------

NAMES = ["Nguyễn Thị Hồng", "Trần Văn Bún", "Lê Thị Xuyến", "Phạm Hồng Nam", "Nguyễn Văn An", "Hoàng Thị Lan",
         "Đặng Văn Hưng", "Vũ Thị Mai"]
STREETS = ["12 Nguyễn Huệ", "3 Lê Lợi", "thôn Hồng Phong", "xóm Đông"]


@pytest.fixture
def season_db(demo_db):
    """The demo plus 60 orders whose names, streets and items overlap (a word in the buyer of some orders is in
    the street or the items of others), in several statuses, totals and two sessions."""
    skus = ["YDI-BUN-500", "HRX-NEM-10", "SMO-TRA-100", "LDU-BIDO-QUA"]
    live = oe.start_session(demo_db, "Live thử", "TikTok", "Hồng", None)
    for i in range(60):
        lines = [oe.LineDraft(skus[i % 4], str(1 + i % 3))] + ([oe.LineDraft(skus[(i + 1) % 4], "1")] if i % 3 else [])
        saved = oe.save_order(demo_db, oe.OrderDraft(phone=f"09{i % 7}{i:07d}", name=NAMES[i % len(NAMES)],
                                                     street=STREETS[i % len(STREETS)], lines=lines),
                              session_id=live if i % 2 else None)
        if i % 5 == 0:
            oe.set_status(demo_db, saved.order_id, "cancelled")
    return demo_db


def _expected(database, f: F, sort: str, descending: bool) -> list[tuple]:
    """The list the way a person would define it, computed in Python over every row."""
    column = {"id": "id", "created": "created_at"}.get(sort, sort)
    words = f.words()
    keys = []
    for r in database.query("SELECT * FROM orders"):
        if not all(w in r["search_text"] for w in words) or (f.status and r["status"] != f.status) \
                or (f.session is not None and r["session_id"] != f.session) \
                or (f.carrier and r["carrier"].lower() != f.carrier.lower()) \
                or (f.since and r["created_at"] < f.since) or (f.until and r["created_at"] > f.until + " 99"):
            continue
        rank = 0 if all(w in r["buyer_text"] for w in words) else 1
        keys.append((rank, r[column], r["id"]))
    keys.sort(key=lambda k: (k[1], k[2]), reverse=descending)
    keys.sort(key=lambda k: k[0])  # stable: rank first, the column and the number within it
    return keys


FILTERS = [F(), F(text="hong"), F(text="nguyen"), F(text="bun"), F(text="xuyen le"), F(text="h"),
           F(text="ng 09"), F(status="cancelled"), F(status="new", text="hong"), F(text="hong", since="2020-01-01"),
           F(since="2020-01-01", until="2100-01-01", status="new"), F(carrier="GHTK"), F(text="qqq")]


@pytest.mark.parametrize(("small", "walk"), [(store.SMALL, store.WALK), (0, 3), (1, 3), (10_000, 2), (1, 10_000)])
def test_every_sort_and_filter_pages_as_a_python_pass_would(season_db, monkeypatch, small, walk):
    """Read whole through an index (small sets) or walked along the sort index a few rows per call (broad ones),
    one page or many: the same orders in the same order, none skipped or repeated."""
    monkeypatch.setattr(store, "SMALL", small)
    monkeypatch.setattr(store, "WALK", walk)
    session = season_db.query("SELECT max(session_id) AS s FROM orders")[0]["s"]
    for f in [*FILTERS, F(session=session), F(session=session, text="nguyen")]:
        for sort in store.SORT_FIELDS:
            for descending in (True, False):
                expected = _expected(season_db, f, sort, descending)
                plan = oe.plan_order_list(season_db, f, sort, descending)
                paged, after = [], None
                while True:
                    page, after = oe.order_page(season_db, plan, after, 7)
                    paged += page
                    if after is None:
                        break
                assert paged == expected, (f, sort, descending)
                assert oe.order_keys(season_db, f, sort, descending, None, 10_000) == expected
                assert oe.order_count(season_db, f) == len(expected)
                assert oe.order_count_small(season_db, plan) in (None, len(expected))
                assert sum(oe.order_count_range(season_db, plan, lo, lo + 9) for lo in range(0, 200, 9)) \
                    == len(expected)
                for k in expected[:3]:
                    assert oe.order_key(season_db, f, k[2], sort) == k


def test_a_walk_reads_no_more_rows_than_its_budget(season_db, monkeypatch):
    """A rare match read along a sort index comes back short rather than reading on: the key to go on from is
    the last row read, and going on from it finds the rest."""
    monkeypatch.setattr(store, "SMALL", 1)
    plan = oe.plan_order_list(season_db, F(text="xuyen"), "total", False)
    assert plan.whole == (None, None)  # both ranks walked
    page, after = store.order_page(season_db, plan, None, 200, budget=5)
    assert len(page) < 5 and after is not None
    rows = season_db.query("SELECT total, id FROM orders ORDER BY total, id")
    assert (after[1], after[2]) == (rows[4]["total"], rows[4]["id"])  # the fifth row read, shown or not
    # sorted by name, rank 0 tests the buyer text in the index: IN_INDEX entries for each row of budget
    plan = oe.plan_order_list(season_db, F(text="xuyen"), "name", False)
    page, after = store.order_page(season_db, plan, None, 200, budget=2)
    rows = season_db.query("SELECT name, id FROM orders ORDER BY name, id")
    assert after[0] == 0 and (after[1], after[2]) == (rows[2 * store.IN_INDEX - 1]["name"],
                                                      rows[2 * store.IN_INDEX - 1]["id"])


def test_the_trigram_indexes_and_the_row_test_agree(season_db):
    """What the indexes find for a word of 3+ letters is exactly what instr() finds on the kept texts: so an
    order read through an index and one tested on its row are the same orders."""
    texts = [r["search_text"] for r in season_db.query("SELECT search_text FROM orders")]
    words = sorted({t[i:i + n] for t in texts[::7] for n in (3, 5) for i in range(0, len(t) - n, 11)} - {""})
    assert len(words) > 50
    for w in words:
        if " " in w or '"' in w:
            continue
        for table, column in (("orders_fts", "search_text"), ("orders_buyer_fts", "buyer_text")):
            by_index = season_db.conn.execute(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?",
                                              (f'"{w}"',)).fetchone()[0]
            by_row = season_db.conn.execute(f"SELECT count(*) FROM orders WHERE instr({column}, ?) > 0",
                                            (w,)).fetchone()[0]
            assert by_index == by_row, (table, w)


def test_the_buyer_text_follows_saves_edits_and_imports(season_db):
    saved = oe.save_order(season_db, oe.OrderDraft(phone="0966555444", name="Lê Thị Xuyến", street="1 Lê Lợi",
                                                   lines=[oe.LineDraft("YDI-BUN-500", "1")]))
    draft = oe.draft_for_edit(season_db, saved.order_id)
    oe.edit_order(season_db, saved.order_id, replace(draft, name="Lê Thị Hạnh", phone="0977111222"))
    assert oe.order_key(season_db, F(text="hanh 0977111"), saved.order_id)[0] == 0
    assert oe.order_key(season_db, F(text="xuyen"), saved.order_id) is None
    for r in season_db.query("SELECT name, phone, buyer_text FROM orders"):
        assert r["buyer_text"] == store.buyer_text(r["name"], r["phone"])


def test_a_date_range_alone_is_counted_at_once_in_its_index(season_db, monkeypatch):
    """Its index is in date order, so a range of order numbers at a time would read the table: a date range is
    counted whole in its own index instead (up to WHOLE_COUNT orders, about 10 ms), even when it is broad."""
    monkeypatch.setattr(store, "SMALL", 0)  # broad: not read whole
    f = F(since="2020-01-01", until="2100-12-31")
    plan = oe.plan_order_list(season_db, f)
    assert not plan.small and plan.exact == oe.order_count_small(season_db, plan) == len(_expected(season_db, f, "id",
                                                                                                    True))
    monkeypatch.setattr(store, "WHOLE_COUNT", 3)  # beyond it: counted a range at a time, like any broad filter
    assert oe.order_count_small(season_db, oe.plan_order_list(season_db, f)) is None
