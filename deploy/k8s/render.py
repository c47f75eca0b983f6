"""Renders a kustomization (`deploy/k8s/overlays/<name>`) the way `kustomize build` does, for the features we use.

There is no kustomize binary on the build machines, so the test suite renders the
overlays with this and validates every resulting manifest. Supported: `resources`
(files and directories), `namespace`, `labels` (`pairs`, `includeSelectors: false`),
`images`, `replicas` and `patches` (strategic merge, from `path`, optionally with a
`target` of kind/name; `$patch: delete` removes a resource; a null removes a key).
Any other key is refused, so a kustomization never silently renders differently here.

`python -m deploy.k8s.render deploy/k8s/overlays/production` prints the YAML stream.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import yaml

Manifest = dict[str, Any]
SUPPORTED_KEYS = {"apiVersion", "kind", "resources", "namespace", "labels", "images", "replicas", "patches"}
MERGE_KEYS = ("name", "containerPort", "mountPath", "port")  # list items with one of these merge by it


class KustomizeError(ValueError):
    """A kustomization uses something this renderer does not implement, or points at nothing."""


def render(directory: Path) -> list[Manifest]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    if unknown := set(kustomization) - SUPPORTED_KEYS:
        raise KustomizeError(f"{directory}: unsupported kustomization keys {sorted(unknown)}")
    manifests: list[Manifest] = []
    for resource in kustomization.get("resources", []):
        path = directory / resource
        manifests += render(path) if path.is_dir() else [m for m in yaml.safe_load_all(path.read_text()) if m]
    for patch in kustomization.get("patches", []):
        manifests = _apply_patch(directory, manifests, patch)
    for label in kustomization.get("labels", []):
        if label.get("includeSelectors", False):
            raise KustomizeError("labels with includeSelectors are not supported")
        for manifest in manifests:
            manifest.setdefault("metadata", {}).setdefault("labels", {}).update(label["pairs"])
    for image in kustomization.get("images", []):
        for container in (c for m in manifests for c in _containers(m)):
            if container["image"].split("@")[0].rsplit(":", 1)[0] == image["name"]:
                container["image"] = f"{image.get('newName', image['name'])}:{image.get('newTag', 'latest')}"
    for replicas in kustomization.get("replicas", []):
        _find(manifests, "Deployment", replicas["name"])["spec"]["replicas"] = replicas["count"]
    if namespace := kustomization.get("namespace"):
        for manifest in manifests:
            manifest["metadata"]["namespace"] = namespace
    return manifests


def _apply_patch(directory: Path, manifests: list[Manifest], patch: dict[str, Any]) -> list[Manifest]:
    if set(patch) - {"path", "patch", "target"}:
        raise KustomizeError(f"unsupported patch fields {sorted(set(patch))}")
    text = (directory / patch["path"]).read_text() if "path" in patch else patch["patch"]
    result = manifests
    for body in (b for b in yaml.safe_load_all(text) if b):
        target = patch.get("target") or {"kind": body["kind"], "name": body["metadata"]["name"]}
        if set(target) - {"kind", "name"}:
            raise KustomizeError(f"unsupported patch target fields {sorted(target)}")
        matched = [m for m in result if all(_identity(m)[key] == value for key, value in target.items())]
        if not matched:
            raise KustomizeError(f"{directory}: patch target {target} matches no resource")
        if body.get("$patch") == "delete":
            result = [m for m in result if not any(m is hit for hit in matched)]
            continue
        for manifest in matched:
            _merge(manifest, {k: v for k, v in body.items() if k not in ("apiVersion", "kind", "metadata")})
            _merge(manifest["metadata"], {k: v for k, v in body["metadata"].items() if k != "name"})
    return result


def _merge(into: dict[str, Any], patch: dict[str, Any]) -> None:
    """Strategic merge: maps merge, null deletes, lists of named items merge by name, other lists replace."""
    for key, value in patch.items():
        if value is None:
            into.pop(key, None)
        elif isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, list) and isinstance(into.get(key), list) and (merge_key := _merge_key(value)):
            existing = {item.get(merge_key): item for item in into[key] if isinstance(item, dict)}
            for item in value:
                if item.get(merge_key) in existing:
                    _merge(existing[item[merge_key]], item)
                else:
                    into[key].append(copy.deepcopy(item))
        else:
            into[key] = copy.deepcopy(value)


def _merge_key(items: list[Any]) -> str | None:
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    return next((key for key in MERGE_KEYS if all(key in item for item in items)), None)


def _identity(manifest: Manifest) -> dict[str, str]:
    return {"kind": manifest["kind"], "name": manifest["metadata"]["name"]}


def _find(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    for manifest in manifests:
        if _identity(manifest) == {"kind": kind, "name": name}:
            return manifest
    raise KustomizeError(f"no {kind} named {name}")


def _containers(manifest: Manifest) -> list[dict[str, Any]]:
    pod = manifest.get("spec", {}).get("template", {}).get("spec", {})
    return [*pod.get("initContainers", []), *pod.get("containers", [])]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    print(yaml.safe_dump_all(render(Path(argv[0])), sort_keys=False), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
