"""What the use cases need from storage; the Mongo adapters and the unit-test fakes both provide it."""

from __future__ import annotations

from typing import Any, Protocol

from c360.outbox import OutboxRecord
from services.profile.domain.customer import Customer


class DuplicateCustomer(Exception):
    """A unique rule refused the write; `fields` names which (mobile, ext_ref, referral_code)."""

    def __init__(self, fields: set[str]) -> None:
        super().__init__(", ".join(sorted(fields)))
        self.fields = fields


class StaleCustomer(Exception):
    """Someone wrote the record after it was read; the caller reads again and retries."""


class CustomerRepository(Protocol):
    async def add(self, customer: Customer, events: list[OutboxRecord]) -> None:
        """Stores a new customer with its events atomically; raises DuplicateCustomer."""

    async def save(self, customer: Customer, events: list[OutboxRecord], moved_from: str | None = None) -> Customer:
        """Writes a changed record (compare-and-set on its version); raises StaleCustomer, DuplicateCustomer.
        `moved_from`: the mobile the record held before, when this change replaces it."""
        ...

    async def get(self, customer_id: str) -> Customer | None: ...

    async def get_many(self, customer_ids: list[str]) -> list[Customer]: ...

    async def find_by_mobile(self, mobile: str) -> Customer | None: ...

    async def find_by_ext_ref(self, ext_ref: str) -> Customer | None: ...

    async def find(self, criteria: dict[str, Any], after: str, limit: int) -> list[Customer]: ...

    async def ids(self, criteria: dict[str, Any], after: str, limit: int) -> list[str]: ...


class EventNotifier(Protocol):
    def nudge(self, customer_id: str) -> None:
        """Asks the outbox relay to publish this customer's pending events now."""
