"""Support's "view as" in Django admin (see ``flows/view_as.py``): the page where a staff member
with the ``view_as_logto_user`` permission gives a reason and signs in as a linked user, and the
way back (a POST from the banner every page shows while viewing as someone).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import auth, messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..auth.backends import LogtoBackend
from ..conf.app_settings import app_settings
from ..flows import gateway, view_as
from ..flows.errors import FlowError
from ..flows.sign_out_elsewhere import remember_epoch
from ..logto.errors import LogtoError
from ..models import LogtoIdentity

PERMISSION = view_as.PERMISSION

# login() needs the backend that later finds the user again: the one Logto's sign-in uses.
BACKEND_PATH = f"{LogtoBackend.__module__}.{LogtoBackend.__qualname__}"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need to view this account?"),
        help_text=gettext_lazy(
            "Kept in the audit trail (the user is told that support viewed their account, "
            "not why)."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def start_view(model_admin: ModelAdmin[Any], request: HttpRequest, object_id: str) -> HttpResponse:
    """GET: what viewing as the user means, and the reason asked; POST: sign in as the user."""
    identity = get_object_or_404(LogtoIdentity.objects.select_related("user"), pk=object_id)
    refused = view_as.refusal_for(request.user, identity)
    if refused is not None and request.method != "POST":
        raise PermissionDenied(refused)
    form = ReasonForm(request.POST or None)
    error = ""
    if request.method == "POST":
        try:
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            started = view_as.start(
                request, identity, reason, impersonate=gateway.reads_with_user_tokens()
            )
        except FlowError as refusal:
            if refusal.field is None:
                raise PermissionDenied(str(refusal.message)) from None
        except LogtoError:
            error = _("Logto could not be reached: try again in a moment.")
        else:
            return _enter(request, started)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("View as this user"),
        "opts": identity._meta,
        "original": identity,
        "form": form,
        "error": error,
        "minutes": max(1, app_settings.VIEW_AS_SECONDS // 60),
    }
    return TemplateResponse(request, "admin/account_center/logtoidentity/view_as.html", context)


def _enter(request: HttpRequest, started: view_as.Started) -> HttpResponse:
    # login() flushes the staff member's session: from here on the browser is the user's, and
    # the way back is signing in again (flows/view_as.py says why).
    auth.login(request, started.identity.user, backend=BACKEND_PATH)
    remember_epoch(request, started.identity)
    view_as.enter(request, started)
    if started.note:
        messages.warning(request, started.note)
    return HttpResponseRedirect(reverse("account_center:overview"))


@require_POST
def end_view(request: HttpRequest) -> HttpResponse:
    """The way back: the view ends (audited), the session with it, then the admin's sign-in. A
    session that is no view is left as it is (nobody is signed out by a stray POST here)."""
    if not view_as.is_viewing(request):
        return HttpResponseRedirect(reverse("admin:login"))
    return HttpResponseRedirect(view_as.finish(request, view_as.BY_STAFF))
