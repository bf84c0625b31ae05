"""Issue 9, translations: with the browser asking for Traditional Chinese, Logto's sign-in page
(the emulator's) and every account page speak it, and no English is left of the app's strings.

What may stay in Latin letters: names of things (Logto, SSO, QR, UTC, IP, apps and browsers),
the user's own data, the tenant's (its organizations, roles and apps), and the site's name from
its settings."""

from __future__ import annotations

import re

import pytest

from logto_emulator.seed import DEMO_ORGANIZATION, DEMO_ORGANIZATION_ROLE

from .helpers import FORM_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    *FORM_PAGES,
    "/account/verify/?next=/account/security/",
    "/account/two-step/",
    "/account/connections/",
    "/account/tokens/",
    "/account/sessions/",
    "/account/apps/",
    "/account/remembered-devices/",
    "/account/activity/",
    "/account/delete/",
    "/account/ended/?reason=suspended",
]
# Names, not words: they are the same in every language.
NAMES = {
    "Logto",
    "SSO",
    "QR",
    "UTC",
    "IP",
    "API",
    "APIs",
    "Google",
    "Microsoft",
    "Authenticator",
    "1Password",
    "Aegis",
    "English",
    "Deutsch",
    "Europe",
    "Berlin",
    "txt",
    "Chrome",
    "Headless",
    "Chromium",
    "Linux",
    "Mock",
    "Social",
    "Email",
    "SMS",
    "GitHub",
    "abc",
}
TEXT = """() => {
  const words = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.hasAttribute(name)) words.push(el.getAttribute(name));
    }
  }
  for (const el of document.querySelectorAll('input[type=submit],input[type=button]')) {
    words.push(el.value);
  }
  return words.join('\\n');
}"""


# The tenant's own words, as its console has them: an organization, a role, a third-party app.
TENANT_WORDS = (*DEMO_ORGANIZATION, DEMO_ORGANIZATION_ROLE[0], "Photo Prints")


def english_left(text: str, user) -> list[str]:
    owns = (user.username, user.primary_email, user.name, "the demo site", "127.0.0.1")
    owns += TENANT_WORDS
    for own in sorted(owns, key=len, reverse=True):  # "demo" is inside "demo@example.com"
        text = text.replace(own, " ")
    text = re.sub(r"https?://\S+|\S+@\S+|\b[0-9a-z]{12,}\b", " ", text)  # links, ids
    words = re.findall(r"(?<!\w)[A-Za-z][A-Za-z']{2,}", text)
    return sorted({word for word in words if word not in NAMES})


def test_every_page_in_traditional_chinese(browser, demo, demo_user) -> None:
    context = browser.new_context(locale="zh-TW")
    page = context.new_page()
    page.goto(f"{demo}/account/login/")
    # Logto's sign-in page follows the language (``ui_locales`` from the account center).
    assert page.locator("html").get_attribute("lang") == "zh-TW"
    page.get_by_label("使用者名稱、電子郵件或電話號碼").fill(demo_user.username)
    page.get_by_label("密碼").fill(demo_user.password)
    page.get_by_role("button", name="登入").click()
    page.wait_for_url(re.compile(r".*/account/$"))

    left: dict[str, list[str]] = {}
    for path in PAGES:
        page.goto(f"{demo}{path}")
        assert page.locator("html").get_attribute("lang") == "zh-hant", path
        words = english_left(page.evaluate(TEXT), demo_user)
        if words:
            left[path] = words
    context.close()
    assert not left, "\n".join(f"{p}: {w}" for p, w in left.items())
