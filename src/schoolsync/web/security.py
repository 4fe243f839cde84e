"""The browser-facing protections: security headers on every response, the session cookie's
attributes, CSRF tokens on every form."""

from __future__ import annotations

import hmac

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

SESSION_COOKIE = "schoolsync_session"
#: before login there is no session to hold a CSRF token, so the login form's token is paired
#: with this cookie instead (double submit)
LOGIN_CSRF_COOKIE = "schoolsync_login_csrf"

#: No inline script or style anywhere: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        # FastAPI's /docs page loads its script from a CDN and inline: it keeps its own rules.
        if not request.url.path.startswith(("/docs", "/redoc")):
            response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        for name, value in _HEADERS.items():
            response.headers[name] = value
        if not request.url.path.startswith("/static/"):
            # Pages show a school's data and carry CSRF tokens: after logging out, the
            # browser's Back button must not show them again from its cache.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    """HttpOnly (no script reads it), SameSite=Lax (other sites' forms do not send it), and
    Secure whenever the app is reached over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def tokens_match(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
