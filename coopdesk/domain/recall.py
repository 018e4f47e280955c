"""Recalls: which buyers a suspect lot reached, what can still be done for each, and what to tell them.

A line of an order that took packs of a recalled lot falls in one group by what can still be done:
not yet handed to a carrier (hold it), in transit (call the carrier), delivered (call the buyer),
returned (the parcel came back). Cancelled lines never reached anyone and are left out. No Qt, no SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from coopdesk.domain.money import format_vnd
from coopdesk.domain.shipping import order_code
from coopdesk.domain.text import clean, nfc, sort_key
from coopdesk.i18n import N_, _

# What can still be done for a line, in the order the screen and the call list show them.
TO_HOLD, HELD, IN_TRANSIT, DELIVERED, RETURNED = "to_hold", "held", "in_transit", "delivered", "returned"
GROUPS = (TO_HOLD, HELD, IN_TRANSIT, DELIVERED, RETURNED)
GROUP_LABELS = {TO_HOLD: N_("Not yet handed to a carrier"), HELD: N_("Held by the recall"),
                IN_TRANSIT: N_("In transit"), DELIVERED: N_("Delivered"), RETURNED: N_("Parcel returned")}
# Where the product is now: still with the cooperative, or out with a carrier or a buyer.
OUT_THERE = (IN_TRANSIT, DELIVERED)

# The outcome of telling one customer, newest entry wins; every entry is kept.
NOT_CALLED, CALLED, NO_ANSWER, OUT_RETURNED, REFUNDED, NOT_NEEDED = (
    "not_called", "called", "no_answer", "returned", "refunded", "not_needed")
OUTCOMES = (NOT_CALLED, CALLED, NO_ANSWER, OUT_RETURNED, REFUNDED, NOT_NEEDED)
OUTCOME_LABELS = {NOT_CALLED: N_("Not yet called"), CALLED: N_("Called"), NO_ANSWER: N_("No answer"),
                  OUT_RETURNED: N_("Returned"), REFUNDED: N_("Refunded"), NOT_NEEDED: N_("Not needed")}
# A customer is reached once told (or once nothing is needed); no answer is not reached.
NOT_REACHED = (NOT_CALLED, NO_ANSWER)

OPEN, CLOSED, WITHDRAWN = "open", "closed", "withdrawn"
RECALL_STATUS_LABELS = {OPEN: N_("Open"), CLOSED: N_("Closed"), WITHDRAWN: N_("Withdrawn")}
SOURCE_LABELS = {"lot": N_("Lot"), "input": N_("Input"), "area": N_("Growing area"), "member": N_("Household")}


# The group of a line of an order not held by a recall, by the order's status (cancelled: none, it never left).
GROUP_OF_STATUS = {"new": TO_HOLD, "packed": TO_HOLD, "handed": IN_TRANSIT, "delivered": DELIVERED,
                   "returned": RETURNED}


def group_of(status: str, held: bool) -> str | None:
    """The group of an order line by its order's status; None for a line that never left (cancelled)."""
    if held:
        return HELD
    return GROUP_OF_STATUS.get(status)


def group_label(group: str) -> str:
    return _(GROUP_LABELS.get(group, group))


def outcome_label(outcome: str) -> str:
    return _(OUTCOME_LABELS.get(outcome, outcome))


def recall_status_label(status: str) -> str:
    return _(RECALL_STATUS_LABELS.get(status, status))


def needs_call(groups: Set[str]) -> bool:
    """A customer is on the call list when some of the product is out there with them or on its way."""
    return not groups.isdisjoint(OUT_THERE)


_MOBILE_PREFIXES = ("3", "5", "7", "8", "9")


def dial_form(e164: str, slow: Callable[[str], str]) -> str:
    """'+84912345678' -> '0912 345 678' without a full parse for the common case, a Vietnamese mobile (the
    format phonenumbers gives them); anything else goes to ``slow``. A recall of 10,000 buyers shows 10,000."""
    if len(e164) == 12 and e164.startswith("+84") and e164[3] in _MOBILE_PREFIXES and e164[3:].isdigit():
        return f"0{e164[3:6]} {e164[6:9]} {e164[9:]}"
    return slow(e164)


@lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple:
    return sort_key(word)


def name_key(full_name: str) -> tuple:
    """The Vietnamese list order (given name, then the rest), with each word's key computed once: a recall of
    10,000 buyers shares a few hundred words (Nguyễn, Thị, Văn …)."""
    words = clean(full_name).split()
    if not words:
        return ((), ())
    return (_word_key(words[-1]), tuple(_word_key(w) for w in words[:-1]), full_name)


def name_order(names: Iterable[str]) -> dict[str, int]:
    """Each distinct name's place in name_key's order, to sort many rows by an int.

    Sorting 10,000 buyers by name_key compares nested tuples 150,000 times; here each distinct word is keyed
    and compared once, each name becomes a tuple of word ranks, and the rows then compare small ints.
    """
    words_of = {name: nfc(name).split() for name in set(names)}  # clean(name).split(), without the join
    ordered = sorted({w for words in words_of.values() for w in words}, key=_word_key)
    rank: dict[str, int] = {}
    previous, place = None, -1
    for w in ordered:
        key = _word_key(w)
        if key != previous:  # words with the same key (a punctuation mark for another) share a rank
            previous, place = key, place + 1
        rank[w] = place

    def ranks(name: str) -> tuple:
        """name_key with word ranks for word keys, flat: (given, other words…, -1, name); the -1 ends the
        other words as the end of name_key's inner tuple does (a shorter list first)."""
        words = words_of[name]
        if not words:
            return (-2,)  # as name_key: every blank name first, and alike
        return (rank[words[-1]], *[rank[w] for w in words[:-1]], -1, name)

    out: dict[str, int] = {}
    previous, place = None, -1
    for name, key in sorted(((n, ranks(n)) for n in words_of), key=itemgetter(1)):
        if key != previous:
            previous, place = key, place + 1
        out[name] = place
    return out


def salutation(full_name: str) -> str:
    """'Nguyễn Thị Hồng' -> 'anh/chị Hồng': the given name is the last word (gender is not known)."""
    words = clean(full_name).split()
    return f"anh/chị {words[-1]}" if words else "anh/chị"


# The kind of message a buyer gets: the lots stand recalled, or a precautionary notice while a lot is checked
# (no recall is open for it yet: buyers are asked to keep it aside, not told it is recalled).
RECALL_NOTICE, CHECK_NOTICE = "recall", "check"

# Orders of buyers to tell: out there (call them to stop use) or held by the recall (tell them it is cancelled).
TO_TELL = (IN_TRANSIT, DELIVERED, HELD)


def needs_telling(groups: Set[str]) -> bool:
    """A customer is to be contacted when some of the product is out there with them, or when the recall
    cancelled one of their orders (they must hear it is cancelled, and get back what they prepaid)."""
    return not groups.isdisjoint(TO_TELL)


@dataclass(frozen=True)
class HeldOrder:
    """An order the recall cancelled before it was handed to a carrier, and what the buyer paid ahead."""

    order_id: int
    refund: int  # whole đồng paid ahead (prepaid, or paid on the platform): to be refunded; 0 for COD
    platform: str = ""  # 'tiktok' for a platform order: its refund goes back through the platform


def refund_of(prepaid: int, total: int, cod: int, platform: str) -> int:
    """What the buyer of a cancelled order paid ahead: the prepaid amount, or for a platform order paid on the
    platform (no COD) its whole total."""
    if prepaid > 0:
        return prepaid
    if platform and cod == 0:
        return total
    return 0


PLATFORM_NAMES = {"tiktok": "TikTok Shop"}


@dataclass(frozen=True)
class MessageFacts:
    """What one customer's message needs to say."""

    name: str
    products: tuple[str, ...]  # "Bún sắn khô Hồng Phước (lô HP-2026-0001)"
    orders: tuple[int, ...]
    in_transit: bool  # part of it is still with the carrier
    reason: str  # the reason the cooperative chose to publish
    cooperative: str
    phone: str  # the cooperative's phone, as shown
    groups: frozenset[str] = frozenset({DELIVERED})  # what can still be done for the buyer's lines
    held: tuple[HeldOrder, ...] = ()  # orders the recall cancelled (they are in ``orders`` too)
    notice: str = RECALL_NOTICE  # a recall, or a precautionary notice while the lot is checked

    @property
    def refund(self) -> int:
        return sum(h.refund for h in self.held)


def _codes(orders: Iterable[int]) -> str:
    return ", ".join(order_code(n) for n in orders)


def customer_message(f: MessageFacts) -> str:
    """A ready Vietnamese text for Zalo or SMS: who writes, what product and lot, why, and what to do.

    What to do follows where the buyer's product is: received (do not use it, keep it, get a refund), on the
    way (refuse the parcel), not yet sent (it will not be), cancelled by the recall (it will not come; what
    was paid ahead is refunded, the amount named). Without a recall (a lot being checked) the message asks the
    buyer to keep the product aside until the result is known, and recalls nothing.
    Always Vietnamese, whatever the screen's language: it goes to buyers in Vietnam.
    """
    if f.notice == CHECK_NOTICE:
        return _check_message(f)
    who = salutation(f.name)
    what = "; ".join(f.products)
    held = {h.order_id for h in f.held}
    text = (f"{f.cooperative} xin thông báo tới {who}: sản phẩm {what} trong đơn hàng {_codes(f.orders)} "
            "đang được THU HỒI. ")
    if f.reason:
        text += f"Lý do: {f.reason.rstrip('.')}. "
    if f.held:
        text += _held_sentences(f, who)
    contact = f" {f.phone}" if f.phone else " hợp tác xã"
    rest = [n for n in f.orders if n not in held]
    if not rest:  # every order of this buyer was cancelled: nothing of it reached them
        return text + f"Mọi thắc mắc xin {who} liên hệ{contact}. Chân thành xin lỗi và cảm ơn {who}."
    if f.in_transit:
        text += f"Đơn hàng đang trên đường giao: xin {who} từ chối nhận kiện hàng này, {who} không phải trả tiền. "
    out_there = not f.groups.isdisjoint((IN_TRANSIT, DELIVERED))
    if not out_there and TO_HOLD in f.groups:
        text += (f"Đơn hàng {_codes(rest)} chưa được gửi đi: hợp tác xã sẽ không giao sản phẩm này. "
                 f"Mọi thắc mắc xin {who} liên hệ{contact}. Chân thành xin lỗi và cảm ơn {who}.")
        return text
    received = f"Với đơn hàng {_codes(rest)}: nếu" if f.held else "Nếu"
    text += (f"{received} đã nhận hàng, xin {who} KHÔNG sử dụng sản phẩm, giữ lại và liên hệ{contact} để được "
             f"hoàn tiền hoặc đổi hàng. Chân thành xin lỗi và cảm ơn {who}.")
    return text


def _held_sentences(f: MessageFacts, who: str) -> str:
    """The orders the recall cancelled: they will not come, and what was paid ahead comes back (named)."""
    some = "Các đơn hàng" if len(f.held) > 1 else "Đơn hàng"
    text = (f"{some} {_codes(h.order_id for h in f.held)} chưa được gửi đi và đã được HỦY do đợt thu hồi "
            f"này: {who} sẽ không nhận được {some.lower()} này. ")
    paid = [h for h in f.held if h.refund > 0]
    if not paid:
        return text
    if len(paid) == 1:
        amount = f"{format_vnd(paid[0].refund)} {who} đã thanh toán trước"
        if len(f.held) > 1:
            amount += f" cho đơn {order_code(paid[0].order_id)}"
    else:
        each = ", ".join(f"{order_code(h.order_id)}: {format_vnd(h.refund)}" for h in paid)
        amount = f"{format_vnd(f.refund)} {who} đã thanh toán trước ({each})"
    platforms = {h.platform for h in paid}
    via = ""
    if len(platforms) == 1 and (name := PLATFORM_NAMES.get(next(iter(platforms)))):
        via = f" qua {name}"
    return text + f"Số tiền {amount} sẽ được hoàn lại đầy đủ{via}. "


def _check_message(f: MessageFacts) -> str:
    """A precautionary notice: the lot is being checked, nothing is recalled yet."""
    who = salutation(f.name)
    what = "; ".join(f.products)
    contact = f" {f.phone}" if f.phone else " hợp tác xã"
    text = (f"{f.cooperative} xin thông báo tới {who}: hợp tác xã đang KIỂM TRA LẠI chất lượng sản phẩm {what} "
            f"trong đơn hàng {_codes(f.orders)}. ")
    if not f.groups.isdisjoint((IN_TRANSIT, DELIVERED)):
        text += (f"Trong khi chờ kết quả, xin {who} tạm thời CHƯA sử dụng sản phẩm này, để riêng và giữ lại bao bì. "
                 f"Hợp tác xã sẽ báo lại {who} ngay khi có kết quả. ")
    elif TO_HOLD in f.groups:
        text += f"Đơn hàng chưa được gửi đi: hợp tác xã sẽ giao khi có kết quả và báo lại {who}. "
    else:
        text += f"Hợp tác xã sẽ báo lại {who} ngay khi có kết quả. "
    return text + f"Mọi thắc mắc xin {who} liên hệ{contact}. Cảm ơn {who}."
