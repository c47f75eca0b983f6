"""docs/operations.md's configuration reference is generated from the settings classes and never drifts;
every variable the deployment files set is one that some settings class (or library) really reads."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from deploy.config_reference import DOC, reference, with_reference

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


def documented() -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", reference(), flags=re.MULTILINE))


def test_the_configuration_reference_matches_the_settings_classes() -> None:
    text = DOC.read_text()
    assert with_reference(text) == text, "docs/operations.md drifted: run 'make gen'"


def test_the_reference_names_every_variable_with_its_default() -> None:
    names = documented()
    assert {"C360_KAFKA_BOOTSTRAP", "C360_JWT_SECRET", "C360_GATEWAY_PROFILE_ADDRESS"} <= names
    assert {"C360_LOYALTY_METRICS_ADDRESS", "OTEL_EXPORTER_OTLP_ENDPOINT"} <= names
    assert "| `C360_TOPIC_PARTITIONS` | `6` |" in reference()


def test_every_variable_the_deployment_files_set_is_documented() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    configured = {name for service in compose["services"].values() for name in service.get("environment", {})}
    for path in (DEPLOY / "k8s").rglob("*.yaml"):
        for manifest in yaml.safe_load_all(path.read_text()):
            if manifest and manifest.get("kind") in ("ConfigMap", "Secret"):
                configured |= set(manifest.get("data") or {}) | set(manifest.get("stringData") or {})
            for container in (manifest or {}).get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
                configured |= {env["name"] for env in container.get("env", [])}
    ours = {name for name in configured if name.startswith(("C360_", "OTEL_", "GRPC_"))}
    assert ours - documented() == set()
