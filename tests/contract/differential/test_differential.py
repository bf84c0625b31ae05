"""The emulator answers as a real Logto did, call for call (status, error code, JSON shape, facts).

``recorded/logto.json`` holds a real Logto's answers to :data:`calls.SEQUENCE` (which Logto and
when are in the file; re-record with ``python -m tests.contract.differential.record``). The
emulator is checked against it on every run; a real Logto too when ``LOGTO_CONTRACT_*`` and
``LOGTO_E2E_APP_ID`` / ``_SECRET`` are set (e.g. the lab kit's ``secrets.env``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.contract.differential.calls import SEQUENCE, Step, run
from tests.contract.differential.targets import RealTarget, emulator, real_configured

pytestmark = pytest.mark.contract

RECORDED = json.loads((Path(__file__).with_name("recorded") / "logto.json").read_text())
STEPS = [step.name for step in SEQUENCE if isinstance(step, Step)]


def test_the_recording_covers_the_whole_sequence() -> None:
    assert sorted(RECORDED["answers"]) == sorted(STEPS)


@pytest.fixture(scope="module")
def emulator_answers() -> Iterator[dict[str, Any]]:
    with emulator() as target:
        yield run(target)


@pytest.fixture(scope="module")
def logto_answers() -> dict[str, Any]:
    if not real_configured():
        pytest.skip(
            "set LOGTO_CONTRACT_* and LOGTO_E2E_APP_ID / _SECRET to run against a real Logto"
        )
    return run(RealTarget())


@pytest.mark.parametrize("step", STEPS)
def test_emulator_answers_as_logto_did(emulator_answers: dict[str, Any], step: str) -> None:
    assert emulator_answers[step] == RECORDED["answers"][step]


@pytest.mark.parametrize("step", STEPS)
def test_logto_still_answers_as_recorded(logto_answers: dict[str, Any], step: str) -> None:
    assert logto_answers[step] == RECORDED["answers"][step]
