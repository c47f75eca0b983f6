"""RFM scores: recency, frequency and monetary, each 1..5 by quintiles over all customers with purchases.

Breaks are the values at the 20/40/60/80% positions of each ascending ranking; a
score is 1 plus the number of breaks the value exceeds, so equal values (ties at a
break) always share a score. Recency ranks the last purchase time, so the most
recent customers get 5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

T = TypeVar("T", int, float, Decimal, datetime)
QUINTILES = (1, 2, 3, 4)


def break_positions(count: int) -> list[int]:
    """Zero-based positions, in an ascending ranking of `count` values, of the four quintile breaks."""
    return [max(math.ceil(q * count / 5) - 1, 0) for q in QUINTILES] if count else []


def score(value: T, breaks: list[T]) -> int:
    return 1 + sum(1 for b in breaks if value > b)


@dataclass(frozen=True)
class RfmBreaks:
    computed_at: datetime
    recency: list[datetime]
    frequency: list[int]
    monetary: list[float]


@dataclass(frozen=True)
class RfmScore:
    recency: int
    frequency: int
    monetary: int
    computed_at: datetime


def score_customer(breaks: RfmBreaks, last_at: datetime, orders: int, spend: float) -> RfmScore:
    return RfmScore(
        recency=score(last_at, breaks.recency),
        frequency=score(orders, breaks.frequency),
        monetary=score(spend, breaks.monetary),
        computed_at=breaks.computed_at,
    )
