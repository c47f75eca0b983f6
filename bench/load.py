"""A closed-loop load generator: N workers call one coroutine back to back for a fixed duration."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence

from bench.stats import Run

Call = Callable[[str], Awaitable[object]]


async def closed_loop(label: str, call: Call, ids: Sequence[str], concurrency: int, seconds: float) -> Run:
    """Each worker picks a random id, awaits the call, records its latency; failures are counted apart."""
    run = Run(label=label, concurrency=concurrency, elapsed=seconds)
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                await call(random.choice(ids))
            except Exception:
                run.errors += 1
                continue
            run.latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.elapsed = time.perf_counter() - started
    return run
