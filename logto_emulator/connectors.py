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

# connectorId, target, type, platform, name and description (each in the four languages of the
# connector's own metadata, packages/connectors/connector-mock-*/src/constant.ts), readme title.
_FACTORIES: dict[str, tuple[str, str, str, str | None, dict[str, str], dict[str, str], str]] = {
    "email": (
        "mock-email-service",
        "mock-mail",
        "Email",
        None,
        {
            "en": "Mock Mail Service",
            "zh-CN": "Mock 邮件服务",
            "tr-TR": "Mock Mail Servis",
            "ko": "Mock Mail Service",
        },
        {
            "en": "The description of Mock Mail Service.",
            "zh-CN": "Mock 邮件服务的描述。",
            "tr-TR": "Mock Mail Servis açıklaması.",
            # Logto's own metadata says "SMS" here.
            "ko": "The description of Mock SMS Service.",
        },
        "Mock mail connector",
    ),
    "sms": (
        "mock-short-message-service",
        "mock-sms",
        "Sms",
        None,
        {
            "en": "Mock SMS Service",
            "zh-CN": "Mock 短信服务",
            "tr-TR": "Mock SMS Servis",
            "ko": "Mock SMS Service",
        },
        {
            "en": "The description of Mock SMS Service.",
            "zh-CN": "Mock 短信服务的描述。",
            "tr-TR": "Mock SMS Servis açıklaması.",
            "ko": "The description of Mock SMS Service.",
        },
        "Mock short message service connector",
    ),
    "social": (
        "mock-social-connector",
        "mock-social",
        "Social",
        "Universal",
        {"en": "Mock Social", "zh-CN": "Mock 社交登录", "ko": "Mock Social", "tr-TR": "Mock Social"},
        {
            "en": "Social mock connector description",
            "zh-CN": "Mock 社交登录连接器的描述",
            "ko": "Social mock connector description",
            "tr-TR": "Social mock connector description",
        },
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
        "name": dict(name),
        "description": dict(description),
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
