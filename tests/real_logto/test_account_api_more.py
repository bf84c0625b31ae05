"""The rest of the account center on the Account API gateway (``"auto"``) against a real Logto
whose account center is enabled: email and phone changed with one-time codes, an authenticator
app and backup codes, a social account linked and unlinked, the profile's fields and its picture.

The evidence is Logto's own access log (:class:`~.helpers.LogtoRequests`): each change went to
``/api/my-account...`` and ``/api/verifications...`` and was answered 2xx, and none was a
Management API write to the user; the Management API then reads the result back.

For the module, restored after (it runs under the lab's lock, so no other journey sees them):
the tenant's account center enabled with every field Edit; Logto's mock email, SMS and social
connectors (the lab kit's ``connectors.py on``; ``off`` after, the lab's default, which the email
journey of test_journeys.py expects); the authenticator app and backup codes among the sign-in
experience's MFA factors (Logto binds only the factors it offers).
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pyotp
import pytest
from playwright.sync_api import Page, Route, expect

from account_center.logto import read_cache
from account_center.logto.client import LogtoClient
from tests.helpers import confirm_with_password, sign_in

from .conftest import EDIT_ALL, DemoSetup, E2EUser, tenant_account_center
from .helpers import (
    Answered,
    LogtoRequests,
    STEP_UP_DIALOG,
    my_account_calls,
    sign_in_at_logto,
    statuses,
    writes_to_user,
)

pytestmark = pytest.mark.real_logto

LAB_DIR = Path(os.environ.get("LAB_DIR", "/opt/logto-lab"))
# The lab kit's scripts (connectors.py), beside its README.
LAB_KIT = Path(os.environ.get("LOGTO_LAB_KIT", "/work/shared/logto/lab"))
# Where the mock connectors "send": one JSON line, overwritten per message.
MOCK_RECORDS = LAB_DIR / "mock"
# What ``connectors.py on`` makes (Logto's connector ids).
MOCK_CONNECTORS = {"mock-email-service", "mock-short-message-service", "mock-social-connector"}


def _connectors(command: str) -> None:
    subprocess.run(
        ["python3", str(LAB_KIT / "connectors.py"), command],
        env={**os.environ, "LAB_DIR": str(LAB_DIR)},
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def mock_connectors(logto_admin: LogtoClient) -> Iterator[None]:
    """Logto's mock email, SMS and social connectors for the module; none after (the lab's
    default). Skipped where the lab kit is not at hand."""
    if not (LAB_KIT / "connectors.py").is_file():
        pytest.skip(f"the lab kit's connectors.py is not in {LAB_KIT}: set LOGTO_LAB_KIT")
    def present() -> set[str]:
        return {c["connectorId"] for c in logto_admin._request("GET", "/api/connectors")}

    before = present()
    if before - MOCK_CONNECTORS:
        # ``on`` would replace another email or SMS connector, and ``off`` not bring it back.
        pytest.fail(f"the lab has other connectors than the kit's mock ones: {before}")
    _connectors("on")
    try:
        yield
    finally:
        # Turned on by hand before this module: left on, for whoever did it.
        if not before:
            _connectors("off")
            assert present() == set(), "the lab's connectors are still on"


@pytest.fixture(scope="module")
def app_and_backup_codes_offered(logto_admin: LogtoClient) -> Iterator[None]:
    """The authenticator app and backup codes among the sign-in experience's MFA factors, the
    user's own choice (``NoPrompt``: Logto does not ask to set one up at sign-in); as it was afterwards."""
    # Logto sets adaptiveMfa to {"enabled": false} on any change of mfa: it comes back too.
    settings = logto_admin._request("GET", "/api/sign-in-exp")
    before, adaptive = settings["mfa"], settings.get("adaptiveMfa", {})
    logto_admin._request(
        "PATCH",
        "/api/sign-in-exp",
        json={"mfa": {**before, "factors": ["Totp", "BackupCode"], "policy": "NoPrompt"}},
    )
    try:
        yield
    finally:
        logto_admin._request(
            "PATCH", "/api/sign-in-exp", json={"mfa": before, "adaptiveMfa": adaptive}
        )


@pytest.fixture(scope="module")
def mock_social_on_the_sign_in_page(
    logto_admin: LogtoClient, mock_connectors: None
) -> Iterator[None]:
    """The mock social provider on Logto's sign-in page: through the Account API the connections
    page offers the providers the sign-in page offers (as Logto's own account center does, from
    the anonymous sign-in experience). As it was afterwards."""
    # Read anew: the module's own reads made before the connectors were on may still be kept.
    with read_cache.fresh():
        before = logto_admin._request("GET", "/api/sign-in-exp")["socialSignInConnectorTargets"]
        targets = {c.target for c in logto_admin.list_social_connectors() if "mock" in c.target}
    assert targets, "the mock social connector is not on"
    logto_admin._request(
        "PATCH",
        "/api/sign-in-exp",
        json={"socialSignInConnectorTargets": sorted(set(before) | targets)},
    )
    try:
        yield
    finally:
        logto_admin._request(
            "PATCH", "/api/sign-in-exp", json={"socialSignInConnectorTargets": before}
        )


@pytest.fixture(scope="module")
def demo_setup(
    logto_admin: LogtoClient,
    mock_connectors: None,
    app_and_backup_codes_offered: None,
    mock_social_on_the_sign_in_page: None,
) -> Iterator[DemoSetup]:
    """All of the tenant's changes made before the demo starts (it keeps Logto's settings a
    minute)."""
    with tenant_account_center(logto_admin, enabled=True, fields=EDIT_ALL):
        yield DemoSetup(env={"ACCOUNT_CENTER_LOGTO_GATEWAY": "auto"})


def _code_sent_to(address: str, since: float, timeout: float = 10.0) -> str:
    """The code Logto's mock connector "sent" to ``address`` (an email address, or a phone
    number as Logto keeps it: digits only) after ``since``."""
    path = MOCK_RECORDS / ("mock_email_record.txt" if "@" in address else "mock_sms_record.txt")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_mtime >= since:
            record = json.loads(path.read_text().strip().splitlines()[-1])
            if address in (record.get("address"), record.get("phone")):
                return str(record["code"])
        time.sleep(0.1)
    raise AssertionError(f"no code to {address} in {path}")


def _account_api_only(seen: list[Answered], user_id: str) -> list[Answered]:
    """The Account API calls Logto answered, after checking that each was answered 2xx and that
    nothing changed the user through the Management API."""
    calls = my_account_calls(seen)
    assert calls, seen
    assert [a for a in calls if not 200 <= a.status < 300] == [], calls
    assert writes_to_user(seen, user_id) == []
    return calls



def _add_identifier_with_code(
    page: Page, kind: str, typed: str, at_logto: str, *, password: str | None
) -> None:
    """Add the email address or phone number ``typed`` (``at_logto``: as Logto keeps it) with the
    code Logto's mock connector sent; ``password`` when the step-up dialog must ask for it first,
    ``None`` when Logto's verification record of an earlier change is still there to use."""
    section = page.locator(f"#ac-{kind}")
    section.get_by_role(
        "link", name="Add an email address" if kind == "email" else "Add a phone number"
    ).click()
    section.get_by_label("New email address" if kind == "email" else "New phone number").fill(
        typed
    )
    since = time.time() - 1
    section.get_by_role("button", name="Send a code").click()
    if password is not None:
        confirm_with_password(page.locator(STEP_UP_DIALOG), password)
    code = section.get_by_label("Verification code")
    code.fill(_code_sent_to(at_logto, since))
    expect(page.locator(STEP_UP_DIALOG)).to_be_hidden()
    section.get_by_role("button", name="Confirm").click()
    section.get_by_text("Saved.").wait_for()


def test_email_and_phone_added_with_codes_and_removed_through_the_account_api(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    logto_requests: LogtoRequests,
) -> None:
    email = f"e2e-{secrets.token_hex(4)}@example.com"
    # +1 202 555-01xx: a range kept for fiction (no one has these numbers).
    local = f"55501{secrets.randbelow(100):02d}"
    phone_digits = f"1202{local}"
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/security/")

    # Logto's verification record is made from the password typed for the first change; the
    # second goes on with it.
    _add_identifier_with_code(page, "email", email, email, password=e2e_user.password)
    expect(page.locator("#ac-email").get_by_text(email)).to_be_visible()
    _add_identifier_with_code(page, "phone", f"+{phone_digits}", phone_digits, password=None)

    user = logto_admin.get_user(e2e_user.id)
    assert (user.primary_email, user.primary_phone) == (email, phone_digits)

    # Both removed again, with the same record.
    for kind, link, button in (
        ("phone", "Change phone", "Remove phone number"),
        ("email", "Change email", "Remove email address"),
    ):
        section = page.locator(f"#ac-{kind}")
        section.get_by_role("link", name=link).click()
        section.get_by_role("button", name=button).click()
        section.get_by_text("Saved.").wait_for()
    user = logto_admin.get_user(e2e_user.id)
    assert (user.primary_email, user.primary_phone) == (None, None)

    seen = logto_requests.wait_for("DELETE", "/api/my-account/primary-email")
    calls = _account_api_only(seen, e2e_user.id)
    assert statuses(calls, "POST", "/api/verifications/password") == [201]
    # One code to each new address, each checked by Logto, each bound with its record.
    assert statuses(calls, "POST", "/api/verifications/verification-code") == [201, 201]
    assert statuses(calls, "POST", "/api/verifications/verification-code/verify") == [200, 200]
    assert statuses(calls, "POST", "/api/my-account/primary-email") == [204]
    assert statuses(calls, "POST", "/api/my-account/primary-phone") == [204]
    assert statuses(calls, "DELETE", "/api/my-account/primary-phone") == [204]
    assert statuses(calls, "DELETE", "/api/my-account/primary-email") == [204]


def test_authenticator_app_and_backup_codes_through_the_account_api(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    logto_requests: LogtoRequests,
) -> None:
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/two-step/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Set up an authenticator app").click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    page.locator(".ac-secret").wait_for()
    secret = page.locator(".ac-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm and turn on").click()
    page.get_by_text("Your authenticator app is set up.").wait_for()
    assert [f.type for f in logto_admin.list_mfa_verifications(e2e_user.id)] == ["Totp"]

    page.get_by_role("button", name="Make backup codes").click()
    page.get_by_text("shown only this once").wait_for()
    codes = page.locator(".ac-codes code").all_inner_texts()
    assert len(codes) == 10
    assert sorted(f.type for f in logto_admin.list_mfa_verifications(e2e_user.id)) == [
        "BackupCode",
        "Totp",
    ]

    # The user's own switch (Logto's ``logto-configs``): off, then on again.
    page.reload()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Turn off the second step").click()
    page.get_by_role("button", name="Turn on the second step").wait_for()
    assert logto_admin.get_logto_configs(e2e_user.id)["mfa"]["enabled"] is False
    page.get_by_role("button", name="Turn on the second step").click()
    page.get_by_role("button", name="Turn off the second step").wait_for()
    assert logto_admin.get_logto_configs(e2e_user.id)["mfa"]["enabled"] is True

    page.get_by_role("button", name="Remove authenticator app").click()
    page.get_by_role("button", name="Yes, remove it").click()
    page.locator("#ac-two-step-app").get_by_text("Removed, and your backup codes with it.").wait_for()
    assert logto_admin.list_mfa_verifications(e2e_user.id) == []

    seen = logto_requests.wait_for("GET", f"/api/users/{e2e_user.id}/mfa-verifications", count=3)
    calls = _account_api_only(seen, e2e_user.id)
    factors = "/api/my-account/mfa-verifications"
    assert statuses(calls, "POST", "/api/verifications/password") == [201]
    # The app's secret bound with the code made from it (Logto checks it), then the backup
    # codes Logto generated bound as they were shown.
    assert statuses(calls, "POST", f"{factors}/backup-codes/generate") == [200]
    assert statuses(calls, "POST", factors) == [204, 204]
    assert statuses(calls, "PATCH", "/api/my-account/logto-configs") == [200, 200]
    removed = [a for a in calls if a.method == "DELETE" and a.path.startswith(f"{factors}/")]
    assert [a.status for a in removed] == [204, 204]


def test_social_account_linked_and_unlinked_through_the_account_api(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    logto_requests: LogtoRequests,
) -> None:
    [mock] = [c for c in logto_admin.list_social_connectors() if "mock" in c.target]
    social_id = f"e2e-social-{secrets.token_hex(4)}"

    def provider_approves(route: Route) -> None:
        # Logto's mock social connector sends the browser to http://mock-social/, which
        # exists nowhere: the provider's answer is the redirect back with its data.
        asked = parse_qs(urlsplit(route.request.url).query)
        back = asked["redirect_uri"][0]
        answer = {"state": asked["state"][0], "code": "lab", "userId": social_id}
        route.fulfill(status=302, headers={"Location": f"{back}?{urlencode(answer)}"})

    page.route("http://mock-social/**", provider_approves)
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/connections/")
    page.get_by_role("button", name=re.compile(r"^Link ")).click()
    confirm_with_password(page.locator(STEP_UP_DIALOG), e2e_user.password)
    page.get_by_text("Linked. You can now sign in with it too.").wait_for()
    identities = logto_admin.get_user(e2e_user.id).identities
    assert identities[mock.target].user_id == social_id

    page.get_by_role("button", name=re.compile(r"^Unlink ")).click()
    page.get_by_role("button", name="Yes, unlink it").click()
    page.get_by_text("Unlinked.").wait_for()
    assert mock.target not in logto_admin.get_user(e2e_user.id).identities

    seen = logto_requests.wait_for("DELETE", f"/api/my-account/identities/{mock.target}")
    calls = _account_api_only(seen, e2e_user.id)
    assert statuses(calls, "POST", "/api/verifications/social") == [201]
    assert statuses(calls, "POST", "/api/verifications/social/verify") == [200]
    assert statuses(calls, "POST", "/api/my-account/identities") == [204]
    assert statuses(calls, "DELETE", f"/api/my-account/identities/{mock.target}") == [204]


def test_profile_fields_through_the_account_api(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    logto_requests: LogtoRequests,
) -> None:
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    form = page.locator("#ac-profile")
    form.get_by_label("Given name").fill("Ada")
    form.get_by_label("Family name").fill("Lovelace")
    form.get_by_label("Website").fill("https://example.com/ada")
    form.get_by_label("Language").fill("en-GB")
    form.get_by_label("Picture URL").fill("https://example.com/ada.png")
    page.get_by_role("button", name="Save").click()
    form.get_by_text("Saved.").wait_for()

    user = logto_admin.get_user(e2e_user.id)
    assert user.avatar == "https://example.com/ada.png"
    assert {k: user.profile.get(k) for k in ("givenName", "familyName", "website", "locale")} == {
        "givenName": "Ada",
        "familyName": "Lovelace",
        "website": "https://example.com/ada",
        "locale": "en-GB",
    }
    seen = logto_requests.wait_for("PATCH", "/api/my-account/profile")
    calls = _account_api_only(seen, e2e_user.id)
    assert statuses(calls, "PATCH", "/api/my-account/profile") == [200]
    assert statuses(calls, "PATCH", "/api/my-account") == [200]  # the picture's address


def _png() -> bytes:
    from PIL import Image  # the "avatar" extra, as the upload needs (flows/avatar.py)

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, "PNG")
    return out.getvalue()


def test_picture_upload_on_a_tenant_without_storage_keeps_the_web_address(
    page: Page,
    demo: str,
    e2e_user: E2EUser,
    logto_admin: LogtoClient,
    logto_requests: LogtoRequests,
) -> None:
    """The lab's Logto has no storage provider (its Management API says so): the upload goes to
    the Account API, Logto refuses it with ``storage.not_configured``, and the page says so in
    words and offers the picture's web address alone from then on."""
    assert logto_admin._request("GET", "/api/user-assets/service-status")["status"] == (
        "not_configured"
    )
    sign_in(page, demo, e2e_user, fill=sign_in_at_logto)
    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    form = page.locator("#ac-profile")
    form.get_by_label("Or upload a picture").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_role("button", name="Save").click()
    expect(
        form.get_by_text("Pictures can't be uploaded here. Give the picture's web address instead.")
    ).to_be_visible()
    expect(page.get_by_text("Server Error")).to_have_count(0)
    expect(form.get_by_label("Picture URL")).to_be_visible()
    assert logto_admin.get_user(e2e_user.id).avatar is None

    # Asked again, the form offers the web address alone.
    page.goto(f"{demo}/account/profile/")
    page.get_by_role("link", name="Edit profile").click()
    expect(form.get_by_label("Picture URL")).to_be_visible()
    expect(form.get_by_label("Or upload a picture")).to_have_count(0)

    seen = logto_requests.answered()
    assert statuses(seen, "POST", "/api/my-account/user-assets/avatar") == [400]
    assert writes_to_user(seen, e2e_user.id) == []
