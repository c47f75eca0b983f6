"""The customer record's RPCs: register, read, edit, status, and the small details."""

from __future__ import annotations

from typing import Any

import grpc
from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from services.profile.ports.use_cases import UseCases
from services.profile.proto_mapping import customer_to_proto, registration_from_proto
from services.profile.proto_requests import edit_from_proto, search_field_from_proto

Context = grpc.aio.ServicerContext[Any, Any]
Customer = profile_pb2.Customer


class RecordRpcs(profile_pb2_grpc.ProfileServiceServicer):
    def __init__(self, use_cases: UseCases) -> None:
        self.u = use_cases

    async def RegisterCustomer(
        self, request: profile_pb2.RegisterCustomerRequest, context: Context
    ) -> profile_pb2.RegisterCustomerResponse:
        customer = await self.u.register(registration_from_proto(request))
        return profile_pb2.RegisterCustomerResponse(customer=customer_to_proto(customer))

    async def GetCustomer(self, request: profile_pb2.GetCustomerRequest, context: Context) -> Customer:
        return customer_to_proto(await self.u.queries.get(request.id))

    async def BatchGetCustomers(
        self, request: profile_pb2.BatchGetCustomersRequest, context: Context
    ) -> profile_pb2.BatchGetCustomersResponse:
        customers = await self.u.queries.get_many(list(request.ids))
        return profile_pb2.BatchGetCustomersResponse(customers=[customer_to_proto(c) for c in customers])

    async def GetCustomerByMobile(self, request: profile_pb2.GetCustomerByMobileRequest, context: Context) -> Customer:
        return customer_to_proto(await self.u.queries.by_mobile(request.mobile))

    async def GetCustomerByExtRef(self, request: profile_pb2.GetCustomerByExtRefRequest, context: Context) -> Customer:
        return customer_to_proto(await self.u.queries.by_ext_ref(request.ext_ref))

    async def SearchCustomers(
        self, request: profile_pb2.SearchCustomersRequest, context: Context
    ) -> profile_pb2.SearchCustomersResponse:
        field = search_field_from_proto(request.field)
        found, token = await self.u.queries.search(request.query, field, request.page_size, request.page_token)
        return profile_pb2.SearchCustomersResponse(
            customers=[customer_to_proto(c) for c in found], next_page_token=token
        )

    async def UpdateCustomer(self, request: profile_pb2.UpdateCustomerRequest, context: Context) -> Customer:
        return customer_to_proto(await self.u.edit(request.id, edit_from_proto(request), request.actor))

    async def SuspendCustomer(self, request: profile_pb2.SuspendCustomerRequest, context: Context) -> Customer:
        return customer_to_proto(await self.u.status.suspend(request.id, request.reason, request.actor))

    async def ReactivateCustomer(self, request: profile_pb2.ReactivateCustomerRequest, context: Context) -> Customer:
        return customer_to_proto(await self.u.status.reactivate(request.id, request.actor))

    async def EraseCustomer(
        self, request: profile_pb2.EraseCustomerRequest, context: Context
    ) -> profile_pb2.EraseCustomerResponse:
        tombstone = await self.u.status.erase(request.id, request.reason, request.actor)
        return profile_pb2.EraseCustomerResponse(tombstone_id=tombstone.id)

    async def SetAttribute(self, request: profile_pb2.SetAttributeRequest, context: Context) -> Customer:
        value = request.value or None
        return customer_to_proto(
            await self.u.details.set_attribute(request.customer_id, request.name, value, request.actor)
        )

    async def SetTag(self, request: profile_pb2.SetTagRequest, context: Context) -> Customer:
        d = self.u.details
        return customer_to_proto(await d.set_tag(request.customer_id, request.key, request.value, request.actor))

    async def RemoveTag(self, request: profile_pb2.RemoveTagRequest, context: Context) -> Customer:
        return customer_to_proto(await self.u.details.remove_tag(request.customer_id, request.key, request.actor))

    async def SetOptIn(self, request: profile_pb2.SetOptInRequest, context: Context) -> Customer:
        d = self.u.details
        return customer_to_proto(
            await d.set_opt_in(request.customer_id, request.campaign, request.opted_in, request.actor)
        )

    async def SetChannelLink(self, request: profile_pb2.SetChannelLinkRequest, context: Context) -> Customer:
        d = self.u.details
        return customer_to_proto(
            await d.set_channel_link(request.customer_id, request.channel, request.link_id, request.actor)
        )

    async def AddToList(self, request: profile_pb2.ListMembershipRequest, context: Context) -> Customer:
        d = self.u.details
        return customer_to_proto(await d.add_to_list(request.customer_id, request.list_id, request.actor))

    async def RemoveFromList(self, request: profile_pb2.ListMembershipRequest, context: Context) -> Customer:
        d = self.u.details
        return customer_to_proto(await d.remove_from_list(request.customer_id, request.list_id, request.actor))
