"""Security headers on every response: a Content-Security-Policy header (not only the demo
page's meta tag, which cannot forbid framing), nosniff, no framing, no referrer.

The demo page and the API need nothing but their own origin. The docs pages (Swagger UI,
ReDoc, served from this app's own copy of their assets) also need inline styles — both
libraries set style attributes and ReDoc injects <style> elements — and ReDoc runs its search
index in a worker built from a blob: URL. Scripts stay 'self' everywhere: no inline script.
"""

from __future__ import annotations

_SELF_ONLY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_DOCS = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")

_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),  # for browsers that predate frame-ancestors
    (b"referrer-policy", b"no-referrer"),
)
SECURITY_HEADERS = ((b"content-security-policy", _SELF_ONLY.encode()), *_ALWAYS)


def csp_for(path: str) -> str:
    return _DOCS if path in DOCS_PATHS else _SELF_ONLY


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The headers every HTTP response carries, errors and static files included (added by
    api/middleware.py)."""
    return [(b"content-security-policy", csp_for(path).encode()), *_ALWAYS]
