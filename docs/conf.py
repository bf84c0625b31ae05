"""Sphinx configuration: ``python -m sphinx -W docs docs/_build/html`` (see CONTRIBUTING.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "docs" / "_ext")]

# autodoc imports the adapter and the management commands, which need Django set up; the
# smallest configuration that loads the app (nothing is served, no database is opened).
if not settings.configured:
    settings.configure(
        SECRET_KEY="docs-build-only",
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.admin",
            "mozilla_django_oidc",
            "django_htmx",
            "account_center",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    )
django.setup()

import account_center  # noqa: E402

project = "django-logto-account-center"
author = "The django-logto-account-center authors"
copyright = "2026, " + author
release = version = account_center.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "account_center_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext"]

# Every internal link is checked: a reference to a page, heading or label that does not exist
# is a warning, and the build runs with warnings as errors.
nitpicky = True
# The code's docstrings name modules and constants these pages do not document (the settings
# page quotes app_settings' docstring): those stay plain text. Pages, labels, headings and the
# documented classes and methods are still checked.
nitpick_ignore_regex = [("py:mod", r"account_center\..*"), ("py:data", r".*")]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

autodoc_member_order = "bysource"
autodoc_typehints = "none"  # the signatures stay readable; types are in the docstrings' words
autodoc_default_options = {"members": True, "undoc-members": True}

html_theme = "furo"
html_title = f"Logto account center {release}"
html_static_path: list[str] = []
