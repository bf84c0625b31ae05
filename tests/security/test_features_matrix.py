"""Off / ReadOnly / Edit, checked for every URL of the account center (the URLconf is walked, so
a new page must say which features it belongs to or this module fails):

* Off: the URL answers 404, GET and POST, and nothing reaches Logto;
* ReadOnly: every POST is refused with 403 and words, audited as denied, nothing reaches Logto
  (even with a fresh step-up); every GET page still answers 200 and offers no action.

To htmx both refusals answer 200 with the words in place of the section that asked (htmx swaps
no 4xx, and django-htmx's DEBUG handler would replace the whole page with one).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from account_center.models import AuditEvent
from account_center.views.urls import DEPRECATED_NAMES

from .test_matrix import ACTIONS, FILLED, URLS

# The features each account URL shows or changes.
GOVERNED: dict[str, tuple[str, ...]] = {
    "profile": ("name", "avatar", "profile", "custom_data"),
    "profile_edit": ("name", "avatar", "profile"),
    "custom_data": ("custom_data",),
    "security": ("username", "email", "phone", "password"),
    "username": ("username",),
    "email": ("email",),
    "phone": ("phone",),
    "password": ("password",),
    "mfa": ("mfa", "passkeys"),
    "mfa_app": ("mfa",),
    "mfa_backup_codes": ("mfa",),
    "mfa_remove": ("mfa", "passkeys"),
    "mfa_passkeys": ("passkeys",),
    "mfa_settings": ("mfa", "passkeys"),
    "social": ("social", "enterprise_sso"),
    "social_callback": ("social",),
    "tokens": ("tokens",),
    "tokens_rename": ("tokens",),
    "tokens_delete": ("tokens",),
    "sessions": ("sessions",),
    "apps": ("apps",),
    "trusted_devices": ("trusted_devices",),
    "deletion": ("deletion",),
}
# The URL names kept for host projects reach the same views.
GOVERNED.update({old: GOVERNED[new] for old, new in DEPRECATED_NAMES.items()})
# Pages of no one feature: the overview (its cards follow the features), the step-up dialog,
# the "your session ended" page, the activity log (read-only by nature), signing in and out,
# and Logto's webhook (no user's page).
UNGOVERNED = {"overview", "account_ended", "step_up", "activity", "logto_webhook"}
UNGOVERNED |= {"login", "login_failed", "oidc_callback", "logout", "reauthenticate"}
EVERY_FEATURE = (
    "name avatar profile custom_data username email phone password social enterprise_sso "
    "mfa passkeys tokens sessions apps trusted_devices organizations deletion"
).split()
CUSTOM_DATA = [{"key": "plan", "label": "Plan", "type": "text"}]
PATHS = dict(URLS)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _custom_data_field(settings: Any) -> None:
    settings.ACCOUNT_CENTER_CUSTOM_DATA_FIELDS = CUSTOM_DATA


def _set(settings: Any, names: tuple[str, ...] | list[str], level: str) -> None:
    settings.ACCOUNT_CENTER_FEATURES = dict.fromkeys(names, level)


def test_every_account_url_belongs_to_features_or_is_known_to_belong_to_none():
    assert set(PATHS) == set(GOVERNED) | UNGOVERNED


@pytest.mark.parametrize("name", sorted(GOVERNED))
def test_off_answers_404_to_every_method(name, settings, stepped_up, logto_writes):
    _set(settings, GOVERNED[name], "off")
    path = PATHS[name]

    pages = [stepped_up.get(path), stepped_up.post(path, FILLED)]
    in_place = [stepped_up.get(path, **HTMX), stepped_up.post(path, FILLED, **HTMX)]

    assert [answer.status_code for answer in pages] == [404, 404], name
    assert [answer.status_code for answer in in_place] == [200, 200], name
    assert all("account_center/account_center.css" in _text(answer) for answer in pages)
    assert "This is not offered here any more. Nothing was changed." in _text(pages[1])
    for answer in in_place:
        assert "This is not offered here" in _text(answer)
        assert answer.headers["HX-Retarget"] == ".ac-messages", name
    assert logto_writes == []


def _text(answer: Any) -> str:
    return answer.content.decode()


@pytest.mark.parametrize("name", sorted(GOVERNED))
def test_read_only_refuses_every_post_on_the_server(name, settings, stepped_up, logto_writes):
    _set(settings, GOVERNED[name], "readonly")
    path = PATHS[name]

    answers = _answers_every_way(stepped_up, path)

    # Refused: 403 for a page, 200 in place for htmx; marked as a refusal either way.
    refused = [(status, htmx) for status, htmx, marked in answers if marked]
    assert all(status == (200 if htmx else 403) for status, htmx in refused), name
    if name in ("deletion", "danger"):
        # "Download my data" changes nothing: it stays offered (action "download", 2 ways).
        assert len(refused) == len(answers) - 2
    else:
        assert len(refused) == len(answers), name
    assert logto_writes == [], f"{name} changed Logto while read-only"
    denied = AuditEvent.objects.filter(action="feature_read_only", outcome="denied")
    assert denied.count() == len(refused)
    assert denied.first().detail["path"] == path


def _answers_every_way(client: Any, path: str) -> list[tuple[int, bool, bool]]:
    """(status, sent by htmx, marked refused) of every POST test_matrix._post_every_way sends."""
    answers = []
    for action in ACTIONS:
        data = dict(FILLED) if action is None else {**FILLED, "action": action}
        for htmx in (False, True):
            answer = client.post(path, data, **(HTMX if htmx else {}))
            answers.append((answer.status_code, htmx, "X-Account-Center-Refused" in answer))
    return answers


def test_read_only_refusal_says_so_in_words(settings, stepped_up, logto_writes):
    _set(settings, ["username"], "readonly")

    answer = stepped_up.post(reverse("account_center:username"), {"username": "bob"})

    assert answer.status_code == 403
    assert "can only be viewed here, not changed" in answer.content.decode()


@pytest.mark.parametrize(
    ("readonly", "kind", "refused"),
    [("passkeys", "WebAuthn", True), ("passkeys", "Totp", False), ("mfa", "Totp", True)],
)
def test_passkeys_and_other_factors_are_read_only_apart(
    readonly, kind, refused, settings, stepped_up, logto_writes
):
    _set(settings, [readonly], "readonly")

    answer = stepped_up.post(
        reverse("account_center:mfa_remove"), {"factor": "f1", "kind": kind}
    )

    assert (answer.status_code == 403) is refused


def test_a_passkey_cannot_be_removed_as_another_kind(settings, stepped_up, rsps):
    """Passkeys read-only: a POST naming a passkey's id as "Totp" passes the view's check, and
    the flow refuses it because the factor is a passkey."""
    from tests.helpers import ENDPOINT, SUB

    _set(settings, ["passkeys"], "readonly")
    rsps.add(
        "POST",
        f"{ENDPOINT}/oidc/token",
        json={"access_token": "tok", "expires_in": 3600, "token_type": "Bearer"},
    )
    factors = f"{ENDPOINT}/api/users/{SUB}/mfa-verifications"
    rsps.add("GET", factors, json=[{"id": "pk1", "type": "WebAuthn", "createdAt": "2026-01-01"}])
    rsps.add("GET", re.compile(re.escape(ENDPOINT) + r"/api/.*"), json={})
    deleted = rsps.add("DELETE", f"{factors}/pk1", status=204)

    stepped_up.post(reverse("account_center:mfa_remove"), {"factor": "pk1", "kind": "Totp"})

    assert deleted.call_count == 0


def test_profile_fields_are_editable_apart(settings, stepped_up, logto_writes):
    """Name read-only, the rest editable: the form still saves the others, never the name."""
    settings.ACCOUNT_CENTER_FEATURES = {"name": "readonly"}

    form = stepped_up.get(reverse("account_center:profile_edit")).content.decode()
    stepped_up.post(reverse("account_center:profile_edit"), {"name": "Mallory", "nickname": "Al"})

    assert 'name="nickname"' in form and 'name="name"' not in form
    assert logto_writes == ["PATCH /api/users/u1"]


FORM_RE = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
EDIT_LINKS = ("username", "email", "phone", "password", "profile_edit", "custom_data")


def _actions_offered(html: str) -> list[str]:
    """Forms that change something, and links that open an edit form."""
    logout = reverse("account_center:logout")
    found = [
        form[:120]
        for form in FORM_RE.findall(html)
        if 'method="post"' in form and logout not in form and 'value="download"' not in form
    ]
    # "Download my data" reads: it stays offered, with htmx too, while deletion is read-only.
    reads = "".join(form for form in FORM_RE.findall(html) if 'value="download"' in form)
    found += re.findall(r"hx-post=\"[^\"]*\"", html.replace(reads, "") if reads else html)
    for name in EDIT_LINKS:
        found += re.findall(rf"href=\"{re.escape(PATHS[name])}\"", html)
    return found


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name", sorted(set(GOVERNED) - {"social_callback", "connections_callback"}))
def test_read_only_pages_answer_200_without_any_action(
    name, htmx, settings, stepped_up, logto_writes
):
    _set(settings, EVERY_FEATURE, "readonly")

    answer = stepped_up.get(PATHS[name], **(HTMX if htmx else {}))

    assert answer.status_code == 200, name
    assert _actions_offered(answer.content.decode()) == [], name


def test_the_provider_callback_is_a_write(settings, stepped_up, logto_writes):
    """Coming back from the provider finishes a link: refused while social is read-only."""
    _set(settings, ["social"], "readonly")

    answer = stepped_up.get(reverse("account_center:social_callback") + "?state=x&code=y")

    assert answer.status_code == 403
    assert logto_writes == []


def test_the_overview_leaves_out_what_is_off(settings, stepped_up, logto_writes):
    _set(settings, ["username", "mfa", "passkeys"], "off")

    html = stepped_up.get(reverse("account_center:overview")).content.decode()

    assert "<dt>Username</dt>" not in html and "<dt>Email</dt>" in html
    assert "ac-ov-two-step" not in html
    assert PATHS["mfa"] not in html


@pytest.mark.parametrize("name", ["username", "email", "password", "tokens"])
def test_a_form_left_open_gets_the_refusal_in_its_place(name, settings, stepped_up, logto_writes):
    """200 (htmx swaps no 4xx; django-htmx's DEBUG handler would replace the whole page with
    one), into the section that sent it, whatever the form's own hx-target and hx-swap say."""
    _set(settings, GOVERNED[name], "readonly")

    answer = stepped_up.post(
        PATHS[name], FILLED, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"ac-{name}"
    )

    assert answer.status_code == 200
    assert answer.headers["X-Account-Center-Refused"] == "read-only"
    assert answer.headers["HX-Retarget"] == f"#ac-{name}"
    assert answer.headers["HX-Reswap"] == "outerHTML"
    assert answer.content.decode().startswith(f'<section id="ac-{name}"')
    assert "can only be viewed here, not changed" in answer.content.decode()


def test_a_form_left_open_after_its_feature_went_off_gets_the_words_in_its_place(
    settings, stepped_up, logto_writes
):
    _set(settings, ["username"], "off")

    answer = stepped_up.post(
        PATHS["username"], FILLED, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="ac-username"
    )

    assert answer.status_code == 200
    assert answer.headers["HX-Retarget"] == "#ac-username"
    assert answer.content.decode().startswith('<section id="ac-username"')
    assert "not offered here any more. Nothing was changed." in answer.content.decode()
    assert logto_writes == []


def test_a_target_that_is_no_plain_id_is_not_echoed(settings, stepped_up, logto_writes):
    _set(settings, ["username"], "readonly")

    answer = stepped_up.post(
        PATHS["username"], FILLED, HTTP_HX_REQUEST="true", HTTP_HX_TARGET='x"><script>'
    )

    assert answer.headers["HX-Retarget"] == ".ac-messages"
    assert "<script>" not in answer.content.decode()


def test_custom_data_fields_are_editable_apart(settings, stepped_up, logto_writes, monkeypatch):
    """One custom-data field read-only: the form leaves it out and never sends it."""
    from account_center.flows import profile as profile_flow

    settings.ACCOUNT_CENTER_CUSTOM_DATA_FIELDS = [
        *CUSTOM_DATA,
        {"key": "newsletter", "label": "Newsletter", "type": "boolean"},
    ]
    settings.ACCOUNT_CENTER_FEATURES = {"custom_data.plan": "readonly"}
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        profile_flow, "update_custom_data", lambda request, values: sent.append(values) or values
    )

    form = stepped_up.get(PATHS["custom_data"]).content.decode()
    stepped_up.post(PATHS["custom_data"], {"cd_plan": "free", "cd_newsletter": "on"})

    assert 'name="cd_newsletter"' in form and 'name="cd_plan"' not in form
    assert sent == [{"newsletter": True}]
