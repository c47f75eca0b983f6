"""Generates the configuration reference of docs/operations.md from the settings classes themselves.

Every environment variable a process reads is a field of a pydantic-settings class;
this lists them (name, default, meaning from the comment above the field), so the
doc cannot fall behind the code: `--check` (run by the unit tests) fails on drift,
`python -m deploy.config_reference --write` (run by `make gen`) rewrites the block.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import sys
import textwrap
from pathlib import Path

from pydantic_settings import BaseSettings

from c360.metrics import MetricsSettings
from c360.settings import InfraSettings
from gateway.settings import GatewaySettings
from services.coupons.settings import CouponsSettings
from services.loyalty.settings import LoyaltySettings
from services.messaging.settings import MessagingSettings
from services.profile.settings import ProfileSettings

DOC = Path(__file__).resolve().parents[1] / "docs" / "operations.md"
BEGIN = "<!-- BEGIN GENERATED CONFIGURATION: python -m deploy.config_reference --write -->"
END = "<!-- END GENERATED CONFIGURATION -->"
SERVICES = ("profile", "loyalty", "coupons", "messaging")
SECTIONS: list[tuple[str, type[BaseSettings], str]] = [
    ("Every process", InfraSettings, "C360_"),
    ("Gateway", GatewaySettings, "C360_GATEWAY_"),
    ("Profile service", ProfileSettings, "C360_PROFILE_"),
    ("Loyalty service", LoyaltySettings, "C360_LOYALTY_"),
    ("Coupons service", CouponsSettings, "C360_COUPONS_"),
    ("Messaging service", MessagingSettings, "C360_MESSAGING_"),
]
# Read by libraries or by the container rather than by a settings class.
OUTSIDE_SETTINGS = [
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "(unset)", "OTLP/HTTP collector base URL; spans are exported only when set."),
    ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "(unset)", "Full traces URL, instead of the base one."),
    ("OTEL_SERVICE_NAME", "c360-<component>", "Overrides the service name on spans."),
    ("C360_COMPONENT", "the image's `SERVICE` build argument", "Which component the container runs."),
    ("GRPC_DNS_RESOLVER", "(gRPC's default)", "`native` resolves `dns:///name` targets with search domains."),
]


def field_comments(settings: type[BaseSettings]) -> dict[str, str]:
    """The `#` comment lines right above each field (or after it on its line): why the field exists."""
    source = textwrap.dedent(inspect.getsource(settings))
    lines = source.splitlines()
    comments: dict[str, str] = {}
    for node in ast.parse(source).body[0].body:  # type: ignore[attr-defined]
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            above: list[str] = []
            row = node.lineno - 2
            while row >= 0 and lines[row].strip().startswith("#"):
                above.insert(0, lines[row].strip().lstrip("#").strip())
                row -= 1
            trailing = lines[node.end_lineno - 1].partition("  # ")[2] if node.end_lineno else ""
            comments[node.target.id] = " ".join([*above, trailing]).strip()
    return comments


def variables(settings: type[BaseSettings], prefix: str) -> list[tuple[str, str, str]]:
    comments = field_comments(settings)
    rows = []
    for name, info in settings.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else None
        default = "(required)" if info.is_required() else repr(info.default)
        kind = getattr(info.annotation, "__name__", str(info.annotation)).replace("typing.", "")
        meaning = " ".join(part for part in (f"*{kind}*.", comments.get(name) or info.description or "") if part)
        rows.append((alias or f"{prefix}{name.upper()}", default, meaning))
    return rows


def reference() -> str:
    out = [BEGIN, ""]
    for title, settings, prefix in SECTIONS:
        out += [f"#### {title} (`{settings.__module__}.{settings.__name__}`)", "", *table(variables(settings, prefix))]
    [(_, default, _)] = variables(MetricsSettings, "")
    meaning = "*str*. `host:port` where this service serves Prometheus `/metrics`; empty: nowhere."
    metrics = [(f"C360_{s.upper()}_METRICS_ADDRESS", default, meaning) for s in SERVICES]
    out += ["#### Metrics endpoint of each service (`c360.metrics.MetricsSettings`)", "", *table(metrics)]
    out += ["#### Read outside the settings classes", "", *table(OUTSIDE_SETTINGS), END]
    return "\n".join(out)


def table(rows: list[tuple[str, str, str]]) -> list[str]:
    body = [f"| `{name}` | `{default}` | {meaning.replace('|', '/')} |" for name, default, meaning in rows]
    return ["| variable | default | meaning |", "| --- | --- | --- |", *body, ""]


def with_reference(doc: str) -> str:
    head, _, rest = doc.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + reference() + tail


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite docs/operations.md's generated block")
    args = parser.parse_args(argv)
    current = DOC.read_text()
    if args.write:
        DOC.write_text(with_reference(current))
        return 0
    if with_reference(current) != current:
        print("docs/operations.md configuration reference drifted: run 'make gen'", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
