"""The benchmark report: one Markdown file and PNG plots in one folder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bench.stats import Run


def table(rows: Sequence[Mapping[str, object]]) -> str:
    if not rows:
        return "(no data)\n"
    headers = list(rows[0])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(row[h]) for h in headers) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def latency_plot(runs: list[Run], path: Path, title: str) -> None:
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(11, 4))
    for label in dict.fromkeys(r.label for r in runs):
        mine = sorted((r for r in runs if r.label == label), key=lambda r: r.concurrency)
        levels = [r.concurrency for r in mine]
        latency.plot(levels, [r.p(0.5) * 1000 for r in mine], marker="o", label=f"{label} p50")
        latency.plot(levels, [r.p(0.99) * 1000 for r in mine], linestyle="--", label=f"{label} p99")
        throughput.plot(levels, [r.throughput for r in mine], marker="o", label=label)
    latency.set(xlabel="concurrency", ylabel="ms", title=f"{title}: latency", xscale="log", yscale="log")
    throughput.set(xlabel="concurrency", ylabel="requests/s", title=f"{title}: throughput", xscale="log")
    latency.legend(fontsize=7)
    throughput.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def bar_plot(values: dict[str, float], path: Path, title: str, unit: str) -> None:
    figure, axis = plt.subplots(figsize=(7, 3.5))
    axis.bar(list(values), list(values.values()))
    axis.set(title=title, ylabel=unit)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
