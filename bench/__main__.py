"""`make bench`: seeds a fresh stack, runs every scenario, writes bench/results/<time>/report.md and plots.

Figures are ratios measured side by side in one run (these 2-core machines are
noisy); absolute numbers are printed for context only. `--quick` is a smoke run
with small sizes; every size is an option, and the report states the ones used.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import shutil
from datetime import UTC, datetime
from pathlib import Path

from bench import sections
from bench.environment import REPO, running_stack
from bench.measure import measure

QUICK = {
    "customers": 300,
    "purchases": 1_000,
    "ingest": 1_000,
    "seconds": 3.0,
    "lag_seconds": 5.0,
    "import_rows": 2_000,
    "levels": "1,8,32",
}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--purchases", type=int, default=200_000, help="seeded history")
    parser.add_argument("--ingest", type=int, default=50_000, help="events of the ingestion scenario")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each load level")
    parser.add_argument("--levels", default="1,8,32,64", help="concurrency levels of scenario 1")
    parser.add_argument("--firsts", default="1,10,25,50", help="page sizes of scenario 2")
    parser.add_argument(
        "--lag-rates",
        default="200,auto",
        help="events/s of the lag scenario: the target's rate, then others; auto: half the ingestion rate",
    )
    parser.add_argument("--lag-seconds", type=float, default=20.0, help="duration of the lag scenario")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the CSV import scenario")
    parser.add_argument("--coupon-share", type=float, default=0.3, help="share of customers given coupons")
    parser.add_argument("--message-share", type=float, default=0.1, help="share of customers sent messages")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default bench/results/<time>)")
    parser.add_argument("--publish", type=Path, default=None, help="also copy report.md and the plots here")
    options = parser.parse_args()
    if options.quick:
        for name, value in QUICK.items():
            setattr(options, name, value)
    return options


def _header(options: argparse.Namespace) -> str:
    return (
        f"# Customer 360 benchmark report\n\n{datetime.now(UTC).isoformat(timespec='seconds')} on "
        f"{platform.node()} ({platform.machine()}, Python {platform.python_version()}), one run of `python -m bench`"
        f"{' --quick' if options.quick else ''}. Sizes: {options.customers} customers, {options.purchases} seeded "
        f"purchases, {options.ingest} ingested, lag at {options.lag_rates} events/s for {options.lag_seconds:g}s each, "
        f"{options.import_rows} imported rows; {options.seconds:g}s per load level. The machine is shared: "
        "compare the ratios measured side by side, not the absolute numbers.\n\n"
    )


def main() -> None:
    options = _arguments()
    out = options.out or REPO / "bench" / "results" / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    with running_stack(out) as stack:
        body, found = asyncio.run(measure(stack, options, out))
    (out / "report.md").write_text(_header(options) + sections.targets(found) + "\n" + body)
    print(out / "report.md")
    if options.publish:  # the committed copy: the report and its plots, not the logs
        options.publish.mkdir(parents=True, exist_ok=True)
        for path in [out / "report.md", *out.glob("*.png")]:
            shutil.copy(path, options.publish / path.name)
        print(options.publish / "report.md")


if __name__ == "__main__":
    main()
