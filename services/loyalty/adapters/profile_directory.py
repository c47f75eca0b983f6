"""Finds (or enrols) the customer a partner's purchase names, through the profile service's gRPC API."""

from __future__ import annotations

from collections.abc import Awaitable

import grpc
from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.grpc_client import open_channel
from services.loyalty.domain.purchase import CustomerRef

DEADLINE_SECONDS = 5.0


class ProfileDirectory:
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
            raise RuntimeError("profile directory used before open()")
        return self._stub

    async def exists(self, customer_id: str) -> bool:
        request = profile_pb2.GetCustomerRequest(id=customer_id)
        return await _id_or_none(self._profile.GetCustomer(request, timeout=DEADLINE_SECONDS)) is not None

    async def resolve(self, ref: CustomerRef, enrol_source: str) -> str | None:
        if ref.customer_id:
            request = profile_pb2.GetCustomerRequest(id=ref.customer_id)
            return await _id_or_none(self._profile.GetCustomer(request, timeout=DEADLINE_SECONDS))
        if ref.ext_ref:
            by_ext_ref = profile_pb2.GetCustomerByExtRefRequest(ext_ref=ref.ext_ref)
            found = await _id_or_none(self._profile.GetCustomerByExtRef(by_ext_ref, timeout=DEADLINE_SECONDS))
            if found or not ref.mobile:
                return found
        if ref.mobile:
            return await self._by_mobile(ref.mobile) or await self._enrol(ref.mobile, enrol_source)
        return None

    async def _by_mobile(self, mobile: str) -> str | None:
        request = profile_pb2.GetCustomerByMobileRequest(mobile=mobile)
        return await _id_or_none(self._profile.GetCustomerByMobile(request, timeout=DEADLINE_SECONDS))

    async def _enrol(self, mobile: str, source: str) -> str | None:
        request = profile_pb2.RegisterCustomerRequest(mobile=mobile, source=source)
        try:
            response = await self._profile.RegisterCustomer(request, timeout=DEADLINE_SECONDS)
            return response.customer.id
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.ALREADY_EXISTS:  # enrolled concurrently by another purchase
                return await self._by_mobile(mobile)
            if error.code() == grpc.StatusCode.INVALID_ARGUMENT:
                return None
            raise


async def _id_or_none(call: Awaitable[profile_pb2.Customer]) -> str | None:
    """NOT_FOUND and INVALID_ARGUMENT mean 'no such customer'; other failures are transient and raise."""
    try:
        return (await call).id
    except grpc.aio.AioRpcError as error:
        if error.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.UNIMPLEMENTED):
            return None
        raise
