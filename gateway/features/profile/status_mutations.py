"""suspendCustomer, reactivateCustomer and deleteCustomer (erasure of personal data everywhere)."""

from __future__ import annotations

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.profile.customer_payload import customer_payload
from gateway.features.profile.payloads import CustomerPayload, DeletePayload
from gateway.mutations import call_backend


async def suspend_customer(info: GatewayInfo, id: strawberry.ID, reason: str) -> CustomerPayload:
    c = info.context
    request = profile_pb2.SuspendCustomerRequest(id=str(id), reason=reason, actor=c.actor())
    reply = await call_backend(c.backends.profile.SuspendCustomer(request, timeout=c.timeout()), "profile", [])
    return customer_payload(info, reply)


async def reactivate_customer(info: GatewayInfo, id: strawberry.ID) -> CustomerPayload:
    c = info.context
    request = profile_pb2.ReactivateCustomerRequest(id=str(id), actor=c.actor())
    reply = await call_backend(c.backends.profile.ReactivateCustomer(request, timeout=c.timeout()), "profile", [])
    return customer_payload(info, reply)


async def delete_customer(info: GatewayInfo, id: strawberry.ID, reason: str) -> DeletePayload:
    """Personal data goes now; CustomerErased makes every other service erase or anonymise its copies."""
    c = info.context
    request = profile_pb2.EraseCustomerRequest(id=str(id), reason=reason, actor=c.actor())
    reply = await call_backend(c.backends.profile.EraseCustomer(request, timeout=c.timeout()), "profile", [])
    if isinstance(reply, UserError):
        return DeletePayload(user_errors=[reply])
    return DeletePayload(deleted_id=strawberry.ID(reply.tombstone_id))
