"""Attribute definitions and static lists over gRPC."""

from __future__ import annotations

from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from services.profile.domain.attributes import AttributeDefinition
from services.profile.ports.grpc_record import Context
from services.profile.ports.use_cases import UseCases
from services.profile.proto_requests import VALUE_TYPE_TO_PROTO, value_type_from_proto


def definition_to_proto(d: AttributeDefinition) -> profile_pb2.AttributeDefinition:
    return profile_pb2.AttributeDefinition(
        name=d.name, value_type=VALUE_TYPE_TO_PROTO[d.value_type], options=list(d.options), fixed=d.fixed
    )


class CatalogRpcs(profile_pb2_grpc.ProfileServiceServicer):
    u: UseCases

    async def DefineAttribute(
        self, request: profile_pb2.DefineAttributeRequest, context: Context
    ) -> profile_pb2.AttributeDefinition:
        value_type = value_type_from_proto(request.value_type)
        return definition_to_proto(
            await self.u.catalog.define_attribute(request.name, value_type, list(request.options))
        )

    async def ListAttributeDefinitions(
        self, request: profile_pb2.ListAttributeDefinitionsRequest, context: Context
    ) -> profile_pb2.ListAttributeDefinitionsResponse:
        definitions = await self.u.catalog.attribute_definitions()
        return profile_pb2.ListAttributeDefinitionsResponse(definitions=[definition_to_proto(d) for d in definitions])

    async def CreateCustomerList(
        self, request: profile_pb2.CreateCustomerListRequest, context: Context
    ) -> profile_pb2.CustomerList:
        list_id, name = await self.u.catalog.create_list(request.name)
        return profile_pb2.CustomerList(id=list_id, name=name)

    async def ListCustomerLists(
        self, request: profile_pb2.ListCustomerListsRequest, context: Context
    ) -> profile_pb2.ListCustomerListsResponse:
        lists = await self.u.catalog.all_lists()
        return profile_pb2.ListCustomerListsResponse(lists=[profile_pb2.CustomerList(id=i, name=n) for i, n in lists])

    async def ListCustomerListMembers(
        self, request: profile_pb2.ListCustomerListMembersRequest, context: Context
    ) -> profile_pb2.ListCustomerListMembersResponse:
        ids, token = await self.u.catalog.list_members(request.list_id, request.page_size, request.page_token)
        return profile_pb2.ListCustomerListMembersResponse(customer_ids=ids, next_page_token=token)
