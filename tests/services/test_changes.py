"""Changes name what a write touched; flag-only Changes (other branches' form) keep working."""

from coopdesk.services.changes import Changes


def test_ids_raise_their_flag_and_old_forms_still_work():
    assert Changes(order_ids={3}).orders and Changes(order_ids=[3]).order_ids == frozenset({3})
    old = Changes(products=True)
    assert old.products and old.product_ids == frozenset() and old.rows_only("products") is None
    assert Changes.everything().rows_only("orders") is None
    assert not Changes() and Changes(lots=True)


def test_merging_keeps_ids_only_while_every_side_names_them():
    a, b = Changes(order_ids={1}), Changes(order_ids={2}, lots=True)
    assert (a | b).rows_only("orders") == {1, 2} and (a | b).lots
    assert (a | Changes(orders=True)).rows_only("orders") is None  # one side says "orders, ids unknown"
    assert (a | Changes(products=True)).rows_only("orders") == {1}
