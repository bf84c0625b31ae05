"""The package as people get it: the sdist and the wheel, built once per run by
``scripts/check-wheel``, which also runs ``twine check --strict`` and installs the wheel into a
clean virtualenv (kept for the quickstart test)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Distributions:
    sdist: Path
    wheel: Path
    venv: Path  # a clean virtualenv with the wheel (and what it needs) installed, nothing else
    log: str


@pytest.fixture(scope="session")
def distributions(tmp_path_factory) -> Distributions:
    """``scripts/check-wheel`` on this interpreter; fails the tests that need it if it fails."""
    out = tmp_path_factory.mktemp("dist")
    clean = tmp_path_factory.mktemp("clean") / "venv"
    result = subprocess.run(
        [str(ROOT / "scripts" / "check-wheel"), sys.executable],
        cwd=ROOT,
        env={**os.environ, "DIST_DIR": str(out), "CLEAN_VENV": str(clean), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    # twine colours its verdicts even when told not to by NO_COLOR in some versions.
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode == 0, log
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Distributions(sdist=sdist, wheel=wheel, venv=clean, log=log)
