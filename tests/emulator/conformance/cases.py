"""The conformance cases' registry: each case makes the emulator answer one documented operation
(a method and Logto's path template) and hands the answer over to be checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import requests

from logto_emulator.server import EmulatorServer
from tests.emulator.conftest import Api
from tests.emulator.test_account_api import EDIT_ALL, Me


@dataclass
class Context:
    """What a case works with: the Management API as the M2M app, the emulator, and (made on
    first use, with the account center on and every field editable) a user of the Account API."""

    api: Api
    emu: EmulatorServer

    @cached_property
    def uid(self) -> str:
        """The seeded demo user's id."""
        user = self.emu.state.find_user_by("username", "demo")
        assert user is not None
        return str(user["id"])

    @cached_property
    def me(self) -> Me:
        self.emu.state.configure_account_center(fields=EDIT_ALL)
        return Me(self.emu)


@dataclass(frozen=True)
class Case:
    method: str
    template: str  # as Logto's document writes it
    run: Callable[[Context], requests.Response]


CASES: dict[str, Case] = {}


def case(
    method: str, template: str
) -> Callable[[Callable[[Context], requests.Response]], Callable[[Context], requests.Response]]:
    """Register the decorated function, under its name, as a case of ``method template``."""

    def register(
        run: Callable[[Context], requests.Response],
    ) -> Callable[[Context], requests.Response]:
        assert run.__name__ not in CASES, f"two conformance cases named {run.__name__}"
        CASES[run.__name__] = Case(method, template, run)
        return run

    return register
