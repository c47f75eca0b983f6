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


def grouped_bars(groups: dict[str, dict[str, float]], path: Path, title: str, unit: str) -> None:
    """One cluster of bars per group (e.g. per process: idle and peak RSS)."""
    names = list(groups)
    series = list(dict.fromkeys(k for values in groups.values() for k in values))
    width = 0.8 / max(len(series), 1)
    figure, axis = plt.subplots(figsize=(8, 3.8))
    for n, label in enumerate(series):
        xs = [i + n * width for i in range(len(names))]
        axis.bar(xs, [groups[g].get(label, 0.0) for g in names], width=width, label=label)
    axis.set_xticks([i + width * (len(series) - 1) / 2 for i in range(len(names))], names)
    axis.set(title=title, ylabel=unit)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def cdf_plot(
    curves: dict[str, tuple[list[float], int]], path: Path, title: str, unit: str, limit: float | None = None
) -> None:
    """Cumulative share of values up to x, one line per label, over (values, total): a line that stops below
    1 has values that never came (e.g. events never seen)."""
    figure, axis = plt.subplots(figsize=(7, 3.5))
    for label, (values, total) in curves.items():
        ordered = sorted(values)
        if ordered:
            axis.plot(ordered, [(i + 1) / max(total, 1) for i in range(len(ordered))], label=label)
    if limit is not None:
        axis.axvline(limit, color="red", linestyle="--", label=f"target {limit:g} {unit}")
    axis.legend(fontsize=8)
    axis.set(title=title, xlabel=unit, ylabel="share of events", xscale="log")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def by_first_plot(runs: list[Run], path: Path, title: str) -> None:
    """Latency against the page size `first` (labels `first=N`), one line per concurrency."""
    figure, axis = plt.subplots(figsize=(7, 3.5))
    for level in sorted({r.concurrency for r in runs}):
        mine = sorted((r for r in runs if r.concurrency == level), key=lambda r: int(r.label.split("=")[1]))
        firsts = [int(r.label.split("=")[1]) for r in mine]
        axis.plot(firsts, [r.p(0.5) * 1000 for r in mine], marker="o", label=f"concurrency {level} p50")
        axis.plot(firsts, [r.p(0.99) * 1000 for r in mine], linestyle="--", label=f"concurrency {level} p99")
    axis.set(title=title, xlabel="first", ylabel="ms")
    axis.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
