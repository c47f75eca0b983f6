"""`make run`'s runner, started the way a script would (no terminal), stopped by SIGTERM, leaves nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from deploy.local.stack import SERVICES, free_port

REPO = Path(__file__).resolve().parents[2]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_run_starts_everything_prints_graphiql_and_stops_cleanly_on_sigterm(infra: Any, tmp_path: Path) -> None:
    run_id = uuid.uuid4().hex[:8]
    gateway_port = free_port()
    env = {
        **os.environ,
        # Existing servers named by env vars: the runner must use them and start no infrastructure.
        "C360_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "C360_MONGODB_URI": infra.mongodb_uri,
        "C360_TOPIC_PREFIX": f"r{run_id}.",
        "C360_DATABASE_PREFIX": f"r{run_id}_",
        "C360_GATEWAY_PORT": str(gateway_port),
        "C360_LOG_DIR": str(tmp_path / "logs"),
        **{f"C360_{name.upper()}_GRPC_ADDRESS": f"127.0.0.1:{free_port()}" for name in SERVICES},
    }
    runner = subprocess.Popen(
        [sys.executable, "-m", "deploy.local.run"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        assert runner.stdout is not None
        for line in runner.stdout:
            output.append(line)
            if "GraphiQL:" in line:
                break
        banner = "".join(output)
        assert f"http://127.0.0.1:{gateway_port}/graphql" in banner, banner
        children = _children(runner.pid)
        assert len(children) == len(SERVICES) + 1, banner
        assert httpx.get(f"http://127.0.0.1:{gateway_port}/readyz", timeout=5).status_code == 200
        graphiql = httpx.get(f"http://127.0.0.1:{gateway_port}/graphql", headers={"Accept": "text/html"}, timeout=5)
        assert graphiql.status_code == 200
        assert "graphiql" in graphiql.text.lower()

        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=60) == 0
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if _alive(pid)], "orphaned processes"
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
