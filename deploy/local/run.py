"""`make run`: infrastructure, the four services and the gateway, in the foreground.

`--scale loyalty=3` (repeatable, or `loyalty=3,profile=2`) starts that many
instances of a service, each on its own port; the gateway balances over them.
Every service process serves Prometheus metrics on a port the banner lists.

Ctrl-C or SIGTERM stops the services and the gateway, then the infrastructure
this run started (servers that were already running, or named by C360_* env
vars, are left alone). Children also die with this process if it is killed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
from pathlib import Path

from deploy.local.infra import ensure_infra, infra_status, stop_infra
from deploy.local.processes import default_run_dir
from deploy.local.stack import SERVICES, Stack, StackConfig
from gateway.auth import mint_token
from gateway.settings import GatewaySettings


def _banner(stack: Stack, secret: str) -> str:
    token = mint_token("local-admin", ["ADMIN"], secret)
    url = f"{stack.gateway_url}/graphql"
    return "\n".join(
        [
            "",
            "Customer 360 is running.",
            f"  GraphiQL:   {url}",
            f"  Ready:      {stack.gateway_url}/readyz",
            f"  Kafka:      {stack.config.kafka_bootstrap}   MongoDB: {stack.config.mongodb_uri}",
            f"  Logs:       {stack.config.log_dir}",
            *(
                f"  {name:<11} gRPC {stack.config.address(name)}   metrics http://127.0.0.1:{port}/metrics"
                for name, port in stack.config.metrics_ports.items()
            ),
            "  A local ADMIN token (12 h); in GraphiQL's Headers tab paste:",
            f'  {{"Authorization": "Bearer {token}"}}',
            "Press Ctrl-C to stop.",
            "",
        ]
    )


async def _serve_until_stopped(stack: Stack) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stack.wait_ready()
    print(_banner(stack, GatewaySettings().jwt_secret), flush=True)
    while not stop.is_set():
        if died := stack.exited():
            name, code = next(iter(died.items()))
            print(f"{name} exited with {code}; stopping. Last log lines:\n{stack.log_tail(name)}", file=sys.stderr)
            return 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1)
    return 0


def parse_scale(values: list[str]) -> dict[str, int]:
    """`["loyalty=3", "profile=2,coupons=2"]` -> instances per service."""
    scale: dict[str, int] = {}
    for item in (part for value in values for part in value.split(",") if part):
        name, _, count = item.partition("=")
        if name not in SERVICES or not count.isdigit() or int(count) < 1:
            raise SystemExit(f"--scale expects <service>=<count> with a service of {', '.join(SERVICES)}: {item!r}")
        scale[name] = int(count)
    return scale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.local.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", default=[], metavar="SERVICE=N", help="instances of a service")
    scale = parse_scale(parser.parse_args(argv).scale)
    run_dir = default_run_dir()
    started_infra = any(s.owner == "down" for s in infra_status(run_dir).services)
    endpoints = ensure_infra(run_dir)
    log_dir = Path(os.environ.get("C360_LOG_DIR", run_dir / "logs"))
    config = StackConfig.from_environment(endpoints.kafka_bootstrap, endpoints.mongodb_uri, log_dir)
    stack = Stack(config.scaled(scale, with_metrics=True))
    code = 1
    try:
        stack.start()
        code = asyncio.run(_serve_until_stopped(stack))
    finally:
        print("stopping services and gateway...", file=sys.stderr, flush=True)
        stack.stop()
        if started_infra:
            print("stopping the infrastructure this run started...", file=sys.stderr, flush=True)
            stop_infra(run_dir)
    return code


if __name__ == "__main__":
    sys.exit(main())
