"""Scenario 3b: end-to-end lag, publish on `purchases` to visible in `customer360`, at a steady rate.

A share of the events goes to a few tracked customers that nothing else buys
for; each tracked event is visible once the customer's `metrics.orders` in
customer360 reaches the count it makes (one partition per mobile keeps them in
order). One aliased query polls every tracked customer at once, so the poller
adds one batch RPC per round rather than one per event. The other events go to
the seeded customers (Zipf), so the stream is the full rate.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer

from bench.seed import purchase_event, zipf_index
from bench.stats import percentile
from bench.targets import Target

POLL_SECONDS = 0.05
TRACK_EVERY = 4  # one event in four is tracked


@dataclass
class LagResult:
    rate: float
    published: int
    achieved_rate: float
    lags: list[float] = field(default_factory=list)
    unseen: int = 0  # tracked events still invisible when the wait ended
    waited: float = 0.0

    def p(self, fraction: float) -> float:
        """Percentile over every tracked event; an unseen one counts as infinitely late."""
        values = sorted(self.lags) + [float("inf")] * self.unseen
        return percentile(values, fraction)

    def findings(self) -> list[str]:
        return [
            f"{self.rate:g}/s: published {self.published} events at {self.achieved_rate:.0f}/s, "
            f"{len(self.lags) + self.unseen} of them tracked",
            f"{self.rate:g}/s: lag publish -> visible in customer360: p50 {_ms(self.p(0.5))} ms, "
            f"p95 {_ms(self.p(0.95))} ms, p99 {_ms(self.p(0.99))} ms"
            + (f"; {self.unseen} not visible {self.waited:.0f}s after the last publish" if self.unseen else ""),
        ]

    def row(self) -> dict[str, object]:
        return {
            "asked events/s": f"{self.rate:g}",
            "published events/s": round(self.achieved_rate, 1),
            "tracked": len(self.lags) + self.unseen,
            "unseen at the end": self.unseen,
            "p50 ms": _ms(self.p(0.5)),
            "p95 ms": _ms(self.p(0.95)),
            "p99 ms": _ms(self.p(0.99)),
        }

    def targets(self) -> list[Target]:
        return [Target.at_most("3", f"lag p99 at a steady {self.rate:.0f} events/s", self.p(0.99), 1.0, " s")]


def _ms(seconds: float) -> str:
    return "never seen" if math.isinf(seconds) else f"{seconds * 1000:.0f}"


def _orders(data: dict[str, Any], alias: int) -> int:
    found = data.get(f"c{alias}") or {}
    return int((found.get("metrics") or {}).get("orders") or 0)


def _poll_query(customer_ids: list[str]) -> str:
    fields = " ".join(f'c{n}: customer360(id: "{c}") {{ metrics {{ orders }} }}' for n, c in enumerate(customer_ids))
    return f"query Lag {{ {fields} }}"


async def run(
    bootstrap: str,
    topic: str,
    http: httpx.AsyncClient,
    tracked: list[tuple[str, str]],
    others: list[tuple[str, str]],
    rate: float,
    seconds: float,
    wait: float = 60.0,
) -> LagResult:
    """`tracked` customers must have no purchases yet; `others` take the untracked share of the stream."""
    rng = random.Random(23)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
    await producer.start()
    expected: dict[str, int] = {c: 0 for c, _ in tracked}
    pending: list[tuple[str, int, float]] = []  # (customer id, orders it makes, published at)
    result = LagResult(rate=rate, published=0, achieved_rate=0.0)
    query = _poll_query([c for c, _ in tracked])
    done = asyncio.Event()

    async def poll() -> None:
        while not (done.is_set() and not pending):
            reply = (await http.post("/graphql", json={"query": query})).json()
            now = time.perf_counter()
            data = reply.get("data") or {}
            orders = {
                c: (data.get(f"c{n}") or {}).get("metrics", {}).get("orders", 0) for n, (c, _) in enumerate(tracked)
            }
            still = [(c, want, at) for c, want, at in pending if orders.get(c, 0) < want]
            result.lags.extend(now - at for c, want, at in pending if orders.get(c, 0) >= want)
            pending[:] = still
            await asyncio.sleep(POLL_SECONDS)

    poller = asyncio.create_task(poll())
    started = time.perf_counter()
    try:
        total = int(rate * seconds)
        for n in range(total):
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
            if n % TRACK_EVERY == 0:
                customer_id, mobile = tracked[(n // TRACK_EVERY) % len(tracked)]
            else:
                customer_id, mobile = others[zipf_index(len(others), rng)]
            event = purchase_event(mobile, rng, datetime.now(UTC))
            at = time.perf_counter()
            await producer.send(topic, json.dumps(event).encode(), key=mobile.encode())
            if customer_id in expected:
                expected[customer_id] += 1
                pending.append((customer_id, expected[customer_id], at))
        await producer.flush()
        result.published = total
        result.achieved_rate = total / (time.perf_counter() - started)
        done.set()
        await asyncio.wait_for(asyncio.shield(poller), timeout=wait)
    except TimeoutError:
        result.unseen = len(pending)
    finally:
        result.waited = wait
        poller.cancel()
        await producer.stop()
    return result
