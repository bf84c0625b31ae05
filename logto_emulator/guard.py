"""Who may talk to the emulator. It signs anyone in and shows every code it "sends", so it answers
this machine only, and its control endpoints only the emulator's own pages and scripts.

* The client's address must be loopback, and no proxy may stand between: a reverse proxy on this
  machine makes every outside request look local, and says so in ``X-Forwarded-For`` or
  ``Forwarded``.
* The ``Host`` must be a loopback name: a page on another site whose DNS name is re-pointed at
  127.0.0.1 (DNS rebinding) reaches this machine from the victim's browser with its own name as
  ``Host``, and would read the outbox as a same-origin page.
* A control endpoint (``/_emulator/reset``, ``/_emulator/connectors``) changes state: it takes JSON
  only (a cross-site form or ``text/plain`` ``fetch`` cannot send it without a CORS preflight,
  which the emulator never grants) and no request another site started (``Origin``,
  ``Sec-Fetch-Site``).

A developer who serves the emulator to a device of their own lifts the first two with
``allow_remote`` (``--allow-remote``, ``LOGTO_EMULATOR_ALLOW_REMOTE=1``); the third always holds.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from logto_emulator.http import HttpError, Request

ALLOW_REMOTE_ENV = "LOGTO_EMULATOR_ALLOW_REMOTE"
LOOPBACK_NAMES = ("localhost",)
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
# Sent with every answer: no page of the emulator may be framed by another (clickjacking of its
# sign-in and mock social pages).
NO_FRAMING = [("Content-Security-Policy", "frame-ancestors 'none'"), ("X-Frame-Options", "DENY")]


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def is_loopback_host(host: str) -> bool:
    """``localhost``, ``127.0.0.1``, ``[::1]`` (any loopback address), with or without a port."""
    host = host.strip().lower()
    if host.startswith("["):
        name, bracket, _ = host[1:].partition("]")
        return bool(bracket) and is_loopback(name)
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return name.rstrip(".") in LOOPBACK_NAMES or is_loopback(name)


def refusal(environ: dict[str, Any]) -> str | None:
    """Why a request from outside this machine is refused; None when it may be answered."""
    if not is_loopback(environ.get("REMOTE_ADDR")):
        return "The Logto emulator answers this machine only."
    if any(environ.get(header) for header in FORWARDING_HEADERS):
        return "The Logto emulator answers this machine only, not requests a proxy forwards."
    host = environ.get("HTTP_HOST")
    if host is not None and not is_loopback_host(host):
        return "The Logto emulator answers to localhost, 127.0.0.1 and [::1] only."
    return None


def require_own_json(request: Request) -> None:
    """Refuse a control request that is not JSON, or that another site's page sent."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise HttpError(415, "request.general")
    origin = request.headers.get("origin")
    own = f"{request.environ.get('wsgi.url_scheme', 'http')}://{request.headers.get('host', '')}"
    if origin is not None and origin.lower() != own.lower():
        raise HttpError(403, "request.general")
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise HttpError(403, "request.general")
