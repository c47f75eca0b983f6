"""Reads of points accounts."""

from __future__ import annotations

from dataclasses import dataclass

from c360.errors import InvalidInput, NotFound
from services.loyalty.app.ports import AccountRepository
from services.loyalty.domain.ledger import Account

MAX_BATCH = 500


@dataclass
class AccountQueries:
    accounts: AccountRepository

    async def get(self, customer_id: str) -> Account:
        account = await self.accounts.get(customer_id)
        if account is None:
            raise NotFound(f"No points account for customer {customer_id[:64]}.", field="customerId")
        return account

    async def get_many(self, customer_ids: list[str]) -> list[Account]:
        if len(customer_ids) > MAX_BATCH:
            raise InvalidInput("TOO_MANY_IDS", f"At most {MAX_BATCH} ids per call.", "customerIds")
        return await self.accounts.get_many(list(dict.fromkeys(customer_ids)))
