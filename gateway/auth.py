"""Bearer JWT authentication: who is calling, and with which roles.

HS256 tokens are checked against the shared secret; RS256 tokens (from an identity
provider) against the public keys its JWKS URL publishes, fetched once and cached.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt

ALGORITHM = "HS256"
JWKS_ALGORITHM = "RS256"
VERIFIED_TOKENS = 4096
MAX_REMEMBERED_SECONDS = 24 * 3600.0


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]


class AuthenticationFailed(Exception):
    """The token is missing, malformed, expired or not ours; the message says which, for the client."""


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise AuthenticationFailed("Missing Authorization header; send 'Authorization: Bearer <JWT>'.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed("Authorization header must be 'Bearer <JWT>'.")
    return token.strip()


def authenticate(authorization: str | None, secret: str) -> Principal:
    """An HS256 token signed with the shared secret."""
    token = bearer_token(authorization)
    return _principal(_decode(lambda: jwt.decode(token, secret, algorithms=[ALGORITHM], options=_REQUIRED)))


class Authenticator:
    """Accepts HS256 tokens signed with `secret` and, when `jwks_url` is set, RS256 tokens from its keys.

    A client sends the same token with every request until it expires, so tokens already verified
    are remembered (up to VERIFIED_TOKENS, until their `exp`): checking a signature again was 8 % of
    the gateway's CPU under load (bench, scenario 6)."""

    def __init__(self, secret: str, jwks_url: str | None = None, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=5) if jwks_url else None
        self._clock = clock
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    async def authenticate(self, authorization: str | None) -> Principal:
        token = bearer_token(authorization)
        if (known := self._verified.get(token)) is not None:
            principal, expires_at = known
            if self._clock() < expires_at:
                self._verified.move_to_end(token)
                return principal
            del self._verified[token]  # expired: verifying it again says so
        principal, expires_at = await self._verify(token)
        self._verified[token] = (principal, expires_at)
        if len(self._verified) > VERIFIED_TOKENS:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        """The token's principal and the time it stops being valid (its `exp`; a day at most from now)."""
        claims = await self._claims(token)
        latest = self._clock() + MAX_REMEMBERED_SECONDS
        exp = claims.get("exp")
        return _principal(claims), min(float(exp), latest) if isinstance(exp, int | float) else latest

    async def _claims(self, token: str) -> dict[str, Any]:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.InvalidTokenError as error:
            raise AuthenticationFailed(f"The token is not valid: {error}.") from error
        if algorithm != JWKS_ALGORITHM:
            secret = self._secret
            return _decode(lambda: jwt.decode(token, secret, algorithms=[ALGORITHM], options=_REQUIRED))
        if self._jwks is None:
            raise AuthenticationFailed("RS256 tokens are not accepted here: no JWKS URL is configured.")
        jwks = self._jwks
        try:  # the JWKS fetch is blocking I/O, once per key id and hour
            key = await asyncio.to_thread(jwks.get_signing_key_from_jwt, token)
        except jwt.PyJWTError as error:
            raise AuthenticationFailed(f"The token's signing key is unknown: {error}.") from error
        return _decode(lambda: jwt.decode(token, key.key, algorithms=[JWKS_ALGORITHM], options=_REQUIRED))


_REQUIRED: Any = {"require": ["sub"]}


def _decode(decode: Any) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = decode()
    except jwt.ExpiredSignatureError as error:
        raise AuthenticationFailed("The token has expired.") from error
    except jwt.InvalidTokenError as error:
        raise AuthenticationFailed(f"The token is not valid: {error}.") from error
    return claims


def _principal(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles", [])
    if isinstance(roles, str):
        roles = roles.split()
    return Principal(subject=str(claims["sub"]), roles=frozenset(str(r).upper() for r in roles))


def mint_token(subject: str, roles: list[str], secret: str, ttl_seconds: int = 12 * 3600) -> str:
    now = int(time.time())
    claims = {"sub": subject, "roles": [r.upper() for r in roles], "iat": now, "exp": now + ttl_seconds}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)
