"""Bearer tokens: Ed25519-signed JWTs carrying a tenant and scopes.

Only the issuer (``debtflow token create``) holds a private key. Services hold public
keys, chosen by the token's ``kid``, so a new key can be added before tokens signed with
it appear and an old one removed after its tokens expire: rotation without downtime.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
AUDIENCE = "debtflow-api"

CLOCK_WRITE = "clock:write"
# Scopes over the whole deployment rather than one tenant: a tenant's ``admin`` does not
# imply them, and only an operator issues them (``debtflow token create``, ``make run``).
OPERATOR_SCOPES = frozenset({CLOCK_WRITE})


class InvalidToken(Exception):
    """The token is missing, malformed, expired, or not signed by a key we trust."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the tenant they act for and what they may do."""

    tenant_id: str
    subject: str
    scopes: frozenset[str]

    def has(self, scope: str) -> bool:
        """Whether the token grants ``scope``: ``admin`` implies every tenant scope."""
        if scope in self.scopes:
            return True
        return "admin" in self.scopes and scope not in OPERATOR_SCOPES


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey


def generate_key_pair(keys_dir: Path, kid: str | None = None) -> SigningKey:
    """Write a new Ed25519 key pair: ``private/<kid>.pem`` and ``public/<kid>.pem``."""
    kid = kid or datetime.now(UTC).strftime("k%Y%m%d%H%M%S")
    private_key = Ed25519PrivateKey.generate()
    (keys_dir / "private").mkdir(parents=True, exist_ok=True)
    (keys_dir / "public").mkdir(parents=True, exist_ok=True)
    private_path = keys_dir / "private" / f"{kid}.pem"
    private_path.write_bytes(
        private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    private_path.chmod(0o600)
    (keys_dir / "public" / f"{kid}.pem").write_bytes(
        private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return SigningKey(kid, private_key)


def load_signing_key(path: Path) -> SigningKey:
    """Load a private key; its file name (without ``.pem``) is its ``kid``."""
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return SigningKey(path.stem, key)


def newest_signing_key(keys_dir: Path) -> SigningKey | None:
    candidates = sorted((keys_dir / "private").glob("*.pem"))
    return load_signing_key(candidates[-1]) if candidates else None


def load_public_keys(directory: Path) -> dict[str, Ed25519PublicKey]:
    """Every ``<kid>.pem`` public key in ``directory``."""
    keys: dict[str, Ed25519PublicKey] = {}
    for path in sorted(directory.glob("*.pem")):
        key = serialization.load_pem_public_key(path.read_bytes())
        if isinstance(key, Ed25519PublicKey):
            keys[path.stem] = key
    return keys


def issue_token(
    key: SigningKey,
    *,
    tenant_id: str,
    scopes: Iterable[str],
    subject: str = "operator",
    issuer: str = "debtflow",
    lifetime: timedelta = timedelta(days=30),
    now: datetime | None = None,
) -> str:
    issued = now or datetime.now(UTC)
    claims = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": subject,
        "tenant": tenant_id,
        "scope": " ".join(sorted(set(scopes))),
        "iat": int(issued.timestamp()),
        "exp": int((issued + lifetime).timestamp()),
    }
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})


class TokenVerifier:
    def __init__(self, public_keys: Mapping[str, Ed25519PublicKey], issuer: str = "debtflow"):
        self._keys = dict(public_keys)
        self._issuer = issuer

    @classmethod
    def from_directory(cls, directory: Path, issuer: str = "debtflow") -> TokenVerifier:
        return cls(load_public_keys(directory) if directory.is_dir() else {}, issuer)

    def verify(self, token: str) -> Principal:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except (jwt.PyJWTError, ValueError):
            raise InvalidToken("the token is not a signed JWT") from None
        key = self._keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidToken("token signed with an unknown key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "tenant", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(_plainly(error)) from None
        tenant = claims.get("tenant")
        if not isinstance(tenant, str) or not tenant:
            raise InvalidToken("token names no tenant")
        return Principal(
            tenant_id=tenant,
            subject=str(claims["sub"]),
            scopes=frozenset(str(claims.get("scope", "")).split()),
        )


def _plainly(error: jwt.PyJWTError) -> str:
    """What was wrong with a token, without the decoder's internals."""
    if isinstance(error, jwt.ExpiredSignatureError):
        return "the token has expired"
    if isinstance(error, jwt.ImmatureSignatureError):
        return "the token is not valid yet"
    if isinstance(error, jwt.InvalidAudienceError | jwt.InvalidIssuerError):
        return "the token was not issued for this API"
    if isinstance(error, jwt.MissingRequiredClaimError):
        return f"the token lacks the {error.claim!r} claim"
    if isinstance(error, jwt.InvalidSignatureError):
        return "the token's signature does not match"
    return "the token is not a valid signed JWT"
