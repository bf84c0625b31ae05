"""Refusals decided by the account center itself (Logto's own errors stay ``LogtoAPIError``)."""

from __future__ import annotations

from typing import Any


class FlowError(Exception):
    """A change the app refuses, with a message for people and the form field it concerns."""

    def __init__(self, message: Any, field: str | None = None, code: str = "") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class StepUpRequired(Exception):
    """A sensitive flow was called without a fresh verification (raised by the change path;
    the account views' one error path opens the dialog or the step-up page)."""
