"""What the account center asks of an adapter: the methods views, flows, forms and the sign-in
call on :func:`account_center.site_adapter.get_adapter`'s answer.

A leaf (it imports nothing of the app): ``site_adapter`` types against it instead of against
:class:`account_center.adapter.DefaultAccountCenterAdapter`, which is built on the flows that
import ``site_adapter``; so the import graph has no circle, type-only imports counted.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.files import File
from django.http import HttpRequest


class AccountCenterAdapter(Protocol):
    """The adapter's methods the app calls (the default class says what each one decides)."""

    def get_client_ip(self, request: HttpRequest) -> str | None: ...

    def is_safe_url(self, request: HttpRequest, url: str) -> bool: ...

    def is_step_up_required(self, request: HttpRequest, action: str) -> bool: ...

    def on_credentials_changed(self, request: HttpRequest, kind: str) -> None: ...

    def send_notification(
        self, request: HttpRequest, kind: str, context: dict[str, Any]
    ) -> None: ...

    def export_custom_data(
        self, request: HttpRequest, custom_data: dict[str, Any]
    ) -> dict[str, Any]: ...

    def store_avatar(self, request: HttpRequest, file: File) -> str | None: ...

    def stores_avatars(self) -> bool: ...

    def message_for(self, logto_code: str) -> tuple[str | None, Any]: ...

    def get_username(self, claims: dict[str, Any]) -> str: ...

    def user_fields(self, claims: dict[str, Any]) -> dict[str, str]: ...

    def create_user(self, claims: dict[str, Any]) -> Any: ...

    def update_user_from_claims(self, user: Any, claims: dict[str, Any]) -> Any: ...
