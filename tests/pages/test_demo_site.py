"""The demo site's own pages: its words in both languages (its own catalog, beside the account
center's), and the demo accounts listed with what signs them in."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from logto_emulator.seed import DEMO_USER, DEMO_USER_2

from .test_catalog import LC as APP_LC
from .test_catalog import entries

ROOT = Path(django_settings.BASE_DIR)
DEMO_LC = ROOT / "demo_project" / "locale" / "zh_Hant" / "LC_MESSAGES"
TRANSLATE_RE = re.compile(r"""\{% translate (?:"([^"]*)"|'([^']*)')""")
BLOCK_RE = re.compile(r"\{% blocktranslate[^%]*%\}(.*?)\{% endblocktranslate %\}", re.S)


def _template_strings() -> set[str]:
    found: set[str] = set()
    for template in (ROOT / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        found |= {a or b for a, b in TRANSLATE_RE.findall(text)}
        found |= {re.sub(r"\{\{ (\w+) \}\}", r"%(\1)s", s) for s in BLOCK_RE.findall(text)}
    return found


def test_every_word_of_the_demo_site_has_a_translation(monkeypatch) -> None:
    import tests.pages.test_catalog as catalog

    monkeypatch.setattr(catalog, "LC", DEMO_LC)
    demo = {msgid: msgstr for _, msgid, msgstr in entries()}
    monkeypatch.setattr(catalog, "LC", APP_LC)
    app = {msgid for _, msgid, _ in entries()}

    missing = sorted(s for s in _template_strings() if s not in demo and s not in app)
    assert not missing
    assert all(demo.values())
    assert "the demo site" in demo  # ACCOUNT_CENTER_SITE_NAME


def test_the_demo_catalog_is_compiled(monkeypatch) -> None:
    import tests.pages.test_catalog as catalog

    monkeypatch.setattr(catalog, "LC", DEMO_LC)
    catalog.test_the_compiled_catalog_is_current()


@pytest.mark.django_db
def test_the_home_page_speaks_traditional_chinese_and_lists_the_accounts(settings) -> None:
    settings.LOGTO_EMULATOR_MOUNTED = True

    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="zh-TW").content.decode()

    for english in ("Account center demo", "What this is", "Demo accounts", "Sign in with Logto"):
        assert english not in html
    assert "帳號中心示範" in html and "示範帳號" in html
    for demo_user in (DEMO_USER, DEMO_USER_2):
        for value in (demo_user.username, demo_user.primary_email, demo_user.password):
            assert f"<code>{value}</code>" in html


def test_the_site_name_follows_the_language() -> None:
    from account_center.templatetags.account_center_tags import site_link

    with translation.override("zh-hant"):
        assert site_link()["label"] == "回到 示範網站"
    with translation.override("en"):
        assert site_link()["label"] == "Back to the demo site"
