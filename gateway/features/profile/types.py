"""The profile section's types: the customer master record as clients see it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.features.common import Channel


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


@strawberry.type
class AttributeValue:
    name: str
    value: str | None


@strawberry.type
class Tag:
    key: str
    value: str


@strawberry.type
class CustomerList:
    id: strawberry.ID
    name: str


@strawberry.type
class OptIn:
    campaign: str
    opted_in: bool
    updated_at: datetime


@strawberry.type
class ChannelLink:
    channel: Channel
    link_id: str


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

    @strawberry.field(description="Fixed attributes (date of birth, gender, marital status) and custom ones.")
    def attributes(self) -> list[AttributeValue]:
        fixed = [
            AttributeValue(name="dateOfBirth", value=_text(self.record.date_of_birth)),
            AttributeValue(name="gender", value=_text(self.record.gender)),
            AttributeValue(name="maritalStatus", value=_text(self.record.marital_status)),
        ]
        return fixed + [AttributeValue(name=a.name, value=_text(a.value)) for a in self.record.attributes]

    @strawberry.field
    def tags(self) -> list[Tag]:
        return [Tag(key=t.key, value=t.value) for t in self.record.tags]

    @strawberry.field
    def lists(self) -> list[CustomerList]:
        return [CustomerList(id=strawberry.ID(entry.id), name=entry.name) for entry in self.record.lists]

    @strawberry.field(description="Consent per campaign, which messaging honours.")
    def opt_ins(self) -> list[OptIn]:
        return [
            OptIn(campaign=o.campaign, opted_in=o.opted_in, updated_at=o.updated_at.ToDatetime(tzinfo=UTC))
            for o in self.record.opt_ins
        ]

    @strawberry.field
    def channel_links(self) -> list[ChannelLink]:
        return [
            ChannelLink(channel=Channel(link.channel), link_id=link.link_id)
            for link in self.record.channel_links
            if link.channel in Channel.__members__
        ]

    @strawberry.field
    def referral_code(self) -> str:
        return self.record.referral_code
