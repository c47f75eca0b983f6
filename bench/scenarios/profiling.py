"""Scenario 6: where the gateway spends its time under load, sampled by py-spy from outside the process."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path


def start_sampling(pid: int, seconds: int, output: Path) -> subprocess.Popen[bytes]:
    py_spy = Path(sys.executable).parent / "py-spy"
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(output),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def top_frames(collapsed: Path, count: int = 10) -> list[tuple[str, float, float]]:
    """(frame, self %, inclusive %) of the most expensive frames, from py-spy's collapsed stacks."""
    self_samples: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        n = int(samples)
        total += n
        frames = stack.split(";")
        self_samples[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    if not total:
        return []
    return [(frame, 100 * n / total, 100 * inclusive[frame] / total) for frame, n in self_samples.most_common(count)]
