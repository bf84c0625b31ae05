"""Driving Logto's own sign-in experience (its React app) and the account center's step-up."""

from __future__ import annotations

import re

from playwright.sync_api import Page

# Logto's experience app names its inputs like a plain form would, whatever the language.
IDENTIFIER = "input[name='identifier']"
PASSWORD = "input[name='password']"
SUBMIT = "button[type='submit'][name='submit']"

OVERVIEW = re.compile(r"^http://127\.0\.0\.1:8000/account/$")


def is_logto_sign_in(page: Page, endpoint: str) -> bool:
    return page.url.startswith(endpoint.rstrip("/") + "/sign-in")


def sign_in_at_logto(page: Page, username: str, password: str) -> None:
    """Fill Logto's sign-in page, one step (identifier and password together) or two."""
    page.locator(IDENTIFIER).fill(username)
    password_field = page.locator(PASSWORD)
    if not password_field.is_visible():
        # Two-step experience: the identifier first, then the password on the next screen.
        page.locator(SUBMIT).click()
        password_field.wait_for()
    password_field.fill(password)
    page.locator(SUBMIT).click()


def sign_in(page: Page, demo: str, username: str, password: str) -> None:
    """From the account center's login URL through Logto back to the overview."""
    page.goto(f"{demo}/account/login/")
    page.locator(IDENTIFIER).wait_for()
    sign_in_at_logto(page, username, password)
    page.wait_for_url(OVERVIEW)


def confirm_with_password(page: Page, password: str) -> None:
    """Answer the step-up dialog the account center opens beside a refused form."""
    dialog = page.locator("dialog#ac-step-up")
    dialog.get_by_label("Current password").fill(password)
    dialog.get_by_role("button", name="Confirm with password").click()
