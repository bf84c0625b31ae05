"""Property-based tests (hypothesis): no input a person can type and no answer Logto (or what
stands in front of it) can give leads to a crash."""

from __future__ import annotations

import json
import re
from typing import Any

import responses
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from account_center.forms import base, identifiers, mfa, password, profile, tokens
from account_center.logto.client import LogtoClient
from account_center.logto.errors import LogtoError
from tests.helpers import ENDPOINT, logto_user

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# What people type: any text, including control characters, very long runs and lookalikes.
TYPED = st.text(max_size=300)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)
FORMS = [
    identifiers.UsernameForm,
    identifiers.EmailForm,
    identifiers.PhoneForm,
    base.CodeForm,
    password.PasswordForm,
    profile.ProfileForm,
    tokens.TokenForm,
    tokens.RenameTokenForm,
    mfa.TotpCodeForm,
]


@FAST
@given(form_class=st.sampled_from(FORMS), values=st.lists(TYPED, min_size=12, max_size=12))
def test_no_typed_input_breaks_a_form(form_class, values):
    names = list(form_class().fields)
    form = form_class(dict(zip(names, values, strict=False)))
    form.is_valid()  # may refuse; must not raise
    assert isinstance(form.errors, dict)


READS = [
    lambda c: c.get_user("u1"),
    lambda c: c.get_user("u1", include_sso_identities=True),
    lambda c: c.get_custom_data("u1"),
    lambda c: c.get_logto_configs("u1"),
    lambda c: c.find_user_ids(username="alice"),
    lambda c: c.has_password("u1"),
    lambda c: c.list_connectors(),
    lambda c: c.list_mfa_verifications("u1"),
    lambda c: c.list_personal_access_tokens("u1"),
    lambda c: c.list_sessions("u1"),
    lambda c: c.check_password_policy("a-password"),
]


@FAST
@given(read=st.sampled_from(READS), answer=JSON, status=st.sampled_from([200, 400, 404, 422]))
def test_no_logto_answer_breaks_the_service_layer(read, answer, status):
    client = LogtoClient(
        endpoint=ENDPOINT, m2m_app_id="m2m", m2m_app_secret="s" * 8, resource="https://r.test/api"
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, f"{ENDPOINT}/oidc/token", json={"access_token": "tok"})
        for verb in (responses.GET, responses.POST):
            mock.add(verb, re.compile(re.escape(ENDPOINT) + r"/api/.*"), status=status, json=answer)
        try:
            read(client)
        except LogtoError:
            pass  # typed: the caller shows it in words


@FAST
@given(
    url=st.sampled_from(
        ["account_center:username", "account_center:email", "account_center:phone"]
        + ["account_center:profile_edit", "account_center:password", "account_center:tokens"]
    ),
    values=st.dictionaries(
        st.sampled_from(["username", "email", "phone", "name", "password", "confirm", "action"]),
        TYPED,
        max_size=5,
    ),
    htmx=st.booleans(),
)
def test_no_typed_input_gives_a_server_error(stepped_up, url, values, htmx):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, f"{ENDPOINT}/oidc/token", json={"access_token": "tok"})
        user_json: Any = logto_user()
        api = re.compile(re.escape(ENDPOINT) + r"/api/.*")
        lists = (
            re.escape(ENDPOINT) + r"/api/users(/u1/(personal-access-tokens|mfa-verifications))?$"
        )
        mock.add(responses.GET, re.compile(lists), json=[])
        mock.add(responses.GET, api, body=json.dumps(user_json), content_type="application/json")
        for verb in (responses.POST, responses.PATCH, responses.DELETE):
            mock.add(verb, api, json=user_json)
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        answer = stepped_up.post(reverse(url), values, **headers)
    # 503 is the designed "Logto did not answer" page; any other 5xx is a crash.
    assert answer.status_code < 500 or answer.status_code == 503
