"""`python -m services.loyalty`: runs one instance, configured from the environment."""

from __future__ import annotations

import asyncio

from c360.logging import configure_logging
from c360.settings import InfraSettings
from services.loyalty.bootstrap import bootstrap
from services.loyalty.settings import LoyaltySettings


def main() -> None:
    infra = InfraSettings()
    configure_logging("loyalty", infra.log_level)
    asyncio.run(bootstrap(infra, LoyaltySettings()).run())


if __name__ == "__main__":
    main()
