"""The cooperative profile: a new cooperative's lot codes carry its own initials (a walk found 'HP-' from the demo)."""

from datetime import date

from coopdesk.domain.cooperative import CooperativeDraft
from coopdesk.domain.lots import pattern_for
from coopdesk.domain.products import ProductDraft
from coopdesk.services import catalog, cooperative
from coopdesk.services import traceability as trace


def test_initials_from_the_proper_name_at_the_end():
    assert pattern_for("Hợp tác xã Nông sản sạch Hồng Phước") == "HP-{YYYY}-{NNNN}"
    assert pattern_for("HTX Đồng Tâm") == "DT-{YYYY}-{NNNN}"
    assert pattern_for("Tâm") == "TA-{YYYY}-{NNNN}"


def test_a_new_cooperative_gets_its_own_lot_codes_and_an_old_one_keeps_its(database):
    cooperative.save_profile(database, CooperativeDraft(name="HTX Nông nghiệp Đồng Tâm"))
    catalog.save_product(database, ProductDraft(sku="DT-CHE", name="Chè búp", price="90.000"))
    first = trace.create_lot(database, "DT-CHE", day=date(2026, 11, 2)).code
    assert first == "DT-2026-0001"
    cooperative.save_profile(database, CooperativeDraft(name="HTX Suối Mơ"))  # renamed later
    assert trace.create_lot(database, "DT-CHE", day=date(2026, 11, 3)).code == "DT-2026-0002"


def test_a_file_with_lots_keeps_the_pattern_its_codes_used(demo_db):
    from coopdesk.services.lots import lot_pattern

    before = lot_pattern(demo_db)
    cooperative.save_profile(demo_db, CooperativeDraft(name="HTX Suối Mơ"))
    assert lot_pattern(demo_db) == before == "HP-{YYYY}-{NNNN}"
