import pytest

from coopdesk.domain import addresses
from coopdesk.domain.cooperative import CooperativeDraft, validate_cooperative
from coopdesk.domain.errors import Collector, ValidationError


def test_the_2025_map():
    assert len(addresses.provinces()) == 34
    assert sum(len(addresses.communes(p.code)) for p in addresses.provinces()) == 3321


def test_find_without_diacritics():
    dien_bien = addresses.find_province("dien bien")
    assert dien_bien.name == "Tỉnh Điện Biên"
    assert addresses.find_commune("na tau", dien_bien.code).name == "Xã Nà Tấu"
    assert [c.name for c in addresses.search_communes("na tau")] == ["Xã Nà Tấu"]


def test_commune_of_another_province_is_refused():
    c = Collector()
    hanoi = addresses.find_province("Hà Nội").code
    province, commune = addresses.resolve(c, str(hanoi), "Xã Nà Tấu")
    assert province == hanoi and commune is None
    assert c.errors[0].field == "commune"
    assert "Nà Tấu" in c.errors[0].message


def test_cooperative_profile():
    coop = validate_cooperative(CooperativeDraft(name="HTX Hồng Phước", tax_code="0101234567001",
                                                 province="Điện Biên", commune="na tau", phone="01689123456"))
    assert coop.tax_code == "0101234567-001"
    assert coop.phone == "+84389123456"
    assert coop.address_line() == "Xã Nà Tấu, Tỉnh Điện Biên"


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": ""}, "name"), ({"tax_code": "12345"}, "tax_code"), ({"phone": "0123"}, "phone"),
    ({"commune": "Phường Ba Đình"}, "commune"), ({"trace_base_url": "truyxuat"}, "trace_base_url"),
    ({"email": "not-an-email"}, "email"),
])
def test_cooperative_bad_fields(changes, field):
    base = {"name": "HTX", "province": "Điện Biên"}
    base.update(changes)
    with pytest.raises(ValidationError) as info:
        validate_cooperative(CooperativeDraft(**base))
    assert field in info.value.fields


def test_search_provinces_ranks_the_best_match_first():
    from coopdesk.domain.addresses import search_provinces

    def first(text: str) -> str:
        return search_provinces(text)[0].name

    assert first("thanh") == "Tỉnh Thanh Hóa"  # not "Thành phố Bắc Ninh"
    assert first("hcm") == first("tphcm") == first("sai gon") == first("TP. HCM") == "Thành phố Hồ Chí Minh"
    assert first("hn") == first("Hà Nội") == "Thành phố Hà Nội"
    assert first("binh duong") == "Thành phố Hồ Chí Minh"  # merged into it in 2025
    assert search_provinces("xyz") == []


def test_communes_that_differ_only_by_their_marks():
    """Xã Tân Thành and Xã Tân Thạnh (Đồng Tháp) fold alike: the name as written picks one, never the other."""
    dong_thap = addresses.find_province("Đồng Tháp").code
    assert addresses.find_commune("Xã Tân Thạnh", dong_thap).name == "Xã Tân Thạnh"
    assert addresses.find_commune("tân thạnh", dong_thap).name == "Xã Tân Thạnh"
    assert addresses.find_commune("Tân Thành", dong_thap).name == "Xã Tân Thành"
    assert addresses.find_commune("tan thanh", dong_thap).name == "Xã Tân Thành"  # no marks: the first in order
    thanh_hoa = addresses.find_province("Thanh Hóa").code
    assert addresses.find_commune("Xã Đồng Tiến", thanh_hoa).name == "Xã Đồng Tiến"
    assert addresses.find_commune("Phường Đông Tiến", thanh_hoa).name == "Phường Đông Tiến"
    for p in addresses.provinces():  # every commune is found by its own name
        for c in addresses.communes(p.code):
            assert addresses.find_commune(c.name, p.code) == c


def test_find_province_takes_the_short_forms_the_window_takes():
    """`add-order --province hn` and a comment's “…, hcm” mean what the desk's province box makes of them."""
    from coopdesk.domain.addresses import find_province

    for typed, name in (("hn", "Thành phố Hà Nội"), ("HCM", "Thành phố Hồ Chí Minh"),
                        ("TP.HCM", "Thành phố Hồ Chí Minh"), ("Sài Gòn", "Thành phố Hồ Chí Minh"),
                        ("Tỉnh Thanh Hóa", "Tỉnh Thanh Hóa")):
        assert find_province(typed).name == name, typed
    assert find_province("thanh") is None  # a beginning is a suggestion in the window, never a silent choice
    assert find_province("xyz") is None
