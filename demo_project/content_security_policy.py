"""The Content-Security-Policy the account center is built to run under (django-csp's format):
only the site's own scripts and styles, no inline script or style, no plugins, no framing.

htmx is served from the app's static files and configured with a ``<meta name="htmx-config">``
that keeps it from injecting styles. Avatars may come from anywhere over HTTPS (Logto keeps a URL,
often a social provider's). ``form-action`` is left open on purpose: signing out and linking a
social account answer a POST with a redirect to Logto or to the provider, which browsers check
against ``form-action``.
"""

from csp.constants import NONE, SELF

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}
