from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "home.html",
        {"emulator_mounted": getattr(settings, "LOGTO_EMULATOR_MOUNTED", False)},
    )


def baseline(request: HttpRequest) -> HttpResponse:
    """A bare page behind the same middleware: the benchmark's yardstick. No Logto call."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return render(request, "baseline.html")
