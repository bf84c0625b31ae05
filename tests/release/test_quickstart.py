"""The quickstart, as docs/quickstart.md shows it, on a brand-new ``django-admin startproject`` site
with only the built wheel installed in a clean virtualenv: the settings and URL lines are read
from the page's own code blocks and appended as they are; ``migrate``, ``check`` and
``account_center_check`` run against the emulator the page starts; a user signs in through the
new site's account pages in Chromium. When the page changes, this test follows it."""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

import account_center
from logto_emulator.seed import DEMO_USER

from .conftest import ROOT

pytestmark = pytest.mark.browser

QUICKSTART = ROOT / "docs" / "quickstart.md"
# The ports the page's commands use; the test serves on free ones instead.
DOCS_EMULATOR_PORT, DOCS_SITE_PORT = "3001", "8000"


def code_block(name: str) -> str:
    """The body of the quickstart's code block whose ``:name:`` is ``name``."""
    text = QUICKSTART.read_text(encoding="utf-8")
    match = re.search(
        r"^```\{code-block\}[^\n]*\n(?::[^\n]*\n)*?:name: "
        + re.escape(name)
        + r"\n(?::[^\n]*\n)*\n(.*?)^```",
        text,
        re.M | re.S,
    )
    assert match, f"docs/quickstart.md has no code block named {name}"
    return match.group(1)


def commands(block: str) -> list[list[str]]:
    """A shell block's commands as argument lists (comments and blank lines left out)."""
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        with contextlib.suppress(requests.RequestException):
            requests.get(url, timeout=2)
            return
        time.sleep(0.1)  # polling a server that is starting, not timing a behaviour
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextlib.contextmanager
def serving(argv: list[str], *, cwd: Path, env: dict[str, str], url: str) -> Iterator[None]:
    """Run a server until the block ends; its output goes to the test's captured stderr."""
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=sys.stderr, stderr=sys.stderr)
    try:
        wait_for(url, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_page_shows_what_this_test_runs():
    settings = code_block("quickstart-settings")
    assert '"account_center"' in settings and "LOGTO_ENDPOINT" in settings
    assert 'include("account_center.urls")' in code_block("quickstart-urls")
    emulator = commands(code_block("quickstart-emulator"))
    assert emulator == [
        ["python", "-m", "logto_emulator", "--port", DOCS_EMULATOR_PORT]
        + ["--app-port", DOCS_SITE_PORT]
    ]
    assert all(line[0] == "export" for line in commands(code_block("quickstart-environment")))
    assert [line[:3] for line in commands(code_block("quickstart-run"))] == [
        ["python", "manage.py", "migrate"],
        ["python", "manage.py", "check"],
        ["python", "manage.py", "account_center_check"],
        ["python", "manage.py", "runserver"],
    ]


def test_quickstart_on_a_new_project_with_the_wheel_only(distributions, tmp_path, page):
    # scripts/check-wheel made this virtualenv afresh, without site packages, and installed only
    # the wheel into it (its dependencies from the package index pip is configured with).
    env_dir = distributions.venv
    python = str(env_dir / "bin" / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"],
        capture_output=True, text=True, check=True,
    ).stdout
    assert f"django-logto-account-center=={account_center.__version__}" in installed.lower()
    assert "pytest" not in installed.lower()  # nothing of the test environment

    # cwd and PYTHONPATH point nowhere near the checkout: only the wheel can answer imports.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LOGTO_", "PYTHON", "VIRTUAL_ENV"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    (tmp_path / "site").mkdir()
    subprocess.run(
        [str(env_dir / "bin" / "django-admin"), "startproject", "mysite", str(tmp_path / "site")],
        check=True,
        env=env,
    )
    site_dir = tmp_path / "site"
    with open(site_dir / "mysite" / "settings.py", "a", encoding="utf-8") as settings:
        settings.write("\n" + code_block("quickstart-settings"))
    with open(site_dir / "mysite" / "urls.py", "a", encoding="utf-8") as urls:
        urls.write("\n" + code_block("quickstart-urls"))

    emulator_port, site_port = str(free_port()), str(free_port())

    def ported(text: str) -> str:
        return text.replace(DOCS_EMULATOR_PORT, emulator_port).replace(DOCS_SITE_PORT, site_port)

    for line in commands(ported(code_block("quickstart-environment"))):
        for assignment in line[1:]:
            key, _, value = assignment.partition("=")
            env[key] = value
    (emulator_argv,) = commands(ported(code_block("quickstart-emulator")))
    emulator_argv[0] = python
    site_url = f"http://127.0.0.1:{site_port}"

    with serving(
        emulator_argv,
        cwd=tmp_path,
        env=env,
        url=f"{env['LOGTO_ENDPOINT']}/oidc/.well-known/openid-configuration",
    ):
        *steps, runserver = commands(code_block("quickstart-run"))
        outputs = []
        for argv in steps:
            result = subprocess.run(
                [python, *argv[1:]], cwd=site_dir, env=env, capture_output=True, text=True,
                timeout=120,
            )
            assert result.returncode == 0, (argv, result.stdout, result.stderr)
            outputs.append(result.stdout)
        assert "All checks passed." in outputs[-1], outputs[-1]
        assert "FAIL" not in outputs[-1]

        # runserver as the page says, on the free port and without the autoreloader's child
        # process (so that stopping it stops the server).
        with serving(
            [python, *runserver[1:], f"127.0.0.1:{site_port}", "--noreload"],
            cwd=site_dir,
            env=env,
            url=f"{site_url}/admin/login/",
        ):
            page.goto(f"{site_url}/account/")
            # Not signed in: the account center sends the browser to the emulator's sign-in form.
            page.get_by_label("Username, email or phone").fill(DEMO_USER.username)
            page.get_by_label("Password").fill(DEMO_USER.password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{site_url}/account/")
            assert page.get_by_role("heading", level=1).inner_text().strip() == DEMO_USER.name
            # The wheel's static files are served (the stylesheet styles the page).
            assert page.evaluate(
                "getComputedStyle(document.documentElement).getPropertyValue('--ac-accent')"
            ).strip()
