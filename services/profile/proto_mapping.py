"""Translation between the domain's Customer and its protobuf form (gRPC replies and events)."""

from __future__ import annotations

from datetime import date

from customer360.events.v1 import profile_events_pb2
from customer360.profile.v1 import profile_pb2
from google.protobuf.message import Message

from c360.errors import InvalidInput
from c360.events import timestamp
from services.profile.app.changes import EventOf
from services.profile.domain.customer import Address, Customer, CustomerStatus, Registration

_STATUS = {
    CustomerStatus.ACTIVE: profile_pb2.CUSTOMER_STATUS_ACTIVE,
    CustomerStatus.SUSPENDED: profile_pb2.CUSTOMER_STATUS_SUSPENDED,
    CustomerStatus.DELETED: profile_pb2.CUSTOMER_STATUS_DELETED,
}


def customer_to_proto(customer: Customer) -> profile_pb2.Customer:
    address = customer.address or Address()
    return profile_pb2.Customer(
        id=customer.id,
        first_name=customer.first_name,
        last_name=customer.last_name or "",
        mobile=customer.mobile,
        email=customer.email or "",
        customer_type=customer.customer_type,
        status=_STATUS[customer.status],
        member_since=timestamp(customer.member_since),
        ext_ref=customer.ext_ref or "",
        date_of_birth=customer.date_of_birth.isoformat() if customer.date_of_birth else "",
        gender=customer.gender or "",
        marital_status=customer.marital_status or "",
        address=profile_pb2.Address(
            street=address.street or "",
            city=address.city or "",
            postcode=address.postcode or "",
            state=address.state or "",
            country=address.country or "",
        ),
        referral_code=customer.referral_code,
        referred_by_code=customer.referred_by_code or "",
        source=customer.source or "",
        attributes=[profile_pb2.AttributeValue(name=k, value=v) for k, v in sorted(customer.attributes.items())],
        tags=[profile_pb2.Tag(key=k, value=v) for k, v in sorted(customer.tags.items())],
        lists=[profile_pb2.CustomerList(id=k, name=v) for k, v in sorted(customer.lists.items(), key=lambda i: i[1])],
        opt_ins=[
            profile_pb2.OptIn(campaign=k, opted_in=v.opted_in, updated_at=timestamp(v.updated_at))
            for k, v in sorted(customer.opt_ins.items())
        ],
        channel_links=[
            profile_pb2.ChannelLink(channel=k, link_id=v) for k, v in sorted(customer.channel_links.items())
        ],
        version=customer.version,
    )


def customer_registered(customer: Customer) -> profile_events_pb2.CustomerRegistered:
    return profile_events_pb2.CustomerRegistered(customer=customer_to_proto(customer))


def customer_updated(changed_fields: list[str]) -> EventOf:
    def build(customer: Customer) -> Message:
        return profile_events_pb2.CustomerUpdated(customer=customer_to_proto(customer), changed_fields=changed_fields)

    return build


def constant(payload: Message) -> EventOf:
    """An event whose payload does not depend on the stored record."""
    return lambda _customer: payload


def registration_from_proto(request: profile_pb2.RegisterCustomerRequest) -> Registration:
    address = request.address
    return Registration(
        first_name=request.first_name,
        mobile=request.mobile,
        last_name=request.last_name or None,
        email=request.email or None,
        customer_type=request.customer_type or None,
        ext_ref=request.ext_ref or None,
        referred_by_code=request.referred_by_code or None,
        date_of_birth=parse_date(request.date_of_birth),
        gender=request.gender or None,
        address=Address(
            street=address.street or None,
            city=address.city or None,
            postcode=address.postcode or None,
            state=address.state or None,
            country=address.country or None,
        )
        if request.HasField("address")
        else None,
        source=request.source or None,
    )


def parse_date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput("INVALID_DATE", f"'{text[:20]}' is not a date (YYYY-MM-DD).", "dateOfBirth") from error
