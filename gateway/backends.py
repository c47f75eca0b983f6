"""One long-lived gRPC channel per backend, opened in the app's lifespan and shared by all requests.

Each channel carries a circuit breaker and the per-request RPC counter as client
interceptors, so feature code calls plain stubs and gets both for free.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import grpc
from customer360.coupons.v1 import coupons_pb2_grpc
from customer360.loyalty.v1 import loyalty_pb2_grpc
from customer360.messaging.v1 import messaging_pb2_grpc
from customer360.profile.v1 import profile_pb2_grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from c360.grpc_client import open_channel
from gateway.circuit_breaker import CircuitBreaker, CircuitBreakerInterceptor
from gateway.rpc_counting import RpcCountingInterceptor
from gateway.settings import GatewaySettings


@dataclass
class Backends:
    channels: dict[str, grpc.aio.Channel]
    profile: profile_pb2_grpc.ProfileServiceAsyncStub
    loyalty: loyalty_pb2_grpc.LoyaltyServiceAsyncStub
    coupons: coupons_pb2_grpc.CouponsServiceAsyncStub
    messaging: messaging_pb2_grpc.MessagingServiceAsyncStub
    breakers: dict[str, CircuitBreaker] = field(default_factory=dict)

    @classmethod
    def open(cls, settings: GatewaySettings) -> Backends:
        addresses = {
            "profile": settings.profile_address,
            "loyalty": settings.loyalty_address,
            "coupons": settings.coupons_address,
            "messaging": settings.messaging_address,
        }
        breakers = {
            name: CircuitBreaker(
                name,
                settings.breaker_failure_threshold,
                settings.breaker_pause_seconds,
                settings.breaker_min_streak_seconds,
            )
            for name in addresses
        }
        channels = {
            # The breaker is outermost, so a call it refuses is neither sent nor counted.
            name: open_channel(address, outer=[CircuitBreakerInterceptor(breakers[name]), RpcCountingInterceptor(name)])
            for name, address in addresses.items()
        }
        return cls(
            breakers=breakers,
            channels=channels,
            profile=profile_pb2_grpc.ProfileServiceStub(channels["profile"]),
            loyalty=loyalty_pb2_grpc.LoyaltyServiceStub(channels["loyalty"]),
            coupons=coupons_pb2_grpc.CouponsServiceStub(channels["coupons"]),
            messaging=messaging_pb2_grpc.MessagingServiceStub(channels["messaging"]),
        )

    async def close(self) -> None:
        for channel in self.channels.values():
            await channel.close()

    async def health(self, seconds_each: float = 1.0) -> dict[str, bool]:
        """Each backend's answer to the standard gRPC health check."""
        result = {}
        for name, channel in self.channels.items():
            try:
                reply = await health_pb2_grpc.HealthStub(channel).Check(
                    health_pb2.HealthCheckRequest(service=""), timeout=seconds_each
                )
                result[name] = reply.status == health_pb2.HealthCheckResponse.SERVING
            except grpc.aio.AioRpcError:
                result[name] = False
        return result
