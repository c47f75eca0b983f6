"""`--scale` turns into N processes per service on their own ports, and clients get a balanced target."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.local.run import parse_scale
from deploy.local.stack import StackConfig
from gateway.app import operation_labels


def config() -> StackConfig:
    return StackConfig("127.0.0.1:9092", "mongodb://127.0.0.1:27017/", Path("/tmp/logs"))


def test_scale_arguments_are_parsed_and_checked() -> None:
    assert parse_scale(["loyalty=3", "profile=2,coupons=1"]) == {"loyalty": 3, "profile": 2, "coupons": 1}
    for bad in (["payments=2"], ["loyalty=0"], ["loyalty"]):
        with pytest.raises(SystemExit):
            parse_scale(bad)


def test_each_instance_has_its_own_port_and_clients_get_every_address() -> None:
    scaled = config().scaled({"loyalty": 3}, with_metrics=True)
    assert scaled.instances("loyalty") == ["loyalty", "loyalty-2", "loyalty-3"]
    ports = {scaled.address(name) for name in scaled.instances("loyalty")}
    assert len(ports) == 3
    assert scaled.target("loyalty") == "ipv4:" + ",".join(scaled.address(n) for n in scaled.instances("loyalty"))
    assert scaled.target("profile") == "127.0.0.1:50051"
    env = scaled.environment("loyalty-3")
    assert env["C360_LOYALTY_GRPC_ADDRESS"] == scaled.address("loyalty-3")
    assert env["C360_GATEWAY_LOYALTY_ADDRESS"] == scaled.target("loyalty")
    assert env["C360_LOYALTY_METRICS_ADDRESS"] == f"127.0.0.1:{scaled.metrics_ports['loyalty-3']}"
    assert "gateway" in scaled.process_names()


def test_graphql_operations_are_labelled_by_type_and_name() -> None:
    assert operation_labels("mutation Register($i: In!) { x }", None) == ("mutation", "Register")
    assert operation_labels("{ x }", None) == ("query", "anonymous")
    assert operation_labels("query { x }", "Named") == ("query", "Named")
