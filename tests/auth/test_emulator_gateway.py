"""The two gateways end to end on the Logto emulator: a real sign-in, the account pages, step-up
and the user's own changes (profile, custom data, username, email, password).

With ``ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"`` and the tenant's account center enabled, every
change goes through ``/api/my-account`` with the user's own token and Logto's verification
record, and no M2M token is ever fetched (nor needed: the site may have no M2M credentials at
all). With the account center disabled everything works as before, through the Management API.
A change whose verification record Logto no longer accepts is refused by Logto, and the app asks
to confirm again.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, RequestFactory

pytest.importorskip("logto_emulator.server", reason="the Logto emulator is not available")

from account_center.flows import logto_verification, stepup  # noqa: E402
from account_center.logto.client import reset_client  # noqa: E402
from account_center.models import AuditEvent  # noqa: E402
from logto_emulator.seed import DEMO_CLIENTS, DEMO_USER, demo_state  # noqa: E402
from logto_emulator.server import EmulatorServer  # noqa: E402

from .test_emulator_sign_in import SITE, callback, emulator, through_logto  # noqa: E402, F401

pytestmark = pytest.mark.django_db

EDIT_ALL = {
    field: "Edit"
    for field in ("name", "avatar", "profile", "customData", "username", "email", "phone")
}
EDIT_ALL["password"] = "Edit"
EDIT_ALL["session"] = "Edit"
# What the Management API alone reaches (deletion and tokens have no Account API; linked
# accounts are not carried by it yet; two-step is kept off here, its own tests carry it).
MANAGEMENT_ONLY_OFF = {
    "tokens": "off",
    "deletion": "off",
    "mfa": "off",
    "passkeys": "off",
    "social": "off",
    "enterprise_sso": "off",
    "trusted_devices": "off",
    "organizations": "off",
}
NEW_PASSWORD = "Another-passw0rd-for-the-gateway"


def _signed_in(emu: EmulatorServer) -> Client:
    client = Client(HTTP_HOST=SITE)
    start = client.get("/account/login/?next=/account/")
    response = callback(client, through_logto(requests.Session(), start["Location"]))
    assert response.status_code == 302, response.content[:500]
    return client


def _demo(emu: EmulatorServer) -> dict[str, Any]:
    with emu.state.lock:
        user = emu.state.find_user_by("username", "demo_gateway") or emu.state.find_user_by(
            "username", DEMO_USER.username
        )
        assert user is not None
        return dict(user)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, bool]]:
    """Every request the app sends Logto: (method, path, with the M2M grant)."""
    from account_center.logto.transport import Transport

    seen: list[tuple[str, str, bool]] = []
    send = Transport._send

    def recording(self: Any, method: str, url: str, **kwargs: Any) -> Any:
        data = kwargs.get("data") or {}
        grant = isinstance(data, dict) and data.get("grant_type") == "client_credentials"
        seen.append((method, kwargs.get("log_path") or url, grant))
        return send(self, method, url, **kwargs)

    monkeypatch.setattr(Transport, "_send", recording)
    return seen


def _journey(emu: EmulatorServer, client: Client) -> None:
    """Pages, step-up with the password, then each change the gateway carries."""
    for page in ("/account/", "/account/profile/", "/account/security/"):
        assert client.get(page).status_code == 200, page
    verified = client.post("/account/verify/", {"action": "password", "password": DEMO_USER.password})
    assert verified.status_code in (200, 302), verified.content[:300]
    sessions = client.get("/account/sessions/")
    assert sessions.status_code == 200 and b"ac-sessions" in sessions.content, sessions.content[:300]
    assert client.post("/account/profile/edit/", {"name": "Gateway User"}).status_code in (200, 302)
    renamed = client.post("/account/security/username/", {"username": "demo_gateway"})
    assert renamed.status_code in (200, 302)
    sent = client.post("/account/security/email/", {"action": "send", "email": "gw@example.com"})
    assert sent.status_code in (200, 302), sent.content[:300]
    with emu.state.lock:
        code = emu.state.last_code(email="gw@example.com")
    assert code
    confirmed = client.post("/account/security/email/", {"action": "verify", "code": code})
    assert confirmed.status_code in (200, 302)
    changed = client.post(
        "/account/security/password/", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert changed.status_code in (200, 302)


def _changed(emu: EmulatorServer) -> None:
    user = _demo(emu)
    assert user["name"] == "Gateway User"
    assert user["username"] == "demo_gateway"
    assert user["primaryEmail"] == "gw@example.com"
    from logto_emulator.state import check_password

    assert check_password(NEW_PASSWORD, user["_password"])


def test_auto_with_the_account_center_enabled_goes_through_my_account_without_m2m(
    emulator: EmulatorServer,  # noqa: F811 - the fixture imported above
    settings: Any,
    calls: list[tuple[str, str, bool]],
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    # The site keeps M2M credentials, but uses none of what only the Management API has.
    settings.ACCOUNT_CENTER_FEATURES = MANAGEMENT_ONLY_OFF
    emulator.state.configure_account_center(enabled=True, fields=EDIT_ALL)
    client = _signed_in(emulator)

    _journey(emulator, client)

    _changed(emulator)
    assert not [call for call in calls if call[2]], " | ".join(m + " " + p for m, p, _ in calls)
    assert emulator.state.m2m_tokens_issued == 0
    writes = [(m, p) for m, p, _ in calls if m != "GET" and p.startswith("/api/")]
    assert writes and all(
        p.startswith(("/api/my-account", "/api/verifications")) for _, p in writes
    ), writes
    assert ("PATCH", "/api/my-account") in writes
    assert ("POST", "/api/my-account/primary-email") in writes
    assert ("POST", "/api/my-account/password") in writes
    assert ("GET", "/api/my-account/sessions", False) in calls  # with Logto's record


def test_no_m2m_credentials_at_all(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    settings.LOGTO_M2M_APP_ID = ""
    settings.LOGTO_M2M_APP_SECRET = ""
    emulator.state.configure_account_center(enabled=True, fields=EDIT_ALL)
    client = _signed_in(emulator)

    _journey(emulator, client)

    _changed(emulator)
    assert not [call for call in calls if call[2]]
    # What only the Management API can do is Off, not broken.
    assert client.get("/account/tokens/").status_code in (403, 404)
    assert client.get("/account/delete/").status_code in (403, 404)


def test_auto_with_the_account_center_disabled_works_as_before(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    client = _signed_in(emulator)

    _journey(emulator, client)

    _changed(emulator)
    assert not [p for _, p, _ in calls if p.startswith("/api/my-account")]
    assert [call for call in calls if call[2]], "the Management API carried the changes"


def _journey_calls(settings: Any, calls: list[tuple[str, str, bool]]) -> Counter[tuple[str, str]]:
    """The journey's calls to Logto on a fresh emulator (a fresh Logto's account center:
    disabled) with nothing cached, each user id written ``{sub}``; the side-by-side reads come in
    any order, so counted."""
    cache.clear()
    with EmulatorServer(demo_state(port=8000)) as emu:
        settings.LOGTO_ENDPOINT = emu.url
        settings.LOGTO_APP_ID = DEMO_CLIENTS.web_app_id
        settings.LOGTO_APP_SECRET = DEMO_CLIENTS.web_app_secret
        settings.LOGTO_M2M_APP_ID = DEMO_CLIENTS.m2m_app_id
        settings.LOGTO_M2M_APP_SECRET = DEMO_CLIENTS.m2m_app_secret
        reset_client()
        del calls[:]
        _journey(emu, _signed_in(emu))
        _changed(emu)
        sub = _demo(emu)["id"]
    reset_client()
    return Counter((method, path.replace(sub, "{sub}")) for method, path, _ in calls)


def test_the_default_gateway_on_a_disabled_account_center_asks_logto_what_management_does(
    settings: Any, calls: list[tuple[str, str, bool]]
) -> None:
    """"auto", the default, on a tenant as Logto comes (its account center disabled): the same
    sign-in, pages, step-up and changes make the same calls as "management", but for Logto's
    anonymous account-center settings, read once and kept."""
    settings.ACCOUNT_CENTER_LOGIN_REDIRECT_URL = "/signed-in/"
    by_default = _journey_calls(settings, calls)
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "management"
    with_management = _journey_calls(settings, calls)

    assert by_default - with_management == Counter({("GET", "/api/.well-known/account-center"): 1})
    assert with_management - by_default == Counter()


def test_a_change_without_a_valid_verification_record_is_refused_by_logto_then_asked_again(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
) -> None:
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "account"
    settings.ACCOUNT_CENTER_STEP_UP_SECONDS = 3600
    emulator.state.configure_account_center(enabled=True, fields=EDIT_ALL)
    client = _signed_in(emulator)
    client.post("/account/verify/", {"action": "password", "password": DEMO_USER.password})
    assert logto_verification.SESSION_KEY in client.session
    # The app's window never outlives Logto's record (600 s), however long the site's is.
    request = RequestFactory().get("/account/")
    request.session = client.session
    request.user = get_user_model().objects.select_related("logto_identity").get()
    assert 500 < stepup.remaining_seconds(request) <= 600
    # Logto forgets the record (as after its 600 s) while the app's window still holds.
    with emulator.state.lock:
        for record in emulator.state.verification_records.values():
            record["expiresAt"] = 0

    response = client.post("/account/security/username/", {"username": "demo_refused"})

    assert _demo(emulator)["username"] == DEMO_USER.username  # Logto refused it
    assert response.status_code in (200, 302)
    assert stepup.SESSION_KEY not in client.session  # "confirm it's you" again
    assert logto_verification.SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="step_up_required").exists()
    # Confirming again makes a new record, and the same change then goes through.
    client.post("/account/verify/", {"action": "password", "password": DEMO_USER.password})
    client.post("/account/security/username/", {"username": "demo_refused"})
    with emulator.state.lock:
        assert emulator.state.find_user_by("username", "demo_refused") is not None


def test_sessions_and_apps_are_not_asked_of_logto_without_a_record(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],
) -> None:
    """Logto lists sessions and grants only with a verification record (401
    ``verification_record.permission_denied`` without one, as the lab's Logto answered the
    overview each time): with none kept the pages ask the user first, and Logto is not asked
    for an answer known in advance."""
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    settings.ACCOUNT_CENTER_FEATURES = MANAGEMENT_ONLY_OFF
    emulator.state.configure_account_center(enabled=True, fields=EDIT_ALL)
    client = _signed_in(emulator)
    del calls[:]

    assert client.get("/account/").status_code == 200
    for page in ("/account/sessions/", "/account/apps/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == f"/account/verify/?next={page}"

    gated = ("/api/my-account/sessions", "/api/my-account/grants")
    assert [(m, p) for m, p, _ in calls if p.startswith(gated)] == []


def test_connected_apps_are_listed_from_logtos_grants_without_the_m2m_token(
    emulator: EmulatorServer,  # noqa: F811
    settings: Any,
    calls: list[tuple[str, str, bool]],
) -> None:
    """Through the Account API an app is named as Logto's grant names it (as Logto's own account
    center shows it): its consent-page logo, which only the Management API reads, is left out
    rather than fetching the M2M token for the user's own page."""
    settings.ACCOUNT_CENTER_LOGTO_GATEWAY = "auto"
    settings.ACCOUNT_CENTER_FEATURES = MANAGEMENT_ONLY_OFF
    emulator.state.configure_account_center(enabled=True, fields=EDIT_ALL)
    client = _signed_in(emulator)
    client.post("/account/verify/", {"action": "password", "password": DEMO_USER.password})

    page = client.get("/account/apps/")

    assert page.status_code == 200 and "Photo Prints" in page.content.decode()
    assert ("GET", "/api/my-account/grants", False) in calls
    assert not [call for call in calls if call[2]], calls
    assert emulator.state.m2m_tokens_issued == 0
