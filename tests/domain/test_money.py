import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopdesk.domain.money import MoneyError, format_number, format_vnd, parse_vnd


@pytest.mark.parametrize(("text", "dong"), [
    ("120000", 120_000), ("120.000", 120_000), ("120,000", 120_000), ("120k", 120_000), ("120 K", 120_000),
    ("1,2tr", 1_200_000), ("1.5 triệu", 1_500_000), ("1.250.000 ₫", 1_250_000), ("1.250.000đ", 1_250_000),
    ("45000 VND", 45_000), ("0", 0), ("2,5k", 2_500),
])
def test_parse_what_staff_type(text, dong):
    assert parse_vnd(text) == dong


@pytest.mark.parametrize("text", ["", "-5", "abc", "12.5", "1.2.3k", "1,25", "hai", "1.0005k", "1.23456k"])
def test_refuse_what_is_not_whole_dong(text):
    with pytest.raises(MoneyError):
        parse_vnd(text)


def test_format_vietnamese_grouping_with_nbsp():
    assert format_vnd(1_250_000) == "1.250.000\u00a0₫"
    assert format_number(999) == "999"
    assert format_number(-1000) == "-1.000"


@given(st.integers(min_value=0, max_value=10**12))
def test_formatted_amount_parses_back(n):
    assert parse_vnd(format_vnd(n)) == n
    assert parse_vnd(format_number(n)) == n
