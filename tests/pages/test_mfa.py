from __future__ import annotations

import json
import logging
import re
from importlib import import_module

import pyotp
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from account_center import signals
from account_center.flows import mfa
from account_center.models import AuditEvent
from account_center.sealing import unseal
from account_center.views.mfa import grouped
from tests.helpers import USER_URL, body, calls, logto_user

pytestmark = pytest.mark.django_db
SessionStore = import_module(django_settings.SESSION_ENGINE).SessionStore

MFA_URL = f"{USER_URL}/mfa-verifications"
CONFIGS_URL = f"{USER_URL}/logto-configs"
TOTP_FACTOR = {"id": "f-totp", "type": "Totp", "createdAt": 1_700_000_000_000}
BACKUP_FACTOR = {"id": "f-bc", "type": "BackupCode", "createdAt": 1, "remainCodes": 7}
PASSKEY = {
    "id": "f-pk",
    "type": "WebAuthn",
    "createdAt": 1_700_000_000_000,
    "lastUsedAt": 1_700_000_500_000,
    "name": "Work laptop",
    "agent": "Chrome on macOS",
}
CODES = [f"c0dea{i:03x}" for i in range(10)]


def pending_secret(client) -> str:
    """The pending secret, unsealed as the flow does (the session holds it sealed only)."""
    secret = unseal(client.session[mfa.PENDING_KEY]["sealed"], mfa.SEALED_AS)
    assert secret is not None
    return secret


@pytest.fixture
def two_step(logto_mock):
    logto_mock.get(MFA_URL, json=[])
    logto_mock.get(CONFIGS_URL, json={})
    return logto_mock


def test_page_lists_factors_and_switches(auth_client, two_step) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR, BACKUP_FACTOR, PASSKEY])
    two_step.replace("GET", CONFIGS_URL, json={"mfa": {"enabled": True}})
    html = auth_client.get(reverse("account_center:mfa")).content.decode()
    assert "Remove authenticator app" in html
    assert "7 codes left." in html
    assert "Work laptop" in html and "Chrome on macOS" in html
    assert "Turn off the second step" in html
    # Management API: no passkey can be added here, and the page says why.
    assert "does not reach Logto through its Account API" in html
    assert "cannot check a code from your authenticator app" in html  # no TOTP step-up, said why


def test_mfa_enabled_absent_means_logto_default(auth_client, two_step, settings) -> None:
    settings.ACCOUNT_CENTER_READ_CACHE_SECONDS = 0  # Logto's answer changes between the views
    html = auth_client.get(reverse("account_center:mfa")).content.decode()
    assert "Off until you set up a second step" in html
    # Logto asks for the second step whenever a factor exists and the user did not say no.
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    html = auth_client.get(reverse("account_center:mfa")).content.decode()
    assert "On (the default" in html and "Turn off the second step" in html


def test_backup_codes_alone_are_explained_before_trying(auth_client, two_step) -> None:
    html = auth_client.get(reverse("account_center:mfa")).content.decode()
    assert "only work next to another way" in html
    assert 'id="ac-two-step-backup-form"' not in html


def test_start_needs_step_up(auth_client, two_step, htmx_headers, clock) -> None:
    two_step.get(USER_URL, json=logto_user())
    response = auth_client.post(
        reverse("account_center:mfa_app"), {"action": "start"}, **htmx_headers
    )
    assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    # No TOTP step-up here, and the dialog says why where a user would look for it.
    assert "Only the sign-in service can check its codes" in response.content.decode()
    assert mfa.PENDING_KEY not in auth_client.session
    plain = auth_client.post(reverse("account_center:mfa_app"), {"action": "start"})
    assert plain.status_code == 302 and plain.url.startswith(reverse("account_center:step_up"))


def test_enrol_saves_secret_only_after_a_current_code(
    stepped_up, two_step, htmx_headers, clock, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    added = []
    signals.mfa_factor_added.connect(
        lambda **kw: added.append(kw["factor"]), weak=False, dispatch_uid="t-totp"
    )
    url = reverse("account_center:mfa_app")
    start = stepped_up.post(url, {"action": "start"}, **htmx_headers)
    secret = pending_secret(stepped_up)
    html = start.content.decode()
    assert "<svg" in html and "ac-qr" in html  # QR made on the server
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in html  # grouped text
    assert 'role="img"' in html and "aria-label" in html
    assert not calls(two_step, "POST", MFA_URL)

    wrong = stepped_up.post(url, {"action": "confirm", "code": "000000"}, **htmx_headers)
    if pyotp.TOTP(secret).verify("000000", for_time=int(clock[0]), valid_window=1):
        pytest.skip("000000 happens to be valid")
    assert "This code is not correct" in wrong.content.decode()
    assert not calls(two_step, "POST", MFA_URL)

    two_step.post(MFA_URL, json={"type": "Totp", "secret": secret, "secretQrCode": "x"})
    code = pyotp.TOTP(secret).at(int(clock[0]))
    ok = stepped_up.post(url, {"action": "confirm", "code": code}, **htmx_headers)
    assert ok.status_code == 200
    # The other sections follow out of band: the switch now reads On, backup codes can be made.
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    html = stepped_up.post(url, {"action": "cancel"}, **htmx_headers).content.decode()
    assert 'id="ac-two-step-settings" hx-swap-oob="true"' in html
    assert "Turn off the second step" in html and 'id="ac-two-step-backup-form"' in html
    assert body(calls(two_step, "POST", MFA_URL)[0]) == {"type": "Totp", "secret": secret}
    assert mfa.PENDING_KEY not in stepped_up.session
    assert added == ["Totp"]
    assert secret not in caplog.text
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) not in caplog.text
    events = AuditEvent.objects.filter(action="totp_add")
    assert {e.outcome for e in events} == {"failure", "success"}
    assert all(secret not in str(e.detail) and code not in str(e.detail) for e in events)
    signals.mfa_factor_added.disconnect(dispatch_uid="t-totp")


def test_one_step_of_drift_is_accepted_two_are_not(stepped_up, two_step, htmx_headers, clock):
    url = reverse("account_center:mfa_app")
    stepped_up.post(url, {"action": "start"}, **htmx_headers)
    secret = pending_secret(stepped_up)
    two_step.post(MFA_URL, json={"type": "Totp", "secret": secret})
    totp = pyotp.TOTP(secret)
    too_old = totp.at(int(clock[0]) - 60)
    if too_old in {totp.at(int(clock[0]) + d) for d in (-30, 0, 30)}:
        pytest.skip("codes collide")
    refused = stepped_up.post(url, {"action": "confirm", "code": too_old}, **htmx_headers)
    assert "not correct" in refused.content.decode()
    drifted = totp.at(int(clock[0]) - 30)
    accepted = stepped_up.post(url, {"action": "confirm", "code": drifted}, **htmx_headers)
    assert "Your authenticator app is set up" in accepted.content.decode()
    assert len(calls(two_step, "POST", MFA_URL)) == 1


def test_expired_pending_secret_is_refused(
    stepped_up, two_step, htmx_headers, clock, settings
) -> None:
    # Step-up is still fresh for this test: only the setup itself expired.
    settings.ACCOUNT_CENTER_STEP_UP_SECONDS = 3 * mfa.PENDING_SECONDS
    url = reverse("account_center:mfa_app")
    stepped_up.post(url, {"action": "start"}, **htmx_headers)
    secret = pending_secret(stepped_up)
    clock[0] += mfa.PENDING_SECONDS + 1
    code = pyotp.TOTP(secret).at(int(clock[0]))
    response = stepped_up.post(url, {"action": "confirm", "code": code}, **htmx_headers)
    assert "This setup has expired" in response.content.decode()
    assert not calls(two_step, "POST", MFA_URL)


def test_bad_code_format_is_a_field_error_before_step_up(
    stepped_up, two_step, htmx_headers, clock
) -> None:
    url = reverse("account_center:mfa_app")
    stepped_up.post(url, {"action": "start"}, **htmx_headers)
    response = stepped_up.post(url, {"action": "confirm", "code": "12ab"}, **htmx_headers)
    assert "Enter the 6 digits" in response.content.decode()
    # Step-up over: the setup ended with it, and the input is still checked first.
    session = stepped_up.session
    session["account_center_step_up"]["at"] = clock[0] - 601
    session.save()
    response = stepped_up.post(url, {"action": "confirm", "code": "12ab"}, **htmx_headers)
    assert "This setup has expired" in response.content.decode()
    assert "HX-Retarget" not in response.headers


def test_confirm_needs_step_up(stepped_up, two_step, htmx_headers, clock) -> None:
    url = reverse("account_center:mfa_app")
    stepped_up.post(url, {"action": "start"}, **htmx_headers)
    secret = pending_secret(stepped_up)
    clock[0] += 601  # step-up window over
    code = pyotp.TOTP(secret).at(int(clock[0]))
    response = stepped_up.post(url, {"action": "confirm", "code": code}, **htmx_headers)
    assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not calls(two_step, "POST", MFA_URL)


def test_replace_removes_old_app_only_after_new_one_is_confirmed(
    stepped_up, two_step, htmx_headers, clock
) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    two_step.delete(f"{MFA_URL}/f-totp", status=204)
    url = reverse("account_center:mfa_app")
    stepped_up.post(url, {"action": "start"}, **htmx_headers)
    assert not calls(two_step, "DELETE", f"{MFA_URL}/f-totp")
    secret = pending_secret(stepped_up)
    two_step.post(MFA_URL, json={"type": "Totp", "secret": secret})
    stepped_up.post(
        url, {"action": "confirm", "code": pyotp.TOTP(secret).at(int(clock[0]))}, **htmx_headers
    )
    order = [c.request.method for c in two_step.calls if c.request.url.startswith(MFA_URL)]
    assert order.index("DELETE") < order.index("POST")


def test_backup_codes_are_shown_once(stepped_up, two_step, htmx_headers, caplog, settings) -> None:
    settings.ACCOUNT_CENTER_READ_CACHE_SECONDS = 0  # Logto's answer changes between the views
    caplog.set_level(logging.DEBUG)
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    two_step.post(MFA_URL, json={"type": "BackupCode", "codes": CODES})
    url = reverse("account_center:mfa_backup_codes")
    made = stepped_up.post(url, **htmx_headers)
    html = made.content.decode()
    assert all(code in html for code in CODES)
    assert html.count("shown only this once") == 1 and 'download="backup-codes.txt"' in html
    assert "no-store" in made.headers["Cache-Control"]
    assert body(calls(two_step, "POST", MFA_URL)[0]) == {"type": "BackupCode"}
    # Never again: not on the page, not in the session, not in a log or the audit trail.
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR, {**BACKUP_FACTOR, "remainCodes": 10}])
    later = stepped_up.get(reverse("account_center:mfa")).content.decode()
    assert "10 codes left." in later and not any(code in later for code in CODES)
    assert not any(code in str(dict(stepped_up.session)) for code in CODES)
    assert not any(code in caplog.text for code in CODES)
    assert not any(code in str(e.detail) for e in AuditEvent.objects.all() for code in CODES)


def test_backup_codes_without_javascript_are_in_the_post_answer(stepped_up, two_step) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    two_step.post(MFA_URL, json={"type": "BackupCode", "codes": CODES})
    made = stepped_up.post(reverse("account_center:mfa_backup_codes"))
    assert made.status_code == 200
    html = made.content.decode()
    assert "<h1" in html and CODES[0] in html
    assert "data:text/plain;charset=utf-8," + "%0A".join(CODES) in html


def test_regenerating_removes_the_old_set_first(stepped_up, two_step, htmx_headers) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR, BACKUP_FACTOR])
    two_step.delete(f"{MFA_URL}/f-bc", status=204)
    two_step.post(MFA_URL, json={"type": "BackupCode", "codes": CODES})
    page = stepped_up.get(reverse("account_center:mfa")).content.decode()
    assert "stops every code you have now from working" in page
    stepped_up.post(reverse("account_center:mfa_backup_codes"), **htmx_headers)
    assert calls(two_step, "DELETE", f"{MFA_URL}/f-bc")


def test_backup_codes_alone_refused_without_calling_logto(stepped_up, two_step, htmx_headers):
    response = stepped_up.post(reverse("account_center:mfa_backup_codes"), **htmx_headers)
    assert "only work next to another way" in response.content.decode()
    assert not calls(two_step, "POST", MFA_URL)


def test_logto_refusal_of_backup_codes_in_words(stepped_up, two_step, htmx_headers) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    two_step.post(
        MFA_URL,
        status=422,
        json={"code": "session.mfa.backup_code_can_not_be_alone", "message": "x"},
    )
    response = stepped_up.post(reverse("account_center:mfa_backup_codes"), **htmx_headers)
    assert response.status_code == 200
    assert "only work next to another way" in response.content.decode()


def test_a_factor_the_sign_in_experience_does_not_offer_is_refused_in_words(
    stepped_up, two_step, htmx_headers
) -> None:
    # Through the Account API Logto adds only the factors its sign-in experience turns on.
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    two_step.post(
        MFA_URL, status=400, json={"code": "session.mfa.mfa_factor_not_enabled", "message": "x"}
    )
    response = stepped_up.post(reverse("account_center:mfa_backup_codes"), **htmx_headers)
    assert response.status_code == 200
    assert "is not turned on in this site" in response.content.decode()


def test_backup_codes_need_step_up(auth_client, two_step, htmx_headers, clock) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    response = auth_client.post(reverse("account_center:mfa_backup_codes"), **htmx_headers)
    assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not calls(two_step, "POST", MFA_URL)


def test_remove_passkey(stepped_up, two_step, htmx_headers) -> None:
    removed = []
    signals.mfa_factor_removed.connect(
        lambda **kw: removed.append(kw["factor"]), weak=False, dispatch_uid="t-rm"
    )
    two_step.replace("GET", MFA_URL, json=[PASSKEY])
    two_step.delete(f"{MFA_URL}/f-pk", status=204)
    response = stepped_up.post(
        reverse("account_center:mfa_remove"),
        {"factor": "f-pk", "kind": "WebAuthn"},
        **htmx_headers,
    )
    assert response.status_code == 200 and "Removed." in response.content.decode()
    assert calls(two_step, "DELETE", f"{MFA_URL}/f-pk")
    assert removed == ["WebAuthn"]
    assert AuditEvent.objects.filter(action="mfa_remove", outcome="success").exists()
    signals.mfa_factor_removed.disconnect(dispatch_uid="t-rm")


def test_remove_someone_elses_factor_id_is_refused(stepped_up, two_step, htmx_headers) -> None:
    two_step.replace("GET", MFA_URL, json=[PASSKEY])
    response = stepped_up.post(
        reverse("account_center:mfa_remove"),
        {"factor": "other", "kind": "WebAuthn"},
        **htmx_headers,
    )
    assert "already removed" in response.content.decode()
    assert not [c for c in two_step.calls if c.request.method == "DELETE"]


def test_remove_needs_step_up(auth_client, two_step, htmx_headers, clock) -> None:
    two_step.replace("GET", MFA_URL, json=[PASSKEY])
    response = auth_client.post(
        reverse("account_center:mfa_remove"),
        {"factor": "f-pk", "kind": "WebAuthn"},
        **htmx_headers,
    )
    assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not [c for c in two_step.calls if c.request.method == "DELETE"]


def test_switches_patch_logto_configs(stepped_up, two_step, htmx_headers) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])  # "on" needs a second step to ask for
    two_step.patch(CONFIGS_URL, json={"mfa": {"enabled": True}})
    response = stepped_up.post(
        reverse("account_center:mfa_settings"), {"mfa_enabled": "on"}, **htmx_headers
    )
    assert response.status_code == 200
    assert body(calls(two_step, "PATCH", CONFIGS_URL)[0])["mfa"]["enabled"] is True
    stepped_up.post(
        reverse("account_center:mfa_settings"), {"passkey_skipped": "on"}, **htmx_headers
    )
    assert body(calls(two_step, "PATCH", CONFIGS_URL)[1])["passkeySignIn"] == {"skipped": True}
    assert AuditEvent.objects.filter(action="mfa_settings", outcome="success").count() == 2


def test_a_changed_switch_says_saved_with_and_without_javascript(
    stepped_up, two_step, htmx_headers
) -> None:
    """A change is answered one way: in place with htmx, on the redirected page without."""
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR])
    two_step.patch(CONFIGS_URL, json={"passkeySignIn": {"skipped": True}})
    url = reverse("account_center:mfa_settings")
    in_place = stepped_up.post(url, {"passkey_skipped": "on"}, **htmx_headers)
    assert '<p class="ac-notice" role="status">Saved.</p>' in in_place.content.decode()
    response = stepped_up.post(url, {"passkey_skipped": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_center:mfa")
    page = stepped_up.get(response["Location"]).content.decode()
    assert '<p class="ac-notice">Saved.</p>' in page


def test_switches_need_step_up(auth_client, two_step, htmx_headers, clock) -> None:
    response = auth_client.post(
        reverse("account_center:mfa_settings"), {"mfa_enabled": "on"}, **htmx_headers
    )
    assert response.headers["HX-Retarget"] == "#ac-step-up-content"
    assert not calls(two_step, "PATCH", CONFIGS_URL)


def test_logto_down_is_words_not_500(auth_client, logto_mock) -> None:
    logto_mock.get(MFA_URL, status=503)
    logto_mock.get(CONFIGS_URL, json={})
    response = auth_client.get(reverse("account_center:mfa"))
    assert response.status_code == 503 and "Logto is unavailable" in response.content.decode()


def test_nav_links_two_step(auth_client, two_step) -> None:
    html = auth_client.get(reverse("account_center:mfa")).content.decode()
    assert f'href="{reverse("account_center:mfa")}" aria-current="page"' in html


def test_wrong_codes_are_limited_counted_before_the_check(
    stepped_up, two_step, htmx_headers, clock, settings
) -> None:
    settings.ACCOUNT_CENTER_ATTEMPT_LIMIT = 3
    url = reverse("account_center:mfa_app")
    stepped_up.post(url, {"action": "start"}, **htmx_headers)
    secret = pending_secret(stepped_up)
    totp = pyotp.TOTP(secret)
    valid = {totp.at(int(clock[0]) + d) for d in (-30, 0, 30)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    for _ in range(3):
        stepped_up.post(url, {"action": "confirm", "code": wrong}, **htmx_headers)
    right = stepped_up.post(
        url, {"action": "confirm", "code": totp.at(int(clock[0]))}, **htmx_headers
    )
    assert "Too many code attempts. Try again in" in right.content.decode()
    assert not calls(two_step, "POST", MFA_URL)


def test_right_codes_do_not_use_up_the_addresss_allowance(
    stepped_up, two_step, htmx_headers, clock, settings
) -> None:
    """As for passwords: the address counts wrong codes only, each before its check."""
    settings.ACCOUNT_CENTER_RATE_LIMITS = {"totp_confirm": "50/15m/user,1/15m/ip"}
    two_step.post(MFA_URL, json={"type": "Totp"})
    url = reverse("account_center:mfa_app")
    for _ in range(3):
        stepped_up.post(url, {"action": "start"}, **htmx_headers)
        code = pyotp.TOTP(pending_secret(stepped_up)).at(int(clock[0]))
        done = stepped_up.post(url, {"action": "confirm", "code": code}, **htmx_headers)
        assert "Your authenticator app is set up" in done.content.decode()
    stepped_up.post(url, {"action": "start"}, **htmx_headers)
    totp = pyotp.TOTP(pending_secret(stepped_up))
    valid = {totp.at(int(clock[0]) + d) for d in (-30, 0, 30)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)
    first = stepped_up.post(url, {"action": "confirm", "code": wrong}, **htmx_headers)
    assert "This code is not correct" in first.content.decode()
    second = stepped_up.post(url, {"action": "confirm", "code": wrong}, **htmx_headers)
    assert "Too many code attempts" in second.content.decode()


def _shown_secret(html: str) -> str:
    match = re.search(r'<code class="ac-secret"[^>]*>([^<]+)</code>', html)
    assert match, "no setup key on the page"
    return match.group(1).replace(" ", "")


def test_pending_setup_ends_with_the_step_up_window(
    stepped_up, two_step, htmx_headers, clock
) -> None:
    """Started 100 s into a 600 s window: gone at 650 s, though younger than PENDING_SECONDS,
    and not brought back by confirming it's you again."""
    url = reverse("account_center:mfa_app")
    page = reverse("account_center:mfa")
    clock[0] += 100
    stepped_up.post(url, {"action": "start"}, **htmx_headers)
    html = stepped_up.get(page).content.decode()
    secret = _shown_secret(html)
    assert "This setup expires in 8 minutes." in html  # the window's 500 s, not the setup's 600

    clock[0] += 550
    html = stepped_up.get(page).content.decode()
    assert 'class="ac-secret"' not in html and grouped(secret) not in html
    assert mfa.PENDING_KEY not in stepped_up.session

    session = stepped_up.session
    session["account_center_step_up"]["at"] = clock[0]  # confirmed it's them again
    session.save()
    assert 'class="ac-secret"' not in stepped_up.get(page).content.decode()
    code = pyotp.TOTP(secret).at(int(clock[0]))
    response = stepped_up.post(url, {"action": "confirm", "code": code}, **htmx_headers)
    assert "This setup has expired" in response.content.decode()
    assert not calls(two_step, "POST", MFA_URL)


def test_pending_secret_is_sealed_in_the_session(stepped_up, two_step, htmx_headers) -> None:
    stepped_up.post(reverse("account_center:mfa_app"), {"action": "start"}, **htmx_headers)
    secret = _shown_secret(stepped_up.get(reverse("account_center:mfa")).content.decode())
    stored = SessionStore(session_key=stepped_up.session.session_key).load()
    assert mfa.PENDING_KEY in stored
    assert secret not in json.dumps(stored) and secret.lower() not in json.dumps(stored).lower()
    assert unseal(stored[mfa.PENDING_KEY]["sealed"], "m2m-token") is None  # its own key
