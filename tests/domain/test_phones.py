import pytest

from coopdesk.domain.phones import display_phone, find_phones, normalize_phone


@pytest.mark.parametrize("raw", ["0912345678", "+84912345678", "84912345678", "0084912345678", "912345678",
                                 "(+84) 91-234-5678", "091.234.5678", "0912 345 678"])
def test_forms_of_one_mobile(raw):
    phone = normalize_phone(raw)
    assert phone is not None
    assert phone.e164 == "+84912345678"
    assert phone.national == "0912 345 678"


@pytest.mark.parametrize(("old", "new"), [("01689123456", "+84389123456"), ("01223456789", "+84773456789"),
                                          ("01993456789", "+84593456789")])
def test_old_eleven_digit_prefixes_are_converted(old, new):
    assert normalize_phone(old).e164 == new


def test_landline_kept():
    assert normalize_phone("024 3825 3535").e164 == "+842438253535"


@pytest.mark.parametrize("raw", ["", "0123456789", "12345", "(+84)91*****78", "hai"])
def test_invalid(raw):
    assert normalize_phone(raw) is None


def test_two_numbers_in_one_field():
    found = find_phones("SĐT: 0912.345.678 hoặc 0988 111 222")
    assert [p.e164 for p in found] == ["+84912345678", "+84988111222"]


def test_display():
    assert display_phone("+84912345678") == "0912 345 678"
