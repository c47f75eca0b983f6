"""deploy/compose.yaml is valid Compose (checked against the Compose specification's JSON schema, the copy
check-jsonschema vendors) and starts in health order: infrastructure, services, gateway."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import check_jsonschema
import yaml
from jsonschema import validators

COMPOSE = Path(__file__).resolve().parents[3] / "deploy" / "compose.yaml"
SPEC = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "compose-spec.json"
COMPONENTS = ("profile", "loyalty", "coupons", "messaging", "gateway")


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return document


def spec_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SPEC.read_text())
    validator = validators.validator_for(schema)(schema)  # the draft the schema declares (2020-12)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    assert spec_errors(compose()) == []


def test_the_specification_check_catches_a_misspelt_key() -> None:
    document = compose()
    document["services"]["gateway"]["depend_on"] = document["services"]["gateway"].pop("depends_on")
    assert spec_errors(document)


def test_infrastructure_is_mongodb_8_and_kafka_4_in_kraft_mode() -> None:
    services = compose()["services"]
    assert services["mongodb"]["image"].startswith("mongo:8")
    assert services["kafka"]["image"].startswith("apache/kafka:4")
    assert "controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]


def test_everything_starts_in_health_order() -> None:
    services = compose()["services"]
    for name, service in services.items():
        assert "healthcheck" in service, name
    for name in COMPONENTS:
        needs = services[name]["depends_on"]
        assert all(condition == {"condition": "service_healthy"} for condition in needs.values()), name
    for name in COMPONENTS[:-1]:
        assert {"kafka", "mongodb"} <= set(services[name]["depends_on"]), name
    assert set(services["gateway"]["depends_on"]) == set(COMPONENTS[:-1])


def test_components_run_from_one_locked_down_image_chosen_by_name() -> None:
    services = compose()["services"]
    for name in COMPONENTS:
        service = services[name]
        assert service["build"]["dockerfile"] == "deploy/Containerfile"
        assert service["environment"]["C360_COMPONENT"] == name
        assert service["read_only"] is True
        assert service["user"].startswith("10001")
    assert [name for name, s in services.items() if "ports" in s] == ["gateway"]
