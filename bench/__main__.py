"""`make bench`: seeds a fresh stack, runs every scenario, writes bench/results/<time>/report.md and plots.

Figures are ratios measured side by side in one run (these 2-core machines are
noisy); absolute numbers are printed for context only.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.environment import JWT_SECRET, REPO, running_stack
from bench.scenarios import customer360, ingestion, profiling, resources
from bench.seed import publish_purchases, seed_customers
from deploy.local.stack import Stack
from gateway.auth import mint_token


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--purchases", type=int, default=200_000, help="seeded history")
    parser.add_argument("--ingest", type=int, default=50_000, help="events of the ingestion scenario")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each load level")
    parser.add_argument("--levels", default="1,8,32,64")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    if options.quick:
        options.customers, options.purchases, options.ingest, options.seconds = 300, 2_000, 2_000, 3.0
    return options


def _progress(message: str) -> None:
    print(f"[bench {datetime.now(UTC).strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def _measure(stack: Stack, options: argparse.Namespace, out: Path) -> str:
    sections: list[str] = []
    _progress(f"seeding {options.customers} customers")
    started = time.perf_counter()
    customers = await seed_customers(stack.config.address("profile"), options.customers)
    seeded_customers = time.perf_counter() - started
    _progress(f"customers seeded in {seeded_customers:.1f}s; publishing {options.purchases} purchases")
    await publish_purchases(
        stack.config.kafka_bootstrap, f"{stack.config.topic_prefix}purchases", customers, options.purchases
    )
    idle = resources.snapshot(stack)
    _progress(f"ingestion scenario: {options.ingest} more events (waits for the history too)")
    ingest = await ingestion.run(stack, customers, options.ingest)  # also waits for the seeded history
    sections.append(
        "## Seed\n\n"
        f"{len(customers)} customers through RegisterCustomer in {seeded_customers:.1f}s; "
        f"{options.purchases} purchases published on `purchases` (Zipf over customers, stores, categories) "
        "and ingested by loyalty before the ingestion scenario's own events.\n"
    )

    ids = [customer_id for customer_id, _ in customers]
    levels = [int(level) for level in options.levels.split(",")]
    token = mint_token("bench", ["ADMIN"], JWT_SECRET)
    before = resources.snapshot(stack)
    _progress(f"customer360 at concurrency {levels}")
    runs = await customer360.run(stack, token, ids, levels, options.seconds)
    after = resources.snapshot(stack)
    report.latency_plot(runs, out / "customer360.png", "customer360 (full query)")
    gateway_requests = sum(len(r.latencies) for r in runs if r.label == "gateway")
    sections.append(
        "## 1. customer360, full query\n\n"
        f"Query: every section of the exported schema, 20 items per list. {options.seconds:.0f}s per level.\n\n"
        + report.table([r.row() for r in runs])
        + "\n"
        + "\n".join(f"- {line}" for line in customer360.findings(runs))
        + "\n\n![customer360](customer360.png)\n"
    )

    sections.append("## 3. Purchase ingestion\n\n" + "\n".join(f"- {line}" for line in ingest.findings()) + "\n")

    busy_cpu = {name: after[name][1] - before[name][1] for name in after}
    per_thousand = {name: 1000 * cpu / max(gateway_requests, 1) for name, cpu in busy_cpu.items()}
    rows = [
        {
            "process": name,
            "idle RSS MB": round(idle[name][0], 1),
            "RSS MB after scenario 1": round(after[name][0], 1),
            "CPU s per 1,000 customer360 (all variants' load)": round(per_thousand[name], 2),
        }
        for name in after
    ]
    report.bar_plot({n: after[n][0] for n in after}, out / "rss.png", "RSS after scenario 1", "MB")
    sections.append(
        "## 5. Resource use\n\n"
        "CPU per 1,000 requests divides each process's CPU time during scenario 1 by the gateway requests "
        "served; backends also served the direct and naive variants in that window.\n\n"
        + report.table(rows)
        + "\n![rss](rss.png)\n"
    )

    _progress("profiling the gateway")
    collapsed = out / "gateway-profile.txt"
    sampler = profiling.start_sampling(stack.processes["gateway"].pid, int(options.seconds), collapsed)
    await customer360.run(stack, token, ids, [32], options.seconds)
    sampler.wait()
    frames = profiling.top_frames(collapsed) if collapsed.exists() else []
    sections.append(
        "## 6. Gateway profile under scenario 1 (concurrency 32, py-spy)\n\n"
        + report.table([{"frame": f, "self %": round(s, 1), "inclusive %": round(i, 1)} for f, s, i in frames])
        + (
            ""
            if frames
            else f"\n(py-spy gave no samples: {sampler.stderr.read().decode()[:300] if sampler.stderr else ''})\n"
        )
    )
    return "\n".join(sections)


def main() -> None:
    options = _arguments()
    out = options.out or REPO / "bench" / "results" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    with running_stack(out) as stack:
        body = asyncio.run(_measure(stack, options, out))
    header = (
        f"# Customer 360 benchmark report\n\n{datetime.now(UTC).isoformat(timespec='seconds')} on "
        f"{platform.node()} ({platform.machine()}, {platform.python_version()}), sizes: "
        f"{options.customers} customers, {options.purchases} seeded purchases, {options.ingest} ingested.\n\n"
    )
    (out / "report.md").write_text(header + body)
    print(out / "report.md")


if __name__ == "__main__":
    main()
