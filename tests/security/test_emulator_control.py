"""The emulator's control endpoints (``/_emulator/...`` that change state), walked from its route
table so a new one is covered the day it is added: each refuses what another site's page can
send (a form, ``text/plain``, a body-less ``fetch``, anything with a foreign ``Origin`` or
``Sec-Fetch-Site``), mounted in the demo or standalone, and changes nothing when it refuses."""

from __future__ import annotations

import json

import pytest

from logto_emulator.app import EmulatorApp
from logto_emulator.routes import ROUTES
from logto_emulator.seed import DEMO_USER, demo_state
from logto_emulator.wsgi import mount
from tests.emulator.direct import call

CONTROL = sorted(
    r.pattern.pattern
    for r in ROUTES
    if r.method not in ("GET", None) and r.pattern.pattern.startswith("/_emulator/")
)
# What each control endpoint takes, so that the accepted request below is a real one.
BODIES = {"/_emulator/reset": {}, "/_emulator/connectors": {"on": False, "kinds": ["email"]}}

CROSS_SITE = {
    "form": {"content_type": "application/x-www-form-urlencoded"},
    "text/plain": {"content_type": "text/plain"},
    "multipart": {"content_type": "multipart/form-data; boundary=x"},
    "no content type": {},
    "json from another origin": {
        "content_type": "application/json",
        "origin": "https://attacker.example",
    },
    "json from a sandboxed frame": {"content_type": "application/json", "origin": "null"},
    "json another site started": {
        "content_type": "application/json",
        "sec_fetch_site": "cross-site",
    },
    "json a sibling site started": {
        "content_type": "application/json",
        "sec_fetch_site": "same-site",
    },
}


def _site(mounted: bool):
    state = demo_state()
    app = mount(lambda e, s: [], prefix="/logto", state=state) if mounted else EmulatorApp(state)
    return state, app, "/logto" if mounted else ""


def _untouched(state) -> bool:
    return (
        state.find_user_by("username", DEMO_USER.username) is not None
        and "email" in state.connectors
    )


def test_the_control_endpoints_are_found():
    assert CONTROL == ["/_emulator/connectors", "/_emulator/reset"]
    assert set(BODIES) == set(CONTROL)


@pytest.mark.parametrize("mounted", [False, True])
@pytest.mark.parametrize("how", sorted(CROSS_SITE))
@pytest.mark.parametrize("path", CONTROL)
def test_a_control_endpoint_refuses_what_another_site_can_send(path, how, mounted):
    state, app, prefix = _site(mounted)
    body = json.dumps(BODIES[path]).encode()
    status, _, _ = call(app, prefix + path, method="POST", body=body, **CROSS_SITE[how])
    assert status[:3] in ("403", "415")
    assert _untouched(state)


@pytest.mark.parametrize("mounted", [False, True])
@pytest.mark.parametrize("path", CONTROL)
def test_a_control_endpoint_answers_its_own_json(path, mounted):
    state, app, prefix = _site(mounted)
    body = json.dumps(BODIES[path]).encode()
    for headers in (
        {},  # a script or test on this machine: no Origin, no Sec-Fetch-*
        {"origin": "http://127.0.0.1:8000", "sec_fetch_site": "same-origin"},
    ):
        status, _, _ = call(
            app,
            prefix + path,
            method="POST",
            body=body,
            content_type="application/json; charset=utf-8",
            **headers,
        )
        assert status[:3] in ("200", "204")
    assert not _untouched(state)
