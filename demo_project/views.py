from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static


def home(request: HttpRequest) -> HttpResponse:
    mounted = getattr(settings, "LOGTO_EMULATOR_MOUNTED", False)
    return render(
        request, "home.html", {"emulator_mounted": mounted, "demo_users": _demo_users(mounted)}
    )


def _demo_users(mounted: bool) -> list[object]:
    """The emulator's seeded demo accounts (public, demo-only credentials), shown on the home page."""
    if not mounted:
        return []
    from logto_emulator import seed

    users = [v for v in vars(seed).values() if isinstance(v, seed.DemoUser)]
    return sorted(users, key=lambda u: u.username)


def baseline(request: HttpRequest) -> HttpResponse:
    """A bare page behind the same middleware: the benchmark's yardstick. No Logto call."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    return render(request, "baseline.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (admin, error pages). The static
    URL is worked out per request: with hashed static names it exists only after collectstatic."""
    return HttpResponseRedirect(static("account_center/favicon.svg"))
