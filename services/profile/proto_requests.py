"""Requests from protobuf into the domain's terms (edits, value types)."""

from __future__ import annotations

from customer360.profile.v1 import profile_pb2

from c360.errors import InvalidInput
from services.profile.domain.attributes import ValueType
from services.profile.domain.customer import Address
from services.profile.domain.edits import CustomerEdit
from services.profile.domain.search import SearchField
from services.profile.proto_mapping import parse_date

_VALUE_TYPES = {
    profile_pb2.ATTRIBUTE_VALUE_TYPE_FREE_TEXT: ValueType.FREE_TEXT,
    profile_pb2.ATTRIBUTE_VALUE_TYPE_SELECT_LIST: ValueType.SELECT_LIST,
}
VALUE_TYPE_TO_PROTO = {v: k for k, v in _VALUE_TYPES.items()}


def edit_from_proto(request: profile_pb2.UpdateCustomerRequest) -> CustomerEdit:
    a = request.address
    return CustomerEdit(
        fields=frozenset(request.fields),
        first_name=request.first_name,
        last_name=request.last_name or None,
        mobile=request.mobile,
        email=request.email or None,
        customer_type=request.customer_type or None,
        ext_ref=request.ext_ref or None,
        date_of_birth=parse_date(request.date_of_birth),
        gender=request.gender or None,
        marital_status=request.marital_status or None,
        address=Address(a.street, a.city, a.postcode, a.state, a.country) if request.HasField("address") else None,
    )


def value_type_from_proto(value: profile_pb2.AttributeValueType.ValueType) -> ValueType:
    if value not in _VALUE_TYPES:
        raise InvalidInput("INVALID_VALUE_TYPE", "valueType must be FREE_TEXT or SELECT_LIST.", "valueType")
    return _VALUE_TYPES[value]


def search_field_from_proto(value: profile_pb2.SearchField.ValueType) -> SearchField:
    return SearchField[profile_pb2.SearchField.Name(value).removeprefix("SEARCH_FIELD_")]
