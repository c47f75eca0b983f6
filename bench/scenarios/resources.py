"""Scenario 5: memory and CPU of each process, read from /proc (Linux)."""

from __future__ import annotations

import os
from pathlib import Path

from deploy.local.stack import Stack

TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def snapshot(stack: Stack) -> dict[str, tuple[float, float]]:
    """(RSS MB, CPU seconds so far) per process."""
    return {name: (rss_mb(p.pid), cpu_seconds(p.pid)) for name, p in stack.processes.items() if p.poll() is None}
