from hypothesis import assume, given
from hypothesis import strategies as st

from coopdesk.domain.phones import display_phone, normalize_phone
from coopdesk.domain.recall import (
    MessageFacts,
    customer_message,
    dial_form,
    group_of,
    name_key,
    name_order,
    salutation,
)


def test_groups_by_what_can_still_be_done():
    assert [group_of(s, False) for s in ("new", "packed", "handed", "delivered", "returned", "cancelled")] == [
        "to_hold", "to_hold", "in_transit", "delivered", "returned", None]
    assert group_of("cancelled", True) == "held"


@given(st.sampled_from("35789"), st.integers(0, 99_999_999))
def test_the_fast_phone_form_is_the_library_form(first, rest):
    e164 = f"+84{first}{rest:08d}"
    assume(normalize_phone(e164) is not None)  # stored phones were checked when the order was saved
    assert dial_form(e164, display_phone) == display_phone(e164)


def test_message_and_names():
    assert salutation("Nguyễn Thị Hồng") == "anh/chị Hồng"
    text = customer_message(MessageFacts("Trần Văn Ba", ("Bún sắn khô (lô HP-2026-0001)",), (12, 40), True,
                                         "Dư lượng vượt ngưỡng.", "HTX Hồng Phước", "0912 345 678"))
    assert text.startswith("HTX Hồng Phước xin thông báo tới anh/chị Ba")
    assert "DH000012, DH000040" in text and "Lý do: Dư lượng vượt ngưỡng." in text and "0912 345 678" in text
    assert "từ chối nhận" in text
    names = ["Trần Văn Ba", "Lê Thị Ánh", "Nguyễn Văn Đức", "Phạm Thị Dung"]
    assert sorted(names, key=name_key) == ["Lê Thị Ánh", "Trần Văn Ba", "Phạm Thị Dung", "Nguyễn Văn Đức"]


# Names as buyers type them: Vietnamese words in both cases and with every tone, repeated words, stray spaces,
# punctuation and digits, an empty name.
WORDS = st.sampled_from(["Nguyễn", "nguyễn", "NGUYỄN", "Thị", "Văn", "Ánh", "Anh", "Ảnh", "Ạnh", "Đức", "Dúc", "Ba",
                         "Bà", "Lê", "Ư", "ư", "A.", "An-", "2", "Mai", "Mái", "Mải", "Y", "Ý"])
NAMES = st.builds(lambda ws, pad: pad + " ".join(ws) + pad, st.lists(WORDS, max_size=4), st.sampled_from(["", " "]))


@given(st.lists(NAMES, max_size=30))
def test_name_order_is_the_order_of_name_key(names):
    """Sorting many buyers by their place is sorting them by name_key, ties and repeats included."""
    place = name_order(names)
    assert set(place) == set(names)
    assert sorted(names, key=place.__getitem__) == sorted(names, key=name_key)
