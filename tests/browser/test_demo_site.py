"""The demo site as a zh-TW browser shows it: its home page (signed out, with the demo
accounts; and signed in) and its name in the account center's top bar speak Chinese."""

from __future__ import annotations

import re

import pytest

from logto_emulator.seed import DEMO_USER, DEMO_USER_2

from .test_traditional_chinese import TEXT, english_left

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _english_on(page, user) -> list[str]:
    text = page.evaluate(TEXT)
    # The accounts' own values, and the package's name, are no words to translate.
    values = ["django-logto-account-center", "Django"]
    for demo_user in (DEMO_USER, DEMO_USER_2):
        values += [demo_user.primary_email, demo_user.password, demo_user.username]
    for value in sorted(values, key=len, reverse=True):  # "demo" is inside "demo2"
        text = text.replace(value, " ")
    return english_left(text, user)


def test_the_demo_site_in_traditional_chinese(browser, demo, demo_user, settings) -> None:
    settings.LOGTO_EMULATOR_MOUNTED = True  # the home page lists the demo accounts
    context = browser.new_context(locale="zh-TW")
    page = context.new_page()

    page.goto(f"{demo}/")
    accounts = page.locator("section", has=page.get_by_role("heading", name="示範帳號"))
    for demo_user in (DEMO_USER, DEMO_USER_2):
        accounts.get_by_text(demo_user.primary_email, exact=True).wait_for()
    assert _english_on(page, demo_user) == []

    page.get_by_role("link", name="使用 Logto 登入").click()
    page.get_by_label("使用者名稱、電子郵件或電話號碼").fill(demo_user.username)
    page.get_by_label("密碼").fill(demo_user.password)
    page.get_by_role("button", name="登入").click()
    page.wait_for_url(re.compile(r".*/account/$"))
    assert page.locator(".ac-topbar-back").inner_text().split() == ["←", "回到", "示範網站"]

    page.goto(f"{demo}/")
    page.get_by_text(f"已登入為 {demo_user.name}。").wait_for()
    assert _english_on(page, demo_user) == []
    context.close()
