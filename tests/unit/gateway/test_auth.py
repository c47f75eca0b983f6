import time

import jwt
import pytest

from gateway.auth import AuthenticationFailed, authenticate, mint_token
from gateway.settings import LOCAL_DEV_SECRET, GatewaySettings

SECRET = "a-test-secret-that-is-at-least-32-bytes"


def test_a_minted_token_authenticates_with_subject_and_roles() -> None:
    principal = authenticate(f"Bearer {mint_token('alice', ['agent'], SECRET)}", SECRET)
    assert principal.subject == "alice"
    assert principal.roles == frozenset({"AGENT"})


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "Missing Authorization"),
        ("Basic abc", "Bearer"),
        ("Bearer ", "Bearer"),
        ("Bearer not-a-jwt", "not valid"),
    ],
)
def test_missing_or_malformed_credentials_are_refused(header: str | None, reason: str) -> None:
    with pytest.raises(AuthenticationFailed, match=reason):
        authenticate(header, SECRET)


def test_a_token_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(AuthenticationFailed, match="not valid"):
        authenticate(f"Bearer {mint_token('alice', [], 'some-other-secret-value-also-32-bytes-long')}", SECRET)


def test_an_expired_token_is_refused() -> None:
    token = jwt.encode({"sub": "alice", "exp": int(time.time()) - 10}, SECRET, algorithm="HS256")
    with pytest.raises(AuthenticationFailed, match="expired"):
        authenticate(f"Bearer {token}", SECRET)


def test_a_token_without_subject_is_refused() -> None:
    token = jwt.encode({"roles": ["ADMIN"]}, SECRET, algorithm="HS256")
    with pytest.raises(AuthenticationFailed, match="not valid"):
        authenticate(f"Bearer {token}", SECRET)


def test_outside_local_mode_the_default_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C360_ENV", "production")
    monkeypatch.delenv("C360_JWT_SECRET", raising=False)
    with pytest.raises(ValueError, match="C360_JWT_SECRET"):
        GatewaySettings()
    monkeypatch.setenv("C360_JWT_SECRET", SECRET)
    assert GatewaySettings().jwt_secret == SECRET
    assert LOCAL_DEV_SECRET != SECRET


async def test_the_authenticator_accepts_hs256_and_refuses_rs256_without_a_jwks() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from gateway.auth import Authenticator

    authenticator = Authenticator(SECRET)
    principal = await authenticator.authenticate(f"Bearer {mint_token('alice', ['viewer'], SECRET)}")
    assert principal.subject == "alice"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rs256 = jwt.encode({"sub": "alice"}, key, algorithm="RS256")
    with pytest.raises(AuthenticationFailed, match="no JWKS URL"):
        await authenticator.authenticate(f"Bearer {rs256}")


async def test_a_verified_token_is_remembered_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    from gateway import auth

    decoded: list[str] = []
    real_decode = jwt.decode

    def counting_decode(token: str, *args: object, **kwargs: object) -> object:
        decoded.append(token)
        return real_decode(token, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jwt, "decode", counting_decode)
    now = [time.time()]
    authenticator = auth.Authenticator(SECRET, clock=lambda: now[0])
    token = mint_token("alice", ["viewer"], SECRET, ttl_seconds=60)

    first = await authenticator.authenticate(f"Bearer {token}")
    assert await authenticator.authenticate(f"Bearer {token}") == first
    assert len(decoded) == 1  # the second request was answered from memory

    now[0] += 61  # past its `exp`: verified again (PyJWT, on the real clock, still accepts it)
    assert await authenticator.authenticate(f"Bearer {token}") == first
    assert len(decoded) == 2

    with pytest.raises(AuthenticationFailed):  # a refused token is never remembered as good
        await authenticator.authenticate(f"Bearer {token[:-2]}xx")
