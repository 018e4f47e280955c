"""Packs on hand of packed lots and the use-by rule that orders them (first-expiring first): in one place.

The order desk, the TikTok import and the lot screens all read stock through here; the figures come from
the kept ``lot_stock`` rows (storage), the use-by date from ``domain.lots.use_by``.
"""

from __future__ import annotations

from datetime import date

from coopdesk.domain.errors import FieldError, ValidationError
from coopdesk.domain.lots import use_by
from coopdesk.domain.orders import LotStock
from coopdesk.domain.text import clean
from coopdesk.i18n import _
from coopdesk.services.lots import state_of
from coopdesk.services.unit_of_work import atomic
from coopdesk.storage import audit
from coopdesk.storage import orders as order_store
from coopdesk.storage.database import Database


def packed_lots(db, product_id: int, shelf_life_days: int | None,  # noqa: ANN001 - a connection in a transaction
                recalled: set[int]) -> list[tuple[int, LotStock]]:
    """(lot id, LotStock) of every packed lot of a product: packs on hand, use-by date, recalled or not."""
    return [(lot_id, LotStock(code, use_by(date.fromisoformat(day) if day else None, shelf_life_days), on_hand,
                              lot_id in recalled))
            for lot_id, code, day, on_hand in order_store.packed_stock(db, product_id)]


@atomic
def adjust_stock(database: Database, code: str, packs: int, reason: str) -> int:
    """Put packs back on a packed lot (a returned parcel) or take them off (breakage); returns packs on hand."""
    state = state_of(database, code)
    if not state.is_packed:
        raise ValidationError([FieldError("lot", _("Lot {code} is not packed: its stock is counted in kg").format(
            code=state.lot.code))])
    if not clean(reason):
        raise ValidationError([FieldError("reason", _("Reason: say why the stock changes"))])
    if packs == 0 or state.on_hand()[0] + packs < 0:
        raise ValidationError([FieldError("packs", _("Packs: {n} would leave lot {code} below zero").format(
            n=packs, code=state.lot.code))])
    with database.transaction() as db:
        order_store.adjust_stock(db, state.lot.id, packs, clean(reason))
        audit.record(db, "adjust", "lot", state.lot.id, {"packs": packs, "reason": clean(reason)})
    return state_of(database, code).on_hand()[0]
