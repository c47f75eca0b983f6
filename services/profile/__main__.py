"""`python -m services.profile`: runs one instance, configured from the environment."""

from __future__ import annotations

import asyncio

from c360.logging import configure_logging
from c360.settings import InfraSettings
from services.profile.bootstrap import bootstrap
from services.profile.settings import ProfileSettings


def main() -> None:
    infra = InfraSettings()
    configure_logging("profile", infra.log_level)
    asyncio.run(bootstrap(infra, ProfileSettings()).run())


if __name__ == "__main__":
    main()
