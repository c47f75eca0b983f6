"""Scenario 5: memory and CPU of each process, read from /proc (Linux)."""

from __future__ import annotations

import contextlib
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


def store_pids() -> dict[str, int]:
    """The local FerretDB process(es), found by command line: shared infra, so its figures are not ours alone."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                command = (entry / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
                if "ferretdb" in Path(command).name.lower():
                    found[f"ferretdb ({entry.name}, shared)"] = int(entry.name)
    return found


def snapshot(stack: Stack, with_store: bool = False) -> dict[str, tuple[float, float]]:
    """(RSS MB, CPU seconds so far) per process of the stack, and of the store when asked."""
    pids = {name: p.pid for name, p in stack.processes.items() if p.poll() is None}
    if with_store:
        pids.update(store_pids())
    found = {}
    for name, pid in pids.items():
        with contextlib.suppress(OSError):
            found[name] = (rss_mb(pid), cpu_seconds(pid))
    return found


def peak_rss_mb(pid: int) -> float:
    """The kernel's high-water mark of the process's RSS (since start or the last reset)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak_rss(pid: int) -> None:
    """Resets VmHWM to the current RSS (Linux clear_refs 5); harmless where not permitted."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def reset_peaks(stack: Stack) -> None:
    for process in stack.processes.values():
        reset_peak_rss(process.pid)


def peaks(stack: Stack) -> dict[str, float]:
    return {name: peak_rss_mb(p.pid) for name, p in stack.processes.items() if p.poll() is None}
