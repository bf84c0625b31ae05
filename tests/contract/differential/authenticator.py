"""A software passkey authenticator: what Chromium's virtual authenticator answers to
``navigator.credentials.create()`` (``none`` attestation, user verified, a P-256 key), made
from Logto's registration options, so the same sequence runs against the emulator and a real
Logto without a browser."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric import ec


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def create_credential(options: dict[str, Any], origin: str) -> dict[str, Any]:
    """``PublicKeyCredential.toJSON()`` of a new passkey for ``options`` made on a page at
    ``origin`` (the browser's ``type`` "public-key": Logto wants "WebAuthn" instead)."""
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.public_key().public_numbers()
    cose_key = {
        1: 2,  # kty: EC2
        3: -7,  # alg: ES256
        -1: 1,  # crv: P-256
        -2: numbers.x.to_bytes(32, "big"),
        -3: numbers.y.to_bytes(32, "big"),
    }
    credential_id = secrets.token_bytes(16)
    flags = 0x01 | 0x04 | 0x40  # user present, user verified, attested credential data
    auth_data = (
        hashlib.sha256(options["rp"]["id"].encode()).digest()
        + bytes([flags])
        + (0).to_bytes(4, "big")
        + bytes(16)  # AAGUID: none
        + len(credential_id).to_bytes(2, "big")
        + credential_id
        + cbor2.dumps(cose_key)
    )
    client_data = {
        "type": "webauthn.create",
        "challenge": options["challenge"],
        "origin": origin,
        "crossOrigin": False,
    }
    return {
        "id": _b64url(credential_id),
        "rawId": _b64url(credential_id),
        "type": "public-key",
        "authenticatorAttachment": "platform",
        "clientExtensionResults": {"credProps": {"rk": True}},
        "response": {
            "clientDataJSON": _b64url(json.dumps(client_data).encode()),
            "attestationObject": _b64url(
                cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
            ),
            "transports": ["internal"],
        },
    }
