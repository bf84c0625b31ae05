"""A secret on its way to the one page that shows it (a new token, backup codes, a TOTP key).

Django's template engine logs the whole context at DEBUG when a variable is missing, and error
reports print ``repr()`` of locals: wrapped, the secret renders in the template as text but never
appears in a ``repr()``, so no log or report can carry it.
"""

from __future__ import annotations


class SecretText:
    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def __str__(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<secret>"

    def __bool__(self) -> bool:
        return bool(self._value)
