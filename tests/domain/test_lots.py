from datetime import date

import pytest

from coopdesk.domain.errors import ValidationError
from coopdesk.domain.lots import (
    EventDraft,
    Input,
    Lot,
    LotState,
    TraceEvent,
    check_lot_pattern,
    check_timeline,
    format_kg,
    make_lot_code,
    parse_kg,
    public_events,
    trace_path,
    trace_url,
    validate_event,
)

TODAY = date(2026, 11, 23)
INPUTS = {1: Input("pesticide", "Abamectin 3.6EC", "Abamectin", "DK-1", 7, id=1),
          2: Input("fertiliser", "NPK 16-16-8", id=2), 3: Input("seed", "Sắn KM94", id=3)}


def ev(kind, day, **kw) -> TraceEvent:
    return TraceEvent(kind=kind, day=day, person="Lê Văn Thắng", **kw)


def state(*events) -> LotState:
    return LotState(Lot(code="HP-2026-0001", product_id=1, id=1), list(events))


def fields(draft) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate_event(draft, INPUTS, TODAY)
    return info.value.fields


def test_lot_codes():
    assert make_lot_code("HP-{YYYY}-{NNNN}", date(2026, 3, 1), 42) == "HP-2026-0042"
    assert make_lot_code("{YY}{MM}-{NNN}", date(2026, 3, 1), 7) == "2603-007"
    assert check_lot_pattern("hp-{yyyy}-{NNNN}".replace("yyyy", "YYYY")) == "HP-{YYYY}-{NNNN}"
    for bad in ("HP-{YYYY}", "HP {NNNN}", "HP/{NNNN}"):
        with pytest.raises(ValidationError):
            check_lot_pattern(bad)


def test_trace_paths():
    assert trace_path("HP-2026-0042") == "lo/HP-2026-0042"
    assert trace_path("HP-2026-0042", "8931234567897") == "01/08931234567897/10/HP-2026-0042"
    assert trace_url("https://t.vn/", "A-1") == "https://t.vn/lo/A-1"


@pytest.mark.parametrize(("draft", "field"), [
    (EventDraft(kind="spraying", day="01/08/2026", person="A", dose="20 ml"), "input_id"),
    (EventDraft(kind="spraying", day="01/08/2026", person="A", input_id="2", dose="20 ml"), "input_id"),
    (EventDraft(kind="spraying", day="01/08/2026", person="A", input_id="1"), "dose"),
    (EventDraft(kind="harvest", day="01/08/2026", person="A", quantity_kg="hai"), "quantity_kg"),
    (EventDraft(kind="harvest", day="01/08/2026", person="A", quantity_kg="-3"), "quantity_kg"),
    (EventDraft(kind="packing", day="01/08/2026", person="A", packs="0", pack_size="500 g"), "packs"),
    (EventDraft(kind="packing", day="01/08/2026", person="A", packs="10", pack_size="nửa cân"), "pack_size"),
    (EventDraft(kind="harvest", day="01/12/2026", person="A", quantity_kg="5"), "day"),
    (EventDraft(kind="harvest", day="31/02/2026", person="A", quantity_kg="5"), "day"),
    (EventDraft(kind="harvest", day="01/08/2026", person="", quantity_kg="5"), "person"),
    (EventDraft(kind="processing", day="01/08/2026", person="A", quantity_kg="5"), "method"),
    (EventDraft(kind="quality_test", day="01/08/2026", person="A", result="Đạt"), "lab"),
    (EventDraft(kind="gặt", day="01/08/2026", person="A"), "kind"),
])
def test_event_fields(draft, field):
    assert field in fields(draft)


def test_harvest_before_planting_is_blocked():
    s = state(ev("planting", date(2026, 3, 1)))
    with pytest.raises(ValidationError) as info:
        check_timeline(s, ev("harvest", date(2026, 2, 1), quantity_g=1000), INPUTS)
    assert "01/03/2026" in info.value.errors[0].message


def test_harvest_inside_the_pre_harvest_interval_names_spray_pesticide_and_safe_day():
    s = state(ev("planting", date(2026, 3, 1)), ev("spraying", date(2026, 8, 1), input_id=1, dose="20 ml"))
    with pytest.raises(ValidationError) as info:
        check_timeline(s, ev("harvest", date(2026, 8, 5), quantity_g=1000), INPUTS)
    message = info.value.errors[0].message
    assert "01/08/2026" in message and "Abamectin 3.6EC" in message and "08/08/2026" in message
    check_timeline(s, ev("harvest", date(2026, 8, 8), quantity_g=1000), INPUTS)  # the first safe day is fine


def test_packing_inside_the_interval_is_blocked_too():
    s = state(ev("harvest", date(2026, 8, 20), quantity_g=100_000), ev("spraying", date(2026, 8, 21), input_id=1,
                                                                       dose="x"))
    with pytest.raises(ValidationError):
        check_timeline(s, ev("packing", date(2026, 8, 25), packs=10, pack_size_g=500), INPUTS)


def test_a_late_entered_spray_inside_an_existing_harvest_interval_is_blocked():
    s = state(ev("harvest", date(2026, 8, 5), quantity_g=1000))
    with pytest.raises(ValidationError):
        check_timeline(s, ev("spraying", date(2026, 8, 1), input_id=1, dose="20 ml"), INPUTS)


def test_packed_cannot_exceed_harvested():
    s = state(ev("harvest", date(2026, 8, 1), quantity_g=600_000))
    check_timeline(s, ev("packing", date(2026, 8, 2), packs=400, pack_size_g=1500), INPUTS)
    with pytest.raises(ValidationError) as info:
        check_timeline(s, ev("packing", date(2026, 8, 2), packs=401, pack_size_g=1500), INPUTS)
    assert "601,5 kg" in info.value.errors[0].message and "600 kg" in info.value.errors[0].message


def test_packing_before_harvest_is_blocked():
    s = state(ev("harvest", date(2026, 8, 10), quantity_g=600_000))
    with pytest.raises(ValidationError):
        check_timeline(s, ev("packing", date(2026, 8, 9), packs=1, pack_size_g=500), INPUTS)


def test_state_figures():
    s = state(ev("planting", date(2026, 3, 1)), ev("harvest", date(2026, 8, 1), quantity_g=600_000))
    assert s.status == "harvested" and s.on_hand() == (600_000, "g")
    s.used_g = 100_000
    assert s.on_hand() == (500_000, "g")
    s.events.append(ev("packing", date(2026, 8, 2), packs=200, pack_size_g=1500))
    assert s.status == "packed" and s.on_hand() == (200, "packs")
    assert s.expiry(30) == date(2026, 9, 1)
    s.recalled = True
    assert s.status == "recalled"


def test_private_events_stay_off_the_public_page():
    s = state(ev("planting", date(2026, 3, 1)), ev("care", date(2026, 4, 1), private=True))
    assert [e.kind for e in public_events(s)] == ["planting"]


def test_kg():
    assert parse_kg("1.250,5") == 1_250_500
    assert parse_kg("2400") == 2_400_000
    assert parse_kg("1,5 kg") == 1500
    assert format_kg(1_250_500) == "1.250,5 kg"
    for bad in ("", "0", "hai", "-1"):
        with pytest.raises(ValueError):
            parse_kg(bad)
