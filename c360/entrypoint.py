"""The `python -m services.<name>` entry point every service shares."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from c360.logging import configure_logging
from c360.metrics import metrics_settings, serve_metrics
from c360.settings import InfraSettings
from c360.tracing import configure_tracing, shutdown_tracing

SettingsT = TypeVar("SettingsT")


class Runnable(Protocol):
    def run(self) -> Awaitable[None]: ...


def run_from_environment(
    service: str, settings: Callable[[], SettingsT], bootstrap: Callable[[InfraSettings, SettingsT], Runnable]
) -> None:
    """Reads settings from the environment (failing fast on bad values), then serves until SIGTERM."""
    infra = InfraSettings()
    configure_logging(service, infra.log_level)
    configure_tracing(service)
    if address := metrics_settings(service).metrics_address:
        serve_metrics(address)
    try:
        asyncio.run(_run(bootstrap(infra, settings())))
    finally:
        shutdown_tracing()


async def _run(service: Runnable) -> None:
    await service.run()
