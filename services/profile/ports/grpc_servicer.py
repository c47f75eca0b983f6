"""ProfileService over gRPC: thin translation; errors are mapped by the shared interceptor."""

from __future__ import annotations

from typing import Any

import grpc
from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from services.profile.app.queries import CustomerQueries
from services.profile.app.register_customer import RegisterCustomer
from services.profile.proto_mapping import customer_to_proto, registration_from_proto

Context = grpc.aio.ServicerContext[Any, Any]


class ProfileServicer(profile_pb2_grpc.ProfileServiceServicer):
    def __init__(self, register: RegisterCustomer, queries: CustomerQueries) -> None:
        self._register = register
        self._queries = queries

    async def RegisterCustomer(
        self, request: profile_pb2.RegisterCustomerRequest, context: Context
    ) -> profile_pb2.RegisterCustomerResponse:
        customer = await self._register(registration_from_proto(request))
        return profile_pb2.RegisterCustomerResponse(customer=customer_to_proto(customer))

    async def GetCustomer(self, request: profile_pb2.GetCustomerRequest, context: Context) -> profile_pb2.Customer:
        return customer_to_proto(await self._queries.get(request.id))

    async def BatchGetCustomers(
        self, request: profile_pb2.BatchGetCustomersRequest, context: Context
    ) -> profile_pb2.BatchGetCustomersResponse:
        customers = await self._queries.get_many(list(request.ids))
        return profile_pb2.BatchGetCustomersResponse(customers=[customer_to_proto(c) for c in customers])

    async def GetCustomerByMobile(
        self, request: profile_pb2.GetCustomerByMobileRequest, context: Context
    ) -> profile_pb2.Customer:
        return customer_to_proto(await self._queries.by_mobile(request.mobile))
