"""Scenario 2: a page of `customers(query, first)` with loyalty, coupons and metrics per customer.

The gateway batches per field level, so its RPCs per request must not grow with
`first`; the count is the gateway's own (`extensions.rpcCalls`, test mode).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from bench.load import closed_loop
from bench.stats import Run
from bench.targets import Target

QUERY = """query Page($q: String!, $first: Int!) {
  customers(query: $q, field: NAME, first: $first) {
    edges { node { id
      loyalty { pointsBalance tier lifetimePoints }
      coupons { active(first: 5) { edges { node { code expiresAt } } } }
      metrics { lifetimeSpend orders averageTransactionValue lastTransactionAt }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""
SEARCH = "Bench"  # every seeded customer's first name starts with it (bench/seed.py)


@dataclass
class SearchResult:
    rpc_calls: dict[int, dict[str, int]] = field(default_factory=dict)  # first -> {backend: calls}
    returned: dict[int, int] = field(default_factory=dict)  # first -> customers in the page
    runs: list[Run] = field(default_factory=list)

    def totals(self) -> dict[int, int]:
        return {first: sum(calls.values()) for first, calls in self.rpc_calls.items()}

    def rows(self) -> list[dict[str, object]]:
        return [
            {
                "first": first,
                "customers returned": self.returned[first],
                "RPCs per request": total,
                "per backend": ", ".join(f"{k} {v}" for k, v in sorted(self.rpc_calls[first].items())),
            }
            for first, total in self.totals().items()
        ]

    def targets(self) -> list[Target]:
        totals = list(self.totals().values())
        spread = max(totals) - min(totals) if totals else 0
        return [
            Target.at_most(
                "2",
                f"RPCs per request constant in first ({', '.join(map(str, self.totals()))})",
                float(spread),
                0.0,
                unit=" RPCs of spread",
            )
        ]


async def run(
    http: httpx.AsyncClient, firsts: Sequence[int], seconds: float, concurrency: Sequence[int]
) -> SearchResult:
    result = SearchResult()

    async def page(first: int) -> dict[str, object]:
        reply = await http.post("/graphql", json={"query": QUERY, "variables": {"q": SEARCH, "first": first}})
        body = reply.json()
        if reply.status_code != 200 or body.get("errors"):
            raise RuntimeError(str(body)[:300])
        return dict(body)

    for first in firsts:
        body = await page(first)
        result.rpc_calls[first] = dict(body.get("extensions", {}).get("rpcCalls", {}))  # type: ignore[attr-defined]
        result.returned[first] = len(body["data"]["customers"]["edges"])  # type: ignore[index]

    for first in firsts:
        for level in concurrency:

            async def call(_: str, first: int = first) -> None:
                await page(first)

            run = await closed_loop(f"first={first}", call, ["-"], level, seconds)
            result.runs.append(run)
    return result
