"""The rules of the documents after a live: picking order, totals, refusals, the handover scan check."""

from __future__ import annotations

from datetime import date

import pytest

from coopdesk.domain.shipping import (
    OK,
    SLIPS,
    TWICE,
    UNKNOWN,
    LotTake,
    Parcel,
    ParcelLine,
    ScanCheck,
    Totals,
    by_carrier,
    mask_phone,
    order_id_from_code,
    parse_order_ids,
    pick_rows,
    refusal,
    ten_minute_buckets,
)


def parcel(i: int, lines=(), carrier="", tracking="", platform="", phone="0912 345 678", address="Tổ 1, Xã A",
           cod=100_000, parcels=1) -> Parcel:
    return Parcel(id=i, created_at="2026-11-26 20:00:00", status="new", session_id=1, channel="", platform=platform,
                  platform_order_id="", name=f"Khách {i}", phone=phone, address=address, lines=tuple(lines),
                  shipping=0, prepaid=0, total=cod, cod=cod, delivery_note="", carrier=carrier, tracking=tracking,
                  parcels=parcels)


def line(sku, qty, place="", lots=(), name=None) -> ParcelLine:
    return ParcelLine(sku, name or sku, qty, 10_000, 0, "gói", place, 500, tuple(lots))


def test_order_numbers_and_ranges():
    assert parse_order_ids("1,2, 5-7 7") == (1, 2, 5, 6, 7)
    with pytest.raises(ValueError):
        parse_order_ids("1,hai")
    with pytest.raises(ValueError):
        parse_order_ids("9-3")
    assert order_id_from_code("DH000123") == 123 and order_id_from_code("dh42") == 42
    assert order_id_from_code("GHTK123") is None
    assert mask_phone("0912 345 678") == "0912 *** 678"


def test_pick_rows_follow_shelf_places_with_numbers_in_order_and_split_by_lot():
    a = LotTake("L-1", 2, date(2027, 1, 1))
    b = LotTake("L-2", 1, date(2026, 12, 1))
    rows = pick_rows([
        parcel(1, [line("BUN", 3, "Kệ A-10", [a, b]), line("NEM", 1, "Kệ A-2", [LotTake("N-1", 1, None)])]),
        parcel(2, [line("BUN", 2, "Kệ A-10", [LotTake("L-1", 2, date(2027, 1, 1))]), line("TRA", 4, "")]),
    ])
    assert [(r.sku, r.lot, r.qty, r.orders) for r in rows] == [
        ("NEM", "N-1", 1, 1), ("BUN", "L-2", 1, 1), ("BUN", "L-1", 4, 2), ("TRA", "", 4, 1)]
    assert sum(r.qty for r in rows) == 3 + 1 + 2 + 4


def test_totals_and_carriers_group_case_insensitively():
    ps = [parcel(1, carrier="GHTK", cod=125_000, parcels=2), parcel(2, carrier="ghtk ", cod=1),
          parcel(3, carrier="", cod=0), parcel(4, carrier="Viettel Post", cod=999_999)]
    t = Totals.of(ps)
    assert (t.orders, t.parcels, t.cod) == (4, 5, 125_000 + 1 + 999_999)
    groups = by_carrier(ps)
    assert list(groups) == ["GHTK", "Viettel Post", "Chưa chọn đơn vị vận chuyển"]
    assert [p.id for p in groups["GHTK"]] == [1, 2]


def test_refusals_name_the_reason():
    recalled = LotTake("HP-1", 1, None, "u", recall="Nấm mốc")
    assert "HP-1" in refusal(parcel(1, [line("B", 1, lots=[recalled])]), SLIPS)
    assert "phone" in refusal(parcel(2, [line("B", 1)], phone=""), SLIPS) or "điện thoại" in refusal(
        parcel(2, [line("B", 1)], phone=""), SLIPS)
    assert refusal(parcel(3, [line("B", 1)], address=""), SLIPS)
    # A TikTok parcel carries the platform's label: CoopDesk's slip goes inside and needs no address.
    assert refusal(parcel(4, [line("B", 1)], address="", platform="tiktok"), SLIPS) == ""


def test_scan_check_ticks_warns_and_lists_missing():
    ps = [parcel(1, tracking="GHTK001"), parcel(2, tracking="GHTK002"), parcel(3)]
    check = ScanCheck(ps)
    assert check.scan("ghtk001 ")[0] == OK
    assert check.scan("GHTK001")[0] == TWICE
    assert check.scan("XYZ")[0] == UNKNOWN
    assert check.scan("DH000003")[0] == OK  # no tracking number: the order's own code
    assert check.scan("DH000099")[0] == UNKNOWN
    assert [p.id for p in check.missing()] == [2]
    assert [p.id for p in check.ticked_parcels()] == [1, 3]


def test_ten_minute_buckets_keep_empty_slots():
    b = ten_minute_buckets(["2026-11-26 20:01:00", "2026-11-26 20:09:59", "2026-11-26 20:31:00"],
                           "2026-11-26 20:00:00", "2026-11-26 20:45:00")
    assert b == [("20:00", 2), ("20:10", 0), ("20:20", 0), ("20:30", 1), ("20:40", 0)]
    assert ten_minute_buckets([]) == []


def test_tracking_numbers_pasted_from_a_carrier_app():
    from coopdesk.domain.shipping import parse_tracking_lines

    found, problems = parse_tracking_lines("DH000012\tGHTK84123456\n13, GHTK84123457\n\nDH000014\nhello world x\n"
                                           "DH000012 OTHER1")
    assert found == {12: "GHTK84123456", 13: "GHTK84123457"}
    assert len(problems) == 3 and problems[0].startswith(("Line 4", "Dòng 4"))
