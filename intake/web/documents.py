"""What every printed document shares on its way out (docs/documents.md): the language it is
written in, an audit entry for each one generated, and the response that streams it from memory
to the browser, never cached. The documents themselves are built by web/claim_pack.py,
web/consent_form.py and web/statement_document.py on printing/pdf.py; the command line
(`intake document`) builds the same ones through ``in_language``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app, has_request_context
from flask_babel import force_locale

from intake.home import audit
from intake.home.audit import Actor
from intake.store.connection import Connection
from intake.vault.keys import Vault
from intake.web.i18n import LANGUAGES

KINDS = ("claim", "consent", "statement")


def language_or(requested: str | None, default: str) -> str:
    """``requested`` when it is one of the interface languages, else ``default`` (itself one, or
    English)."""
    if requested in LANGUAGES:
        return str(requested)
    return default if default in LANGUAGES else "en"


@contextmanager
def in_language(language: str, app: Flask | None = None) -> Iterator[None]:
    """Translations, labels and dates in ``language`` while a document is built, in a request
    (the web pages) or outside one (the command line passes the application it made)."""
    if has_request_context():
        with force_locale(language):
            yield
        return
    with (app or current_app).test_request_context("/"), force_locale(language):
        yield


def printed(conn: Connection, vault: Vault, actor: Actor, kind: str, *, language: str,
            **about: str) -> None:
    """The audit entry for one document generated: which kind, of what, in which language."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of document: {kind}")
    audit.record(conn, vault, actor, "document_printed", kind=kind, language=language, **about)


def pdf_response(data: bytes, filename: str) -> Response:
    """The document as a download, from memory (web/security_headers.py forbids any cache).
    ``filename`` is ours (a kind and an id), never a survivor's name."""
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
