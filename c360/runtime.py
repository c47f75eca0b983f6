"""Runs a service's gRPC server and its background workers as one unit that stops together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable

from c360 import grpc_server

log = logging.getLogger(__name__)

Worker = Callable[[asyncio.Event], Awaitable[None]]


async def run_service(
    *,
    address: str,
    registrars: Iterable[grpc_server.Registrar],
    service_names: Iterable[str],
    start: Callable[[], Awaitable[None]],
    workers: Iterable[Worker],
    close: Callable[[], Awaitable[None]],
) -> None:
    """Start-up, serve, and on SIGTERM drain: workers finish their item in hand before close."""
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def started() -> None:
        await start()
        for worker in workers:
            tasks.append(asyncio.create_task(_supervised(worker, stop)))

    try:
        await grpc_server.serve(
            address=address, registrars=registrars, service_names=service_names, on_started=started, stop=stop
        )
    finally:
        stop.set()
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=15)
            for task in pending:
                task.cancel()
        await close()


async def _supervised(worker: Worker, stop: asyncio.Event) -> None:
    """A crashed worker is restarted after a pause instead of silently leaving the service half-alive."""
    while not stop.is_set():
        try:
            await worker(stop)
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background worker crashed; restarting")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=2)
