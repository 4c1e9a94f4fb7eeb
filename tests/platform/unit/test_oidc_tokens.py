"""Tokens of the identity provider (RS256, verified through its JWKS) and development tokens
(HS256, the local key) are both accepted when both are configured, each only with its own key."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from motcua_platform.auth import Principal, TokenVerifier, mint_token
from motcua_platform.errors import ApiError

SECRET = "local-development-key-" + "k" * 20
ISSUER = "http://127.0.0.1/realms/officials"
AUDIENCE = "motcua-api"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    """The provider's key set, served over HTTP on the loopback like Keycloak's certs endpoint."""
    public = json.loads(RSAAlgorithm.to_jwk(KEY.public_key()))
    body = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Keys(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Keys)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/certs"
    server.shutdown()


def provider_token(**overrides: Any) -> str:
    claims = {
        "sub": "5f0c-uuid",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int(time.time()) + 300,
        "unit": "H15.01.36",
        "roles": ["receiver", "offline_access"],
        "name": "Lê Thị Thu",
        **overrides,
    }
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})


def verifier(jwks_url: str) -> TokenVerifier:
    return TokenVerifier(secret=SECRET, jwks_url=jwks_url, issuer=ISSUER, audience=AUDIENCE)


def test_provider_token_gives_the_official_with_unit_and_known_roles(jwks_url: str) -> None:
    principal = verifier(jwks_url).verify(provider_token())
    assert principal == Principal(
        "5f0c-uuid", "H15.01.36", frozenset({"receiver"}), name="Lê Thị Thu"
    )


def test_development_token_still_accepted_beside_the_provider(jwks_url: str) -> None:
    token = mint_token(SECRET, subject="script", unit="H15", roles=["admin"])
    assert verifier(jwks_url).verify(token).roles == frozenset({"admin"})


@pytest.mark.parametrize(
    "overrides",
    [{"aud": "another-client"}, {"iss": "http://127.0.0.1/realms/citizens"}, {"exp": 1}],
    ids=["audience", "issuer", "expired"],
)
def test_provider_token_for_another_audience_issuer_or_expired_is_refused(
    jwks_url: str, overrides: dict[str, Any]
) -> None:
    with pytest.raises(ApiError) as refused:
        verifier(jwks_url).verify(provider_token(**overrides))
    assert refused.value.status == 401


def test_token_claiming_the_provider_but_signed_with_the_local_key_is_refused(
    jwks_url: str,
) -> None:
    forged = jwt.encode(
        {
            "sub": "x",
            "iss": ISSUER,
            "aud": AUDIENCE,
            "exp": int(time.time()) + 60,
            "unit": "H15",
            "roles": ["admin"],
        },
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(ApiError) as refused:
        verifier(jwks_url).verify(forged)
    assert refused.value.status == 401


def test_token_claiming_the_local_issuer_but_signed_by_another_key_is_refused(
    jwks_url: str,
) -> None:
    forged = jwt.encode(
        {
            "sub": "x",
            "iss": "motcua-local",
            "exp": int(time.time()) + 60,
            "unit": "H15",
            "roles": ["admin"],
        },
        KEY,
        algorithm="RS256",
    )
    with pytest.raises(ApiError) as refused:
        verifier(jwks_url).verify(forged)
    assert refused.value.status == 401
