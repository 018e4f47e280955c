"""What a write changed, so each screen refreshes only when it must, and only the rows it must (Anki's OpChanges).

A service returns its value together with a ``Changes``. The flags say which kinds of data changed;
the id sets name the rows touched, so a visible page can update just those rows. An empty id set
with its flag up means "this kind changed, ids unknown": the page reloads that kind.
``Changes(products=True)`` and the other flag-only forms stay valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace


@dataclass(frozen=True)
class Changes:
    products: bool = False
    cooperative: bool = False
    settings: bool = False
    lots: bool = False
    orders: bool = False
    order_ids: frozenset[int] = field(default_factory=frozenset)
    lot_ids: frozenset[int] = field(default_factory=frozenset)
    product_ids: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Naming a row implies its kind changed; accept any iterable of ids.
        for name, flag in (("order_ids", "orders"), ("lot_ids", "lots"), ("product_ids", "products")):
            ids = frozenset(getattr(self, name) or ())
            object.__setattr__(self, name, ids)
            if ids:
                object.__setattr__(self, flag, True)

    @classmethod
    def everything(cls) -> Changes:
        return cls(products=True, cooperative=True, settings=True, lots=True, orders=True)

    def __or__(self, other: Changes) -> Changes:
        """Both changes at once: flags or-ed, ids united.

        A kind flagged without ids on one side means "all of that kind" and so stays id-less.
        """
        out = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            out[f.name] = (a | b) if isinstance(a, frozenset) else (a or b)
        merged = Changes(**out)
        for name, flag in (("order_ids", "orders"), ("lot_ids", "lots"), ("product_ids", "products")):
            if (getattr(self, flag) and not getattr(self, name)) or (getattr(other, flag) and not getattr(other, name)):
                merged = replace(merged, **{name: frozenset()})
                object.__setattr__(merged, flag, True)
        return merged

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def rows_only(self, kind: str) -> frozenset[int] | None:
        """The ids of ``kind`` ('orders', 'lots', 'products') to update in place, or None to reload that kind."""
        ids = getattr(self, kind[:-1] + "_ids")
        return ids if getattr(self, kind) and ids else None
