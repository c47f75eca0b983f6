"""`python -m gateway`: serves the GraphQL gateway with uvicorn, configured from the environment."""

from __future__ import annotations

import uvicorn

from c360.logging import configure_logging
from c360.tracing import configure_tracing
from gateway.app import create_app
from gateway.settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    configure_logging("gateway", "INFO")
    configure_tracing("gateway")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=10,
        ws="websockets",
    )


if __name__ == "__main__":
    main()
