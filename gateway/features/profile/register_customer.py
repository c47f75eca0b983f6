"""registerCustomer: creates the master record; loyalty opens the points account from its event."""

from __future__ import annotations

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.customer360.types import Customer360
from gateway.features.profile.loaders import customers_by_id
from gateway.features.profile.payloads import CustomerPayload, RegisterCustomerInput
from gateway.mutations import call_backend


def _request(data: RegisterCustomerInput, actor: str) -> profile_pb2.RegisterCustomerRequest:
    request = profile_pb2.RegisterCustomerRequest(
        first_name=data.first_name,
        last_name=data.last_name or "",
        mobile=data.mobile,
        email=data.email or "",
        customer_type=data.customer_type or "",
        ext_ref=data.ext_ref or "",
        referred_by_code=data.referred_by_code or "",
        date_of_birth=data.date_of_birth.isoformat() if data.date_of_birth else "",
        gender=data.gender or "",
        source=f"agent:{actor}",
    )
    if data.address is not None:
        request.address.CopyFrom(
            profile_pb2.Address(
                street=data.address.street or "",
                city=data.address.city or "",
                postcode=data.address.postcode or "",
                state=data.address.state or "",
                country=data.address.country or "",
            )
        )
    return request


async def register_customer(info: GatewayInfo, input: RegisterCustomerInput) -> CustomerPayload:
    context = info.context
    reply = await call_backend(
        context.backends.profile.RegisterCustomer(_request(input, context.actor()), timeout=context.timeout()),
        "profile",
        ["input"],
    )
    if isinstance(reply, UserError):
        return CustomerPayload(user_errors=[reply])
    context.loaders.get(customers_by_id).prime(reply.customer.id, reply.customer)
    return CustomerPayload(customer=Customer360(id=strawberry.ID(reply.customer.id)))
