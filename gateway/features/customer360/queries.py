"""customer360(id) and customerByMobile(mobile): the one view an agent opens; and the profile's other reads."""

from __future__ import annotations

import grpc
import strawberry
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.errors import backend_failure
from gateway.features.customer360.prefetch import start_sections
from gateway.features.customer360.types import Customer360
from gateway.features.prefetching import selections_of
from gateway.features.profile.loaders import customers_by_id
from gateway.features.profile.queries import ProfileQueries
from gateway.permissions import Role, requires


@strawberry.type
class Customer360Queries(ProfileQueries):
    @strawberry.field(
        description="The customer's whole picture; null when there is no such customer.",
        permission_classes=[requires(Role.VIEWER)],
    )
    async def customer360(self, info: GatewayInfo, id: strawberry.ID) -> Customer360 | None:
        record_load = info.context.loaders.get(customers_by_id).load(str(id))
        start_sections(info.context.loaders, selections_of(info), str(id))  # with the record, not after it
        record = await record_load
        return Customer360(id=strawberry.ID(record.id)) if record else None

    @strawberry.field(
        description="Finds a customer by mobile in any common format; null when none.",
        permission_classes=[requires(Role.VIEWER)],
    )
    async def customer_by_mobile(self, info: GatewayInfo, mobile: str) -> Customer360 | None:
        try:
            record = await info.context.backends.profile.GetCustomerByMobile(
                profile_pb2.GetCustomerByMobileRequest(mobile=mobile), timeout=info.context.timeout()
            )
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                return None
            raise backend_failure(error, "profile") from error
        info.context.loaders.get(customers_by_id).prime(record.id, record)
        return Customer360(id=strawberry.ID(record.id))
