"""The image definition: multi-stage, slim, non-root, stubs generated inside, a health check; and the
entry point and health check it runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deploy.component import COMPONENTS, module_of
from deploy.healthcheck import healthy, local_address

ROOT = Path(__file__).resolve().parents[3]
CONTAINERFILE = (ROOT / "deploy" / "Containerfile").read_text()


def instructions(name: str) -> list[str]:
    joined = CONTAINERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.split(None, 1)[:1] == [name]]


def test_the_image_builds_in_stages_from_a_slim_base() -> None:
    stages = instructions("FROM")
    assert len(stages) >= 2
    assert re.search(r"PYTHON_IMAGE=python:3\.\d+-slim", CONTAINERFILE)
    assert any(stage.endswith("AS runtime") for stage in stages)


def test_the_runtime_stage_runs_as_an_unprivileged_user_with_bytecode_precompiled() -> None:
    runtime = CONTAINERFILE.split("AS runtime", 1)[1]
    user = instructions("USER")[-1]
    assert user.split(":")[0] not in ("0", "root")
    assert "USER" in runtime
    assert "PYTHONDONTWRITEBYTECODE=1" in runtime  # the root filesystem is read-only
    assert "compileall" in CONTAINERFILE


def test_the_protobuf_stubs_are_generated_in_the_build_not_copied() -> None:
    assert any("proto/generate.py" in run for run in instructions("RUN"))
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert "proto/customer360/**/*_pb2*.py" in ignored


def test_a_build_argument_or_the_command_selects_the_component_and_a_health_check_is_declared() -> None:
    assert "SERVICE=gateway" in " ".join(instructions("ARG"))
    assert "C360_COMPONENT=${SERVICE}" in CONTAINERFILE
    assert instructions("ENTRYPOINT") == ['["python", "-m", "deploy.component"]']
    assert "deploy.healthcheck" in instructions("HEALTHCHECK")[0]


def test_each_component_name_maps_to_its_module() -> None:
    assert [module_of(c) for c in COMPONENTS] == [
        "gateway",
        "services.profile",
        "services.loyalty",
        "services.coupons",
        "services.messaging",
    ]
    with pytest.raises(SystemExit):
        module_of("payments")


def test_the_health_check_probes_the_listener_from_inside_the_container() -> None:
    assert local_address("0.0.0.0:50051") == "127.0.0.1:50051"
    assert local_address("10.0.0.7:50052") == "10.0.0.7:50052"


def test_the_health_check_fails_when_nothing_listens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C360_LOYALTY_GRPC_ADDRESS", "127.0.0.1:1")
    assert healthy("loyalty") is False
