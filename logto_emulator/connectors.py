"""The tenant's connectors: Logto's mock email, SMS and social connectors, on or off.

Shapes as a real Logto answers ``GET /api/connectors`` with its mock connectors
(packages/connectors/connector-mock-*): only the fields real Logto sends. With no email or SMS
connector, sending a code fails as on a fresh Logto (501 ``connector.not_found``).
"""

from __future__ import annotations

import base64
from typing import Any

# Stable ids, so tests and the demo can name them; a real Logto makes random 12-character ids.
CONNECTOR_IDS = {"email": "mockemailconn", "sms": "mocksmsconnec", "social": "mocksocialconn"}

_LOGO = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="11" fill="#5d34f2"/>'
        b'<text x="12" y="16.5" font-size="12" text-anchor="middle" fill="#fff" font-family="sans-serif">M</text></svg>'
    ).decode()
)

# connectorId, target, type, platform, English name and description, readme title.
_FACTORIES = {
    "email": (
        "mock-email-service",
        "mock-mail",
        "Email",
        None,
        "Mock Mail Service",
        "The description of Mock Mail Service.",
        "Mock mail connector",
    ),
    "sms": (
        "mock-short-message-service",
        "mock-sms",
        "Sms",
        None,
        "Mock SMS Service",
        "The description of Mock SMS Service.",
        "Mock short message service connector",
    ),
    "social": (
        "mock-social-connector",
        "mock-social",
        "Social",
        "Universal",
        "Mock Social",
        "Social mock connector description",
        "Social mock connector",
    ),
}


def connector_json(kind: str) -> dict[str, Any]:
    factory_id, target, kind_name, platform, name, description, readme = _FACTORIES[kind]
    data: dict[str, Any] = {
        "id": CONNECTOR_IDS[kind],
        "syncProfile": False,
        "enableTokenStorage": False,
        "config": {},
        "metadata": {},  # per-instance overrides of the connector's own metadata: none here
        "connectorId": factory_id,
        "target": target,
        # Logto's connector metadata carries these four languages.
        "name": {"en": name, "zh-CN": name, "tr-TR": name, "ko": name},
        "description": {
            "en": description,
            "zh-CN": description,
            "tr-TR": description,
            "ko": description,
        },
        "logo": _LOGO,
        "logoDark": None,
        "readme": f"# {readme}\n\nFor integration tests only.\n",
        "configTemplate": "{}\n",
        "platform": platform,
        "type": kind_name,
        "isDemo": False,
        "extraInfo": {},
    }
    if kind == "social":
        data["isTokenStorageSupported"] = True
    return data


def kind_of(connector_id: str) -> str | None:
    return next((kind for kind, known in CONNECTOR_IDS.items() if known == connector_id), None)
