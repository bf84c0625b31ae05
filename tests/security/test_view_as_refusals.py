"""While support views an account as its user, nothing changes: every state-changing URL of the
site (the whole URLconf is walked, the admin's and the host's pages too, so a new page is covered
the day it is added) refuses every POST with words, audits it on the user's activity, and sends
nothing to Logto. Only the way back and signing out are let through, and both end the view.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from account_center.clock import now
from account_center.flows import actions, view_as
from account_center.models import AuditEvent
from tests.helpers import SUB, signed_in
from tests.security.test_matrix import ACTIONS, FILLED, logto_writes  # noqa: F401

# The two POSTs that end the view rather than being refused (tests/admin/test_view_as.py).
ENDS_THE_VIEW = {"admin:account_center_logtoidentity_view_as_end", "account_center:logout"}
REFUSED = str(view_as.CHANGE_REFUSED)


def _every_url() -> list[tuple[str, str]]:
    """``(name, path)`` for every named URL of the site's URLconf, with sample arguments."""
    found: list[tuple[str, str]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                converters = pattern.pattern.converters
                names = converters or dict.fromkeys(pattern.pattern.regex.groupindex)
                kwargs = {
                    key: "1" if isinstance(converters.get(key), IntConverter) else "x1"
                    for key in names
                }
                if "app_label" in kwargs:
                    kwargs["app_label"] = "account_center"
                name = f"{namespace}{pattern.name}"
                found.append((name, reverse(name, kwargs=kwargs or None)))

    walk(get_resolver().url_patterns, "")
    return found


URLS = _every_url()
CHANGES = [(name, path) for name, path in URLS if name not in ENDS_THE_VIEW]


def test_the_walk_finds_the_account_center_the_admin_and_the_host_site() -> None:
    names = {name for name, _path in URLS}
    assert {"account_center:password", "account_center:sessions", "admin:index"} <= names
    assert "admin:account_center_logtoidentity_view_as" in names
    assert ENDS_THE_VIEW <= names


@pytest.fixture
def viewing(user: Any) -> Client:
    """A browser support signed in as ``user`` (a Django-only view, as admin/view_as.py makes)."""
    client = signed_in(Client(), user)
    session = client.session
    session[view_as.SESSION_KEY] = {
        "sub": SUB,
        "identity": user.logto_identity.pk,
        "by": "support-sam",
        "started": now(),
        "until": now() + 900,
        "mode": view_as.DJANGO,
        "grant": "",
    }
    session.save()
    return client


@pytest.mark.parametrize(("name", "path"), CHANGES)
def test_no_post_gets_through_while_viewing_as(name, path, viewing, logto_writes) -> None:
    posts = 0
    for action in ACTIONS:
        data = dict(FILLED) if action is None else {**FILLED, "action": action}
        plain = viewing.post(path, data)
        assert plain.status_code == 403, f"{name} was not refused while viewing as"
        assert REFUSED in plain.content.decode()
        assert plain["X-Account-Center-Refused"] == "view-as"
        htmx = viewing.post(path, data, HTTP_HX_REQUEST="true")
        # htmx swaps no 4xx: the words go to the page's message area.
        assert htmx.status_code == 200 and htmx["HX-Retarget"] == ".ac-messages"
        assert REFUSED in htmx.content.decode()
        posts += 2

    assert logto_writes == [], f"{name} reached Logto while viewing as"
    refused = AuditEvent.objects.filter(action=actions.SUPPORT_VIEW_REFUSED.key, sub=SUB)
    assert refused.count() == posts
    assert {e.detail["path"] for e in refused} == {path}
    assert viewing.session.get(view_as.SESSION_KEY), "the view ended instead of refusing"


@pytest.mark.parametrize(("name", "path"), URLS)
def test_no_page_view_changes_logto_while_viewing_as(name, path, viewing, logto_writes) -> None:
    viewing.get(path)
    viewing.get(path, HTTP_HX_REQUEST="true")

    assert logto_writes == [], f"a GET of {name} changed Logto while viewing as"


def test_the_banner_is_on_the_account_pages_and_the_host_sites(viewing, logto_writes) -> None:
    end = reverse("admin:account_center_logtoidentity_view_as_end")
    for page in (reverse("account_center:overview"), reverse("home")):
        html = viewing.get(page).content.decode()
        assert html.count('id="ac-view-as"') == 1, page
        assert f'action="{end}"' in html and "Stop viewing and go back" in html
