"""Reads of the customer record; erased customers are never returned."""

from __future__ import annotations

from dataclasses import dataclass

from c360.errors import InvalidInput, NotFound
from services.profile.app.ports import CustomerRepository
from services.profile.domain.contact import normalise_mobile
from services.profile.domain.customer import Customer, CustomerStatus, ProfileRules

MAX_BATCH = 500


@dataclass
class CustomerQueries:
    customers: CustomerRepository
    rules: ProfileRules

    async def get(self, customer_id: str) -> Customer:
        customer = await self.customers.get(customer_id)
        if customer is None or customer.status is CustomerStatus.DELETED:
            raise NotFound(f"No customer with id {customer_id[:64]}.", field="id")
        return customer

    async def get_many(self, customer_ids: list[str]) -> list[Customer]:
        if len(customer_ids) > MAX_BATCH:
            raise InvalidInput("TOO_MANY_IDS", f"At most {MAX_BATCH} ids per call.", "ids")
        found = await self.customers.get_many(list(dict.fromkeys(customer_ids)))
        return [c for c in found if c.status is not CustomerStatus.DELETED]

    async def by_mobile(self, mobile: str) -> Customer:
        normalised = normalise_mobile(mobile, self.rules.default_region)
        customer = await self.customers.find_by_mobile(normalised)
        if customer is None or customer.status is CustomerStatus.DELETED:
            raise NotFound(f"No customer with mobile {normalised}.", field="mobile")
        return customer
