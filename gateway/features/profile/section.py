"""The `profile` field of Customer360."""

from __future__ import annotations

import strawberry

from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.profile.loaders import customers_by_id
from gateway.features.profile.types import Profile


@strawberry.type
class ProfileSection:
    id: strawberry.ID

    @strawberry.field
    async def profile(self, info: GatewayInfo) -> Profile:
        record = await info.context.loaders.get(customers_by_id).load(str(self.id))
        if record is None:  # erased between the lookup and this field
            raise CodedError("NOT_FOUND", f"No customer with id {self.id}.")
        return Profile(record=record)
