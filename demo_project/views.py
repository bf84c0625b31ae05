from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {"emulator_mounted": getattr(settings, "LOGTO_EMULATOR_MOUNTED", False)},
    )
