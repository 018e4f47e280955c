"""What a write changed, so each screen refreshes only when it must (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    products: bool = False
    cooperative: bool = False
    settings: bool = False
    lots: bool = False
    orders: bool = False

    @classmethod
    def everything(cls) -> Changes:
        return cls(products=True, cooperative=True, settings=True, lots=True, orders=True)
