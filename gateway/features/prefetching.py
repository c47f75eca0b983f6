"""Starting a field's loads before the resolver that owns it runs, from the query's selections.

A field resolves only once its parent has, so a list under a section waits one round trip
per level for loads whose keys depend only on the customer and the field's arguments. A
resolver higher up starts those loads at once; the fields then find their pages in the
DataLoaders. A key computed differently here costs one extra RPC, never a wrong page (the
field loads its own), and an argument the field will refuse is simply not started.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField


def selections_of(info: Any) -> list[Any]:
    """What the query selects under the field being resolved."""
    return list(info.selected_fields[0].selections) if info.selected_fields else []


def fields(selections: list[Any]) -> Iterator[SelectedField]:
    """The fields selected, fragments flattened."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from fields(selection.selections)


def number(value: Any) -> int | None:
    """An integer argument: literals come as the query's text ("20"), variables as given."""
    return None if value is None else int(value)


def enum_name(value: Any) -> str:
    """An enum argument's name, whether it came as a literal or as a variable."""
    return str(getattr(value, "value", value) or "")


def started(load: Awaitable[Any]) -> None:
    """The field awaits it later; if its parent fails first, nobody does, so its outcome is taken here."""
    asyncio.ensure_future(load).add_done_callback(lambda done: done.cancelled() or done.exception())
