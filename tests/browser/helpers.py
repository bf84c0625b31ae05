from __future__ import annotations

import re


def fill_logto_sign_in_form(page, username: str, password: str) -> None:
    """Fill and submit the sign-in form on Logto's side (the emulator's)."""
    page.get_by_label("Username, email or phone").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, demo: str, user, *, check=None) -> None:
    """Sign ``user`` in from the account center's login URL and wait for the overview.

    ``check(page)`` runs on Logto's form before it is filled (e.g. an accessibility scan).
    """
    page.goto(f"{demo}/account/login/")
    if check is not None:
        check(page)
    fill_logto_sign_in_form(page, user.username, user.password)
    page.wait_for_url(re.compile(r".*/account/$"))


# The overview, and the pages whose forms have no JavaScript-free twin elsewhere: the journeys
# that walk pages start with these, then add their own.
FORM_PAGES = [
    "/account/",
    "/account/profile/",
    "/account/profile/edit/",
    "/account/security/",
    "/account/security/username/",
    "/account/security/email/",
    "/account/security/phone/",
    "/account/security/password/",
]


def menu_pages(page, demo: str) -> list[str]:
    """The paths the account menu links to (every section, whoever added it)."""
    page.goto(f"{demo}/account/")
    return page.locator(".ac-nav a").evaluate_all("links => links.map(a => a.pathname)")


def confirm_with_password(scope, password: str) -> None:
    """Step up with the current password, in the dialog or on the no-JavaScript page (``scope``)."""
    scope.get_by_label("Current password").fill(password)
    scope.get_by_role("button", name="Confirm with password").click()


def admin_signed_in(browser, demo: str, next_path: str):
    """A second browser context with a superuser signed in to Django admin at ``next_path``
    (the account center's users are someone else); close it with ``page.context.close()``."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("boss", password="a-long-admin-passw0rd")
    admin = browser.new_context().new_page()
    admin.goto(f"{demo}/admin/login/?next={next_path}")
    admin.get_by_label("Username").fill("boss")
    admin.get_by_label("Password").fill("a-long-admin-passw0rd")
    admin.get_by_role("button", name="Log in").click()
    return admin
