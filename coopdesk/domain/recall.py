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


def customer_message(f: MessageFacts) -> str:
    """A ready Vietnamese text for Zalo or SMS: who writes, what product and lot, why, and what to do.

    Always Vietnamese, whatever the screen's language: it goes to buyers in Vietnam.
    """
    who = salutation(f.name)
    orders = ", ".join(order_code(n) for n in f.orders)
    what = "; ".join(f.products)
    text = f"{f.cooperative} xin thông báo tới {who}: sản phẩm {what} trong đơn hàng {orders} đang được THU HỒI. "
    if f.reason:
        text += f"Lý do: {f.reason.rstrip('.')}. "
    if f.in_transit:
        text += f"Đơn hàng đang trên đường giao: xin {who} từ chối nhận kiện hàng này, {who} không phải trả tiền. "
    text += (f"Nếu đã nhận hàng, xin {who} KHÔNG sử dụng sản phẩm, giữ lại và liên hệ"
             f"{' ' + f.phone if f.phone else ' hợp tác xã'} để được hoàn tiền hoặc đổi hàng. "
             "Chân thành xin lỗi và cảm ơn {who}.").replace("{who}", who)
    return text
