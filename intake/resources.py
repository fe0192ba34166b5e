"""Where the application's own files are: its templates and its compiled catalogues (the
static files are ``intake/static`` in every case).

Installed from a wheel, both are inside the package, found with ``importlib.resources``: the build
(setup.py) copies the top-level ``templates/`` into ``intake/templates`` and compiles each
``translations/<lang>/LC_MESSAGES/messages.po`` into ``intake/translations/.../messages.mo``
(GNU gettext MO format). In a checkout or an editable install they are the top-level folders
themselves, the catalogues compiled there by ``make translations``.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def resource_folder(name: str) -> Path:
    """The folder ``name`` ("templates" or "translations"): the package's own copy when there is
    one, else the checkout's."""
    packaged = files("intake") / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return _CHECKOUT / name


def templates_folder() -> Path:
    return resource_folder("templates")


def translations_folder() -> Path:
    return resource_folder("translations")


def missing_catalogues(languages: Iterable[str], folder: Path | None = None) -> list[str]:
    """The languages without a compiled catalogue, which Flask-Babel would show in English
    without a word of warning (a checkout before ``make translations``)."""
    folder = folder or translations_folder()
    return [lang for lang in languages if not (folder / lang / "LC_MESSAGES" / "messages.mo").is_file()]
