"""Tokens name a tenant and scopes; keys rotate by kid; signed links resist tampering."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from debtflow_shared.auth import (
    CLOCK_WRITE,
    InvalidToken,
    Principal,
    TokenVerifier,
    generate_key_pair,
    issue_token,
)
from debtflow_shared.signed_links import BadSignature, sign_params, verify_params
from tests.support.harness import T0


def test_token_carries_tenant_and_scopes(tmp_path: Path) -> None:
    key = generate_key_pair(tmp_path, "k1")
    token = issue_token(key, tenant_id="acme", scopes=["invoices:write", "cases:read"])
    principal = TokenVerifier.from_directory(tmp_path / "public").verify(token)
    assert principal.tenant_id == "acme"
    assert principal.has("cases:read")
    assert not principal.has("admin")


def test_admin_implies_every_tenant_scope_but_not_moving_the_deployments_clock() -> None:
    admin = Principal(tenant_id="acme", subject="u", scopes=frozenset({"admin"}))
    operator = Principal(tenant_id="acme", subject="u", scopes=frozenset({CLOCK_WRITE}))
    assert admin.has("invoices:write")
    assert admin.has("cases:read")
    assert not admin.has(CLOCK_WRITE)
    assert operator.has(CLOCK_WRITE)
    assert not operator.has("admin")


def test_tokens_from_old_and_new_keys_both_verify_during_rotation(tmp_path: Path) -> None:
    old, new = generate_key_pair(tmp_path, "k1"), generate_key_pair(tmp_path, "k2")
    verifier = TokenVerifier.from_directory(tmp_path / "public")
    for key in (old, new):
        assert verifier.verify(issue_token(key, tenant_id="t", scopes=[])).tenant_id == "t"
    (tmp_path / "public" / "k1.pem").unlink()  # old key retired
    with pytest.raises(InvalidToken, match="unknown key"):
        TokenVerifier.from_directory(tmp_path / "public").verify(
            issue_token(old, tenant_id="t", scopes=[])
        )


def test_expired_token_is_refused(tmp_path: Path) -> None:
    key = generate_key_pair(tmp_path, "k1")
    token = issue_token(key, tenant_id="t", scopes=[], now=T0, lifetime=timedelta(hours=1))
    with pytest.raises(InvalidToken, match="expired"):
        TokenVerifier.from_directory(tmp_path / "public").verify(token)


def test_signed_link_verifies_and_refuses_tampering_or_expiry() -> None:
    params = sign_params({"debtor": "d-1", "channel": "email"}, "secret", T0 + timedelta(days=1))
    assert verify_params(params, "secret", T0) == {"debtor": "d-1", "channel": "email"}
    with pytest.raises(BadSignature):
        verify_params(params | {"debtor": "d-2"}, "secret", T0)
    with pytest.raises(BadSignature, match="expired"):
        verify_params(params, "secret", T0 + timedelta(days=2))
    with pytest.raises(BadSignature):
        verify_params(params, "other-secret", T0)
