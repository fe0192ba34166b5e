"""How ``intake serve`` runs waitress: every setting it changes from waitress's defaults, each with
its reason (docs/security.md, "The server"), and the one thing no waitress setting does, a deadline
for a request to arrive (``DoorServer``).

Waitress reads each request whole before the application sees it, and holds each response until
the client takes it. By default it moves either to an unlinked file in the system temp folder
once it passes 512 KiB (requests) or 1 MiB (responses): plaintext on disk. Here both stay in
memory, and what bounds that memory is the cap on a request body (refused right after the
headers when Content-Length is larger, or as soon as a chunked body passes it) and the
high-water mark at which the application thread waits for a slow reader (waitress 3.0:
buffers.OverflowableBuffer, parser.HTTPRequestParser.received, channel.HTTPChannel.write_soon).

A connection that sends its headers a byte at a time keeps resetting waitress's idle timer
(``channel_timeout``), and once ``connection_limit`` connections are open waitress stops
accepting, so a handful of such programs could lock the interviewer out (the "slowloris"
attack). ``DoorServer`` closes a connection whose request headers have not arrived in time, and, when
the limit is reached, the connection that has waited longest without a request in service, so
a new one always gets in.
"""

from __future__ import annotations

import select
import sys
import time
from typing import Any

from flask import Flask
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from intake.config import Config
from intake.web.host_check import trust_host

HEADER_SECONDS = 10  # the request line and headers must arrive within this of their first byte
_NEVER = sys.maxsize  # a buffer size no buffer reaches: waitress never moves one to a file


def waitress_settings(config: Config) -> dict[str, Any]:
    """The keyword arguments for waitress's ``Adjustments``, documented in docs/security.md."""
    return {
        "threads": 4,
        "ident": "",  # no Server header
        # Content-Length >= this is refused with 413 after the headers, before the body is read
        # or sign-in and CSRF are checked; a chunked body is refused once this much has come
        # (chunk framing included). One more than the form limit, so a body of exactly the
        # limit reaches Flask, which applies the same limit (MAX_CONTENT_LENGTH).
        "max_request_body_size": config.max_content_length + 1,
        # Request bodies are never written to a temp file: a body is at most the cap above
        # plus one read (recv_bytes), far below this.
        "inbuf_overflow": _NEVER,
        # The application thread waits while more than this is waiting to be sent...
        "outbuf_high_watermark": 1024 * 1024,
        # ...and a response waiting for a slow reader is never written to a temp file: it holds
        # at most the high-water mark plus one piece the application wrote.
        "outbuf_overflow": _NEVER,
        "max_request_header_size": 32 * 1024,  # browsers send 1-2 KiB; 431 above this
        "connection_limit": 32,  # x 16 MiB bodies = 512 MiB at worst; DoorServer makes room
        "channel_timeout": 60,  # an idle connection (no request in service) is closed
        "cleanup_interval": 1,  # check the deadlines every second
    }


class _TimedRequest(HTTPRequestParser):
    """A request being received, with the time its first byte came."""

    def __init__(self, adj: Adjustments):
        super().__init__(adj)
        self.started = time.time()  # waitress's own clock for last_activity and maintenance


class _Channel(HTTPChannel):
    parser_class = _TimedRequest


class DoorServer(TcpWSGIServer):
    """Waitress's server, plus a deadline for each request to arrive and room for a newcomer."""

    channel_class = _Channel

    def maintenance(self, now: float) -> None:
        super().maintenance(now)  # idle connections, after channel_timeout
        for channel in list(self.active_channels.values()):
            request = channel.request
            if request is not None and not request.headers_finished and not channel.requests \
                    and now - request.started > HEADER_SECONDS:
                channel.will_close = True

    def readable(self) -> bool:
        if self.accepting:
            self._make_room()
        return super().readable()

    def _make_room(self) -> None:
        """At the connection limit, with a connection waiting to be accepted, close the one that
        has waited longest without a request in service (still sending one, or idle)."""
        open_channels = list(self.active_channels.values())
        closing = sum(1 for channel in open_channels if channel.will_close)
        if len(self._map) - closing < self.adj.connection_limit \
                or not select.select([self.socket], [], [], 0)[0]:
            return  # below the limit, or nobody waiting to be accepted
        waiting = [c for c in open_channels if not c.requests and not c.will_close]
        if waiting:
            oldest = min(waiting, key=lambda c: c.request.started if c.request else c.last_activity)
            oldest.will_close = True


def make_server(app: Flask, config: Config, host: str, port: int) -> TcpWSGIServer | MultiSocketServer:
    """The server for ``app`` on ``host:port``, one socket per address the host resolves to,
    as waitress's own ``create_server`` does; the host is also trusted in Host headers."""
    trust_host(app, host)
    adj = Adjustments(host=host, port=port, **waitress_settings(config))
    socket_map: dict = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    servers = [DoorServer(app, socket_map, adj=adj, sockinfo=sockinfo, dispatcher=dispatcher)
               for sockinfo in adj.listen]
    if len(servers) == 1:
        return servers[0]
    return MultiSocketServer(socket_map, adj, [(s.effective_host, s.effective_port)
                                               for s in servers], dispatcher)
