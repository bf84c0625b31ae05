"""The demo's port is runserver's.

With the embedded emulator, the demo talks to itself: the emulator's URLs (its issuer, the
redirect URIs it accepts, the Management API the app calls) carry the port in ``DEMO_PORT``. So
``manage.py runserver 8001`` sets ``DEMO_PORT=8001`` for the server it starts, and
``DEMO_PORT=8001 manage.py runserver`` serves on 8001. Other management commands that reach the
emulator (``account_center_check``...) talk to the running demo: give them its ``DEMO_PORT``.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping, Sequence

DEFAULT_PORT = "8000"
# Options of runserver (and of every command) whose value is the next argument.
_TAKES_A_VALUE = frozenset({"--settings", "--pythonpath", "-v", "--verbosity"})
_ADDRPORT_RE = re.compile(r"^(?:(?:\[[^\]]+\]|[^:\[\]]*):)?(\d+)$")


def runserver_argv(argv: Sequence[str], environ: MutableMapping[str, str]) -> list[str]:
    """``argv`` of ``manage.py``, with ``environ["DEMO_PORT"]`` set to the port runserver
    will serve on; runserver without an address gets ``DEMO_PORT`` (else 8000) as its port.
    Other commands are left as they are."""
    args = list(argv)
    if len(args) < 2 or args[1] != "runserver":
        return args
    index = 2
    while index < len(args):
        arg = args[index]
        if arg in _TAKES_A_VALUE:
            index += 2
            continue
        if not arg.startswith("-"):
            match = _ADDRPORT_RE.match(arg)
            if match:
                environ["DEMO_PORT"] = match.group(1)
            # Not an address runserver takes: it says so itself.
            return args
        index += 1
    port = environ.get("DEMO_PORT") or DEFAULT_PORT
    environ["DEMO_PORT"] = port
    return [*args, port]
