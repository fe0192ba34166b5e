"""The ``intake document`` group: printed documents written to a file the user names
(docs/documents.md). Its commands come from the modules that build each document:
``claim`` from cli/claims.py, ``consent`` and ``statement`` from cli/documents.py."""

from __future__ import annotations

import click


@click.group("document")
def document() -> None:
    """Write a printed document (a consent form, a witness statement, a claim pack) to a PDF file."""
