"""Bearer JWT authentication: who is calling, and with which roles."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]


class AuthenticationFailed(Exception):
    """The token is missing, malformed, expired or not ours; the message says which, for the client."""


def authenticate(authorization: str | None, secret: str) -> Principal:
    if not authorization:
        raise AuthenticationFailed("Missing Authorization header; send 'Authorization: Bearer <JWT>'.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("Authorization header must be 'Bearer <JWT>'.")
    try:
        claims = jwt.decode(token.strip(), secret, algorithms=[ALGORITHM], options={"require": ["sub"]})
    except jwt.ExpiredSignatureError as error:
        raise AuthenticationFailed("The token has expired.") from error
    except jwt.InvalidTokenError as error:
        raise AuthenticationFailed(f"The token is not valid: {error}.") from error
    roles = claims.get("roles", [])
    if isinstance(roles, str):
        roles = roles.split()
    return Principal(subject=str(claims["sub"]), roles=frozenset(str(r).upper() for r in roles))


def mint_token(subject: str, roles: list[str], secret: str, ttl_seconds: int = 12 * 3600) -> str:
    now = int(time.time())
    claims = {"sub": subject, "roles": [r.upper() for r in roles], "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)
