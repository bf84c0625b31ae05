"""Issue 18, the server's part: an undo-free action is asked once more in place (without
JavaScript too), backup codes never stay behind alone, "on" needs a second step to ask for, the
code step's Cancel cancels without JavaScript, and the sessions page says only what Logto knows."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from account_center import signals
from account_center.flows import identifiers, stepup
from account_center.models import AuditEvent

from tests.helpers import USER_URL, calls, logto_user
from .test_social import CONNECTORS, GITHUB
from .test_sessions import OTHER, SESSIONS_URL, THIS, with_sid
from .test_mfa import BACKUP_FACTOR, CONFIGS_URL, MFA_URL, PASSKEY, TOTP_FACTOR

pytestmark = pytest.mark.django_db

PAT_URL = f"{USER_URL}/personal-access-tokens"
TWO_STEP = reverse("account_center:mfa")
REMOVE = reverse("account_center:mfa_remove")


@pytest.fixture
def two_step(logto_mock):
    logto_mock.get(MFA_URL, json=[])
    logto_mock.get(CONFIGS_URL, json={})
    return logto_mock


@pytest.fixture
def removed_factors():
    removed: list[str] = []
    signals.mfa_factor_removed.connect(
        lambda **kw: removed.append(kw["factor"]), weak=False, dispatch_uid="t-in-place"
    )
    yield removed
    signals.mfa_factor_removed.disconnect(dispatch_uid="t-in-place")


def forms_posting_to(html: str, url: str) -> list[str]:
    form = rf'<form[^>]*method="post"[^>]*action="{re.escape(url)}"[^>]*>.*?</form>'
    return re.findall(form, html, re.S)


# --- an undo-free action asks once more, in place ----------------------------------------------


def test_deleting_a_token_asks_first_without_javascript(auth_client, logto_mock) -> None:
    logto_mock.get(PAT_URL, json=[{"name": "ci", "createdAt": 1, "expiresAt": None}])
    url = reverse("account_center:tokens")
    html = auth_client.get(url).content.decode()
    # The button only asks: a GET for the same page, nothing posted to the delete URL.
    assert "Delete ci" in html and "Delete the token “ci”?" not in html
    assert not forms_posting_to(html, reverse("account_center:tokens_delete"))
    assert re.search(r'<form method="get" action="/account/tokens/#ac-confirm"', html)
    html = auth_client.get(url, {"confirm": "ci"}).content.decode()
    assert "Delete the token “ci”?" in html and "Yes, delete it" in html
    (form,) = forms_posting_to(html, reverse("account_center:tokens_delete"))
    assert 'name="name" value="ci"' in form
    assert not calls(logto_mock, "POST", f"{PAT_URL}/delete")


def test_the_question_comes_alone_with_htmx(auth_client, logto_mock, htmx_headers) -> None:
    logto_mock.get(PAT_URL, json=[{"name": "ci", "createdAt": 1, "expiresAt": None}])
    answer = auth_client.get(reverse("account_center:tokens"), {"confirm": "ci"}, **htmx_headers)
    html = answer.content.decode()
    assert html.lstrip().startswith('<section id="ac-tokens"')
    assert "data-ac-focus" in html and "Delete the token “ci”?" in html


def test_signing_out_another_session_asks_first(auth_client, logto_mock) -> None:
    logto_mock.get(SESSIONS_URL, json={"sessions": [OTHER, THIS]})
    url = reverse("account_center:sessions")
    html = with_sid(auth_client).get(url).content.decode()
    # This session's own "sign out" is signing out, as the top bar's: no question.
    assert len(forms_posting_to(html, url)) == 1 and "Sign out of this session" in html
    html = auth_client.get(url, {"confirm": "uid-other"}).content.decode()
    assert "Sign out Chrome on macOS?" in html
    form = [f for f in forms_posting_to(html, url) if "uid-other" in f]
    assert form and 'value="revoke"' in form[0]
    html = auth_client.get(url, {"confirm": "others"}).content.decode()
    assert "Sign out of all other sessions?" in html
    assert any('value="revoke_others"' in f for f in forms_posting_to(html, url))


def test_unlinking_asks_first(auth_client, logto_mock) -> None:
    logto_mock.get(CONNECTORS, json=[GITHUB])
    logto_mock.get(USER_URL, json=logto_user(identities={"github": {"userId": "gh-1"}}))
    url = reverse("account_center:social")
    html = auth_client.get(url).content.decode()
    assert "Unlink GitHub" in html and not forms_posting_to(html, url)
    html = auth_client.get(url, {"confirm": "github"}).content.decode()
    assert "Unlink GitHub from your account?" in html
    (form,) = forms_posting_to(html, url)
    assert 'name="action" value="unlink"' in form and 'name="target" value="github"' in form


@pytest.mark.parametrize(
    "factors,confirm,kind,question",
    [
        ([TOTP_FACTOR], "totp", "Totp", "Remove your authenticator app?"),
        ([TOTP_FACTOR, BACKUP_FACTOR], "backup_codes", "BackupCode", "Remove your backup codes?"),
        ([PASSKEY], "f-pk", "WebAuthn", "Remove Work laptop?"),
    ],
)
def test_removing_a_factor_asks_first(
    auth_client, two_step, htmx_headers, factors, confirm, kind, question
) -> None:
    two_step.replace("GET", MFA_URL, json=factors)
    html = auth_client.get(TWO_STEP).content.decode()
    assert not forms_posting_to(html, REMOVE) and question not in html
    html = auth_client.get(TWO_STEP, {"confirm": confirm, "kind": kind}).content.decode()
    assert question in html
    (form,) = forms_posting_to(html, REMOVE)
    assert f'name="kind" value="{kind}"' in form
    # With htmx, the question and its Cancel come back as the factor's section alone.
    section = auth_client.get(REMOVE, {"confirm": confirm, "kind": kind}, **htmx_headers)
    assert question in section.content.decode()
    assert section.content.decode().count('class="ac-section"') == 1
    cancelled = auth_client.get(REMOVE, {"kind": kind}, **htmx_headers).content.decode()
    assert question not in cancelled and cancelled.count('class="ac-section"') == 1


# --- backup codes never stay behind alone --------------------------------------------------------


def test_removing_the_app_asks_with_the_backup_codes_named(auth_client, two_step) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR, BACKUP_FACTOR])
    html = auth_client.get(TWO_STEP, {"confirm": "totp"}).content.decode()
    assert "your backup codes are removed with it" in html


def test_removing_the_last_other_factor_removes_the_backup_codes(
    stepped_up, two_step, htmx_headers, removed_factors
) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR, BACKUP_FACTOR])
    two_step.delete(f"{MFA_URL}/f-totp", status=204)
    two_step.delete(f"{MFA_URL}/f-bc", status=204)
    answer = stepped_up.post(REMOVE, {"factor": "f-totp", "kind": "Totp"}, **htmx_headers)
    assert "Removed, and your backup codes with it." in answer.content.decode()
    assert calls(two_step, "DELETE", f"{MFA_URL}/f-totp")
    assert calls(two_step, "DELETE", f"{MFA_URL}/f-bc")
    assert removed_factors == ["Totp", "BackupCode"]
    assert AuditEvent.objects.filter(action="mfa_remove", outcome="success").count() == 2


def test_without_javascript_the_page_says_the_backup_codes_went(stepped_up, two_step) -> None:
    two_step.replace("GET", MFA_URL, json=[PASSKEY, BACKUP_FACTOR])
    two_step.delete(f"{MFA_URL}/f-pk", status=204)
    two_step.delete(f"{MFA_URL}/f-bc", status=204)
    answer = stepped_up.post(REMOVE, {"factor": "f-pk", "kind": "WebAuthn"}, follow=True)
    assert "Removed, and your backup codes with it." in answer.content.decode()
    assert calls(two_step, "DELETE", f"{MFA_URL}/f-bc")


def test_backup_codes_stay_while_another_factor_remains(
    stepped_up, two_step, htmx_headers, removed_factors
) -> None:
    two_step.replace("GET", MFA_URL, json=[TOTP_FACTOR, BACKUP_FACTOR, PASSKEY])
    two_step.delete(f"{MFA_URL}/f-totp", status=204)
    answer = stepped_up.post(REMOVE, {"factor": "f-totp", "kind": "Totp"}, **htmx_headers)
    html = answer.content.decode()
    assert "Removed." in html and "backup codes with it" not in html
    assert not calls(two_step, "DELETE", f"{MFA_URL}/f-bc")
    assert removed_factors == ["Totp"]


def test_backup_codes_left_alone_can_be_removed(stepped_up, two_step, htmx_headers) -> None:
    # Made alone elsewhere (the Logto console, an older version of this app).
    two_step.replace("GET", MFA_URL, json=[BACKUP_FACTOR])
    html = stepped_up.get(TWO_STEP).content.decode()
    assert "Remove backup codes" in html and "Make backup codes" not in html
    two_step.delete(f"{MFA_URL}/f-bc", status=204)
    answer = stepped_up.post(REMOVE, {"factor": "f-bc", "kind": "BackupCode"}, **htmx_headers)
    assert "Removed." in answer.content.decode()
    assert calls(two_step, "DELETE", f"{MFA_URL}/f-bc")


# --- "ask for a second step" needs one ------------------------------------------------------------


@pytest.mark.parametrize("factors", [[], [BACKUP_FACTOR]])
def test_turning_on_without_a_second_step_is_not_offered_and_refused(
    stepped_up, two_step, htmx_headers, factors
) -> None:
    two_step.replace("GET", MFA_URL, json=factors)
    two_step.patch(CONFIGS_URL, json={"mfa": {"enabled": True}})
    html = stepped_up.get(TWO_STEP).content.decode()
    assert "Turn on the second step" not in html
    answer = stepped_up.post(
        reverse("account_center:mfa_settings"), {"mfa_enabled": "on"}, **htmx_headers
    )
    assert "There is no second step to ask for yet." in answer.content.decode()
    assert not calls(two_step, "PATCH", CONFIGS_URL)
    assert AuditEvent.objects.filter(action="mfa_settings", outcome="denied").exists()


# --- the code step's Cancel without JavaScript ----------------------------------------------------


def test_cancel_on_the_code_step_cancels_without_javascript(auth_client, logto_mock) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    session = auth_client.session
    session[identifiers.PENDING_KEY.format(kind="email")] = "new@example.com"
    session.save()
    url = reverse("account_center:email")
    html = auth_client.get(url).content.decode()
    cancel = re.search(r'<a href="([^"]+)"[^>]*>Cancel</a>', html)
    assert cancel is not None
    answer = auth_client.get(cancel.group(1))
    assert answer.status_code == 302 and answer["Location"] == reverse("account_center:security")
    assert identifiers.pending(answer.wsgi_request, "email") is None
    html = auth_client.get(answer["Location"]).content.decode()
    assert "A code was sent" not in html and "Enter the code" not in html
    assert "Change email" in html


# --- sessions: what Logto knows ------------------------------------------------------------------


def test_sessions_show_when_signed_in_and_no_last_active(auth_client, logto_mock) -> None:
    logto_mock.get(SESSIONS_URL, json={"sessions": [OTHER, THIS]})
    html = with_sid(auth_client).get(reverse("account_center:sessions")).content.decode()
    assert "Last active" not in html
    assert html.count("<dt>Signed in</dt>") == 2


# --- the menu ------------------------------------------------------------------------------------


def test_activity_is_its_own_menu_item(auth_client) -> None:
    html = auth_client.get(reverse("account_center:activity")).content.decode()
    current = re.findall(r'<a href="([^"]+)"\s+aria-current="page"', html)
    assert current == [reverse("account_center:activity")]


# --- the danger zone with htmx: the step-up dialog, in place -------------------------------------

DANGER = reverse("account_center:deletion")


def test_download_with_htmx_asks_in_place_then_lets_the_browser_download(
    auth_client, logto_mock, htmx_headers, clock
) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    answer = auth_client.post(
        DANGER, {"action": "download"}, HTTP_HX_TRIGGER="ac-download-form", **htmx_headers
    )
    assert answer.headers["HX-Retarget"] == "#ac-step-up-content"
    assert "confirm it's you before you go on" in answer.content.decode()
    session = auth_client.session
    session[stepup.SESSION_KEY] = {"method": "password", "at": clock[0], "sub": "u1"}
    session.save()
    answer = auth_client.post(DANGER, {"action": "download"}, **htmx_headers)
    # Only "go ahead": the file itself comes to the form's plain POST, never through htmx.
    assert answer.status_code == 200 and answer.content == b""
    assert json.loads(answer.headers["HX-Trigger"]) == {
        "accountCenterDownload": {"formId": "ac-download-form"}
    }
    assert not AuditEvent.objects.filter(action="data_download").exists()


def test_danger_zone_forms_are_posted_in_place(auth_client, logto_mock, htmx_headers) -> None:
    logto_mock.get(USER_URL, json=logto_user())
    html = auth_client.get(DANGER).content.decode()
    assert re.search(r'<form id="ac-download-form"[^>]*hx-post="/account/delete/"', html)
    assert re.search(r'<form id="ac-delete-form"[^>]*hx-post="/account/delete/"', html)
    answer = auth_client.post(DANGER, {"action": "delete", "confirmation": "bob"}, **htmx_headers)
    html = answer.content.decode()
    assert html.lstrip().startswith('<section id="ac-delete"')
    assert "Type the words shown above exactly" in html
