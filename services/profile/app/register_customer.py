"""RegisterCustomer: validate, store with its CustomerRegistered event, let the relay publish."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from c360.events import new_envelope, to_outbox
from services.profile.app.changes import duplicate_error
from services.profile.app.ports import CustomerRepository, DuplicateCustomer, EventNotifier
from services.profile.domain.customer import Customer, ProfileRules, Registration, new_customer, new_referral_code
from services.profile.proto_mapping import customer_registered

REFERRAL_CODE_ATTEMPTS = 5


@dataclass
class RegisterCustomer:
    customers: CustomerRepository
    notifier: EventNotifier
    rules: ProfileRules
    events_topic: str

    async def __call__(self, request: Registration) -> Customer:
        customer_id = uuid.uuid4().hex
        now = datetime.now(UTC)
        for _ in range(REFERRAL_CODE_ATTEMPTS):
            customer = new_customer(request, self.rules, customer_id, now, new_referral_code())
            # The event carries `referred_by_code`: loyalty rewards the referrer from it.
            payloads = [customer_registered(customer)]
            records = [
                to_outbox(
                    new_envelope(customer.id, "profile", p, actor=request.source or "", occurred_at=now),
                    self.events_topic,
                )
                for p in payloads
            ]
            try:
                await self.customers.add(customer, records)
            except DuplicateCustomer as duplicate:
                if duplicate.fields & {"mobile", "ext_ref"}:
                    raise duplicate_error(duplicate, customer) from duplicate
                continue  # a referral code collision: draw another
            self.notifier.nudge(customer.id)
            return customer
        raise RuntimeError("could not draw a unique referral code")
