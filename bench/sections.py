"""The report's sections, one function per scenario: Markdown text, and the plots it links to."""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import report
from bench.scenarios import profiling
from bench.scenarios.csv_import import ImportResult
from bench.scenarios.customer360 import Customer360Result
from bench.scenarios.ingestion import IngestionResult
from bench.scenarios.lag import LagResult
from bench.scenarios.search import SearchResult
from bench.targets import Target, summary


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines) + "\n"


def targets(found: list[Target]) -> str:
    met = sum(t.met for t in found)
    return f"## Targets: {met} of {len(found)} met\n\n" + report.table(summary(found))


def seed(
    customers: int,
    imported: float,
    tracked: int,
    accounts: float,
    coupons: int,
    messages: int,
    sectioned: float,
    options: argparse.Namespace,
    published: float,
) -> str:
    return "## Seed\n\n" + _bullets(
        [
            f"{customers} customers through the profile service's ImportCustomers (one CSV, its bulk write path) "
            f"in {imported:.1f}s = {customers / imported:.0f}/s; {tracked} more through RegisterCustomer for the lag "
            f"scenario; loyalty held every account {accounts:.1f}s later (CustomerRegistered consumer)",
            f"{coupons} coupons (3 campaigns, StartBulkIssue) for {options.coupon_share:.0%} of the customers and "
            f"{messages} SMS (SendMessage, 2 each) for {options.message_share:.0%}, in {sectioned:.1f}s",
            f"{options.purchases} purchases of history published on `purchases` in {published:.1f}s (Zipf over "
            "customers, stores, categories) and ingested by loyalty before scenario 3's own events",
        ]
    )


def customer360(result: Customer360Result, options: argparse.Namespace, out: Path) -> str:
    report.latency_plot(result.runs, out / "customer360.png", "customer360 (full query)")
    return (
        "## 1. customer360, full query\n\n"
        f"Query: every section of the exported schema (bench/full_query.py), 20 items per list, each coupon's "
        f"campaign; random seeded customers; closed loop, {options.seconds:g}s per variant and level. "
        "direct: the same RPCs from a plain asyncio gRPC client, all at once then the campaigns; naive: the same "
        "RPCs awaited one after another. RPCs per request for a customer with coupons:\n\n"
        + report.table(result.rpc_rows())
        + "\n"
        + report.table([r.row() for r in result.runs])
        + "\n"
        + _bullets(result.findings())
        + "\n![customer360](customer360.png)\n\n"
        "Each backend call of the query alone (concurrency 1, random customers): the direct variant's time is "
        "about the slowest of them plus the campaigns call, the naive variant's their sum.\n\n"
        + report.table([{k: v for k, v in r.row().items() if k != "concurrency"} for r in result.per_rpc])
    )


def search(result: SearchResult, out: Path) -> str:
    report.by_first_plot(result.runs, out / "search.png", "customers(query, first) with loyalty, coupons, metrics")
    return (
        "## 2. customers(query, first) with loyalty, coupons and metrics\n\n"
        '`customers(query: "Bench", field: NAME, first: N)`, each customer\'s loyalty, active coupons (5) and '
        "metrics. RPCs per request from the gateway's own count (`extensions.rpcCalls`):\n\n"
        + report.table(result.rows())
        + "\nLatency, closed loop:\n\n"
        + report.table([r.row() for r in result.runs])
        + "\n![search](search.png)\n"
    )


def ingestion(ingest: IngestionResult, lagged: list[LagResult], out: Path) -> str:
    curves = {f"{r.rate:g} events/s": (r.lags, len(r.lags) + r.unseen) for r in lagged}
    report.cdf_plot(curves, out / "lag.png", "publish -> visible in customer360", "s", 1.0)
    return (
        "## 3. Purchase ingestion\n\n"
        + _bullets(ingest.findings())
        + "\nEnd-to-end lag at a steady rate (one event in four goes to tracked customers; visible when "
        "customer360's `metrics.orders` counts it; polled every 50 ms with one aliased query; an event still "
        "unseen 60 s after the last publish counts as infinitely late):\n\n"
        + report.table([r.row() for r in lagged])
        + "\n"
        + _bullets([line for r in lagged for line in r.findings()])
        + "\n![lag](lag.png)\n"
    )


def csv_import(result: ImportResult, out: Path) -> str:
    report.grouped_bars(
        {"CSV import": {"rows/s": result.rows_per_second}, "raw insert_many": {"rows/s": result.raw_per_second}},
        out / "import.png",
        "CSV import against the raw write of its documents",
        "rows/s",
    )
    return "## 4. CSV import\n\n" + _bullets(result.findings()) + "\n![import](import.png)\n"


def resources(idle: dict[str, tuple[float, float]], peaks: dict[str, float], full: Customer360Result, out: Path) -> str:
    requests = max(full.gateway_requests, 1)
    wall = sum(r.elapsed for r in full.runs if r.label == "gateway") or float("nan")
    names = list(idle) + [n for n in full.gateway_cpu if n not in idle]
    rows = [
        {
            "process": name,
            "idle RSS MB": round(idle[name][0], 1) if name in idle else "-",
            "peak RSS MB in scenario 1": round(peaks[name], 1) if name in peaks else "-",
            "CPU s per 1,000 customer360": round(1000 * full.gateway_cpu.get(name, 0.0) / requests, 2),
            "cores busy (CPU s per wall s)": round(full.gateway_cpu.get(name, 0.0) / wall, 2),
        }
        for name in names
    ]
    report.grouped_bars(
        {name: {"idle": idle[name][0], "peak in scenario 1": peaks.get(name, 0.0)} for name in idle},
        out / "rss.png",
        "RSS per process",
        "MB",
    )
    return (
        "## 5. Resource use\n\n"
        "Idle: after seeding. Peak: the kernel's high-water mark (VmHWM, reset before scenario 1). CPU: each "
        f"process's CPU time during the gateway variant's runs of scenario 1 only ({wall:.0f}s, "
        f"{full.gateway_requests} requests, all levels). FerretDB is shared infra: other work on the machine "
        "shows in its figures too.\n\n" + report.table(rows) + "\n![rss](rss.png)\n"
    )


def profile(collapsed: Path, seconds: float, rate: int, error: str) -> str:
    frames = profiling.top_frames(collapsed) if collapsed.exists() else []
    if not frames:
        return f"## 6. Gateway profile\n\n(py-spy gave no samples: {error})\n"
    busy = profiling.samples(collapsed) / (rate * seconds)
    return (
        "## 6. Gateway profile under scenario 1 (concurrency 32, py-spy, CPU samples only)\n\n"
        f"The gateway was on CPU in {busy:.0%} of the {seconds:g}s sampled ({rate} samples/s, idle waits "
        "not sampled). Where those samples went, each counted once, in the first part (in this order) "
        "that its stack names:\n\n"
        + report.table([{"part": c, "% of CPU samples": round(v, 1)} for c, v in profiling.categories(collapsed)])
        + "\nTop 10 frames by own time:\n\n"
        + report.table([{"frame": f, "self %": round(s, 1), "inclusive %": round(i, 1)} for f, s, i in frames])
    )


def loyalty_profile(collapsed: Path, seconds: float, rate: int) -> str:
    """Where loyalty spent its CPU while the ingestion scenario's events went in."""
    frames = profiling.top_frames(collapsed) if collapsed.exists() else []
    if not frames:
        return "### Loyalty during ingestion\n\n(py-spy gave no samples)\n"
    busy = profiling.samples(collapsed) / (rate * seconds)
    return (
        f"### Loyalty during ingestion (py-spy, the scenario's first {seconds:g}s, CPU samples only)\n\n"
        f"Loyalty was on CPU in {busy:.0%} of the time sampled; the rest it waited, mostly on the store "
        "(its cores busy are in the findings above). Top 10 frames by own time:\n\n"
        + report.table([{"frame": f, "self %": round(s, 1), "inclusive %": round(i, 1)} for f, s, i in frames])
    )
