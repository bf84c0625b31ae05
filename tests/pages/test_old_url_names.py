"""The URL names from before capabilities had one name each still reverse, to the same pages."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from account_center.views.urls import DEPRECATED_NAMES


@pytest.mark.parametrize(("old", "new"), sorted(DEPRECATED_NAMES.items()))
def test_an_old_url_name_reverses_to_its_capability_page(old, new) -> None:
    path = reverse(f"account_center:{old}")

    assert path == reverse(f"account_center:{new}")
    # A request is named for the capability, whichever name built its URL.
    assert resolve(path).url_name == new


def test_the_old_names_are_those_of_before_0_1_0() -> None:
    assert set(DEPRECATED_NAMES) == {
        "two_step",
        "two_step_app",
        "two_step_backup_codes",
        "two_step_remove",
        "two_step_settings",
        "connections",
        "connections_callback",
        "token_rename",
        "token_delete",
        "danger",
    }
