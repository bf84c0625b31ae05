"""A request straight into a WSGI application, no server: for checks that need a client address,
host name or header a real client on this machine cannot send."""

from __future__ import annotations

from io import BytesIO


def call(
    app,
    path: str,
    remote: str = "127.0.0.1",
    host: str | None = "127.0.0.1:8000",
    method: str = "GET",
    body: bytes = b"",
    query: str = "",
    **headers: str,
) -> tuple[str, dict[str, str], bytes]:
    """One request straight into the WSGI ``app``: status line, headers, body."""
    answer: dict[str, object] = {}

    def start_response(status, response_headers):
        answer["status"], answer["headers"] = status, dict(response_headers)

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": remote,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(body),
        **{"HTTP_" + name.upper(): value for name, value in headers.items()},
    }
    if host is not None:
        environ["HTTP_HOST"] = host
    if "HTTP_CONTENT_TYPE" in environ:
        environ["CONTENT_TYPE"] = environ.pop("HTTP_CONTENT_TYPE")
    content = b"".join(app(environ, start_response))
    return str(answer["status"]), answer["headers"], content  # type: ignore[return-value]
