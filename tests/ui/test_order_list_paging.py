"""The order list reads a page at a time (issue 12): scrolling fetches the next page, filters and sorting are
done by SQL over every order (not only the loaded ones), and a save still inserts its one row."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from coopdesk.domain.orders import LineDraft, OrderDraft
from coopdesk.services import order_entry as oe
from coopdesk.ui.orders.table_model import COLUMNS, R_ID, R_TOTAL


def _more_orders(db, n):
    for i in range(n):
        oe.save_order(db, OrderDraft(phone=f"0966{i:06d}", name=f"Khách cuộn {i}", street="1 Lê Lợi",
                                     province="Thanh Hóa", commune="yen dinh", lines=[LineDraft("YDI-BUN-500", "1")]))


def _page(window, size):
    window.nav.setCurrentRow(3)
    page = window.orders_page
    page.model.PAGE = size
    page.refresh()
    return page


def test_scrolling_to_the_end_fetches_the_next_page(window, qtbot, demo_db):
    _more_orders(demo_db, 30)
    page = _page(window, 10)
    total = oe.order_count(demo_db)
    assert page.model.rowCount() == 10 and page.model.canFetchMore()
    assert page.count_label.text().startswith(f"{total} ")  # counted in SQL, not from the loaded rows
    page.table.scrollToBottom()
    QApplication.processEvents()
    assert page.model.rowCount() > 10
    while page.model.canFetchMore():
        page.table.scrollToBottom()
        QApplication.processEvents()
    ids = [page.model.row_id(r) for r in range(page.model.rowCount())]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == total  # every order once, newest first


def test_sorting_and_filtering_reach_orders_not_yet_loaded(window, qtbot, demo_db):
    _more_orders(demo_db, 30)
    page = _page(window, 10)
    oldest = min(r["id"] for r in demo_db.query("SELECT id FROM orders"))
    page.table.sortByColumn(COLUMNS.index(R_ID), Qt.SortOrder.AscendingOrder)
    assert page.model.row_id(0) == oldest  # the oldest order was on no loaded page
    page.table.sortByColumn(COLUMNS.index(R_TOTAL), Qt.SortOrder.DescendingOrder)
    biggest = demo_db.query("SELECT max(total) AS t FROM orders")[0]["t"]
    assert page.model.index(0, COLUMNS.index(R_TOTAL)).data() == page.model.index(0, 3).data()
    assert page.model.rows[0][R_TOTAL] == biggest
    page.search.setText("cuon 7")  # diacritics optional; "7" is a one-letter term, checked on the matches
    expected = {r["id"] for r in demo_db.query("SELECT id, search_text FROM orders")
                if "cuon" in r["search_text"] and "7" in r["search_text"]}
    while page.model.canFetchMore():
        page.model.fetchMore()
    assert {r[R_ID] for r in page.model.rows} == expected and 3 <= len(expected) < 30
    assert page.count_label.text().startswith(f"{len(expected)} ")


def test_a_save_inserts_one_row_on_a_paged_list(window, qtbot, demo_db):
    _more_orders(demo_db, 30)
    page = _page(window, 10)
    resets, inserted = [], []
    page.model.modelReset.connect(lambda: resets.append(1))
    page.model.rowsInserted.connect(lambda *_a: inserted.append(1))
    draft = OrderDraft(phone="0966555444", name="Lê Thị Hạnh", province="Thanh Hóa", commune="yen dinh",
                       lines=[LineDraft("YDI-BUN-500", "2")])
    assert window.ops.run(page, lambda db: oe.save_order(db, draft), title="x")
    assert resets == [] and inserted == [1] and page.model.rowCount() == 11
    assert page.model.row_id(0) == oe.last_order_id(demo_db)


def test_a_broad_search_is_counted_in_steps_and_an_unfiltered_list_counts_all(window, qtbot, demo_db, monkeypatch):
    """A filter no index narrows below SMALL is counted a range of order numbers at a time between events:
    "n+" first (a lower bound), then the exact figure; a narrow one is counted at once."""
    import coopdesk.storage.orders as store

    _more_orders(demo_db, 30)
    monkeypatch.setattr(store, "SMALL", 5)  # 30 matches count as broad, as 100,000 would at the real bound
    page = _page(window, 10)
    total = oe.order_count(demo_db)
    assert total > 5 and page.count_label.text().startswith(f"{total} ")  # no filter: every order, counted
    steps = []
    page.model.count_changed.connect(lambda: steps.append(page.count_label.text()))
    page.search.setText("cuon")  # the 30 just saved (and any demo order that says it), more than a page
    matches = len([r for r in demo_db.query("SELECT search_text FROM orders") if "cuon" in r["search_text"]])
    assert page.model.counting and page.count_label.text().startswith("10+ ")  # what is loaded, so far
    window.nav.setCurrentRow(0)  # another page: the steps wait (and never outlive the window's file)
    QApplication.processEvents()
    assert page.model.counting and not steps
    window.nav.setCurrentRow(3)
    qtbot.waitUntil(lambda: not page.model.counting)
    assert matches >= 30 and page.count_label.text().startswith(f"{matches} ") and steps[-1] == page.count_label.text()
    page.search.setText("cuon 27")
    assert not page.model.counting and page.count_label.text().startswith("1 ")


def test_a_rare_match_fills_the_list_a_bounded_step_at_a_time(window, qtbot, demo_db, monkeypatch):
    """Read along the sort index, a rare match may take more rows than one step may read: the first page comes
    back short and the rest arrives between events, each step reading a bounded number of orders."""
    import coopdesk.storage.orders as store

    _more_orders(demo_db, 30)
    monkeypatch.setattr(store, "WALK", 4)  # each step reads 4 orders along the index
    read = []
    real = store._walk
    monkeypatch.setattr(store, "_walk", lambda *a: read.append(a[5]) or real(*a))
    page = _page(window, 10)
    page.table.sortByColumn(COLUMNS.index(R_TOTAL), Qt.SortOrder.DescendingOrder)
    page.search.setText("7")  # one letter: no index narrows it, every order is tested on its row
    expected = [r["id"] for r in demo_db.query(
        "SELECT id FROM orders WHERE instr(search_text, '7') > 0 ORDER BY total DESC, id DESC")]
    assert 3 <= len(expected) < 10 and page.model.rowCount() < len(expected)  # short: the first step only
    qtbot.waitUntil(lambda: not page.model.canFetchMore())
    assert [page.model.row_id(r) for r in range(page.model.rowCount())] == expected
    assert read and max(read) <= 4
    assert page.count_label.text().startswith(f"{len(expected)} ")


def test_an_older_order_shows_its_year():
    """Seen in a walk: 2025 TikTok orders showed as '09/09 20:15', like this week's."""
    from coopdesk.ui.orders.table_model import short_when

    assert short_when("2026-11-28 20:15:09", "2026") == "28/11 20:15"
    assert short_when("2025-09-09 20:15:09", "2026") == "09/09/2025"
    assert short_when("2026-11-28", "2026") == "28/11" and short_when(None, "2026") == ""
