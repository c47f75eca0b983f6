"""updateCustomer: any subset of fields; a changed mobile is re-validated and re-checked for uniqueness."""

from __future__ import annotations

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.features.profile.customer_payload import customer_payload
from gateway.features.profile.payloads import CustomerPayload, UpdateCustomerInput
from gateway.mutations import call_backend

_TEXT_FIELDS = ("first_name", "last_name", "mobile", "email", "customer_type", "ext_ref", "gender", "marital_status")


def _request(customer_id: str, data: UpdateCustomerInput, actor: str) -> profile_pb2.UpdateCustomerRequest:
    request = profile_pb2.UpdateCustomerRequest(id=customer_id, actor=actor)
    for name in _TEXT_FIELDS:
        value = getattr(data, name)
        if value is not strawberry.UNSET:
            request.fields.append(name)
            setattr(request, name, value or "")
    if data.date_of_birth is not strawberry.UNSET:
        request.fields.append("date_of_birth")
        request.date_of_birth = data.date_of_birth.isoformat() if data.date_of_birth else ""
    if data.address is not strawberry.UNSET:
        request.fields.append("address")
        if data.address is not None:
            a = data.address
            request.address.CopyFrom(
                profile_pb2.Address(
                    street=a.street or "",
                    city=a.city or "",
                    postcode=a.postcode or "",
                    state=a.state or "",
                    country=a.country or "",
                )
            )
    return request


async def update_customer(info: GatewayInfo, id: strawberry.ID, input: UpdateCustomerInput) -> CustomerPayload:
    c = info.context
    reply = await call_backend(
        c.backends.profile.UpdateCustomer(_request(str(id), input, c.actor()), timeout=c.timeout()),
        "profile",
        ["input"],
    )
    return customer_payload(info, reply)
