"""Customer360 and its sections. Each section resolves on its own, so an outage nulls only it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum

import strawberry
from customer360.loyalty.v1 import loyalty_pb2
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.errors import CodedError
from gateway.features.common import Node


@strawberry.enum
class CustomerStatus(Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    DELETED = "DELETED"


@strawberry.type
class Address:
    street: str | None
    city: str | None
    postcode: str | None
    state: str | None
    country: str | None


def _text(value: str) -> str | None:
    return value or None


@strawberry.type
class Profile:
    record: strawberry.Private[profile_pb2.Customer]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def first_name(self) -> str:
        return self.record.first_name

    @strawberry.field
    def last_name(self) -> str | None:
        return _text(self.record.last_name)

    @strawberry.field
    def mobile(self) -> str:
        return self.record.mobile

    @strawberry.field
    def email(self) -> str | None:
        return _text(self.record.email)

    @strawberry.field
    def customer_type(self) -> str:
        return self.record.customer_type

    @strawberry.field
    def status(self) -> CustomerStatus:
        return CustomerStatus(profile_pb2.CustomerStatus.Name(self.record.status).removeprefix("CUSTOMER_STATUS_"))

    @strawberry.field
    def member_since(self) -> datetime:
        return self.record.member_since.ToDatetime(tzinfo=UTC)

    @strawberry.field
    def ext_ref(self) -> str | None:
        return _text(self.record.ext_ref)

    @strawberry.field
    def date_of_birth(self) -> date | None:
        return date.fromisoformat(self.record.date_of_birth) if self.record.date_of_birth else None

    @strawberry.field
    def gender(self) -> str | None:
        return _text(self.record.gender)

    @strawberry.field
    def marital_status(self) -> str | None:
        return _text(self.record.marital_status)

    @strawberry.field
    def address(self) -> Address | None:
        a = self.record.address
        parts = [a.street, a.city, a.postcode, a.state, a.country]
        if not any(parts):
            return None
        return Address(
            street=_text(a.street),
            city=_text(a.city),
            postcode=_text(a.postcode),
            state=_text(a.state),
            country=_text(a.country),
        )

    @strawberry.field
    def referral_code(self) -> str:
        return self.record.referral_code


@strawberry.type
class Loyalty:
    account: strawberry.Private[loyalty_pb2.Account]

    @strawberry.field
    def points_balance(self) -> int:
        return self.account.points_balance

    @strawberry.field
    def lifetime_points(self) -> int:
        return self.account.lifetime_points

    @strawberry.field
    def redeemed_points(self) -> int:
        return self.account.redeemed_points

    @strawberry.field
    def expired_points(self) -> int:
        return self.account.expired_points

    @strawberry.field
    def tier(self) -> str:
        return self.account.tier or "BRONZE"


@strawberry.type
class Customer360(Node):
    id: strawberry.ID

    @strawberry.field
    async def profile(self, info: GatewayInfo) -> Profile:
        record = await info.context.loaders.customer.load(str(self.id))
        if record is None:  # erased between the lookup and this field
            raise CodedError("NOT_FOUND", f"No customer with id {self.id}.")
        return Profile(record=record)

    @strawberry.field
    async def loyalty(self, info: GatewayInfo) -> Loyalty | None:
        account = await info.context.loaders.account.load(str(self.id))
        # No account yet means the registration event is still on its way: no points so far.
        return Loyalty(account=account or loyalty_pb2.Account(customer_id=str(self.id)))
