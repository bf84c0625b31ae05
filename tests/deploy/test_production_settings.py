"""The production example (demo_project/settings_production.py) as docs/production.md documents it:
``check --deploy`` finds nothing, static files are compressed with hashed names and small."""

from __future__ import annotations

import gzip
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    # The browser journeys' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment
    # never has it (check --deploy says so).
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "demo_project.settings_production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "account.example.com",
        "DJANGO_REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "LOGTO_ENDPOINT": "https://logto.example.com",
        "LOGTO_APP_ID": "web-app",
        "LOGTO_APP_SECRET": "web-secret",
        "LOGTO_M2M_APP_ID": "m2m-app",
        "LOGTO_M2M_APP_SECRET": "m2m-secret",
    }


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_finds_nothing_on_the_production_example(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_example_refuses_to_start_without_its_secrets(production_env):
    del production_env["DJANGO_SECRET_KEY"]
    result = manage(production_env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_static_files_are_compressed_with_hashed_names_and_the_first_view_is_small(
    production_env, tmp_path
):
    result = manage(production_env, "collectstatic", "--noinput", "-v0")
    assert result.returncode == 0, result.stderr
    static = tmp_path / "static"
    manifest = json.loads((static / "staticfiles.json").read_text())["paths"]
    first_view = [
        "django_htmx/htmx-2.min.js",
        "account_center/account_center.css",
        "account_center/account_center.js",
        "account_center/favicon.svg",
    ]
    total = 0
    for name in first_view:
        hashed = manifest[name]
        assert hashed != name, f"{name} has no content hash in its name"
        compressed = static / f"{hashed}.gz"
        assert compressed.exists(), f"{name} is not served compressed"
        assert gzip.decompress(compressed.read_bytes()) == (static / hashed).read_bytes()
        total += compressed.stat().st_size
    # The overview's own HTML is a few KB on top: the whole first view stays under 60 KB.
    assert total < 50_000, f"first-view static files are {total} bytes compressed"
