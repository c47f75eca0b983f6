"""Scenario 1: the full customer360 query against its lower bound (direct) and a naive client.

All three variants make the same backend calls (bench/direct_calls.py); the run
checks that against the gateway's own per-backend count before measuring, and
records each process's CPU time during the gateway's runs alone.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx

from bench import direct_calls
from bench.full_query import customer360_query
from bench.load import closed_loop
from bench.stats import Run, ratio
from bench.targets import Target
from deploy.local.stack import Stack

CpuProbe = Callable[[], dict[str, float]]


@dataclass
class Customer360Result:
    runs: list[Run] = field(default_factory=list)
    gateway_rpcs: dict[str, int] = field(default_factory=dict)
    direct_rpcs: dict[str, int] = field(default_factory=dict)
    gateway_cpu: Counter[str] = field(default_factory=Counter)  # CPU s per process during gateway runs
    per_rpc: list[Run] = field(default_factory=list)  # each backend call alone, concurrency 1
    cpu_per_request: dict[str, float] = field(default_factory=dict)  # at concurrency 1, all processes, seconds

    @property
    def gateway_requests(self) -> int:
        return sum(len(r.latencies) for r in self.runs if r.label == "gateway")

    def rpc_rows(self) -> list[dict[str, object]]:
        backends = sorted(set(self.gateway_rpcs) | set(self.direct_rpcs))
        return [
            {
                "backend": b,
                "gateway (extensions.rpcCalls)": self.gateway_rpcs.get(b, 0),
                "direct and naive": self.direct_rpcs.get(b, 0),
            }
            for b in backends
        ]

    def _by(self) -> dict[tuple[str, int], Run]:
        return {(r.label, r.concurrency): r for r in self.runs}

    def targets(self) -> list[Target]:
        by = self._by()
        found = []
        if ("gateway", 1) in by:
            slower = ratio(by["gateway", 1].p(0.5), by["direct", 1].p(0.5))
            found.append(Target.at_most("1", "gateway p50 at concurrency 1 vs direct", slower, 1.5, "x"))
            speedup = ratio(by["naive", 1].p(0.5), by["gateway", 1].p(0.5))
            found.append(Target.at_least("1", "gateway p50 speed-up over naive at concurrency 1", speedup, 2.0, "x"))
        if ("gateway", 32) in by:
            share = ratio(by["gateway", 32].throughput, by["direct", 32].throughput)
            found.append(Target.at_least("1", "gateway throughput at concurrency 32 vs direct", share, 0.6, "x"))
        same = self.gateway_rpcs == self.direct_rpcs
        found.append(Target.at_most("1", "RPCs per backend: direct differs from gateway", 0.0 if same else 1.0, 0.0))
        return found

    def speedup_ceiling(self, cores: int) -> float | None:
        """The most any client could gain over naive at concurrency 1 on `cores` cores: a request's CPU work
        (every process, the store included) cannot take less than that work spread over every core."""
        by = self._by()
        work = self.cpu_per_request.get("gateway")
        if ("naive", 1) not in by or not work:
            return None
        return by["naive", 1].p(0.5) / (work / cores)

    def findings(self) -> list[str]:
        by = self._by()
        lines = []
        cores = os.cpu_count() or 1
        if (ceiling := self.speedup_ceiling(cores)) is not None:
            per_request = ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in sorted(self.cpu_per_request.items()))
            lines.append(
                f"CPU per request at concurrency 1, every process and the store summed: {per_request}; on {cores} "
                f"cores no client can beat naive by more than {ceiling:.2f}x (naive p50 / (gateway CPU / cores))"
            )
        for level in sorted({r.concurrency for r in self.runs}):
            g, d, n = by["gateway", level], by["direct", level], by["naive", level]
            lines.append(
                f"concurrency {level}: gateway p50 = {ratio(g.p(0.5), d.p(0.5)):.2f}x direct, "
                f"naive p50 = {ratio(n.p(0.5), g.p(0.5)):.2f}x gateway, "
                f"gateway throughput = {ratio(g.throughput, d.throughput):.0%} of direct"
                + (
                    f", errors gateway/direct/naive {g.errors}/{d.errors}/{n.errors}"
                    if g.errors + d.errors + n.errors
                    else ""
                )
            )
        return lines


def gateway_call(http: httpx.AsyncClient) -> Callable[[str], Awaitable[dict[str, object]]]:
    """One full customer360 through the gateway; a response with errors counts as a failure."""
    query = customer360_query()

    async def gateway(customer_id: str) -> dict[str, object]:
        reply = await http.post("/graphql", json={"query": query, "variables": {"id": customer_id}})
        body = reply.json()
        if reply.status_code != 200 or body.get("errors") or not body["data"]["customer360"]:
            raise RuntimeError(str(body)[:300])
        return dict(body)

    return gateway


async def run(
    stack: Stack,
    http: httpx.AsyncClient,
    ids: Sequence[str],
    levels: Sequence[int],
    seconds: float,
    cpu: CpuProbe,
    probe_id: str,
) -> Customer360Result:
    """`probe_id`: a customer with coupons, so the per-backend RPC check covers the campaigns call too."""
    backends = direct_calls.Backends.open(stack)
    result = Customer360Result()
    gateway = gateway_call(http)

    async def direct(customer_id: str) -> None:
        await direct_calls.concurrently(backends, customer_id)

    async def naive(customer_id: str) -> None:
        await direct_calls.one_after_another(backends, customer_id)

    try:
        extensions = (await gateway(probe_id)).get("extensions") or {}
        result.gateway_rpcs = dict(extensions.get("rpcCalls", {}))  # type: ignore[attr-defined]
        result.direct_rpcs = dict(await direct_calls.concurrently(backends, probe_id))
        for call in (gateway, direct, naive):  # warm-up: connections, caches, lazy imports
            await closed_loop(call.__name__, call, ids, 4, 1.0)
        for backend, method, rpc in direct_calls.LIST_CALLS:

            async def alone(customer_id: str, rpc: direct_calls.Call = rpc) -> None:
                await rpc(backends, customer_id)

            result.per_rpc.append(await closed_loop(f"{backend}.{method}", alone, ids, 1, min(seconds / 4, 2.0)))
        for level in levels:
            for label, call in (("gateway", gateway), ("direct", direct), ("naive", naive)):
                before = cpu()
                result.runs.append(await closed_loop(label, call, ids, level, seconds))
                after = cpu()
                spent = {k: after[k] - before[k] for k in after if k in before}
                if label == "gateway":
                    result.gateway_cpu.update(spent)
                if level == 1 and result.runs[-1].latencies:
                    result.cpu_per_request[label] = sum(spent.values()) / len(result.runs[-1].latencies)
    finally:
        await backends.close()
    return result
