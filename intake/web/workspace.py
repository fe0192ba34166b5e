"""The two workspaces in the web interface (home/mode.py): which menu a page shows, and the field
pages an archive does not offer. On an archive, recording a testimony, marking words to remove
from one before an export and applying a hand-over's receipt are refused by a redirect to the
archive (so is the testimonies list, the landing page after sign-in, for those who may use the
archive); its Export pages export its hand-over records onward. A field laptop keeps every
page. The mode is read once per
signed-in request; a page made without it (signed out, or an error before it was read) shows the
field laptop's menu, which offers nothing a signed-out person can open."""

from __future__ import annotations

from flask import Flask, g, redirect, request, url_for
from flask.typing import ResponseReturnValue

from intake.home.mode import mode
from intake.web.request import current_user, db

_FIELD_ENDPOINTS = {"testimonies.new", "export.mark", "export.apply_receipt"}


def install_workspace(app: Flask) -> None:
    @app.before_request
    def refuse_field_pages() -> ResponseReturnValue | None:
        user = current_user()
        endpoint = request.endpoint or ""
        if user is None or endpoint == "static":
            return None
        g.mode = mode(db())
        if g.mode != "archive":
            return None
        if endpoint in _FIELD_ENDPOINTS or (endpoint == "testimonies.index" and user.sees_all):
            return redirect(url_for("archive.index" if user.sees_all else "testimonies.index"))
        return None

    @app.context_processor
    def workspace_context() -> dict:
        return {"mode": g.get("mode", "field")}
