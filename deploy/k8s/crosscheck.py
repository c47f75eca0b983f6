"""Checks deploy.k8s.render against the real kustomize: both overlays must render to the same manifests.

`make k8s-crosscheck` builds kustomize from its Go module (once, into ~/.cache/customer360/bin) and
runs this; the regular test suite uses the Python renderer, so it needs no Go toolchain.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from deploy.k8s.render import Manifest, render

OVERLAYS = Path(__file__).resolve().parent / "overlays"


def by_identity(manifests: list[Manifest]) -> dict[tuple[str, str], str]:
    return {(m["kind"], m["metadata"]["name"]): json.dumps(m, sort_keys=True) for m in manifests}


def differences(kustomize: str, overlay: Path) -> list[str]:
    built = subprocess.run([kustomize, "build", str(overlay)], check=True, capture_output=True, text=True).stdout
    real = by_identity([m for m in yaml.safe_load_all(built) if m])
    ours = by_identity(render(overlay))
    return [
        f"{overlay.name}: {kind}/{name}"
        for kind, name in sorted(set(real) | set(ours))
        if real.get((kind, name)) != ours.get((kind, name))
    ]


def main(argv: list[str]) -> int:
    found = [d for overlay in sorted(OVERLAYS.iterdir()) for d in differences(argv[0], overlay)]
    for difference in found:
        print(f"renders differently: {difference}", file=sys.stderr)
    print(f"{len(found)} differences from kustomize over {len(list(OVERLAYS.iterdir()))} overlays")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
