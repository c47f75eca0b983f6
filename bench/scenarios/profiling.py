"""Scenario 6: where the gateway spends its time under load, sampled by py-spy from outside the process."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

RATE = 200  # samples per second


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
            str(RATE),
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


# Where a CPU sample is spent: the first of these (in this order) that any frame of its stack names.
_CATEGORIES = (
    ("graphql/validation", "GraphQL validation"),
    ("query_depth_limiter", "query limits (depth, cost, tokens, aliases)"),
    ("query_cost", "query limits (depth, cost, tokens, aliases)"),
    ("gateway/guards", "query limits (depth, cost, tokens, aliases)"),
    ("graphql/language/parser", "GraphQL parsing"),
    ("graphql/language/lexer", "GraphQL parsing"),
    ("dataloader", "DataLoaders"),
    ("grpc/", "gRPC client (calls, protobuf)"),
    ("protobuf", "gRPC client (calls, protobuf)"),
    ("gateway/features", "resolvers (gateway/features)"),
    ("graphql/execution", "GraphQL execution"),
    ("strawberry/schema", "GraphQL execution"),
    ("json", "JSON encoding and decoding"),
    ("starlette", "HTTP (uvicorn, starlette)"),
    ("uvicorn", "HTTP (uvicorn, starlette)"),
    ("asyncio", "event loop"),
)


def categories(collapsed: Path) -> list[tuple[str, float]]:
    """(category, % of CPU samples), each sample counted once, in the first category its stack names."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack or not samples.isdigit():
            continue
        total += int(samples)
        counts[_category(stack.split(";"))] += int(samples)
    return [(name, 100 * n / total) for name, n in counts.most_common()] if total else []


def _category(frames: list[str]) -> str:
    for needle, name in _CATEGORIES:
        if any(needle in frame for frame in frames):
            return name
    return "other"


def samples(collapsed: Path) -> int:
    return sum(
        int(n) for _, _, n in (line.rpartition(" ") for line in collapsed.read_text().splitlines()) if n.isdigit()
    )
