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


BUN_LABEL = ("Bún sắn khô (lô HP-2026-0001)",)


def facts(groups, orders=(5,), held=(), notice="recall", in_transit=False):
    return MessageFacts("Vũ Đình Ông", BUN_LABEL, orders, in_transit, "Dư lượng vượt ngưỡng", "HTX Hồng Phước",
                        "0912 345 678", frozenset(groups), held, notice)


def test_before_any_recall_the_message_is_a_precautionary_notice():
    """A lot being checked is not recalled: the buyer is asked to keep it aside, not told it is recalled."""
    text = customer_message(facts({"delivered"}, notice="check"))
    assert "KIỂM TRA LẠI" in text and "để riêng" in text and "DH000005" in text and "lô HP-2026-0001" in text
    assert "THU HỒI" not in text and "hoàn tiền" not in text and "Dư lượng" not in text
    waiting = customer_message(facts({"to_hold"}, notice="check"))
    assert "chưa được gửi đi" in waiting and "THU HỒI" not in waiting


def test_a_held_order_is_told_cancelled_and_what_was_prepaid_is_refunded():
    from coopdesk.domain.recall import HeldOrder

    text = customer_message(facts({"held"}, held=(HeldOrder(5, 1_250_000),)))
    assert "THU HỒI" in text and "DH000005" in text and "HỦY" in text
    assert "Số tiền 1.250.000\u00a0₫" in text and "hoàn lại" in text
    assert "Nếu đã nhận hàng" not in text and "KHÔNG sử dụng" not in text  # they never got it
    cod = customer_message(facts({"held"}, held=(HeldOrder(5, 0),)))
    assert "HỦY" in cod and "hoàn lại" not in cod and "₫" not in cod  # nothing was paid ahead
    tiktok = customer_message(facts({"held"}, held=(HeldOrder(5, 180_000, "tiktok"),)))
    assert "180.000\u00a0₫" in tiktok and "qua TikTok Shop" in tiktok
    # A buyer with one order delivered and one held hears both, each about its own order.
    both = customer_message(facts({"delivered", "held"}, orders=(2, 5), held=(HeldOrder(5, 90_000),)))
    assert "Đơn hàng DH000005 chưa được gửi đi và đã được HỦY" in both
    assert "Với đơn hàng DH000002: nếu đã nhận hàng" in both and "90.000\u00a0₫" in both
    two = customer_message(facts({"held"}, orders=(5, 6), held=(HeldOrder(5, 90_000), HeldOrder(6, 60_000))))
    assert "150.000\u00a0₫" in two and "DH000005: 90.000\u00a0₫" in two and "DH000006: 60.000\u00a0₫" in two


def test_the_refund_is_what_was_paid_ahead():
    from coopdesk.domain.recall import refund_of

    assert refund_of(prepaid=50_000, total=200_000, cod=150_000, platform="") == 50_000  # a deposit
    assert refund_of(prepaid=0, total=200_000, cod=200_000, platform="") == 0  # COD: nothing paid yet
    assert refund_of(prepaid=0, total=200_000, cod=200_000, platform="tiktok") == 0  # COD on the platform
    assert refund_of(prepaid=0, total=200_000, cod=0, platform="tiktok") == 200_000  # paid on the platform
