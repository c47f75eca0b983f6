"""The container health check: the gateway's `/healthz`, or a service's standard gRPC health check.

Used by the image's HEALTHCHECK and by compose (Kubernetes uses its native gRPC and HTTP probes).
Exits 0 when healthy, 1 otherwise.
"""

from __future__ import annotations

import os
import sys

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from deploy.component import module_of


def local_address(address: str) -> str:
    """`0.0.0.0:50051` -> `127.0.0.1:50051`: probe the listener from inside the container."""
    host, _, port = address.rpartition(":")
    return f"{'127.0.0.1' if host in ('', '0.0.0.0', '[::]') else host}:{port}"


def healthy(component: str) -> bool:
    module_of(component)  # refuses unknown names
    if component == "gateway":
        port = os.environ.get("C360_GATEWAY_PORT", "8000")
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
    address = local_address(os.environ.get(f"C360_{component.upper()}_GRPC_ADDRESS", "127.0.0.1:50051"))
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


if __name__ == "__main__":
    sys.exit(0 if healthy(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("C360_COMPONENT", "")) else 1)
