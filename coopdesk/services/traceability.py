"""Lots from seed to pack, under the one name the CLI, the screens and the tests have always imported.

Each rule lives in one module: lots and their codes in ``services.lots``, diary events and their corrections
in ``services.diary_events``, recalls in ``services.recall``, the registers (members, growing areas, inputs)
in ``services.registers`` and stock in ``services.stock``. This module only re-exports their names.
"""

from __future__ import annotations

from coopdesk.services.diary_events import (  # noqa: F401 - re-exported under their old names
    add_event,
    correct_event,
    corrections,
    delete_event,
    with_member,
)
from coopdesk.services.lots import (  # noqa: F401 - re-exported under their old names
    LotView,
    _recalled_ids,
    _state,
    _views,
    create_lot,
    filter_views,
    lineage_codes,
    lot_id,
    lot_pattern,
    lot_states,
    lot_url,
    next_lot_code,
    recalled_lot_ids,
    set_lot_pattern,
    state_of,
    view,
    views,
    views_of,
)
from coopdesk.services.recall import recall_lot  # noqa: F401 - re-exported under its old name
from coopdesk.services.registers import add_member, areas, inputs, members, save_area, save_input  # noqa: F401
from coopdesk.services.stock import adjust_stock  # noqa: F401 - re-exported under its old name
