"""One benchmark run against a started stack: seed, then every scenario in turn, then the report body.

Order matters on a shared store: the CSV import (scenario 4) adds the most
customers, so it runs last, after the reads it would slow down.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import sections
from bench.environment import JWT_SECRET, REQUEST_BUDGET
from bench.load import closed_loop
from bench.quiet import wait_until_quiet
from bench.scenarios import csv_import, customer360, ingestion, lag, profiling, resources, search
from bench.seed import import_customers, publish_purchases, seed_customers, wait_for_accounts
from bench.seed_sections import sample, seed_coupons, seed_messages
from bench.targets import Target
from deploy.local.stack import Stack
from gateway.auth import mint_token

LOYALTY_PROFILE_SECONDS = 10  # py-spy on loyalty from the start of the ingestion scenario
LAG_CUSTOMERS = 25  # under the gateway's 30-alias limit: one poll query covers them all


def progress(message: str) -> None:
    print(f"[bench {datetime.now(UTC).strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _timed(label: str) -> Callable[[], float]:
    started = time.perf_counter()
    progress(label)
    return lambda: time.perf_counter() - started


async def measure(stack: Stack, options: argparse.Namespace, out: Path) -> tuple[str, list[Target]]:
    """The report body (sections in scenario order) and every target's outcome."""
    parts: dict[str, str] = {}
    targets: list[Target] = []
    seeded = await _seed(stack, options, parts)
    token = mint_token("bench", ["ADMIN"], JWT_SECRET)
    limits = httpx.Limits(max_connections=128, max_keepalive_connections=128)
    headers = {"Authorization": f"Bearer {token}"}
    timeout = REQUEST_BUDGET + 30
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, limits=limits, timeout=timeout) as http:
        targets += await _reads(stack, http, seeded, options, out, parts)
        targets += await _writes(stack, http, seeded, options, out, parts)
    progress(f"scenario 4: CSV import of {options.import_rows} rows")
    imported_rows = await csv_import.run(
        stack, options.import_rows, lambda: _quiet(stack, "the import or its raw rate")
    )
    parts["4"] = sections.csv_import(imported_rows, out)
    targets += imported_rows.targets()
    return "\n".join(parts[key] for key in sorted(parts)), sorted(targets, key=lambda t: t.scenario)


@dataclass
class Seeded:
    customers: list[tuple[str, str]]  # (id, mobile), imported
    tracked: list[tuple[str, str]]  # registered, bought for only by the lag scenario
    with_coupons: list[str]
    idle: dict[str, tuple[float, float]]  # (RSS MB, CPU s) per process once seeded

    @property
    def ids(self) -> list[str]:
        return [c for c, _ in self.customers]


async def _seed(stack: Stack, options: argparse.Namespace, parts: dict[str, str]) -> Seeded:
    took = _timed(f"seeding {options.customers} customers by CSV import")
    customers = await import_customers(stack, options.customers)
    imported = took()
    tracked = await seed_customers(stack.config.address("profile"), LAG_CUSTOMERS)
    accounts = await wait_for_accounts(stack, len(customers) + len(tracked))
    ids = [c for c, _ in customers]
    took = _timed("seeding coupons and messages")
    with_coupons = sample(ids, options.coupon_share)
    coupons = await seed_coupons(stack.config.address("coupons"), with_coupons)
    messages = await seed_messages(stack.config.address("messaging"), sample(ids, options.message_share, seed=5))
    sectioned = took()
    took = _timed(f"publishing {options.purchases} purchases of history, waiting until loyalty stored them")
    await publish_purchases(
        stack.config.kafka_bootstrap, f"{stack.config.topic_prefix}purchases", customers, options.purchases
    )
    await ingestion.wait_history(stack, options.purchases)
    parts["0"] = sections.seed(
        len(customers), imported, len(tracked), accounts, coupons, messages, sectioned, options, took()
    )
    return Seeded(customers, tracked, with_coupons, resources.snapshot(stack))


async def _quiet(stack: Stack, before: str) -> float:
    """Lets the consumers finish what the last step gave them, so the next one has the store to itself."""
    took = await wait_until_quiet(stack)
    progress(f"consumers caught up after {took:.1f}s (before {before})")
    return took


def cpu_probe(stack: Stack) -> Callable[[], dict[str, float]]:
    """CPU seconds so far of each process of the stack and of the store."""
    return lambda: {name: cpu_s for name, (_, cpu_s) in resources.snapshot(stack, with_store=True).items()}


async def _reads(
    stack: Stack, http: httpx.AsyncClient, seeded: Seeded, options: argparse.Namespace, out: Path, parts: dict[str, str]
) -> list[Target]:
    """Scenarios 1, 2, 5 and 6, on the seeded data before the write scenarios grow it."""
    levels = [int(level) for level in options.levels.split(",")]
    await _quiet(stack, "scenario 1")
    progress(f"scenario 1: customer360 at concurrency {levels}, {options.seconds}s each")
    resources.reset_peaks(stack)

    full = await customer360.run(
        stack, http, seeded.ids, levels, options.seconds, cpu_probe(stack), seeded.with_coupons[0]
    )
    parts["1"] = sections.customer360(full, options, out)
    parts["5"] = sections.resources(seeded.idle, resources.peaks(stack), full, out)

    firsts = [int(f) for f in options.firsts.split(",")]
    progress(f"scenario 2: customers(first: {firsts})")
    page = await search.run(http, firsts, options.seconds / 2, [1, 8])
    parts["2"] = sections.search(page, out)

    progress("scenario 6: profiling the gateway at concurrency 32")
    collapsed = out / "gateway-profile.txt"
    sampler = profiling.start_sampling(stack.processes["gateway"].pid, int(options.seconds), collapsed)
    await closed_loop("gateway", customer360.gateway_call(http), seeded.ids, 32, options.seconds)
    sampler.wait()
    stderr = sampler.stderr.read().decode()[:300] if sampler.stderr else ""
    parts["6"] = sections.profile(collapsed, options.seconds, profiling.RATE, stderr)
    return full.targets() + page.targets()


async def _writes(
    stack: Stack, http: httpx.AsyncClient, seeded: Seeded, options: argparse.Namespace, out: Path, parts: dict[str, str]
) -> list[Target]:
    """Scenario 3: ingestion as fast as possible, then the lag at each steady rate."""
    await _quiet(stack, "scenario 3")
    progress(f"scenario 3: ingestion of {options.ingest} events")
    sampler = profiling.start_sampling(
        stack.processes["loyalty"].pid, LOYALTY_PROFILE_SECONDS, out / "loyalty-profile.txt"
    )
    ingest = await ingestion.run(stack, seeded.customers, options.ingest, options.purchases, cpu_probe(stack))
    sampler.wait()
    parts["3b"] = sections.loyalty_profile(out / "loyalty-profile.txt", LOYALTY_PROFILE_SECONDS, profiling.RATE)
    lagged: list[lag.LagResult] = []
    topic = f"{stack.config.topic_prefix}purchases"
    published = options.purchases + options.ingest
    for asked in options.lag_rates.split(","):
        # "auto": half the ingestion rate just measured, a load it sustains, so queueing is not all the lag shows.
        rate = round(ingest.events_per_second / 2, 1) if asked == "auto" else float(asked)
        await ingestion.wait_history(stack, published)  # the previous run's backlog would count as lag
        progress(f"scenario 3: lag at {rate:g}/s for {options.lag_seconds}s")
        lagged.append(
            await lag.run(
                stack.config.kafka_bootstrap, topic, http, seeded.tracked, seeded.customers, rate, options.lag_seconds
            )
        )
        published += lagged[-1].published
    parts["3"] = sections.ingestion(ingest, lagged, out)
    return ingest.targets() + lagged[0].targets()
