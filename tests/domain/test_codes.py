import pytest

from coopdesk.domain.codes import gtin14, gtin_check_digit, is_valid_gtin13, normalize_tax_code


def test_gtin_check_digit():
    assert gtin_check_digit("893123456789") == 7
    assert is_valid_gtin13("8931234567897")
    assert not is_valid_gtin13("8931234567890")
    assert not is_valid_gtin13("893123456789")
    assert gtin14("8931234567897") == "08931234567897"


@pytest.mark.parametrize(("raw", "normal"), [("0101234567", "0101234567"), ("0101234567-001", "0101234567-001"),
                                             ("0101234567001", "0101234567-001"), (" 0101 234 567 ", "0101234567")])
def test_tax_code_forms(raw, normal):
    assert normalize_tax_code(raw) == normal


@pytest.mark.parametrize("raw", ["", "12345", "01012345678", "0101234567-01", "abcdefghij"])
def test_bad_tax_codes(raw):
    assert normalize_tax_code(raw) is None
