"""The profile's root queries: search, attribute definitions, customer lists, import jobs."""

from __future__ import annotations

import grpc
import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.errors import backend_failure
from gateway.features.profile.catalog_types import AttributeDefinition, ImportJob
from gateway.features.profile.search_customers import customers
from gateway.features.profile.types import CustomerList
from gateway.permissions import Role, requires

VIEWER = [requires(Role.VIEWER)]


@strawberry.type
class ProfileQueries:
    customers = strawberry.field(
        resolver=customers,
        permission_classes=VIEWER,
        description="Name prefix, mobile, email, ext ref, receipt id or tag key=value; deleted never returned.",
    )

    @strawberry.field(permission_classes=VIEWER)
    async def attribute_definitions(self, info: GatewayInfo) -> list[AttributeDefinition]:
        try:
            reply = await info.context.backends.profile.ListAttributeDefinitions(
                profile_pb2.ListAttributeDefinitionsRequest(), timeout=info.context.timeout()
            )
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "profile") from error
        return [AttributeDefinition.of(d) for d in reply.definitions]

    @strawberry.field(permission_classes=VIEWER)
    async def customer_lists(self, info: GatewayInfo) -> list[CustomerList]:
        try:
            reply = await info.context.backends.profile.ListCustomerLists(
                profile_pb2.ListCustomerListsRequest(), timeout=info.context.timeout()
            )
        except grpc.aio.AioRpcError as error:
            raise backend_failure(error, "profile") from error
        return [CustomerList(id=strawberry.ID(entry.id), name=entry.name) for entry in reply.lists]

    @strawberry.field(permission_classes=[requires(Role.ADMIN)], description="An import's progress; null if unknown.")
    async def import_job(self, info: GatewayInfo, id: strawberry.ID) -> ImportJob | None:
        try:
            reply = await info.context.backends.profile.GetImportJob(
                profile_pb2.GetImportJobRequest(id=str(id), max_errors=1000), timeout=info.context.timeout()
            )
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return None
            raise backend_failure(error, "profile") from error
        return ImportJob(job=reply)
