from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin

from account_center.conf.checks import check_settings
from account_center.models import AuditEvent, LogtoIdentity


def ids(settings: Any) -> list[str]:
    silenced = settings.SILENCED_SYSTEM_CHECKS
    return [message.id for message in check_settings() if message.id not in silenced]


def test_default_test_settings_pass(settings: Any) -> None:
    assert ids(settings) == []


def test_missing_endpoint(settings: Any) -> None:
    settings.LOGTO_ENDPOINT = ""
    messages = [m for m in check_settings() if m.id not in settings.SILENCED_SYSTEM_CHECKS]
    assert [m.id for m in messages] == ["account_center.E001"]
    assert "LOGTO_ENDPOINT" in messages[0].msg and messages[0].hint


@pytest.mark.parametrize(
    ("endpoint", "check_id"),
    [
        ("logto.example.com", "account_center.E002"),
        ("ftp://logto.example.com", "account_center.E002"),
        ("https://logto.example.com/oidc", "account_center.E003"),
        ("https://logto.example.com/oidc/", "account_center.E003"),
    ],
)
def test_malformed_endpoint(settings: Any, endpoint: str, check_id: str) -> None:
    settings.LOGTO_ENDPOINT = endpoint
    assert ids(settings) == [check_id]


def test_endpoint_with_a_prefix_path_is_fine(settings: Any) -> None:
    settings.LOGTO_ENDPOINT = "https://example.com/logto"
    assert ids(settings) == []


@pytest.mark.parametrize(
    ("name", "check_id"),
    [
        ("LOGTO_APP_ID", "account_center.E004"),
        ("LOGTO_APP_SECRET", "account_center.E005"),
        ("LOGTO_M2M_APP_ID", "account_center.E006"),
        ("LOGTO_M2M_APP_SECRET", "account_center.E007"),
    ],
)
def test_missing_credentials(settings: Any, name: str, check_id: str) -> None:
    setattr(settings, name, "")
    messages = [m for m in check_settings() if m.id not in settings.SILENCED_SYSTEM_CHECKS]
    assert [m.id for m in messages] == [check_id]
    assert name in messages[0].msg
    assert name in messages[0].hint


@pytest.mark.parametrize("gateway", ["auto", "account"])
def test_no_m2m_credentials_at_all_is_a_choice_with_the_account_api(
    settings: Any, gateway: str
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = gateway
    settings.LOGTO_M2M_APP_ID = settings.LOGTO_M2M_APP_SECRET = ""
    assert ids(settings) == []


@pytest.mark.parametrize("gateway", ["auto", "account"])
def test_half_an_m2m_pair_is_still_an_error_with_the_account_api(
    settings: Any, gateway: str
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = gateway
    settings.LOGTO_M2M_APP_SECRET = ""
    assert ids(settings) == ["account_center.E007"]


def test_the_management_gateway_needs_m2m_credentials(settings: Any) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
    settings.LOGTO_M2M_APP_ID = settings.LOGTO_M2M_APP_SECRET = ""
    assert ids(settings) == ["account_center.E006", "account_center.E007"]


def test_missing_htmx_middleware(settings: Any) -> None:
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "htmx" not in m]
    assert ids(settings) == ["account_center.E008"]


def test_missing_backend(settings: Any) -> None:
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert ids(settings) == ["account_center.E009"]


def test_missing_request_context_processor(settings: Any) -> None:
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"] = {
        "context_processors": [
            p for p in templates[0]["OPTIONS"]["context_processors"] if not p.endswith(".request")
        ]
    }
    settings.TEMPLATES = templates
    assert ids(settings) == ["account_center.E010"]


def test_refresh_middleware_before_htmx_warns(settings: Any) -> None:
    rest = [m for m in settings.MIDDLEWARE if m != "account_center.middleware.LogtoSessionRefresh"]
    settings.MIDDLEWARE = ["account_center.middleware.LogtoSessionRefresh", *rest]
    assert ids(settings) == ["account_center.W001"]


def test_admin_registrations() -> None:
    from django.contrib.auth import get_user_model

    from account_center.admin.records import LogtoIdentityInline

    assert LogtoIdentity in admin.site._registry
    audit = admin.site._registry[AuditEvent]
    assert not audit.has_add_permission(None)
    assert not audit.has_change_permission(None)
    assert not audit.has_delete_permission(None)
    assert LogtoIdentityInline in admin.site._registry[get_user_model()].inlines


@pytest.mark.django_db
def test_admin_pages_render(admin_client: Any, django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("logto_abc")
    identity = LogtoIdentity.objects.create(user=user, sub="abc")
    AuditEvent.objects.create(user=user, sub="abc", action="sign_in", outcome="success")
    assert admin_client.get("/admin/account_center/logtoidentity/?q=abc").status_code == 200
    page = admin_client.get(f"/admin/account_center/logtoidentity/{identity.pk}/change/")
    assert page.status_code == 200
    assert 'name="sub"' not in page.content.decode()
    assert admin_client.get("/admin/account_center/auditevent/?outcome=success").status_code == 200
    assert admin_client.get(f"/admin/auth/user/{user.pk}/change/").status_code == 200
