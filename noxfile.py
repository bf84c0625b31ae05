"""The test matrix: every supported Python x Django pair found on this machine.

``nox`` runs the suite on each (``nox -l`` lists them, ``nox -s "tests(3.12-django6.0)"`` runs one,
``nox -p 3.13`` those of one Python; arguments after ``--`` go to pytest:
``nox -- -m "not browser"``). ``nox -s docs`` builds the
documentation. ``scripts/test`` stays the one command for a change; this is for a release, or
for a change that touches what differs between versions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import nox

# Django's own support table (docs.djangoproject.com/en/dev/faq/install/): 6.x needs 3.12+.
DJANGO_PYTHONS = {
    "5.2": ("3.11", "3.12", "3.13"),
    "6.0": ("3.12", "3.13"),
    "6.1": ("3.12", "3.13"),
}
MATRIX = [(python, django) for django, pythons in DJANGO_PYTHONS.items() for python in pythons]

nox.options.sessions = ["tests"]
nox.options.default_venv_backend = "venv"
# A pair whose Python is not on this machine is skipped, and said so, not failed.
nox.options.error_on_missing_interpreters = False


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in path.name.split(".") if part.isdigit())


def _put_pyenv_pythons_on_path() -> None:
    """pyenv's shims answer ``python3.12`` only for the versions made global; the interpreters
    themselves are under ``$(pyenv root)/versions``: the newest patch of each goes on PATH."""
    root = os.environ.get("PYENV_ROOT")
    if not root and shutil.which("pyenv"):
        root = subprocess.run(
            ["pyenv", "root"], capture_output=True, text=True, check=False
        ).stdout.strip()
    if not root:
        return
    bins = []
    for python in sorted({python for python, _django in MATRIX}):
        found = sorted(Path(root, "versions").glob(f"{python}.*"), key=_version_key)
        found = [path for path in found if path.name.replace(".", "").isdigit()]
        if found and (found[-1] / "bin" / f"python{python}").exists():
            bins.append(str(found[-1] / "bin"))
    os.environ["PATH"] = os.pathsep.join([*bins, os.environ.get("PATH", "")])


_put_pyenv_pythons_on_path()


@nox.session
@nox.parametrize(
    "python,django", MATRIX, ids=[f"{python}-django{django}" for python, django in MATRIX]
)
def tests(session: nox.Session, django: str) -> None:
    """mypy and the whole suite (browser journeys included) on one Python x Django pair."""
    session.install("-e", ".[test]", f"Django=={django}.*")
    session.run("python", "-m", "django", "--version")
    session.run("python", "-m", "mypy")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """The documentation site, warnings as errors, in docs/_build/html."""
    session.install("-e", ".[docs]")
    session.run(
        "python", "-m", "sphinx", "-W", "-n", "--keep-going", "-b", "html", "docs",
        "docs/_build/html",
    )
