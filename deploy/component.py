"""The container's entry point: `python -m deploy.component <gateway|profile|loyalty|coupons|messaging>`.

One image runs every component; the command (or `C360_COMPONENT`, baked in by the
`SERVICE` build argument) selects which, so ops build, scan and ship one artefact.
"""

from __future__ import annotations

import os
import runpy
import sys

COMPONENTS = ("gateway", "profile", "loyalty", "coupons", "messaging")


def module_of(component: str) -> str:
    if component not in COMPONENTS:
        raise SystemExit(f"unknown component {component!r}; expected one of {', '.join(COMPONENTS)}")
    return "gateway" if component == "gateway" else f"services.{component}"


def main(argv: list[str]) -> None:
    component = argv[0] if argv else os.environ.get("C360_COMPONENT", "")
    runpy.run_module(module_of(component), run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
