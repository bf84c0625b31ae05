"""A section that lists what the user let in (connected apps, remembered devices), read fresh
from Logto, each row removable and, where the section offers it, all at once; every removal is
asked in place first (the templates' confirm elements), then POSTed here. The views on it keep
only what differs: the rows, the removals and their words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse

from ..flows.messages import UNAVAILABLE
from .base import AccountView

ID_MAX = 128


class RemovableRowsView(AccountView):
    rows_name = ""  # what the section's template calls the rows
    id_field = ""  # the POSTed field naming the one row to remove
    # The ``action`` a removal of one row posts; None where the id field alone says it.
    remove_action: str | None = None
    # The ``action`` removing every row posts; None where the section offers no such button.
    remove_all_action: str | None = None
    # Raised (by the read or a removal) where this Logto has none of the rows: the section says
    # so in a sentence (``unsupported``) and a removal is answered with the section.
    unsupported: tuple[type[Exception], ...] = ()

    def read_rows(self) -> Sequence[Any]:
        """The rows, fresh from Logto."""
        raise NotImplementedError

    def remove_one(self, request: HttpRequest, row_id: str) -> Any:
        """Remove one row; answers the words the user reads."""
        raise NotImplementedError

    def remove_all(self, request: HttpRequest) -> Any:
        """Remove every row; answers the words the user reads."""
        raise NotImplementedError

    def section_context(self, partial: str, status: int, extra: dict[str, Any]) -> dict[str, Any]:
        """The rows, fresh from Logto; when they cannot be read, the section says so."""
        try:
            rows = self.or_none(self.read_rows)
        except self.unsupported:
            rows, extra["unsupported"] = [], True
        if rows is None:
            rows = []
            extra.setdefault("unavailable", UNAVAILABLE)
        return {self.rows_name: rows, **extra}

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show()

    def post(self, request: HttpRequest) -> HttpResponse:
        # StepUpRequired from the flow reaches the one error path (AccountView.dispatch).
        removal = self._removal(request)
        if removal is None:
            return self.show()
        try:
            with self.on_failure():
                said = removal()
        except self.unsupported:
            return self.show()  # this Logto has none of the rows: the section says so
        return self.changed(said)

    def _removal(self, request: HttpRequest) -> Callable[[], Any] | None:
        """The removal the POST asks for, or None for a POST that names none."""
        action = request.POST.get("action", "")
        row_id = request.POST.get(self.id_field, "")
        if self.remove_all_action is not None and action == self.remove_all_action:
            return lambda: self.remove_all(request)
        if self.remove_action is not None and action != self.remove_action:
            return None
        if not row_id or len(row_id) > ID_MAX:
            return None
        return lambda: self.remove_one(request, row_id)
