"""The Host header check, against DNS rebinding: a web page the interviewer visits can make its
own name resolve to 127.0.0.1 and then read this server's pages as its own origin (the set-up
page of a new laptop, for one). Its requests still carry its own name in ``Host``
(RFC 9110 §7.2), so only loopback names and the host ``intake serve --host`` listens on are
served; anything else, or no Host at all (RFC 9112 §3.2), gets a plain 400.

Loopback names: ``localhost``, ``[::1]`` and every IPv4 address in 127.0.0.0/8, with any port.
When the server listens on every address (``0.0.0.0`` or ``::``), any IP literal is accepted
too: an address, unlike a name, cannot be rebound.
"""

from __future__ import annotations

import ipaddress
import re

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _

_HOST = re.compile(r"(?P<name>\[[0-9A-Fa-f:.]+\]|[^:\[\]]+)(?::\d{1,5})?")
_ANY_ADDRESS = {"0.0.0.0", "::", "[::]"}  # noqa: S104 - names, compared, not bound
_KEY = "intake_trusted_hosts"


def install_host_check(app: Flask) -> None:
    """Refuse requests for other names; runs before every other request hook."""
    app.extensions[_KEY] = set()
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_other_hosts)


def trust_host(app: Flask, host: str) -> None:
    """Also accept ``host`` (what the server listens on) in Host headers."""
    app.extensions.setdefault(_KEY, set()).add(_normalised(host))


def _normalised(name: str) -> str:
    name = name.strip().lower()
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"  # an IPv6 address is bracketed in a Host header
    return name


def host_allowed(header: str, trusted: set[str]) -> bool:
    """Whether a Host header value names this server."""
    match = _HOST.fullmatch(header.strip().lower())
    if not match:
        return False
    name = match.group("name")
    if name in ("localhost", "[::1]") or name in trusted:
        return True
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return (address.version == 4 and address.is_loopback) or bool(trusted & _ANY_ADDRESS)


def _refuse_other_hosts() -> Response | None:
    if host_allowed(request.headers.get("Host", ""), current_app.extensions.get(_KEY, set())):
        return None
    return Response(_("This server answers only at its own address, such as 127.0.0.1.") + "\n",
                    status=400, mimetype="text/plain")
