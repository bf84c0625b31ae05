"""The admin's "Account center settings" page: only superusers change it, a save is in force at
the next request of every worker (the cache's version key), and the deprecated settings still
work with a system-check warning saying how to move on."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from account_center.conf import features, site_settings
from account_center.conf.app_settings import app_settings
from account_center.conf.checks_features import check_features
from account_center.models import AuditEvent, SiteSettings

PAGE = "admin:account_center_sitesettings_changelist"


def _admin(**flags: Any) -> tuple[Client, Any]:
    person = get_user_model().objects.create_user(
        username=f"admin-{len(flags)}-{flags.get('is_superuser', False)}", is_staff=True, **flags
    )
    client = Client()
    # Signed in with a password, as staff are (a Logto session would ask Logto to refresh it).
    client.force_login(person, backend="django.contrib.auth.backends.ModelBackend")
    return client, person


def _form_data(**changes: str) -> dict[str, str]:
    """The page's form as a browser posts it, every field at its default, then ``changes``."""
    data = {f"feature__{name}": "" for name, _label in features.all_features()}
    data.update(step_up_seconds="", code_resend_seconds="", deleted_user_action="")
    data.update(changes)
    return data


def _save_page(client: Client, **changes: str) -> Any:
    page = client.get(reverse(PAGE), follow=True)
    return client.post(page.redirect_chain[-1][0], _form_data(**changes))


@pytest.mark.django_db
def test_a_superuser_saves_and_the_next_request_obeys(stepped_up, logto_writes):
    client, _person = _admin(is_superuser=True)

    answer = _save_page(client, feature__username="readonly", step_up_seconds="120")

    assert answer.status_code == 302
    refused = stepped_up.post(reverse("account_center:username"), {"username": "bob"})
    assert refused.status_code == 403
    assert logto_writes == []
    assert app_settings.STEP_UP_SECONDS == 120
    assert AuditEvent.objects.filter(action="site_settings_changed").exists()


@pytest.mark.django_db
def test_a_save_reaches_a_worker_that_read_the_old_settings():
    """Another worker kept the settings it read before the save (its process memo): the new
    version in the shared cache makes it read the new ones at its next request."""
    SiteSettings(features={"username": "edit"}).save()
    assert features.level("username") == features.EDIT
    old_memo = site_settings._last

    row = SiteSettings.objects.get()
    row.features = {"username": "readonly"}
    row.save()
    site_settings._last = old_memo  # that worker's memory, untouched by this process's save

    assert features.level("username") == features.READ_ONLY


@pytest.mark.django_db
def test_the_row_is_read_from_the_database_when_the_cache_lost_it():
    SiteSettings(features={"tokens": "off"}).save()
    cache.clear()
    site_settings._last = ("", site_settings.DEFAULTS)

    assert features.level("tokens") == features.OFF
    assert "tokens" not in features.shown_sections()


@pytest.mark.django_db
def test_staff_who_are_not_superusers_cannot_change_it():
    client, person = _admin()
    person.user_permissions.add(Permission.objects.get(codename="view_sitesettings"))
    SiteSettings().save()
    change = reverse("admin:account_center_sitesettings_change", args=[1])

    shown = client.get(change)
    refused = client.post(change, _form_data(feature__username="off"))

    assert shown.status_code == 200 and 'name="feature__username"' not in shown.content.decode()
    assert refused.status_code == 403
    assert SiteSettings.objects.get().features == {}


@pytest.mark.django_db
def test_staff_without_the_view_permission_do_not_see_it():
    client, _person = _admin()

    assert client.get(reverse(PAGE)).status_code == 403


@pytest.mark.django_db
def test_the_page_shows_each_default_and_empty_means_default(settings):
    settings.ACCOUNT_CENTER_FEATURES = {"sessions": "readonly"}
    settings.ACCOUNT_CENTER_STEP_UP_SECONDS = 300
    client, _person = _admin(is_superuser=True)

    page = client.get(reverse(PAGE), follow=True).content.decode()
    _save_page(client)

    assert "Default: Read-only" in page and "Default: 300" in page
    assert features.level("sessions") == features.READ_ONLY
    assert app_settings.STEP_UP_SECONDS == 300


@pytest.mark.django_db
def test_limits_methods_cooldown_and_deletion_from_the_page(settings):
    client, _person = _admin(is_superuser=True)

    _save_page(
        client,
        **{"limit__code_send": "2/15m/user", "limit__totp_confirm": "-"},
        step_up_methods_choice="password",
        code_resend_seconds="30",
        deleted_user_action="deactivate",
    )

    assert app_settings.RATE_LIMITS == {"code_send": "2/15m/user", "totp_confirm": ""}
    assert app_settings.STEP_UP_METHODS == ("password",)
    assert app_settings.CODE_RESEND_SECONDS == 30
    assert app_settings.DELETED_USER_ACTION == "deactivate"


@pytest.mark.django_db
def test_a_malformed_limit_is_refused_next_to_its_field():
    client, _person = _admin(is_superuser=True)

    answer = _save_page(client, **{"limit__code_send": "lots"})

    assert answer.status_code == 200
    assert "count/period/key" in answer.content.decode()
    assert not SiteSettings.objects.exists()


@pytest.mark.django_db
def test_the_deprecated_sections_setting_still_works_with_a_warning(settings, stepped_up):
    settings.ACCOUNT_CENTER_SECTIONS = ["profile", "security"]

    tokens = stepped_up.get(reverse("account_center:tokens"))
    warnings = [m for m in check_features() if m.id == "account_center.W101"]

    assert tokens.status_code == 404
    assert len(warnings) == 1
    assert "ACCOUNT_CENTER_FEATURES = {" in warnings[0].hint
    assert "'tokens': 'off'" in warnings[0].hint


@pytest.mark.parametrize(
    ("old", "section"), [("two_step", "mfa"), ("connections", "social"), ("danger", "deletion")]
)
def test_the_deprecated_sections_setting_takes_a_section_by_its_old_name(settings, old, section):
    settings.ACCOUNT_CENTER_SECTIONS = ["profile", old]

    assert features.shown_sections() == ("profile", section)


def test_the_deprecated_profile_fields_setting_turns_the_others_off(settings):
    settings.ACCOUNT_CENTER_PROFILE_FIELDS = ["name", "nickname"]

    assert features.level("profile.nickname") == features.EDIT
    assert features.level("profile.website") == features.OFF
    assert features.level("avatar") == features.OFF
    assert [m.id for m in check_features()] == ["account_center.W101"]


def test_a_level_that_is_not_one_is_an_error(settings):
    settings.ACCOUNT_CENTER_FEATURES = {"username": "maybe", "usernme": "off"}

    assert sorted(m.id for m in check_features()) == ["account_center.E101", "account_center.W102"]


@pytest.mark.django_db
def test_step_up_window_from_the_page_applies_to_the_next_change(stepped_up, clock, logto_writes):
    """Verified 10 s ago; the superuser sets a 5 s window: the next change asks again."""
    SiteSettings(step_up_seconds=5).save()
    clock[0] += 10

    stepped_up.post(reverse("account_center:username"), {"username": "bob"})

    assert logto_writes == []
    assert AuditEvent.objects.filter(action="step_up_required").exists()


@pytest.mark.django_db
def test_the_page_wins_over_the_setting_and_a_field_over_its_group(settings):
    settings.ACCOUNT_CENTER_FEATURES = {"tokens": "off", "profile": "readonly"}
    SiteSettings(features={"tokens": "edit", "profile.website": "edit"}).save()

    assert features.level("tokens") == features.EDIT
    assert features.level("profile.website") == features.EDIT
    assert features.level("profile.nickname") == features.READ_ONLY
    assert features.default_level("tokens") == features.OFF


def test_a_page_reads_the_settings_version_once(stepped_up, logto_writes, monkeypatch):
    """Levels are asked for at every button; the shared cache is asked once per request."""
    reads = []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        if key == site_settings.VERSION_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)

    assert stepped_up.get(reverse("account_center:security")).status_code == 200
    assert len(reads) == 1


def test_every_feature_on_the_page_has_words_not_a_key(settings):
    settings.ACCOUNT_CENTER_CUSTOM_DATA_FIELDS = [{"key": "plan", "label": "Plan"}]

    labels = dict(features.all_features())

    assert str(labels["profile.address"]) == "Address"
    assert str(labels["custom_data.plan"]) == "Plan"
    assert all(str(label) != name.rpartition(".")[2] for name, label in labels.items())
