"""Checks every points command shares: the customer exists (an account is open) and may act."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from c360.errors import InvalidInput, NotFound, PreconditionFailed
from services.loyalty.app.ports import AccountRepository, CustomerDirectory, CustomerProjection
from services.loyalty.domain.account import AccountState
from services.loyalty.domain.customer import ERASED, SUSPENDED, CustomerFacts

NO_REMARK = "A remark is required."


@dataclass
class CustomerChecks:
    accounts: AccountRepository
    customers: CustomerProjection
    directory: CustomerDirectory

    async def account(self, customer_id: str, field: str = "customerId") -> AccountState:
        """The customer's account; opened on the spot if the profile service knows a customer our events
        have not brought yet; NOT_FOUND for unknown or erased customers."""
        if not customer_id.strip():
            raise NotFound("No such customer.", field=field)
        facts, account = await asyncio.gather(self.facts(customer_id), self.accounts.get(customer_id))
        if facts is not None and facts.status == ERASED:
            raise NotFound(f"Customer {customer_id[:64]} was erased.", field=field)
        if account is None:
            if not await self.directory.exists(customer_id):
                raise NotFound(f"No customer {customer_id[:64]}.", field=field)
            await self.accounts.open(customer_id)
            account = await self.accounts.get(customer_id)
            assert account is not None
        return account

    async def facts(self, customer_id: str) -> CustomerFacts | None:
        return (await self.customers.get_many([customer_id])).get(customer_id)

    async def not_suspended(self, customer_id: str) -> None:
        facts = await self.facts(customer_id)
        if facts is not None and facts.status == SUSPENDED:
            raise PreconditionFailed("CUSTOMER_SUSPENDED", "The customer is suspended.", "customerId")


def require_remark(remark: str, field: str = "remark") -> str:
    if not remark.strip():
        raise InvalidInput("REMARK_REQUIRED", NO_REMARK, field)
    return remark.strip()


def require_points(points: int, maximum: int, allow_negative: bool, field: str = "points") -> int:
    if points == 0 or (points < 0 and not allow_negative):
        raise InvalidInput("INVALID_POINTS", "Points must be a non-zero whole number.", field)
    if abs(points) > maximum:
        raise InvalidInput("POINTS_OUT_OF_RANGE", f"At most {maximum} points at once.", field)
    return points


def require_key(key: str, field: str = "idempotencyKey") -> str:
    if not key.strip() or len(key) > 200:
        raise InvalidInput("IDEMPOTENCY_KEY_REQUIRED", "An idempotency key (1-200 characters) is required.", field)
    return key.strip()


def insufficient(error: Exception) -> PreconditionFailed:
    return PreconditionFailed("INSUFFICIENT_POINTS", str(error), "points")


def key_reused() -> InvalidInput:
    return InvalidInput(
        "IDEMPOTENCY_KEY_REUSED", "This idempotency key was already used with a different request.", "idempotencyKey"
    )
