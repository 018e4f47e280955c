"""Issue 16 item 8: one place for each rule. ``services.traceability`` keeps its old names but defines none."""

import inspect

from coopdesk.services import diary_events, lots, recall, traceability


def test_each_lot_write_lives_in_its_own_module():
    assert traceability.create_lot is lots.create_lot
    assert traceability.next_lot_code is lots.next_lot_code
    assert traceability.set_lot_pattern is lots.set_lot_pattern
    assert traceability.add_event is diary_events.add_event
    assert traceability.correct_event is diary_events.correct_event
    assert traceability.delete_event is diary_events.delete_event
    assert traceability.recall_lot is recall.recall_lot


def test_traceability_only_reexports():
    own = [name for name, value in vars(traceability).items()
           if (inspect.isfunction(value) or inspect.isclass(value))
           and value.__module__ == traceability.__name__]
    assert own == []
