"""Every change of an existing record: read, apply a pure rule, compare-and-set with its events.

The events ride in the same atomic update (outbox), so a crash between the write
and the publish loses none; a concurrent writer makes the version check fail and
the change is simply re-applied to the fresh record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.message import Message

from c360.errors import Conflict
from c360.events import new_envelope, to_outbox
from services.profile.app.ports import CustomerRepository, DuplicateCustomer, EventNotifier, StaleCustomer
from services.profile.domain.customer import Customer
from services.profile.domain.lifecycle import live

ATTEMPTS = 5
EventOf = Callable[[Customer], Message]  # builds an event payload from the record as stored
Change = Callable[[Customer], tuple[Customer, list[EventOf]]]


def duplicate_error(duplicate: DuplicateCustomer, customer: Customer) -> Conflict:
    if "mobile" in duplicate.fields:
        return Conflict("DUPLICATE_MOBILE", f"A customer with mobile {customer.mobile} already exists.", "mobile")
    return Conflict("DUPLICATE_EXT_REF", f"A customer with ext ref {customer.ext_ref} already exists.", "extRef")


@dataclass
class CustomerChanges:
    customers: CustomerRepository
    notifier: EventNotifier
    events_topic: str

    async def apply(self, customer_id: str, change: Change, actor: str) -> Customer:
        """The record after the change; unchanged (and no event) when the change was a no-op."""
        for _ in range(ATTEMPTS):
            current = live(await self.customers.get(customer_id), customer_id)
            changed, events = change(current)
            if not events:
                return current
            now = datetime.now(UTC)
            stored = dataclasses.replace(changed, version=changed.version + 1)
            records = [
                to_outbox(
                    new_envelope(customer_id, "profile", e(stored), actor=actor, occurred_at=now), self.events_topic
                )
                for e in events
            ]
            try:
                moved_from = current.mobile if changed.mobile != current.mobile else None
                saved = await self.customers.save(changed, records, moved_from)
            except StaleCustomer:
                continue
            except DuplicateCustomer as duplicate:
                raise duplicate_error(duplicate, changed) from duplicate
            self.notifier.nudge(customer_id)
            return saved
        raise Conflict("CONCURRENT_UPDATE", "The customer changed too often meanwhile; try again.", "id")
