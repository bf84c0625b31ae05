"""A stateful emulator of the Logto identity provider (OIDC + Management API).

A development and test tool: it speaks Logto's paths, payloads, status codes and error codes so an
application cannot tell it from Logto in the parts it covers. It is not Logto and has no security
worth the name: never expose it beyond loopback.
"""

from __future__ import annotations

from logto_emulator.app import EmulatorApp
from logto_emulator.state import EmulatorState

__all__ = ["EmulatorApp", "EmulatorState"]
