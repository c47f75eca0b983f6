"""A customer's status for issuance: the event-fed projection first, profile only on a miss.

The look-up covers the moment between a registration and its event reaching us,
so an agent can register a customer and issue a welcome coupon at once. Concurrent
misses for one customer share one look-up (a burst of issuances would otherwise
send a burst of calls to profile).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Protocol

from services.coupons.adapters.mongo_customers import MongoCustomerStatuses
from services.coupons.domain.customer_status import CustomerStatus


class StatusLookup(Protocol):
    async def status_of(self, customer_id: str) -> CustomerStatus | None: ...


@dataclass
class CustomerDirectory:
    projection: MongoCustomerStatuses
    profile: StatusLookup
    _in_flight: dict[str, asyncio.Future[CustomerStatus | None]] = field(default_factory=dict)

    async def status_of(self, customer_id: str) -> CustomerStatus | None:
        status = await self.projection.status_of(customer_id)
        if status is not None:
            return status
        pending = self._in_flight.get(customer_id)
        if pending is None:
            pending = self._in_flight[customer_id] = asyncio.ensure_future(self._look_up(customer_id))
            pending.add_done_callback(lambda _: self._in_flight.pop(customer_id, None))
        return await asyncio.shield(pending)

    async def _look_up(self, customer_id: str) -> CustomerStatus | None:
        looked_up = await self.profile.status_of(customer_id)
        if looked_up is None:
            return None
        await self.projection.remember(customer_id, looked_up)
        return await self.projection.status_of(customer_id)
