"""A superuser's save on the admin settings page is obeyed by every gunicorn worker at its next
request, without a restart: each worker first reads the old settings (and keeps them in its
memory), then another process saves; every worker refuses the change at once."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import ROOT

SAVE = (
    "from account_center.models import SiteSettings; "
    "row = SiteSettings.objects.first() or SiteSettings(); "
    "row.features = {'username': '%s'}; row.save()"
)


def _save_in_another_process(cluster, level: str) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.multiprocess.settings",
        "ACCOUNT_CENTER_TEST_PG_NAME": cluster.database,
        "DJANGO_SECRET_KEY": "not-used-by-this-process",
    }
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SAVE % level], cwd=ROOT, env=env, check=True
    )


def test_a_saved_setting_reaches_every_worker_without_a_restart(cluster, visitor):
    person, username, password, _user_id = visitor
    assert person.post("/account/verify/", {"action": "password", "password": password}).ok
    _save_in_another_process(cluster, "edit")
    # every worker reads (and keeps in its memory) the settings as they are
    pages = person.over_workers(lambda _: person.get("/account/security/"), workers=3)
    assert all("Change username" in page.text for page in pages)

    _save_in_another_process(cluster, "readonly")

    answers = person.over_workers(
        lambda _: person.post("/account/security/username/", {"username": "x_later"}), workers=3
    )
    assert [answer.status_code for answer in answers] == [403] * len(answers)
    _save_in_another_process(cluster, "edit")
