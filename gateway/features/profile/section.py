"""The profile's fields of Customer360: the record, its notes and its activity timeline."""

from __future__ import annotations

import strawberry

from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.profile.loaders import customers_by_id, note_pages, timeline_pages
from gateway.features.profile.page_types import NoteConnection, TimelineConnection
from gateway.features.profile.types import Profile

MAX_PAGE = 100


def _size(first: int | None) -> int:
    if first is not None and not 0 < first <= MAX_PAGE:
        raise CodedError("BAD_USER_INPUT", f"first must be between 1 and {MAX_PAGE}.")
    return first or 20


def page_key(customer_id: str, first: int | None, after: str | None) -> tuple[str, int, str]:
    """The loader key of a timeline or notes page."""
    return (customer_id, _size(first), after or "")


@strawberry.type
class ProfileSection:
    id: strawberry.ID

    @strawberry.field
    async def profile(self, info: GatewayInfo) -> Profile:
        record = await info.context.loaders.get(customers_by_id).load(str(self.id))
        if record is None:  # erased between the lookup and this field
            raise CodedError("NOT_FOUND", f"No customer with id {self.id}.")
        return Profile(record=record)

    @strawberry.field(description="Everything that happened to the customer, newest first.")
    async def timeline(
        self, info: GatewayInfo, first: int | None = 20, after: str | None = None
    ) -> TimelineConnection | None:
        page = await info.context.loaders.get(timeline_pages).load(page_key(str(self.id), first, after))
        return TimelineConnection.of(page)

    @strawberry.field(description="Agents' notes, newest first; anyone may read them.")
    async def notes(self, info: GatewayInfo, first: int | None = 20, after: str | None = None) -> NoteConnection | None:
        page = await info.context.loaders.get(note_pages).load(page_key(str(self.id), first, after))
        return NoteConnection.of(page)
