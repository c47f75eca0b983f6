"""defineAttribute and createCustomerList (ADMIN)."""

from __future__ import annotations

import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.features.common import UserError
from gateway.features.profile.catalog_types import (
    AttributeDefinition,
    AttributeDefinitionPayload,
    CustomerListPayload,
    DefineAttributeInput,
)
from gateway.features.profile.types import CustomerList
from gateway.mutations import call_backend


async def define_attribute(info: GatewayInfo, input: DefineAttributeInput) -> AttributeDefinitionPayload:
    c = info.context
    request = profile_pb2.DefineAttributeRequest(
        name=input.name,
        value_type=profile_pb2.AttributeValueType.Value(f"ATTRIBUTE_VALUE_TYPE_{input.value_type.value}"),
        options=input.options or [],
    )
    reply = await call_backend(c.backends.profile.DefineAttribute(request, timeout=c.timeout()), "profile", ["input"])
    if isinstance(reply, UserError):
        return AttributeDefinitionPayload(user_errors=[reply])
    return AttributeDefinitionPayload(definition=AttributeDefinition.of(reply))


async def create_customer_list(info: GatewayInfo, name: str) -> CustomerListPayload:
    c = info.context
    request = profile_pb2.CreateCustomerListRequest(name=name)
    reply = await call_backend(c.backends.profile.CreateCustomerList(request, timeout=c.timeout()), "profile", [])
    if isinstance(reply, UserError):
        return CustomerListPayload(user_errors=[reply])
    return CustomerListPayload(customer_list=CustomerList(id=strawberry.ID(reply.id), name=reply.name))
