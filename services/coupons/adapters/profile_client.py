"""What coupons asks the profile service: a customer's status on a projection miss, and list members."""

from __future__ import annotations

import grpc
from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.grpc_client import open_channel
from services.coupons.domain.customer_status import CustomerStatus

DEADLINE_SECONDS = 5.0


class ProfileClient:
    """Owns one long-lived channel to the profile service, opened inside the event loop by `open()`."""

    def __init__(self, target: str) -> None:
        self._target = target
        self._channel: grpc.aio.Channel | None = None
        self._stub: profile_pb2_grpc.ProfileServiceAsyncStub | None = None

    async def open(self) -> None:
        self._channel = open_channel(self._target)
        self._stub = profile_pb2_grpc.ProfileServiceStub(self._channel)

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()

    @property
    def _profile(self) -> profile_pb2_grpc.ProfileServiceAsyncStub:
        if self._stub is None:
            raise RuntimeError("profile client used before open()")
        return self._stub

    async def status_of(self, customer_id: str) -> CustomerStatus | None:
        """None when profile does not know the customer (or erased them); other failures raise."""
        try:
            customer = await self._profile.GetCustomer(
                profile_pb2.GetCustomerRequest(id=customer_id), timeout=DEADLINE_SECONDS
            )
        except grpc.aio.AioRpcError as error:
            if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT):
                return None
            raise
        if customer.status == profile_pb2.CUSTOMER_STATUS_SUSPENDED:
            return CustomerStatus.SUSPENDED
        if customer.status == profile_pb2.CUSTOMER_STATUS_DELETED:
            return CustomerStatus.ERASED
        return CustomerStatus.ACTIVE

    async def list_members(self, list_id: str, page_size: int, page_token: str) -> tuple[list[str], str]:
        """One page of a static list's customer ids and the next page's token ("" at the end)."""
        reply = await self._profile.ListCustomerListMembers(
            profile_pb2.ListCustomerListMembersRequest(list_id=list_id, page_size=page_size, page_token=page_token),
            timeout=DEADLINE_SECONDS,
        )
        return list(reply.customer_ids), reply.next_page_token
