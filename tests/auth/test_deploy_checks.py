"""With DEBUG off the site counts as deployed: the emulator, its public demo credentials and a
cache that is not shared are reported by ``manage.py check``."""

from __future__ import annotations

import pytest

from account_center.conf.checks import check_settings

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def deployed(settings, tmp_path):
    settings.DEBUG = False
    # Shared by every worker of one machine, and no server needed here.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.SILENCED_SYSTEM_CHECKS = []
    return settings


def ids() -> list[str]:
    return [message.id for message in check_settings()]


def test_a_deployed_site_with_its_own_logto_passes(deployed):
    assert ids() == []


def test_the_mounted_emulator_is_refused_with_debug_off(deployed):
    deployed.LOGTO_EMULATOR_MOUNTED = True
    assert ids() == ["account_center.E011"]


def test_an_endpoint_at_the_demo_mount_is_refused_with_debug_off(deployed):
    deployed.LOGTO_ENDPOINT = "http://127.0.0.1:8000/logto"
    assert ids() == ["account_center.E011"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LOGTO_APP_ID", "demo-web-app"),
        ("LOGTO_M2M_APP_ID", "demo-m2m-app"),
        ("LOGTO_APP_SECRET", "demo-web-app-secret-not-for-production"),
    ],
)
def test_demo_credentials_are_refused_with_debug_off(deployed, name, value):
    setattr(deployed, name, value)
    assert ids() == ["account_center.E012"]


def test_a_dummy_cache_is_an_error_and_a_per_process_one_a_warning(deployed):
    deployed.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert ids() == ["account_center.E013"]
    deployed.CACHES = LOCMEM
    assert ids() == ["account_center.W002"]


def test_development_with_debug_on_may_use_all_of_them(settings):
    settings.DEBUG = True
    settings.LOGTO_EMULATOR_MOUNTED = True
    settings.LOGTO_APP_ID = "demo-web-app"
    settings.CACHES = LOCMEM
    assert ids() == []
