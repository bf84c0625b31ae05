"""The documentation site builds with warnings as errors (internal links checked), and its
reference pages name everything the code has: each setting, system check id, signal, adapter
method and management command. The names are read from the code here, not from the docs'
own extension, so a reference page that drops one fails."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.dispatch import Signal

from account_center import signals
from account_center.adapter import DefaultAccountCenterAdapter

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "account_center"
# Set by the emulator's WSGI mount for the system checks, never by a project.
INTERNAL_SETTINGS = {"LOGTO_EMULATOR_MOUNTED"}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built afresh (-E) with warnings as errors (-W) and every reference checked (-n)."""
    out = tmp_path_factory.mktemp("docs-html")
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-E", "-W", "-n", "--keep-going", "-q"]
        + ["-b", "html", str(ROOT / "docs"), str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def page_text(site: Path, page: str) -> str:
    """The words of one built page's article (markup and the theme's chrome left out)."""
    source = (site / page).read_text(encoding="utf-8")
    article = source[source.index("<article") : source.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", "", article))


def package_sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts
    }


def test_docs_build_without_warnings(site):
    for page in ("index", "quickstart", "logto-console", "theming", "features", "testing"):
        assert (site / f"{page}.html").exists(), page
    assert "screenshot-light.png" in (site / "index.html").read_text()


def test_every_setting_the_code_reads_is_in_the_settings_reference(site):
    read = set()
    pattern = re.compile(
        r'(?:_setting\(|(?:getattr|hasattr)\(\s*settings,)\s*"((?:ACCOUNT_CENTER|LOGTO)_\w+)"'
    )
    for source in package_sources().values():
        read |= set(pattern.findall(source))
    read -= INTERNAL_SETTINGS
    assert {"LOGTO_ENDPOINT", "ACCOUNT_CENTER_FEATURES", "ACCOUNT_CENTER_RATE_LIMITS"} <= read
    text = page_text(site, "settings.html")
    missing = sorted(name for name in read if not re.search(rf"\b{name}\b", text))
    assert not missing, f"settings missing from docs/settings: {missing}"


def test_every_system_check_id_is_in_the_checks_reference(site):
    ids = set()
    for path, source in package_sources().items():
        if path.name.startswith("checks"):
            ids |= set(re.findall(r"account_center\.[EW]\d{3}", source))
    assert {"account_center.E001", "account_center.W101"} <= ids
    text = page_text(site, "checks.html")
    missing = sorted(check_id for check_id in ids if check_id not in text)
    assert not missing, f"check ids missing from docs/checks.md: {missing}"


def test_every_signal_is_in_the_signals_reference(site):
    names = [name for name, value in vars(signals).items() if isinstance(value, Signal)]
    assert "email_changed" in names
    text = page_text(site, "signals.html")
    missing = [name for name in names if f"account_center.signals.{name}" not in text]
    assert not missing, f"signals missing from docs/signals: {missing}"


def test_every_public_adapter_method_is_in_the_adapter_reference(site):
    methods = [
        name
        for name, value in vars(DefaultAccountCenterAdapter).items()
        if callable(value) and not name.startswith("_")
    ]
    assert "get_client_ip" in methods
    source = (site / "adapter.html").read_text(encoding="utf-8")
    missing = [
        name
        for name in methods
        if f'id="account_center.adapter.DefaultAccountCenterAdapter.{name}"' not in source
    ]
    assert not missing, f"adapter methods missing from docs/adapter: {missing}"


def test_every_management_command_is_in_the_commands_reference(site):
    commands = [
        path.stem
        for path in (PACKAGE / "management" / "commands").glob("*.py")
        if path.stem != "__init__"
    ]
    assert "account_center_check" in commands
    text = page_text(site, "commands.html")
    missing = [name for name in commands if f"python manage.py {name}" not in text]
    assert not missing, f"commands missing from docs/commands: {missing}"


def test_the_docs_say_the_version_of_the_code(site):
    import account_center

    assert account_center.__version__ in (site / "index.html").read_text()


def _code_lines(text: str, language: str) -> list[str]:
    """The lines of a Markdown text's code blocks in ``language``, comments and blanks left out."""
    lines = []
    fence = rf"^```(?:{language}|{{code-block}} {language})\n(.*?)^```"
    for block in re.findall(fence, text, re.M | re.S):
        for line in block.splitlines():
            code = line.split("  #")[0].rstrip()
            if code and not code.lstrip().startswith(("#", ":")):
                lines.append(code)
    return lines


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n## {title}\n" in text, f"README.md has no section {title!r}"
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_front_doors_quickstart_is_the_proven_one():
    """The README's short quickstart holds only lines of the docs' quickstart, which
    tests/release/test_quickstart.py runs on a new project."""
    proven = set(_code_lines((ROOT / "docs" / "quickstart.md").read_text(), "python"))
    lines = _code_lines(_readme_section("Quickstart"), "python")
    assert len(lines) >= 10
    assert not [line for line in lines if line not in proven]


def test_the_front_doors_two_commands_are_the_demo_and_the_one_ci_runs():
    block = re.search(r"^```sh\n(.*?)^```", _readme_section("Two commands"), re.M | re.S)
    assert block
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert [command for command in commands if command] == ["scripts/demo", "scripts/test"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^exec scripts/test$", ci, re.M)


def test_the_front_doors_links_and_pictures_exist():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [target.split("#")[0] for target in targets if "://" not in target]
    assert "docs/screenshot-light.png" in local and "docs/index.md" in local
    missing = [target for target in local if target and not (ROOT / target).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"


# What a newcomer looks for, in their words, and the page that answers it: each one click from
# the documentation's home page.
NEWCOMER_QUESTIONS = {
    "install it in my project": "quickstart.html",
    "make Logto's console ready": "logto-console.html",
    "theme the pages": "theming.html",
    "turn a feature read-only": "features.html",
    "use the emulator in my own tests": "testing.html",
    "know what to do when account_center_check fails": "troubleshooting.html",
}


def test_a_newcomer_finds_each_answer_one_click_from_the_home_page(site):
    source = (site / "index.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", source, re.S)
    for words, page in NEWCOMER_QUESTIONS.items():
        matching = [
            row
            for row in rows
            # Sphinx's smart quotes print ' as a typographic apostrophe.
            if words in html.unescape(re.sub(r"<[^>]+>", "", row)).replace("\u2019", "'")
            and re.search(rf'href="{re.escape(page)}(?:#[^"]*)?"', row)
        ]
        assert matching, f"the home page does not link {words!r} to {page}"
