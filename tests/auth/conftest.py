"""A fake Logto for sign-in tests: discovery, JWKS, token and userinfo answered by ``responses``,
ID tokens signed with freshly generated keys (ES384 P-384 by default, RS256 on request)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.helpers import ENDPOINT

ISSUER = f"{ENDPOINT}/oidc"
CLIENT_ID = "web-app-id"
CLIENT_SECRET = "web-app-secret"


def discovery_document(endpoint: str = ENDPOINT) -> dict[str, Any]:
    return {
        "issuer": f"{endpoint}/oidc",
        "authorization_endpoint": f"{endpoint}/oidc/auth",
        "token_endpoint": f"{endpoint}/oidc/token",
        "userinfo_endpoint": f"{endpoint}/oidc/me",
        "jwks_uri": f"{endpoint}/oidc/jwks",
        "end_session_endpoint": f"{endpoint}/oidc/session/end",
        "id_token_signing_alg_values_supported": ["ES384", "RS256"],
    }


@dataclass
class SigningKey:
    alg: str
    kid: str
    private: Any

    @classmethod
    def generate(cls, alg: str = "ES384", kid: str = "key-1") -> SigningKey:
        if alg == "ES384":
            private: Any = ec.generate_private_key(ec.SECP384R1())
        else:
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(alg=alg, kid=kid, private=private)

    def jwk(self) -> dict[str, Any]:
        algorithm = jwt.get_algorithm_by_name(self.alg)
        data = json.loads(algorithm.to_jwk(self.private.public_key()))
        return {**data, "kid": self.kid, "alg": self.alg, "use": "sig"}

    def sign(self, claims: dict[str, Any], *, kid: str | None = None) -> str:
        return jwt.encode(
            claims, self.private, algorithm=self.alg, headers={"kid": kid or self.kid}
        )


@dataclass
class FakeLogto:
    """State of the fake Logto; tests tweak ``claims``/``userinfo`` before the callback."""

    rsps: responses.RequestsMock
    key: SigningKey
    sub: str = "u1abc2def3gh"
    extra_claims: dict[str, Any] = field(default_factory=dict)
    userinfo: dict[str, Any] = field(default_factory=dict)
    signer: SigningKey | None = None  # sign with another key than the published one (forgery)
    token_requests: list[Any] = field(default_factory=list)
    last_nonce: str | None = None
    token_answer: dict[str, Any] = field(default_factory=dict)  # more keys, e.g. refresh_token

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": self.sub,
            "iat": now,
            "exp": now + 3600,
            "auth_time": now,
            "sid": "sid-123",
            "nonce": nonce,
            **self.extra_claims,
        }
        return (self.signer or self.key).sign(claims)

    def install(self) -> None:
        self.rsps.add(
            responses.GET,
            f"{ENDPOINT}/oidc/.well-known/openid-configuration",
            json=discovery_document(),
        )
        self.rsps.add_callback(
            responses.GET,
            f"{ENDPOINT}/oidc/jwks",
            callback=lambda request: (200, {}, json.dumps({"keys": [self.key.jwk()]})),
        )
        self.rsps.add_callback(responses.POST, f"{ENDPOINT}/oidc/token", callback=self._token)
        self.rsps.add_callback(responses.GET, f"{ENDPOINT}/oidc/me", callback=self._userinfo)

    def _token(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.token_requests.append(request)
        body = {
            "access_token": "opaque-access-token",
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": self.id_token(self.last_nonce),
            "scope": "openid profile email",
            **self.token_answer,
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _userinfo(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = {"sub": self.sub, "name": "Ada Lovelace", "email": "ada@example.com"}
        body.update(self.userinfo)
        body = {k: v for k, v in body.items() if v is not None}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


@pytest.fixture
def fake_logto(rsps: responses.RequestsMock) -> FakeLogto:
    fake = FakeLogto(rsps=rsps, key=SigningKey.generate("ES384"))
    fake.install()
    return fake


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def start(client: Any, fake_logto: FakeLogto, url: str = "/account/login/") -> dict[str, str]:
    """GET a view that starts an OIDC request; answers the authorization request's parameters."""
    response = client.get(url)
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(f"{ENDPOINT}/oidc/auth?")
    params = query_of(response["Location"])
    fake_logto.last_nonce = params.get("nonce")
    return params


def sign_in(client: Any, fake_logto: FakeLogto, url: str = "/account/login/") -> Any:
    """A whole sign-in: start, then come back to the callback with a code."""
    params = start(client, fake_logto, url)
    return client.get("/account/oidc/callback/", {"code": "the-code", "state": params["state"]})
