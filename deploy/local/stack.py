"""Starts the four services and the gateway as child processes, and stops them without orphans.

Used by `make run` and by the integration tests, so both run the very same
processes the way ops would: `python -m services.<name>` and `python -m gateway`,
configured only through environment variables.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

SERVICES = ("profile", "loyalty", "coupons", "messaging")
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the supervisor dies, even by SIGKILL, so nothing is orphaned."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class StackConfig:
    kafka_bootstrap: str
    mongodb_uri: str
    log_dir: Path
    topic_prefix: str = ""
    database_prefix: str = "c360_"
    gateway_port: int = 8000
    service_ports: dict[str, int] = field(
        default_factory=lambda: {"profile": 50051, "loyalty": 50052, "coupons": 50053, "messaging": 50054}
    )
    extra_env: dict[str, str] = field(default_factory=dict)
    # Scale-out: gRPC ports of each service's instances after the first (`loyalty-2`, `loyalty-3`, ...).
    extra_instance_ports: dict[str, list[int]] = field(default_factory=dict)
    # Where each process (`profile`, `loyalty-2`, ...) serves Prometheus `/metrics`; absent means nowhere.
    metrics_ports: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_environment(cls, kafka_bootstrap: str, mongodb_uri: str, log_dir: Path) -> StackConfig:
        """What `make run` uses: defaults, overridden by the same C360_* variables the processes read."""
        env = os.environ
        defaults = cls(kafka_bootstrap, mongodb_uri, log_dir)
        return cls(
            kafka_bootstrap=kafka_bootstrap,
            mongodb_uri=mongodb_uri,
            log_dir=log_dir,
            topic_prefix=env.get("C360_TOPIC_PREFIX", defaults.topic_prefix),
            database_prefix=env.get("C360_DATABASE_PREFIX", defaults.database_prefix),
            gateway_port=int(env.get("C360_GATEWAY_PORT", defaults.gateway_port)),
            service_ports={
                name: int(env.get(f"C360_{name.upper()}_GRPC_ADDRESS", f":{port}").rpartition(":")[2])
                for name, port in defaults.service_ports.items()
            },
        )

    @classmethod
    def on_free_ports(cls, **kwargs: object) -> StackConfig:
        """A stack that cannot collide with another one running on this machine (tests)."""
        ports = {name: free_port() for name in SERVICES}
        return cls(gateway_port=free_port(), service_ports=ports, **kwargs)  # type: ignore[arg-type]

    def scaled(self, instances: dict[str, int], with_metrics: bool = False) -> StackConfig:
        """The same stack with N instances of the named services (on free ports), and metrics if asked."""
        extra = {name: [free_port() for _ in range(count - 1)] for name, count in instances.items() if count > 1}
        scaled = replace(self, extra_instance_ports={**self.extra_instance_ports, **extra})
        if with_metrics:
            scaled.metrics_ports = {name: free_port() for name in scaled.process_names() if name != "gateway"}
        return scaled

    def instances(self, service: str) -> list[str]:
        """Process names of one service's instances: `loyalty`, `loyalty-2`, ..."""
        extra = self.extra_instance_ports.get(service, [])
        return [service, *(f"{service}-{n}" for n in range(2, len(extra) + 2))]

    def process_names(self) -> list[str]:
        return [*(i for name in SERVICES for i in self.instances(name)), "gateway"]

    def address(self, instance: str) -> str:
        service, _, number = instance.partition("-")
        port = self.extra_instance_ports[service][int(number) - 2] if number else self.service_ports[service]
        return f"127.0.0.1:{port}"

    def target(self, service: str) -> str:
        """How clients reach every instance: one address, or an `ipv4:` list balanced round-robin."""
        addresses = [self.address(i) for i in self.instances(service)]
        return addresses[0] if len(addresses) == 1 else "ipv4:" + ",".join(addresses)

    def environment(self, process: str | None = None) -> dict[str, str]:
        env = {
            **os.environ,
            "C360_KAFKA_BOOTSTRAP": self.kafka_bootstrap,
            "C360_MONGODB_URI": self.mongodb_uri,
            "C360_TOPIC_PREFIX": self.topic_prefix,
            "C360_DATABASE_PREFIX": self.database_prefix,
            "C360_GATEWAY_PORT": str(self.gateway_port),
            "PYTHONUNBUFFERED": "1",
        }
        for name in SERVICES:
            env[f"C360_{name.upper()}_GRPC_ADDRESS"] = self.address(name)
            env[f"C360_GATEWAY_{name.upper()}_ADDRESS"] = self.target(name)
        env["C360_LOYALTY_PROFILE_ADDRESS"] = self.target("profile")
        env["C360_COUPONS_PROFILE_ADDRESS"] = self.target("profile")
        if process is not None and process != "gateway":
            service = process.partition("-")[0]
            env[f"C360_{service.upper()}_GRPC_ADDRESS"] = self.address(process)
            if process in self.metrics_ports:
                env[f"C360_{service.upper()}_METRICS_ADDRESS"] = f"127.0.0.1:{self.metrics_ports[process]}"
        env.update(self.extra_env)
        return env


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.config.gateway_port}"

    def start(self) -> None:
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        for name in self.config.process_names():
            self.start_process(name)

    def start_process(self, name: str) -> subprocess.Popen[bytes]:
        module = "gateway" if name == "gateway" else f"services.{name.partition('-')[0]}"
        log = (self.config.log_dir / f"{name}.log").open("ab")
        command = [sys.executable, "-m", module]
        setpriv = shutil.which("setpriv")
        # setpriv sets the parent-death signal and execs: no Python runs in the forked child, which is
        # unsafe beside the threads of a supervisor that uses gRPC (a child once aborted in gRPC's poller).
        process = subprocess.Popen(
            [setpriv, "--pdeathsig", "TERM", "--", *command] if setpriv else command,
            env=self.config.environment(name),
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=None if setpriv else _die_with_parent,
        )
        log.close()
        self.processes[name] = process
        return process

    def kill(self, name: str, sig: signal.Signals = signal.SIGKILL) -> None:
        process = self.processes[name]
        process.send_signal(sig)
        process.wait(timeout=30)

    def exited(self) -> dict[str, int]:
        """Children that have died, with their exit codes."""
        return {n: p.returncode for n, p in self.processes.items() if p.poll() is not None}

    def stop(self, grace_seconds: float = 15.0) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.config.log_dir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    async def wait_ready(self, timeout_seconds: float = 90.0) -> None:
        """Ready means every service answers SERVING on gRPC health and the gateway's /readyz says 200."""
        deadline = time.monotonic() + timeout_seconds
        pending = self.config.process_names()
        while pending:
            if died := self.exited():
                name = next(iter(died))
                raise RuntimeError(f"{name} exited with {died[name]}:\n{self.log_tail(name)}")
            if time.monotonic() > deadline:
                tails = "\n".join(f"--- {n}\n{self.log_tail(n)}" for n in pending)
                raise TimeoutError(f"not ready after {timeout_seconds}s: {pending}\n{tails}")
            pending = [name for name in pending if not await self._is_ready(name)]
            if pending:
                await asyncio.sleep(0.2)

    async def _is_ready(self, name: str) -> bool:
        if name == "gateway":
            try:
                async with httpx.AsyncClient(timeout=2) as client:
                    return (await client.get(f"{self.gateway_url}/readyz")).status_code == 200
            except httpx.HTTPError:
                return False
        return await grpc_serving(self.config.address(name))


async def grpc_serving(address: str) -> bool:
    async with grpc.aio.insecure_channel(address) as channel:
        try:
            reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=1)
        except grpc.aio.AioRpcError:
            return False
        return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)
