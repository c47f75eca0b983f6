"""Reads of the customer record; erased customers are never returned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from c360.errors import InvalidInput, NotFound
from services.profile.app.ports import CustomerRepository
from services.profile.domain.contact import normalise_mobile
from services.profile.domain.customer import Customer, CustomerStatus, ProfileRules
from services.profile.domain.search import SearchField, SearchTerms, search_terms

MAX_BATCH = 500
DEFAULT_PAGE = 20
MAX_PAGE = 100


@dataclass
class CustomerQueries:
    customers: CustomerRepository
    rules: ProfileRules
    search_filter: Callable[[SearchTerms], dict[str, Any]]

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

    async def by_ext_ref(self, ext_ref: str) -> Customer:
        text = (ext_ref or "").strip()
        customer = await self.customers.find_by_ext_ref(text) if text else None
        if customer is None or customer.status is CustomerStatus.DELETED:
            raise NotFound(f"No customer with ext ref {text[:64]}.", field="extRef")
        return customer

    async def search(self, query: str, field: SearchField, page_size: int, after: str) -> tuple[list[Customer], str]:
        """One page in id order; the token is the last id returned, empty on the last page."""
        terms = search_terms(query, field, self.rules.default_region)
        size = max(1, min(page_size or DEFAULT_PAGE, MAX_PAGE))
        found = await self.customers.find(self.search_filter(terms), after, size + 1)
        page = found[:size]
        return page, page[-1].id if len(found) > size else ""
