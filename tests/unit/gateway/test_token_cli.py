"""`python -m gateway.token` prints a token the gateway's own check accepts."""

from __future__ import annotations

import pytest

from gateway.auth import authenticate
from gateway.token import main

SECRET = "a-test-secret-that-is-at-least-32-bytes"


def test_the_printed_token_carries_subject_and_roles(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("C360_JWT_SECRET", SECRET)
    assert main(["--sub", "alice", "--roles", "agent", "MANAGER"]) == 0
    principal = authenticate(f"Bearer {capsys.readouterr().out.strip()}", SECRET)
    assert principal.subject == "alice"
    assert principal.roles == frozenset({"AGENT", "MANAGER"})


def test_an_unknown_role_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--sub", "alice", "--roles", "BOSS"])
    assert "invalid choice" in capsys.readouterr().err
