"""A change made in the browser mails its security alert (Django's mail, the locmem outbox the
live server shares with the test; the emulator's outbox holds only Logto's codes)."""

from __future__ import annotations

import pytest
from django.core import mail

from .helpers import confirm_with_password, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_created_in_the_browser_is_mailed_without_its_value(
    page, demo, demo_user, settings
):
    settings.ACCOUNT_CENTER_SECURITY_ALERTS = True
    sign_in(page, demo, demo_user)
    assert mail.outbox == []  # the first sign-in ever: no "new device" mail
    page.goto(f"{demo}/account/tokens/")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Name", exact=True).fill("ci script")
    page.get_by_role("button", name="Create token").click()
    confirm_with_password(page.locator("dialog#ac-step-up"), demo_user.password)
    value_box = page.locator("#ac-token-value")
    value_box.wait_for()
    value = value_box.input_value()

    (message,) = mail.outbox
    assert message.to == [demo_user.primary_email]
    assert "developer token" in message.subject
    html = next(body for body, kind in message.alternatives if kind == "text/html")
    assert "“ci script”" in message.body and "Headless Chrome on Linux" in message.body
    assert f"{demo}/account/sessions/" in html
    assert value not in message.body + html + message.subject
