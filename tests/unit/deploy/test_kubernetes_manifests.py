"""Every manifest of both overlays, rendered, is valid for Kubernetes (and for the KEDA/Strimzi CRDs),
and the deployment keeps its promises: independent scaling, probes, limits, isolation, declared topics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
from jsonschema import Draft202012Validator

from c360.kafka import topics
from deploy.k8s.render import render

K8S = Path(__file__).resolve().parents[3] / "deploy" / "k8s"
SCHEMAS = Path(__file__).resolve().parents[3] / "deploy" / "schemas"
KUBERNETES_VERSION = "1.33.0"
COMPONENTS = ("gateway", "profile", "loyalty", "coupons", "messaging")
BACKENDS = COMPONENTS[1:]
CRD_SCHEMAS = {
    "ScaledObject": "keda-scaledobject.schema.json",
    "KafkaTopic": "strimzi-kafkatopic.schema.json",
}
Manifest = dict[str, Any]


def overlay(name: str) -> list[Manifest]:
    return render(K8S / "overlays" / name)


def of_kind(manifests: list[Manifest], kind: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] == kind}


@pytest.mark.parametrize("name", ["local", "production"])
def test_every_rendered_manifest_is_valid_against_its_schema(name: str) -> None:
    manifests = overlay(name)
    assert len(manifests) > 30
    for manifest in manifests:
        if manifest["kind"] in CRD_SCHEMAS:
            schema = json.loads((SCHEMAS / CRD_SCHEMAS[manifest["kind"]]).read_text())
            errors = [e.message for e in Draft202012Validator(schema).iter_errors(manifest)]
            assert errors == [], (manifest["metadata"]["name"], errors)
        else:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_the_crd_schemas_refuse_a_misspelt_field() -> None:
    schema = json.loads((SCHEMAS / CRD_SCHEMAS["KafkaTopic"]).read_text())
    topic = of_kind(overlay("production"), "KafkaTopic")["c360-purchases"]
    topic["spec"]["partition"] = topic["spec"].pop("partitions")
    assert list(Draft202012Validator(schema).iter_errors(topic))


def test_kubernetes_validation_refuses_a_misspelt_field() -> None:
    deployment = of_kind(overlay("production"), "Deployment")["loyalty"]
    deployment["spec"]["replica"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("name", ["local", "production"])
def test_each_component_has_a_deployment_service_and_disruption_budget_in_one_namespace(name: str) -> None:
    manifests = overlay(name)
    for kind in ("Deployment", "Service", "PodDisruptionBudget"):
        assert set(of_kind(manifests, kind)) >= set(COMPONENTS), kind
    assert {m["metadata"]["namespace"] for m in manifests} == {"c360-local" if name == "local" else "c360"}


@pytest.mark.parametrize("name", ["local", "production"])
def test_each_component_scales_on_its_own_with_exactly_one_autoscaler(name: str) -> None:
    manifests = overlay(name)
    targets = [m["spec"]["scaleTargetRef"]["name"] for m in manifests if m["kind"] == "HorizontalPodAutoscaler"]
    targets += [m["spec"]["scaleTargetRef"]["name"] for m in manifests if m["kind"] == "ScaledObject"]
    assert sorted(targets) == sorted(COMPONENTS)


def test_production_consumers_scale_on_kafka_lag_up_to_the_partition_count() -> None:
    manifests = overlay("production")
    scaled = of_kind(manifests, "ScaledObject")
    partitions = {t["spec"]["topicName"]: t["spec"]["partitions"] for t in of_kind(manifests, "KafkaTopic").values()}
    assert set(scaled) == set(BACKENDS)
    for name, scaled_object in scaled.items():
        kafka = next(t for t in scaled_object["spec"]["triggers"] if t["type"] == "kafka")
        assert kafka["metadata"]["consumerGroup"].split(".")[0] == name
        assert scaled_object["spec"]["maxReplicaCount"] <= partitions[kafka["metadata"]["topic"]]
    assert set(of_kind(manifests, "HorizontalPodAutoscaler")) == {"gateway"}


@pytest.mark.parametrize("name", ["local", "production"])
def test_containers_are_probed_limited_and_locked_down(name: str) -> None:
    for deployment in of_kind(overlay(name), "Deployment").values():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
            assert set(container["resources"]) == {"requests", "limits"}
            probe_kind = "httpGet" if deployment["metadata"]["name"] == "gateway" else "grpc"
            assert probe_kind in container["readinessProbe"]
            assert probe_kind in container["livenessProbe"]


def test_backends_are_headless_so_the_gateway_balances_per_call_over_every_pod() -> None:
    manifests = overlay("production")
    services = of_kind(manifests, "Service")
    config = of_kind(manifests, "ConfigMap")["c360-config"]["data"]
    for backend in BACKENDS:
        assert services[backend]["spec"]["clusterIP"] == "None"
        assert config[f"C360_GATEWAY_{backend.upper()}_ADDRESS"] == f"dns:///{backend}:50051"


@pytest.mark.parametrize("name", ["local", "production"])
def test_only_the_gateway_is_reachable_from_outside(name: str) -> None:
    policies = of_kind(overlay(name), "NetworkPolicy")
    deny = policies["default-deny-ingress"]["spec"]
    assert deny["podSelector"] == {}
    assert "ingress" not in deny
    open_to_all = [p for p in policies.values() if any("from" not in rule for rule in p["spec"].get("ingress", []))]
    assert [p["spec"]["podSelector"] for p in open_to_all] == [{"matchLabels": {"app.kubernetes.io/name": "gateway"}}]
    backends = policies["backends-from-gateway-and-each-other"]["spec"]["ingress"][0]["from"]
    assert {tuple(peer["podSelector"]["matchLabels"].values()) for peer in backends} == {("gateway",), ("backend",)}


def test_secrets_hold_the_jwt_key_and_database_credentials_locally_and_are_external_in_production() -> None:
    local_secrets = of_kind(overlay("local"), "Secret")
    assert "C360_JWT_SECRET" in local_secrets["c360-jwt"]["stringData"]
    assert "C360_MONGODB_URI" in local_secrets["c360-mongodb"]["stringData"]
    production = overlay("production")
    assert of_kind(production, "Secret") == {}
    gateway = of_kind(production, "Deployment")["gateway"]["spec"]["template"]["spec"]["containers"][0]
    assert {"c360-jwt", "c360-mongodb"} <= {s["secretRef"]["name"] for s in gateway["envFrom"] if "secretRef" in s}


def test_every_topic_the_services_use_is_declared_with_six_partitions() -> None:
    declared = {t["spec"]["topicName"]: t["spec"] for t in of_kind(overlay("production"), "KafkaTopic").values()}
    used = [v for k, v in vars(topics).items() if k.isupper() and isinstance(v, str)]
    for topic in used:
        assert topic in declared
    for topic in (topics.PURCHASES, topics.PROFILE_EVENTS, topics.LOYALTY_EVENTS, topics.COUPONS_EVENTS):
        assert topics.dead_letter_topic(topic) in declared
    assert {spec["partitions"] for spec in declared.values()} == {6}
    assert {spec["replicas"] for spec in declared.values()} == {3}


def test_the_local_overlay_runs_one_replica_of_everything_on_the_locally_built_image() -> None:
    manifests = overlay("local")
    for deployment in of_kind(manifests, "Deployment").values():
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "localhost/customer360:dev"
    for budget in of_kind(manifests, "PodDisruptionBudget").values():
        assert budget["spec"] == {"maxUnavailable": 1, "selector": budget["spec"]["selector"]}
    assert {t["spec"]["replicas"] for t in of_kind(manifests, "KafkaTopic").values()} == {1}
