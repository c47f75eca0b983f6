"""Suspend, reactivate and erase: status rules from the domain, events for every other service."""

from __future__ import annotations

from dataclasses import dataclass

from customer360.events.v1 import profile_events_pb2

from services.profile.app.changes import CustomerChanges, EventOf
from services.profile.domain.customer import Customer
from services.profile.domain.lifecycle import checked_reason, erased, reactivated, suspended
from services.profile.proto_mapping import constant


@dataclass
class StatusChanges:
    changes: CustomerChanges

    async def suspend(self, customer_id: str, reason: str, actor: str) -> Customer:
        why = checked_reason(reason)

        def change(current: Customer) -> tuple[Customer, list[EventOf]]:
            return suspended(current), [constant(profile_events_pb2.CustomerSuspended(reason=why))]

        return await self.changes.apply(customer_id, change, actor)

    async def reactivate(self, customer_id: str, actor: str) -> Customer:
        def change(current: Customer) -> tuple[Customer, list[EventOf]]:
            return reactivated(current), [constant(profile_events_pb2.CustomerReactivated())]

        return await self.changes.apply(customer_id, change, actor)

    async def erase(self, customer_id: str, reason: str, actor: str) -> Customer:
        """Personal data goes now; notes go when the CustomerErased event comes back (at least once)."""
        why = checked_reason(reason)

        def change(current: Customer) -> tuple[Customer, list[EventOf]]:
            return erased(current), [constant(profile_events_pb2.CustomerErased(reason=why))]

        return await self.changes.apply(customer_id, change, actor)
