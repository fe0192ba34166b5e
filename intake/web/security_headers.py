"""The one place that sets HTTP security headers (docs/security.md, "Headers").

Content-Security-Policy Level 3 with ``default-src 'none'``: only this server's own scripts,
styles, images and fonts load, forms post only here, no framing, no <base>. Pages are never
cached, never send a Referer, and may use only the microphone (for audio recordings, on this
origin).
"""

from __future__ import annotations

from flask import Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
))
PERMISSIONS_POLICY = ", ".join((
    "microphone=(self)", "camera=()", "geolocation=()", "usb=()", "serial=()", "bluetooth=()",
    "payment=()", "display-capture=()", "clipboard-read=()", "screen-wake-lock=()",
    "accelerometer=()", "gyroscope=()", "magnetometer=()", "midi=()", "fullscreen=()",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
# Not "cookies": that clears every cookie of the host, whatever its port, so signing out of one
# instance would sign the browser out of another on the same computer. The sign-out response
# deletes its own session cookie, the only cookie these pages set (web/sessions.py).
CLEAR_SITE_DATA = '"cache", "storage"'


def set_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response
