"""Mount the emulator inside another WSGI application (the demo mounts it at ``/logto``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from logto_emulator.app import EmulatorApp
from logto_emulator.state import EmulatorState

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def mount(
    django_application: WSGIApp, prefix: str = "/logto", state: EmulatorState | None = None
) -> WSGIApp:
    """Answer paths under ``prefix`` with the emulator and everything else with ``django_application``.

    The emulator sees ``SCRIPT_NAME += prefix`` so its URLs (issuer, endpoints, cookie path) carry the
    prefix, exactly as if Logto were served there.
    """
    prefix = "/" + prefix.strip("/")
    emulator = EmulatorApp(state or EmulatorState())

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path == prefix or path.startswith(prefix + "/"):
            environ = {
                **environ,
                "SCRIPT_NAME": environ.get("SCRIPT_NAME", "").rstrip("/") + prefix,
                "PATH_INFO": path[len(prefix) :] or "/",
            }
            return emulator(environ, start_response)
        return django_application(environ, start_response)

    application.emulator = emulator  # type: ignore[attr-defined]  # tests reach the state through it
    return application
