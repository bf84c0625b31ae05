"""Logto's password policy checker, rebuilt from its documented rules (@logto/core-kit
``password-policy``) and checked against a running Logto 1.37.1.

What matters to callers is that the answers match Logto's: the same issue codes, in the same
order, with the same interpolation values. The rules, as Logto applies them:

- length first: ``too_short`` {min} or else ``too_long`` {max} (never both);
- character types: a character outside a-z, A-Z, 0-9 and Logto's symbol set makes the password
  ``unsupported_characters`` (and then types are not counted); otherwise fewer types than the
  minimum is ``character_types`` {min};
- ``pwned`` (Logto asks haveibeenpwned; the emulator keeps a tiny local list);
- restricted phrases: every position of the password is marked when it starts a run of 3+ equal
  characters (``restricted.repetition``), a 3+ character slice of a keyboard or alphabet sequence
  (``restricted.sequence``), a listed word, or the user's name, username, email local part or
  phone (``restricted.user_info``). Only when more than ``max(1, len - 3)`` positions are marked
  are the restricted codes reported, in the order they were first found; a password with enough
  other characters around the phrases is accepted.

The user-info rule needs the user: without one the check fails as Logto's does (a TypeError there,
answered as ``request.invalid_input``), but only when the password is not empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SYMBOLS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ "
# Runs Logto treats as sequential, each also read backwards and in upper case.
SEQUENCES = (
    "0123456789",
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz",
    "2wsx",
    "3edc",
    "4rfv",
    "5tgb",
    "6yhn",
    "7ujm",
    "8ik",
    "9ol",
)
_SEQUENCE_FORMS = tuple(
    form for seq in SEQUENCES for form in (seq, seq[::-1], seq.upper(), seq[::-1].upper())
)
REPETITION_AND_SEQUENCE_THRESHOLD = 3
RESTRICTED_PHRASES_TOLERANCE = 3
# A tiny stand-in for haveibeenpwned, enough to exercise the issue offline. The last two are the
# list Logto's own integration tests use.
BREACHED_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "12345678",
        "123456789",
        "qwerty123",
        "iloveyou1",
        "11111111",
        "123456aA",
        "test_password",
    }
)


class UserInfoRequired(Exception):
    """The policy rejects user information but no user was given (Logto raises a TypeError)."""

    message = "User information data is required to check user information."


@dataclass(frozen=True)
class PasswordPolicy:
    """Logto's ``passwordPolicy`` with its defaults (the sign-in experience's empty ``{}``)."""

    min_length: int = 8
    max_length: int = 256
    min_character_types: int = 1
    reject_pwned: bool = True
    reject_repetition_and_sequence: bool = True
    reject_user_info: bool = True
    reject_words: tuple[str, ...] = field(default_factory=tuple)


DEFAULT_POLICY = PasswordPolicy()


def _js_length(value: str) -> int:
    # Logto measures length in UTF-16 code units (JavaScript's String.length).
    return len(value.encode("utf-16-le")) // 2


def _character_types_ok(password: str, minimum: int) -> bool | None:
    """Whether ``password`` has enough character types; ``None`` for an unsupported character."""
    types: set[str] = set()
    for char in password:
        if "a" <= char <= "z":
            types.add("lower")
        elif "A" <= char <= "Z":
            types.add("upper")
        elif "0" <= char <= "9":
            types.add("digit")
        elif char in SYMBOLS:
            types.add("symbol")
        else:
            return None
    return len(types) >= minimum


def _repetition_length(text: str) -> int:
    if not text:
        return 0
    length = len(text) - len(text.lstrip(text[0]))
    return length if length >= REPETITION_AND_SEQUENCE_THRESHOLD else 0


def _is_sequential(value: str) -> bool:
    return any(value in form for form in _SEQUENCE_FORMS)


def _sequence_length(text: str) -> int:
    value = ""
    for char in text:
        if value and not _is_sequential(value + char):
            break
        value += char
    return len(value) if len(value) >= REPETITION_AND_SEQUENCE_THRESHOLD else 0


def _word_length(text: str, words: tuple[str, ...]) -> int:
    lowered = text.lower()
    return max((len(word) for word in words if lowered.startswith(word.lower())), default=0)


def _user_info_length(text: str, info: dict[str, str]) -> int:
    """Length of the longest piece of user information ``text`` starts with (case-insensitive)."""
    lowered = text.lower()
    candidates: list[str] = []
    name = info.get("name")
    if name:
        if lowered.startswith(name.lower()):
            candidates.append(name)
        else:
            # Logto tries the name without spaces and each space-separated word.
            candidates.append("".join(name.split()))
            candidates.extend(name.split(" "))
    if info.get("username"):
        candidates.append(info["username"])
    if info.get("email"):
        candidates.append(info["email"].split("@")[0])
    length = max((len(c) for c in candidates if c and lowered.startswith(c.lower())), default=0)
    phone = info.get("phoneNumber")
    if phone and lowered.startswith(phone):  # digits: compared as given
        length = max(length, len(phone))
    return length


def user_info_of(user: dict[str, Any]) -> dict[str, str]:
    """The user information Logto checks, from an emulator user (Logto's JSON)."""
    values = {
        "email": user.get("primaryEmail"),
        "username": user.get("username"),
        "phoneNumber": user.get("primaryPhone"),
        "name": user.get("name"),
    }
    return {key: value for key, value in values.items() if value}


def check_password(
    password: str,
    user_info: dict[str, str] | None = None,
    policy: PasswordPolicy = DEFAULT_POLICY,
) -> list[dict[str, Any]]:
    """Logto's issues for ``password`` (``[]`` when acceptable), each ``{"code", "interpolation"?}``.

    Raises :class:`UserInfoRequired` when the policy rejects user information, ``user_info`` is
    ``None`` and the password is not empty.
    """
    issues: list[dict[str, Any]] = []
    length = _js_length(password)
    if length < policy.min_length:
        issues.append(
            {"code": "password_rejected.too_short", "interpolation": {"min": policy.min_length}}
        )
    elif length > policy.max_length:
        issues.append(
            {"code": "password_rejected.too_long", "interpolation": {"max": policy.max_length}}
        )
    types_ok = _character_types_ok(password, policy.min_character_types)
    if types_ok is None:
        issues.append({"code": "password_rejected.unsupported_characters"})
    elif not types_ok:
        issues.append(
            {
                "code": "password_rejected.character_types",
                "interpolation": {"min": policy.min_character_types},
            }
        )
    if policy.reject_pwned and password in BREACHED_PASSWORDS:
        issues.append({"code": "password_rejected.pwned"})

    marked = [False] * len(password)
    found: dict[str, None] = {}  # restricted codes in the order first found

    def mark(start: int, run: int, code: str) -> None:
        if run <= 0:
            return
        for index in range(start, start + run):
            marked[index] = True
        found.setdefault(code, None)

    for start in range(len(password)):
        rest = password[start:]
        if policy.reject_repetition_and_sequence:
            mark(start, _repetition_length(rest), "restricted.repetition")
            mark(start, _sequence_length(rest), "restricted.sequence")
        if policy.reject_words:
            mark(start, _word_length(rest, policy.reject_words), "restricted.words")
        if policy.reject_user_info:
            if user_info is None:
                raise UserInfoRequired(UserInfoRequired.message)
            mark(start, _user_info_length(rest, user_info), "restricted.user_info")

    if sum(marked) > max(1, len(password) - RESTRICTED_PHRASES_TOLERANCE):
        issues.extend({"code": f"password_rejected.{code}"} for code in found)
    return issues
