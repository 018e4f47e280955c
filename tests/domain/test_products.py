from datetime import date

import pytest

from coopdesk.domain.errors import ValidationError
from coopdesk.domain.products import (
    Certification,
    CertStatus,
    Product,
    ProductDraft,
    cert_status,
    draft_from_product,
    format_weight,
    parse_weight_g,
    validate_product,
)


def good(**changes) -> ProductDraft:
    base = dict(sku="ydi-bun-500", name="Bún sắn khô Hồng Phước", unit="gói", net_weight="500 g", price="40.000",
                gtin="8931234567897", ocop_stars="3", ocop_cert_no="2317/QĐ-UBND", ocop_authority="UBND tỉnh Thanh Hóa",
                ocop_issued="28/06/2024", origin_province="Thanh Hóa", origin_commune="yen dinh",
                shelf_life_days="365")
    base.update(changes)
    return ProductDraft(**base)


def fields_of(draft, **kw) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate_product(draft, **kw)
    return info.value.fields


def test_a_good_product():
    p = validate_product(good())
    assert p.sku == "YDI-BUN-500"
    assert p.price_vnd == 40_000
    assert p.net_weight_g == 500
    assert p.ocop_expires == date(2027, 6, 28)  # 36 months by default
    assert p.origin_province == 38 and p.origin_commune == 15469
    assert "bun san kho" in p.search_text and "yen dinh" in p.search_text


@pytest.mark.parametrize(("changes", "field"), [
    ({"name": "  "}, "name"),
    ({"sku": ""}, "sku"),
    ({"sku": "bad sku!"}, "sku"),
    ({"price": "-1"}, "price"),
    ({"price": "abc"}, "price"),
    ({"price": ""}, "price"),
    ({"ocop_stars": "2"}, "ocop_stars"),
    ({"ocop_stars": "6"}, "ocop_stars"),
    ({"ocop_expires": "01/01/2024"}, "ocop_expires"),
    ({"ocop_issued": "31/02/2024"}, "ocop_issued"),
    ({"ocop_cert_no": ""}, "ocop_cert_no"),
    ({"gtin": "8931234567890"}, "gtin"),
    ({"gtin": "12345"}, "gtin"),
    ({"origin_commune": "Xã Nà Tấu"}, "origin_commune"),
    ({"origin_province": "Atlantis"}, "origin_province"),
    ({"net_weight": "nửa cân"}, "net_weight"),
    ({"shelf_life_days": "-3"}, "shelf_life_days"),
])
def test_each_bad_field_is_named(changes, field):
    assert field in fields_of(good(**changes))


def test_duplicate_sku_is_named():
    assert fields_of(good(), existing_skus={"YDI-BUN-500"}) == ["sku"]


def test_all_errors_at_once_in_vietnamese():
    with pytest.raises(ValidationError) as info:
        validate_product(good(name="", price="-5", ocop_stars="7"))
    assert info.value.fields == ["name", "price", "ocop_stars"]
    messages = [e.message for e in info.value.errors]
    assert messages[0].startswith("Tên")
    assert "3, 4 hoặc 5" in messages[2]


def test_gtin_message_gives_the_right_check_digit():
    with pytest.raises(ValidationError) as info:
        validate_product(good(gtin="8931234567890"))
    assert "7" in info.value.errors[0].message


def test_certification_rows():
    draft = good(certifications=[{"kind": "VietGAP", "number": "VG-1", "issued": "01/01/2025", "expires": "01/01/2028"},
                                 {"kind": "HACCP", "issued": "01/01/2025", "expires": "01/01/2024"}])
    assert fields_of(draft) == ["cert2.expires"]


def test_cert_status():
    today = date(2026, 11, 23)
    assert cert_status(None, today) == CertStatus.NONE
    assert cert_status(date(2026, 11, 22), today) == CertStatus.EXPIRED
    assert cert_status(date(2027, 1, 22), today) == CertStatus.EXPIRING  # 60 days
    assert cert_status(date(2027, 1, 23), today) == CertStatus.VALID


def test_worst_certificate_first():
    p = Product(sku="A", name="A", ocop_stars=4, ocop_expires=date(2028, 1, 1),
                certifications=(Certification("VietGAP", expires=date(2026, 12, 1)),))
    assert p.worst_cert_status(date(2026, 11, 23))[:2] == (CertStatus.EXPIRING, "VietGAP")
    assert p.ocop_valid_on(date(2027, 12, 31)) and not p.ocop_valid_on(date(2028, 1, 2))


def test_draft_round_trip():
    p = validate_product(good(certifications=[{"kind": "VietGAP", "number": "VG-1", "issuer": "X",
                                               "issued": "01/01/2025", "expires": "01/01/2028"}]))
    assert validate_product(draft_from_product(p)) == p


def test_weights():
    assert parse_weight_g("1,2 kg") == 1200
    assert parse_weight_g("500g") == 500
    assert format_weight(1800) == "1,8 kg"
    assert format_weight(250) == "250 g"
