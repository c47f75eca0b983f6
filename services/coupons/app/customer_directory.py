"""A customer's status for issuance: the event-fed projection first, profile only on a miss.

The look-up covers the moment between a registration and its event reaching us,
so an agent can register a customer and issue a welcome coupon at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from services.coupons.adapters.mongo_customers import MongoCustomerStatuses
from services.coupons.domain.customer_status import CustomerStatus


class StatusLookup(Protocol):
    async def status_of(self, customer_id: str) -> CustomerStatus | None: ...


@dataclass
class CustomerDirectory:
    projection: MongoCustomerStatuses
    profile: StatusLookup

    async def status_of(self, customer_id: str) -> CustomerStatus | None:
        status = await self.projection.status_of(customer_id)
        if status is not None:
            return status
        looked_up = await self.profile.status_of(customer_id)
        if looked_up is None:
            return None
        await self.projection.remember(customer_id, looked_up)
        return await self.projection.status_of(customer_id)
