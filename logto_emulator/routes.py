"""The emulator's one router. Every handler, whichever half of Logto it plays (OIDC, Management
API, the emulator's own pages), registers its method and path with ``@route``; :mod:`app` (and
the Management API's :func:`~logto_emulator.management.api.dispatch`) ask :func:`resolve`.
A new Logto call is one decorated function in the module of its resource."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from logto_emulator.http import Response

Handler = Callable[..., Response]


@dataclass(frozen=True)
class Route:
    method: str | None  # None: any method
    pattern: re.Pattern[str]
    handler: Handler
    # Registered by Logto only with its development features on (``isDevFeaturesEnabled``).
    dev_feature: bool = False


# In registration order; a path with several routes lists their methods in this order (``Allow``).
ROUTES: list[Route] = []


def route(
    method: str | None, pattern: str, *, dev_feature: bool = False
) -> Callable[[Handler], Handler]:
    """Serve ``method`` (None: any) on paths matching ``pattern`` whole; its groups are passed to
    the handler after ``(state, request)``. A ``dev_feature`` route exists only while the state
    plays a build with Logto's development features on."""

    def register(handler: Handler) -> Handler:
        ROUTES.append(Route(method, re.compile(pattern), handler, dev_feature))
        return handler

    return register


def resolve(
    path: str, method: str, *, dev_features: bool = False
) -> tuple[Handler | None, tuple[str, ...], list[str]]:
    """The handler for ``method`` on ``path`` and its path parameters; on a miss, ``None`` and
    the methods the path does have (empty: no such path). Without ``dev_features`` the routes of
    Logto's development features do not exist, as on a production build."""
    allowed: list[str] = []
    for candidate in ROUTES:
        if candidate.dev_feature and not dev_features:
            continue
        match = candidate.pattern.fullmatch(path)
        if match is None:
            continue
        if candidate.method is None or candidate.method == method:
            return candidate.handler, match.groups(), allowed
        allowed.append(candidate.method)
    return None, (), allowed
