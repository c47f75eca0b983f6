"""The kustomize subset the overlays rely on behaves like kustomize, and anything else is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from deploy.k8s.render import KustomizeError, render

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "api"},
    "spec": {
        "replicas": 2,
        "template": {
            "spec": {
                "containers": [
                    {"name": "api", "image": "app:1", "env": [{"name": "A", "value": "1"}]},
                    {"name": "sidecar", "image": "proxy:2"},
                ]
            }
        },
    },
}


def write(folder: Path, name: str, content: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(content))


def overlay(tmp_path: Path, **kustomization: object) -> Path:
    write(tmp_path / "base", "api.yaml", DEPLOYMENT)
    write(tmp_path / "base", "kustomization.yaml", {"resources": ["api.yaml"]})
    write(tmp_path / "overlay", "kustomization.yaml", {"resources": ["../base"], **kustomization})
    return tmp_path / "overlay"


def test_patches_merge_containers_and_env_by_name_and_null_removes_a_key(tmp_path: Path) -> None:
    patch = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "api"},
        "spec": {
            "replicas": None,
            "template": {"spec": {"containers": [{"name": "api", "env": [{"name": "B", "value": "2"}]}]}},
        },
    }
    write(tmp_path / "overlay", "patch.yaml", patch)
    [deployment] = render(overlay(tmp_path, patches=[{"path": "patch.yaml"}]))
    api, sidecar = deployment["spec"]["template"]["spec"]["containers"]
    assert api["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    assert sidecar["image"] == "proxy:2"
    assert "replicas" not in deployment["spec"]


def test_namespace_labels_images_and_replicas_apply_to_every_resource(tmp_path: Path) -> None:
    [deployment] = render(
        overlay(
            tmp_path,
            namespace="prod",
            labels=[{"pairs": {"team": "c360"}, "includeSelectors": False}],
            images=[{"name": "app", "newName": "registry/app", "newTag": "9"}],
            replicas=[{"name": "api", "count": 5}],
        )
    )
    assert deployment["metadata"] == {"name": "api", "namespace": "prod", "labels": {"team": "c360"}}
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "registry/app:9"
    assert deployment["spec"]["replicas"] == 5


def test_a_delete_patch_removes_the_resource(tmp_path: Path) -> None:
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"}, "$patch": "delete"}
    write(tmp_path / "overlay", "delete.yaml", body)
    assert render(overlay(tmp_path, patches=[{"path": "delete.yaml"}])) == []


def test_unsupported_features_and_patches_that_match_nothing_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KustomizeError, match="unsupported"):
        render(overlay(tmp_path, configMapGenerator=[{"name": "x"}]))
    patch = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nothing"}}
    write(tmp_path / "overlay", "patch.yaml", patch)
    with pytest.raises(KustomizeError, match="matches no resource"):
        render(overlay(tmp_path, patches=[{"path": "patch.yaml"}]))
