"""WebSocket authentication from the graphql-transport-ws `connection_init` payload.

Browsers cannot set headers on a WebSocket upgrade, so clients send
`{"Authorization": "Bearer ..."}` in `connection_init`; a socket whose upgrade
request carried the header is already authenticated and keeps that identity.
"""

from __future__ import annotations

from typing import Any

from gateway.auth import AuthenticationFailed, Authenticator


async def authenticate_socket(context: Any, authenticator: Authenticator) -> None:
    """HS256 or (with a JWKS configured) RS256, as for HTTP requests."""
    if getattr(context, "principal", None) is not None:
        return
    params = getattr(context, "connection_params", None)
    if not isinstance(params, dict):
        return
    header = params.get("Authorization") or params.get("authorization")
    if not isinstance(header, str):
        return
    try:
        context.principal = await authenticator.authenticate(header)
        context.auth_failure = None
    except AuthenticationFailed as error:
        context.auth_failure = str(error)
