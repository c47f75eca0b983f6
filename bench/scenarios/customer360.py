"""Scenario 1: the full customer360 query against its lower bound (direct) and a naive client."""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from bench import direct_calls
from bench.full_query import customer360_query
from bench.load import closed_loop
from bench.stats import Run
from deploy.local.stack import Stack


async def run(stack: Stack, token: str, ids: Sequence[str], levels: Sequence[int], seconds: float) -> list[Run]:
    query = customer360_query()
    limits = httpx.Limits(max_connections=max(levels) + 8, max_keepalive_connections=max(levels) + 8)
    headers = {"Authorization": f"Bearer {token}"}
    backends = direct_calls.Backends.open(stack)
    runs: list[Run] = []
    async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers, limits=limits, timeout=30) as http:

        async def gateway(customer_id: str) -> None:
            reply = await http.post("/graphql", json={"query": query, "variables": {"id": customer_id}})
            body = reply.json()
            if reply.status_code != 200 or body.get("errors") or not body["data"]["customer360"]:
                raise RuntimeError(str(body)[:300])

        async def direct(customer_id: str) -> None:
            await direct_calls.concurrently(backends, customer_id)

        async def naive(customer_id: str) -> None:
            await direct_calls.one_after_another(backends, customer_id)

        for call in (gateway, direct, naive):  # warm-up: connections, caches, JIT-free but lazy imports
            await closed_loop(call.__name__, call, ids, 4, 1.0)
        try:
            for level in levels:
                for label, call in (("gateway", gateway), ("direct", direct), ("naive", naive)):
                    runs.append(await closed_loop(label, call, ids, level, seconds))
        finally:
            await backends.close()
    return runs


def findings(runs: list[Run]) -> list[str]:
    """The targets of the issue, as measured ratios."""
    by = {(r.label, r.concurrency): r for r in runs}
    lines = []
    if ("gateway", 1) in by:
        ratio = by["gateway", 1].p(0.5) / by["direct", 1].p(0.5)
        lines.append(f"gateway p50 at concurrency 1 = {ratio:.2f}x direct (target <= 1.5x)")
    levels = sorted({r.concurrency for r in runs})
    for level in levels:
        speedup = by["naive", level].p(0.5) / by["gateway", level].p(0.5)
        lines.append(f"naive p50 / gateway p50 at concurrency {level} = {speedup:.2f}x (target >= 2x)")
    if ("gateway", 32) in by:
        share = by["gateway", 32].throughput / by["direct", 32].throughput
        lines.append(f"gateway throughput at concurrency 32 = {share:.0%} of direct (target >= 60%)")
    return lines
