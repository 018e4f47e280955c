"""Issue 11, items 10 and 11: codes other systems accept, checked where they are typed; phones in every spelling."""

from __future__ import annotations

from datetime import date

import pytest

from coopdesk.domain.codes import LOT_CODE_MAX, is_gs1_lot_code, is_valid_gtin13
from coopdesk.domain.cooperative import CooperativeDraft, validate_cooperative
from coopdesk.domain.errors import ValidationError
from coopdesk.domain.lots import check_lot_pattern, make_lot_code
from coopdesk.domain.phones import find_phones, normalize_phone
from coopdesk.domain.products import ProductDraft, validate_product


@pytest.mark.parametrize("pattern", ["HTXHONGPHUOC-{YYYY}{MM}-{NNNN}", "HP-{YYYY}-{NNNNNNNNNNNNNNNN}"])
def test_a_pattern_making_codes_over_20_characters_is_refused_with_the_limit(pattern):
    with pytest.raises(ValidationError) as info:
        check_lot_pattern(pattern)
    assert "20" in str(info.value) and info.value.fields == ["lot_code_pattern"]


def test_the_longest_code_a_pattern_makes_fits_ai_10():
    pattern = check_lot_pattern("HTXHP-{YY}{MM}-{NNNN}")
    assert is_gs1_lot_code(make_lot_code(pattern, date(2026, 12, 1), 9999))
    assert not is_gs1_lot_code("HTXHONGPHUOC-202611-0001") and len("HTXHONGPHUOC-202611-0001") > LOT_CODE_MAX


@pytest.mark.parametrize("pattern", ["{PREFIX}-{NNNN}", "-{NNNN}", "{YYYY}/{NNNN}"])
def test_an_empty_prefix_or_a_leading_separator_is_refused(pattern):
    with pytest.raises(ValidationError):
        check_lot_pattern(pattern)


@pytest.mark.parametrize("gtin", ["８９３８００００００００８", "٨٩٣٨٠٠٠٠٠٠٠٠٨", "893800000000８"])
def test_gtin_with_non_ascii_digits_is_refused(gtin):
    assert is_valid_gtin13("8938000000008")
    assert not is_valid_gtin13(gtin)
    with pytest.raises(ValidationError) as info:
        validate_product(ProductDraft(sku="X-1", name="Xôi", price="10000", gtin=gtin), None, None)
    assert info.value.fields == ["gtin"] and "0–9" in str(info.value)


@pytest.mark.parametrize("url", ["https://truyxuat.htx.vn?x=1", "https://truyxuat.htx.vn/a#b",
                                 "https://user:pw@truyxuat.htx.vn", "http://truyxuat.htx.vn",
                                 "https://truyxuat.htx.vn/a b", "https://", "https://-x.vn", "javascript:alert(1)",
                                 "https://truyxuat.htx.vn/a/../b?"])
def test_trace_address_must_be_plain_https(url):
    with pytest.raises(ValidationError) as info:
        validate_cooperative(CooperativeDraft(name="HTX", trace_base_url=url))
    assert info.value.fields == ["trace_base_url"] and "https://" in str(info.value)


@pytest.mark.parametrize("url", ["https://truyxuat.htx.vn", "https://htx.vn/truy-xuat/", "https://a.b.vn:8443/x_y"])
def test_plain_https_addresses_are_kept(url):
    assert validate_cooperative(CooperativeDraft(name="HTX", trace_base_url=url)).trace_base_url == url.rstrip("/")


@pytest.mark.parametrize("raw", ["+84 (0) 912 345 678", "+840912345678", "０９１２３４５６７８", "(+84) 0912.345.678"])
def test_more_spellings_of_one_mobile(raw):
    assert normalize_phone(raw).e164 == "+84912345678"


@pytest.mark.parametrize("text", ["0912345678 - 0988111222", "0912345678 0988111222", "0912 345 678 0988 111 222",
                                  "0912345678|0988111222", "0912345678 | 0988 111 222", "0912345678 hay 0988111222",
                                  "0912.345.678 hoặc 0988.111.222"])
def test_two_numbers_are_both_found_the_second_kept(text):
    assert [p.e164 for p in find_phones(text)] == ["+84912345678", "+84988111222"]


def test_one_spaced_landline_stays_one_number():
    assert [p.e164 for p in find_phones("024 3826 1234")] == ["+842438261234"]


def test_a_gtin_stored_before_the_check_never_reaches_a_digital_link():
    from coopdesk.domain.lots import trace_url

    assert trace_url("https://t.vn", "HP-2026-0001", "8938000000008") == "https://t.vn/01/08938000000008/10/HP-2026-0001"
    assert trace_url("https://t.vn", "HP-2026-0001", "８９３８００００００００８") == "https://t.vn/lo/HP-2026-0001"
