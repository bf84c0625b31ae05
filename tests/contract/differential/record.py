"""Record a real Logto's answers to the differential sequence, for the emulator's test.

    source "$LAB_DIR/secrets.env"   # LOGTO_CONTRACT_*, LOGTO_E2E_APP_* (../shared/logto/lab)
    python -m tests.contract.differential.record "logto-io/logto master 1fbc5544 (1.43 candidate)"

Writes ``recorded/logto.json``. The Logto is left as a fresh lab is: no connectors, the account
center off, passkey sign-in off.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

from tests.contract.differential.calls import run
from tests.contract.differential.targets import RealTarget, real_configured

RECORDED = Path(__file__).with_name("recorded") / "logto.json"


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not real_configured():
        print(__doc__)
        return 2
    answers = run(RealTarget())
    document = {
        "logto": argv[1],
        "recorded": datetime.date.today().isoformat(),
        "answers": answers,
    }
    RECORDED.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"{len(answers)} answers written to {RECORDED}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
