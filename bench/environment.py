"""The stack under test: the very processes `make run` starts, on free ports with their own prefixes.

A benchmark run never shares topics or databases with a developer's stack or a
test run, and it owns the processes, so it can read their memory and CPU and
attach a sampling profiler to the gateway.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.errors import PyMongoError

from deploy.local.infra import ensure_infra
from deploy.local.stack import Stack, StackConfig

REPO = Path(__file__).resolve().parents[1]
JWT_SECRET = "benchmark-secret-that-is-at-least-32-bytes-long"
REQUEST_BUDGET = 180.0  # seconds, gateway and direct client alike


@contextlib.contextmanager
def running_stack(results_dir: Path) -> Iterator[Stack]:
    endpoints = ensure_infra()
    run_id = uuid.uuid4().hex[:8]
    stack = Stack(
        StackConfig.on_free_ports(
            kafka_bootstrap=endpoints.kafka_bootstrap,
            mongodb_uri=endpoints.mongodb_uri,
            log_dir=results_dir / "logs",
            topic_prefix=f"b{run_id}.",
            database_prefix=f"b{run_id}_",
            extra_env={
                "C360_JWT_SECRET": JWT_SECRET,
                "C360_ENV": "test",
                "C360_LOG_LEVEL": "WARNING",
                # The load comes from one token; the gateway's per-token rate limit would measure itself.
                "C360_GATEWAY_RATE_LIMIT_PER_SECOND": "0",
                # Queueing on a loaded 2-core box is measured as latency (so throughput at concurrency 32 and
                # 64 is measurable), not turned into DEADLINE_EXCEEDED errors by the 2 s production budget;
                # the direct client uses the same deadline.
                "C360_GATEWAY_REQUEST_BUDGET_SECONDS": str(REQUEST_BUDGET),
            },
        )
    )
    stack.start()
    try:
        asyncio.run(stack.wait_ready())
        yield stack
    finally:
        stack.stop()
        _drop_databases(endpoints.mongodb_uri, stack.config.database_prefix)


def _drop_databases(uri: str, prefix: str) -> None:
    """A run's data is only for that run: the next one starts from an empty store (the logs stay)."""
    client: MongoClient[dict[str, Any]] = MongoClient(uri, serverSelectionTimeoutMS=5000)
    with contextlib.suppress(PyMongoError), client:
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)
