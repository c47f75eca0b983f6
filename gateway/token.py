"""`python -m gateway.token --sub alice --roles AGENT`: prints a token for local use.

Signed with `C360_JWT_SECRET` (the local default when unset), the same secret the
gateway checks, so the printed token works against `make run` right away.
"""

from __future__ import annotations

import argparse
import sys

from gateway.auth import mint_token
from gateway.permissions import Role
from gateway.settings import GatewaySettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.token", description=__doc__.splitlines()[0])
    parser.add_argument("--sub", required=True, help="the subject: the actor recorded in ledgers, notes and audit")
    parser.add_argument(
        "--roles",
        nargs="+",
        default=["VIEWER"],
        type=str.upper,
        choices=[role.name for role in Role],
        help="one or more of VIEWER AGENT MANAGER ADMIN (default VIEWER)",
    )
    parser.add_argument("--ttl-hours", type=float, default=12.0, help="validity (default 12 hours)")
    args = parser.parse_args(argv)
    secret = GatewaySettings().jwt_secret
    sys.stdout.write(mint_token(args.sub, args.roles, secret, ttl_seconds=int(args.ttl_hours * 3600)) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
