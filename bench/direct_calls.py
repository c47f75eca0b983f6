"""The gRPC calls the gateway makes for one full `customer360`, made by a plain asyncio client.

This is the lower bound of the architecture: the same backend work with no
GraphQL parsing, validation, resolvers or JSON. Keep it in step with the
gateway's resolvers when a section is added.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import grpc
from customer360.loyalty.v1 import loyalty_pb2, loyalty_pb2_grpc
from customer360.profile.v1 import profile_pb2, profile_pb2_grpc

from c360.grpc_client import open_channel
from deploy.local.stack import Stack

DEADLINE = 5.0


@dataclass
class Backends:
    channels: list[grpc.aio.Channel]
    profile: profile_pb2_grpc.ProfileServiceAsyncStub
    loyalty: loyalty_pb2_grpc.LoyaltyServiceAsyncStub

    @classmethod
    def open(cls, stack: Stack) -> Backends:
        profile = open_channel(stack.config.address("profile"))
        loyalty = open_channel(stack.config.address("loyalty"))
        return cls(
            channels=[profile, loyalty],
            profile=profile_pb2_grpc.ProfileServiceStub(profile),
            loyalty=loyalty_pb2_grpc.LoyaltyServiceStub(loyalty),
        )

    async def close(self) -> None:
        for channel in self.channels:
            await channel.close()


def section_calls(backends: Backends, customer_id: str) -> list[Callable[[], Awaitable[object]]]:
    """One entry per backend call of the full query, in the order the gateway needs them."""
    return [
        lambda: backends.profile.BatchGetCustomers(
            profile_pb2.BatchGetCustomersRequest(ids=[customer_id]), timeout=DEADLINE
        ),
        lambda: backends.loyalty.BatchGetAccounts(
            loyalty_pb2.BatchGetAccountsRequest(customer_ids=[customer_id]), timeout=DEADLINE
        ),
    ]


async def concurrently(backends: Backends, customer_id: str) -> None:
    await asyncio.gather(*(call() for call in section_calls(backends, customer_id)))


async def one_after_another(backends: Backends, customer_id: str) -> None:
    for call in section_calls(backends, customer_id):
        await call()
