"""`python -m deploy.local.run --scale loyalty=2` starts two loyalty instances, lists their metrics endpoints,
and the gateway spreads its calls over both."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from deploy.local.stack import SERVICES, free_port
from tests.integration.conftest import random_mobile
from tests.integration.test_run_command import _children

REPO = Path(__file__).resolve().parents[2]
REGISTER = """
mutation Register($input: RegisterCustomerInput!) {
  registerCustomer(input: $input) { customer { id } userErrors { code } }
}"""
VIEW = "query View($id: ID!) { customer360(id: $id) { id loyalty { pointsBalance } } }"


def loyalty_calls(metrics_url: str) -> float:
    text = httpx.get(metrics_url, timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "c360_rpc_server_handled_total" and "LoyaltyService" in sample.labels["method"]
    )


def test_run_with_scale_starts_n_instances_and_the_gateway_balances_over_them(infra: Any, tmp_path: Path) -> None:
    run_id = uuid.uuid4().hex[:8]
    gateway_port = free_port()
    env = {
        **os.environ,
        "C360_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "C360_MONGODB_URI": infra.mongodb_uri,
        "C360_TOPIC_PREFIX": f"rs{run_id}.",
        "C360_DATABASE_PREFIX": f"rs{run_id}_",
        "C360_GATEWAY_PORT": str(gateway_port),
        "C360_LOG_DIR": str(tmp_path / "logs"),
        **{f"C360_{name.upper()}_GRPC_ADDRESS": f"127.0.0.1:{free_port()}" for name in SERVICES},
    }
    runner = subprocess.Popen(
        [sys.executable, "-m", "deploy.local.run", "--scale", "loyalty=2"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        banner = read_banner(runner)
        assert len(_children(runner.pid)) == len(SERVICES) + 2, banner
        metrics = dict(re.findall(r"^\s+(loyalty(?:-2)?)\s+gRPC \S+\s+metrics (\S+)$", banner, flags=re.MULTILINE))
        assert set(metrics) == {"loyalty", "loyalty-2"}, banner
        bearer = re.search(r'"Bearer ([^"]+)"', banner)
        assert bearer is not None

        with httpx.Client(base_url=f"http://127.0.0.1:{gateway_port}", timeout=10) as http:
            headers = {"Authorization": f"Bearer {bearer.group(1)}"}

            def graphql(query: str, **variables: Any) -> dict[str, Any]:
                body = {"query": query, "variables": variables}
                reply: dict[str, Any] = http.post("/graphql", json=body, headers=headers).json()
                assert "errors" not in reply, reply
                return reply

            registered = graphql(REGISTER, input={"firstName": "Ria", "mobile": random_mobile()})
            customer_id = registered["data"]["registerCustomer"]["customer"]["id"]
            # Round robin: a few reads reach both instances (bounded, so a broken balancer fails the test).
            for _ in range(200):
                graphql(VIEW, id=customer_id)
                if all(loyalty_calls(url) > 0 for url in metrics.values()):
                    break
            answered = {name: loyalty_calls(url) > 0 for name, url in metrics.items()}
            assert answered == {"loyalty": True, "loyalty-2": True}

        runner.send_signal(signal.SIGTERM)
        assert runner.wait(timeout=60) == 0
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()


def read_banner(runner: subprocess.Popen[str]) -> str:
    assert runner.stdout is not None
    lines: list[str] = []
    for line in runner.stdout:
        lines.append(line)
        if "Press Ctrl-C" in line:
            break
    return "".join(lines)
