"""Starts the loyalty lists a query asks for alongside the account they hang under.

`history` and `otps` are fields of `Loyalty`, which resolves only once the account has
arrived, so on their own they would wait one round trip for it (gateway/features/prefetching.py).
"""

from __future__ import annotations

from gateway.errors import CodedError
from gateway.features.loyalty.loaders import ledger_pages, otps_by_customer
from gateway.features.loyalty.types import history_key, otps_key
from gateway.features.prefetching import Selected, enum_name, number, started
from gateway.loaders import Loaders

HISTORY_FIRST = 20  # the defaults of Loyalty.history and Loyalty.otps
OTPS_FIRST = 10


def start_loyalty_lists(loaders: Loaders, selections: list[Selected], customer_id: str) -> None:
    """`selections`: those of a `loyalty` field."""
    for field in selections:
        arguments = field.arguments
        try:
            if field.name == "history":
                first = number(arguments.get("first", HISTORY_FIRST))
                page = history_key(customer_id, first, arguments.get("after"), enum_name(arguments.get("type")))
                started(loaders.get(ledger_pages).load(page))
            elif field.name == "otps":
                recent = otps_key(customer_id, number(arguments.get("first", OTPS_FIRST)))
                started(loaders.get(otps_by_customer).load(recent))
        except (CodedError, TypeError, ValueError):
            continue  # an argument the field itself will refuse, or read otherwise: it loads its own page
