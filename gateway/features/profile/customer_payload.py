"""The common ending of the mutations that return the customer: prime the loader or report the refusal."""

from __future__ import annotations

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.customer360.types import Customer360
from gateway.features.profile.loaders import customers_by_id
from gateway.features.profile.payloads import CustomerPayload


def customer_payload(info: GatewayInfo, reply: profile_pb2.Customer | UserError) -> CustomerPayload:
    if isinstance(reply, UserError):
        return CustomerPayload(user_errors=[reply])
    info.context.loaders.get(customers_by_id).prime(reply.id, reply)
    return CustomerPayload(customer=Customer360(id=strawberry.ID(reply.id)))
