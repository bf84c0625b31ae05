"""Which of the emulator's routes Logto's OpenAPI document describes, read from the one router.

An operation is named by its method and its path's *shape*: the path with every parameter as
``{}``, so the router's ``/api/users/([^/]+)`` and the document's ``/api/users/{userId}`` meet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logto_emulator import app  # noqa: F401  (importing the app registers every route)
from logto_emulator.routes import ROUTES

# Logto's OpenAPI document (`/api/swagger.json`) describes its HTTP API under /api: the Management
# API, the Account API and the anonymous /api/.well-known routes. What the emulator serves outside
# /api has no place in it, each for the reason given. A route outside /api that no rule names is
# reported by the coverage test, so a new one is placed on purpose rather than skipped in silence.
# A key ending in "/" covers the paths under it; any other key is one exact shape.
OUT_OF_SCOPE: dict[str, str] = {
    # node-oidc-provider's endpoints: described by OIDC discovery, not by the OpenAPI document;
    # tests/emulator/test_oidc*.py and the differential sequence check them.
    "/oidc/": "the OIDC provider",
    # Where a social provider sends the browser back to Logto's sign-in experience: a page.
    "/callback/": "the social sign-in's return page",
    # The emulator's stand-in for the mock social connector's provider page (README, "Known
    # differences"); a real Logto sends the browser to another host.
    "/mock-social/": "the mock social provider's page",
    # The emulator's own pages and control endpoints: no Logto counterpart.
    "/?": "the emulator's index page",
    "/outbox": "the emulator's outbox page",
    # Where the emulator's stand-in storage serves uploaded avatars: a real Logto answers its
    # storage provider's public URL, on another host.
    "/user-assets/": "the stand-in storage's public URLs",
    "/_emulator/": "the emulator's control endpoints",
}


def shape(path: str) -> str:
    """``/api/users/{userId}`` (a document's template) or ``/api/users/([^/]+)`` (a router
    pattern) as ``/api/users/{}``."""
    path = re.sub(r"\{[^}]*\}", "{}", path)
    path = re.sub(r"\((?:[^()\\]|\\.)*\)", "{}", path)
    return re.sub(r"\\(.)", r"\1", path)


def out_of_scope(path_shape: str) -> str | None:
    """Why the document does not describe ``path_shape``, or None when it should."""
    for key, reason in OUT_OF_SCOPE.items():
        if path_shape == key or (key.endswith("/") and path_shape.startswith(key)):
            return reason
    return None


@dataclass(frozen=True)
class ServedRoutes:
    api: list[tuple[str, str]]  # (method, shape): what the document must describe
    # Those of ``api`` the emulator serves only as a build with Logto's development features on
    # (``@route(..., dev_feature=True)``): a production build's document lacks them.
    dev_features: list[tuple[str, str]]
    unplaced: list[str]  # outside /api and under no OUT_OF_SCOPE rule
    any_method: list[str]  # API routes without a method, which no case or document can name


def served_routes() -> ServedRoutes:
    api: list[tuple[str, str]] = []
    dev_features: list[tuple[str, str]] = []
    unplaced: list[str] = []
    any_method: list[str] = []
    for candidate in ROUTES:
        path_shape = shape(candidate.pattern.pattern)
        if not path_shape.startswith("/api/"):
            if out_of_scope(path_shape) is None:
                unplaced.append(path_shape)
        elif candidate.method is None:
            any_method.append(path_shape)
        else:
            api.append((candidate.method, path_shape))
            if candidate.dev_feature:
                dev_features.append((candidate.method, path_shape))
    return ServedRoutes(api, dev_features, unplaced, any_method)
