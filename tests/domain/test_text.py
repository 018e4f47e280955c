import unicodedata

import pytest

from coopdesk.domain.text import clean, fold, fold_place, matches, sort_key


@pytest.mark.parametrize(("text", "folded"), [
    ("Bún khô", "bun kho"),
    ("Nguyễn Thị Hồng Đức", "nguyen thi hong duc"),
    ("ĐẶNG ĐỨC", "dang duc"),
    ("Kẹo cu đơ", "keo cu do"),
    ("ộ ờ ữ ặ", "o o u a"),
])
def test_fold_drops_diacritics_and_dd(text, folded):
    assert fold(text) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded


def test_clean_gives_nfc_and_single_spaces():
    nfd = unicodedata.normalize("NFD", "  Nguyễn   Thị Hồng ")
    assert clean(nfd) == "Nguyễn Thị Hồng"
    assert len(clean(nfd)) == 15


def test_matches_every_word_in_any_order():
    hay = fold("YDI-BUN-500 Bún sắn khô Hồng Phước")
    assert matches("bun kho", hay)
    assert matches("KHÔ bún", hay)
    assert matches("phuoc", hay)
    assert not matches("bun tuoi", hay)


def test_fold_place_strips_division_prefix():
    assert fold_place("Xã Nà Tấu") == "na tau"
    assert fold_place("Thành phố Hồ Chí Minh") == "ho chi minh"
    assert fold_place("TP. Hồ Chí Minh") == "ho chi minh"


def test_vietnamese_sort_order():
    words = ["Đỗ", "Dương", "Ăn", "Anh", "Trần Ô", "Trần Oa", "bê", "Bé", "Ấm", "Ơn", "Ông", "Ư", "Uy", "Zô"]
    assert sorted(words, key=sort_key) == ["Anh", "Ăn", "Ấm", "Bé", "bê", "Dương", "Đỗ", "Ông", "Ơn",
                                           "Trần Oa", "Trần Ô", "Uy", "Ư", "Zô"]


def test_tones_sort_after_the_letter_in_vietnamese_order():
    assert sorted(["má", "mạ", "mà", "ma", "mả", "mã"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
