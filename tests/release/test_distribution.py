"""The release files: one version, a built sdist and wheel that twine accepts, the licence the
metadata names, and a changelog entry for the version."""

from __future__ import annotations

import re
import tarfile
import tomllib
import zipfile

import account_center

from .conftest import ROOT


def test_sdist_and_wheel_build_and_pass_twine_check_strict(distributions):
    # twine prints "Checking <file>: PASSED" per file; with --strict a warning is a failure.
    assert distributions.log.count(": PASSED") == 2, distributions.log
    assert "the wheel installs and serves from" in distributions.log


def test_the_version_is_written_once_and_carried_by_the_distributions(distributions):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    version = account_center.__version__
    assert distributions.wheel.name.startswith(f"django_logto_account_center-{version}-")
    assert distributions.sdist.name == f"django_logto_account_center-{version}.tar.gz"
    with zipfile.ZipFile(distributions.wheel) as wheel:
        metadata = wheel.read(
            f"django_logto_account_center-{version}.dist-info/METADATA"
        ).decode()
    assert f"\nVersion: {version}\n" in metadata


def test_the_licence_is_the_one_the_metadata_names_and_ships_in_both(distributions):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n")
    with zipfile.ZipFile(distributions.wheel) as wheel:
        names = wheel.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        assert "License-Expression: MIT" in wheel.read(metadata).decode()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    with tarfile.open(distributions.sdist) as sdist:
        assert any(name.endswith("/LICENSE") for name in sdist.getnames())


def test_changelog_has_an_entry_for_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog
    assert re.search(rf"^## \[{re.escape(account_center.__version__)}\]", changelog, re.M)


def test_release_files_exist():
    for name in ("LICENSE", "CHANGELOG.md", "SECURITY.md", "CONTRIBUTING.md"):
        assert (ROOT / name).stat().st_size > 500, name
