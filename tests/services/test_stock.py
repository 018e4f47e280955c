"""Stock on hand and the use-by rule, read in one place by the desk, the import and the lot screens."""

from datetime import date

from coopdesk.domain.lots import use_by
from coopdesk.services import stock
from coopdesk.services import traceability as trace


def test_use_by_is_the_first_packing_day_plus_the_shelf_life():
    assert use_by(date(2026, 8, 23), 180) == date(2027, 2, 19)
    assert use_by(None, 180) is None
    assert use_by(date(2026, 8, 23), None) is None and use_by(date(2026, 8, 23), 0) is None


def test_the_desk_and_the_lot_screen_agree_on_stock_and_use_by(demo_db):
    recalled = trace.recalled_lot_ids(demo_db)
    for v in trace.views(demo_db):
        if not v.state.is_packed:
            continue
        lots = dict(stock.packed_lots(demo_db.db, v.product.id, v.product.shelf_life_days, recalled))
        s = lots[v.state.lot.id]
        assert (s.code, s.on_hand, s.expiry, s.recalled) == (v.code, v.state.on_hand()[0], v.expiry,
                                                              v.recall is not None)


def test_the_old_names_still_import_from_traceability():
    from coopdesk.services import lots, registers

    assert trace.adjust_stock is stock.adjust_stock and trace.save_area is registers.save_area
    assert trace.views is lots.views and trace.LotView is lots.LotView
    assert trace.recalled_lot_ids is lots.recalled_lot_ids
    assert trace.add_member is registers.add_member and trace.inputs is registers.inputs
