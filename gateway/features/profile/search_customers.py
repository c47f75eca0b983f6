"""customers(query, field, first, after): one search call, then the page's records prime the loader.

So a page of 50 customers selecting loyalty, coupons and metrics costs one batch
call per backend per field level, never one per customer. RECEIPT_ID is resolved
through loyalty's SearchPurchases, then BatchGetCustomers.
"""

from __future__ import annotations

from enum import Enum

import grpc
import strawberry
from customer360.loyalty.v1 import loyalty_pb2
from customer360.profile.v1 import profile_pb2

from gateway.context import GatewayInfo
from gateway.errors import CodedError, backend_failure
from gateway.features.common import PageInfo
from gateway.features.customer360.types import Customer360
from gateway.features.profile.loaders import customers_by_id

MAX_PAGE = 100


@strawberry.enum
class CustomerSearchField(Enum):
    ANY = "ANY"
    NAME = "NAME"
    MOBILE = "MOBILE"
    EMAIL = "EMAIL"
    EXT_REF = "EXT_REF"
    RECEIPT_ID = "RECEIPT_ID"
    TAG = "TAG"


@strawberry.type
class CustomerEdge:
    cursor: str
    node: Customer360


@strawberry.type
class CustomerConnection:
    edges: list[CustomerEdge]
    page_info: PageInfo


def _connection(info: GatewayInfo, found: list[profile_pb2.Customer], next_token: str) -> CustomerConnection:
    loader = info.context.loaders.get(customers_by_id)
    for record in found:
        loader.prime(record.id, record)
    edges = [CustomerEdge(cursor=r.id, node=Customer360(id=strawberry.ID(r.id))) for r in found]
    end = edges[-1].cursor if edges else None
    return CustomerConnection(edges=edges, page_info=PageInfo(has_next_page=bool(next_token), end_cursor=end))


async def _by_receipt(info: GatewayInfo, receipt_id: str, first: int) -> CustomerConnection:
    c = info.context
    try:
        purchases = await c.backends.loyalty.SearchPurchases(
            loyalty_pb2.SearchPurchasesRequest(receipt_ids=[receipt_id.strip()], limit=first), timeout=c.timeout()
        )
    except grpc.aio.AioRpcError as error:
        raise backend_failure(error, "loyalty") from error
    ids = list(dict.fromkeys(p.customer_id for p in purchases.purchases if p.customer_id))[:first]
    if not ids:
        return _connection(info, [], "")
    try:
        reply = await c.backends.profile.BatchGetCustomers(
            profile_pb2.BatchGetCustomersRequest(ids=ids), timeout=c.timeout()
        )
    except grpc.aio.AioRpcError as error:
        raise backend_failure(error, "profile") from error
    return _connection(info, sorted(reply.customers, key=lambda r: r.id), "")


async def customers(
    info: GatewayInfo,
    query: str,
    field: CustomerSearchField | None = CustomerSearchField.ANY,
    first: int | None = 20,
    after: str | None = None,
) -> CustomerConnection:
    size = first if first is not None else 20
    if not 0 < size <= MAX_PAGE:
        raise CodedError("BAD_USER_INPUT", f"first must be between 1 and {MAX_PAGE}.")
    field = field or CustomerSearchField.ANY
    if field is CustomerSearchField.RECEIPT_ID:
        return await _by_receipt(info, query, size)
    request = profile_pb2.SearchCustomersRequest(
        query=query,
        field=profile_pb2.SearchField.Value(f"SEARCH_FIELD_{field.value}"),
        page_size=size,
        page_token=after or "",
    )
    try:
        reply = await info.context.backends.profile.SearchCustomers(request, timeout=info.context.timeout())
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.INVALID_ARGUMENT:
            raise CodedError("BAD_USER_INPUT", error.details() or "Invalid search.") from error
        raise backend_failure(error, "profile") from error
    return _connection(info, list(reply.customers), reply.next_page_token)
