from datetime import date

import pytest

from coopdesk.domain.errors import ValidationError
from coopdesk.domain.livestream import parse_comment
from coopdesk.domain.orders import (
    CatalogItem,
    LineDraft,
    LotStock,
    OrderDraft,
    allocate,
    can_move,
    check_order,
    find_items,
    given_name_key,
    parse_qty,
    split_item,
    sure_item,
)
from coopdesk.domain.text import fold

CATALOG = [CatalogItem(i, sku, name, price, fold(f"{sku} {name}")) for i, (sku, name, price) in enumerate((
    ("HRX-NEM-50", "Nem chua Thanh Hóa lá chuối", 230_000), ("HRX-NEM-10", "Nem chua Thanh Hóa lá chuối", 50_000),
    ("YDI-BUN-500", "Bún sắn khô Hồng Phước", 40_000), ("NL-SAN-TUOI", "Củ sắn tươi (nguyên liệu làm bún)", 3_500),
    ("LDU-BIDO-QUA", "Bí đỏ hồ lô", 39_000)), start=1)]


def order(**kw) -> OrderDraft:
    base = dict(phone="0912345678", name="Nguyễn Thị Hồng", province="Điện Biên", commune="na tau",
                lines=[LineDraft("nem50", "3"), LineDraft("bun kho", "2")], shipping="30k")
    base.update(kw)
    return OrderDraft(**base)


def test_items_by_sku_short_sku_or_name():
    assert [c.sku for c in find_items("HRX-NEM-50", CATALOG)] == ["HRX-NEM-50"]
    assert [c.sku for c in find_items("nem50", CATALOG)] == ["HRX-NEM-50"]
    assert [c.sku for c in find_items("bun kho", CATALOG)] == ["YDI-BUN-500"]
    assert [c.sku for c in find_items("bun", CATALOG)][0] == "YDI-BUN-500"  # the SKU hit ranks first
    assert find_items("cà phê", CATALOG) == []
    # a number alone is a quantity typed in the wrong box: never a product whose SKU holds that digit
    assert find_items("5", CATALOG) == [] and find_items("0", CATALOG) == []
    assert sure_item("500", CATALOG) is None


def test_quantity_forms():
    assert split_item("NEM50 x3") == ("NEM50", "3")
    assert split_item("nem50*2") == ("nem50", "2")
    assert split_item("3 nem50") == ("nem50", "3")
    assert split_item("bun kho") == ("bun kho", "1")
    for bad in ("0", "-2", "hai", "1.5", ""):
        with pytest.raises(ValueError):
            parse_qty(bad)


def test_money_and_cod():
    o = check_order(order(prepaid="100.000"), CATALOG)
    assert o.phone.e164 == "+84912345678" and o.commune is not None
    assert o.subtotal == 3 * 230_000 + 2 * 40_000 and o.total == o.subtotal + 30_000
    assert o.cod == o.total - 100_000


@pytest.mark.parametrize(("changes", "field"), [
    ({"phone": ""}, "phone"), ({"phone": "0123"}, "phone"), ({"lines": []}, "items"),
    ({"lines": [LineDraft("KHONG-CO", "1")]}, "line1.item"), ({"lines": [LineDraft("nem50", "hai")]}, "line1.qty"),
    ({"lines": [LineDraft("nem50", "0")]}, "line1.qty"), ({"lines": [LineDraft("nem50", "-1")]}, "line1.qty"),
    ({"lines": [LineDraft("nem50", "1", price="-5")]}, "line1.price"),
    ({"lines": [LineDraft("nem50", "1", price="200k")]}, "line1.price"),
    ({"commune": "Phường Ba Đình"}, "commune"), ({"prepaid": "5.000.000"}, "prepaid"),
    ({"cod": "9.000.000"}, "cod"), ({"shipping": "ba chục"}, "shipping"),
    ({"lines": [LineDraft("nem", "1")]}, "line1.item"),
])
def test_each_bad_field_is_named(changes, field):
    with pytest.raises(ValidationError) as info:
        check_order(order(**changes), CATALOG)
    assert field in info.value.fields


def test_price_change_with_a_reason():
    o = check_order(order(lines=[LineDraft("nem50", "1", price="200k", price_reason="Khách quen")]), CATALOG)
    assert o.lines[0].unit_price == 200_000 and o.lines[0].price_reason == "Khách quen"


def test_two_numbers_and_old_prefix():
    o = check_order(order(phone="01689123456 hoặc 0988 111 222"), CATALOG)
    assert o.phone.e164 == "+84389123456" and o.other_phones == ("+84988111222",)


def test_fefo_allocation():
    lots = [LotStock("B", date(2027, 3, 1), 5), LotStock("A", date(2027, 1, 1), 2),
            LotStock("R", date(2026, 12, 1), 9, recalled=True), LotStock("N", None, 4)]
    assert allocate(4, lots) == ([("A", 2), ("B", 2)], 0)
    assert allocate(20, lots) == ([("A", 2), ("B", 5), ("N", 4)], 9)
    assert allocate(3, lots, forced="b") == ([("B", 3)], 0)
    assert allocate(3, lots, forced="R") == ([], 3)  # a recalled lot is never sold


def test_status_moves():
    assert can_move("new", "packed") and can_move("handed", "returned") and can_move("new", "cancelled")
    assert not can_move("delivered", "new") and not can_move("cancelled", "packed")


def test_vietnamese_name_order():
    names = ["Trần Văn Ba", "Nguyễn Thị Ánh", "Lê An", "Phạm Thị Ánh", "Đỗ Đức"]
    assert sorted(names, key=given_name_key) == ["Lê An", "Nguyễn Thị Ánh", "Phạm Thị Ánh", "Trần Văn Ba", "Đỗ Đức"]


@pytest.mark.parametrize(("text", "phone", "name", "items", "commune"), [
    ("chốt 2 nem50 0912345678 Nguyễn Thị Hồng, xã Nà Tấu, Điện Biên", "0912 345 678", "Nguyễn Thị Hồng",
     [("HRX-NEM-50", "2")], "Xã Nà Tấu"),
    ("chot nem50 x3 bun500 0988.111.222 Trần Văn Ba, Thôn 2, Yên Định, Thanh Hóa", "0988 111 222", "Trần Văn Ba",
     [("HRX-NEM-50", "3"), ("YDI-BUN-500", "1")], "Xã Yên Định"),
    ("Chốt nem10x2 +84 912 345 678 Lê Thị Mai, 12 Lê Lợi, Phường Hàm Rồng, Thanh Hóa", "0912 345 678",
     "Lê Thị Mai", [("HRX-NEM-10", "2")], "Phường Hàm Rồng"),
])
def test_comment_parsing(text, phone, name, items, commune):
    d = parse_comment(text, CATALOG)
    assert d.phone == phone and d.name == name and d.commune == commune
    assert [(x.item, x.qty) for x in d.lines] == items


def test_old_three_level_addresses_map_to_candidates():
    from coopdesk.domain.addresses import legacy_candidates

    [match] = legacy_candidates("Phường Phú Cường, Thành phố Thủ Dầu Một, Bình Dương")
    assert [c.name for c in match.candidates] == ["Phường Thủ Dầu Một"] and match.province == 79
    [match] = legacy_candidates("phuong 1, quan 3, ho chi minh")
    assert [c.name for c in match.candidates] == ["Phường Bàn Cờ"]
    assert legacy_candidates("xã Nà Tấu, Điện Biên") == []
    d = parse_comment("chốt 0912345678 Võ Thị Sáu, 5 Bạch Đằng, Phường Phú Cường, Thành phố Thủ Dầu Một, "
                      "Bình Dương", CATALOG)
    assert (d.commune, d.province, d.street) == ("Phường Thủ Dầu Một", "79", "5 Bạch Đằng")
    assert "Phú Cường" in d.raw_address  # the original text is kept
