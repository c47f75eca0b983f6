"""Starts the loyalty lists a query asks for alongside the account they hang under.

`history` and `otps` are fields of `Loyalty`, which resolves only once the account has
arrived, so on their own they would wait one round trip for it. Their page keys depend
only on the customer and the field's arguments, so the `loyalty` resolver starts their
loads at once; the fields then find their pages in the DataLoaders. A key computed
differently here would cost one extra RPC, never a wrong page (the field loads its own).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.loyalty.loaders import ledger_pages, otps_by_customer
from gateway.features.loyalty.paging import page_size

HISTORY_FIRST = 20  # the defaults of Loyalty.history and Loyalty.otps
OTPS_FIRST = 10


def start_loyalty_lists(info: GatewayInfo, customer_id: str) -> None:
    loaders = info.context.loaders
    for field in _fields(info.selected_fields[0].selections if info.selected_fields else []):
        arguments = field.arguments  # literals come as the query's text ("20"), variables as given
        try:
            if field.name == "history":
                kind = arguments.get("type")
                first = page_size(_int(arguments.get("first", HISTORY_FIRST)))
                key = (customer_id, first, arguments.get("after") or "", str(getattr(kind, "value", kind) or ""))
                _started(loaders.get(ledger_pages).load(key))
            elif field.name == "otps":
                first = page_size(_int(arguments.get("first", OTPS_FIRST)))
                _started(loaders.get(otps_by_customer).load((customer_id, first)))
        except (CodedError, TypeError, ValueError):
            continue  # an argument the field itself will refuse, or read otherwise: it loads its own page


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _fields(selections: list[Any]) -> Iterator[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def _started(load: asyncio.Future[Any]) -> None:
    """The field awaits it later; if the section fails first, nobody does, so its outcome is taken here."""
    load.add_done_callback(lambda done: done.cancelled() or done.exception())
