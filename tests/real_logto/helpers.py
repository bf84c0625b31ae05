"""Driving Logto's own sign-in experience (its React app); the account center's sign-in and
step-up are the shared ones (tests/helpers.py), given ``fill=sign_in_at_logto``."""

from __future__ import annotations

import os
import re

from playwright.sync_api import Page

# Logto's experience app names its inputs like a plain form would, whatever the language.
IDENTIFIER = "input[name='identifier']"
PASSWORD = "input[name='password']"
SUBMIT = "button[type='submit'][name='submit']"

OVERVIEW = re.compile(r"^http://127\.0\.0\.1:8000/account/$")
# The account center's step-up dialog, opened beside a refused form.
STEP_UP_DIALOG = "dialog#ac-step-up"
# The real Logto the journeys run against.
E2E_ENDPOINT = os.environ.get("LOGTO_E2E_ENDPOINT", "").rstrip("/")


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
