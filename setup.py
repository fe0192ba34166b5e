"""The one build step setuptools does not do by itself (pyproject.toml has everything else): the
wheel carries the templates and the compiled catalogues inside the package, where
intake/resources.py finds them. The top-level templates/ and translations/ stay where they are
for a checkout; each messages.po is compiled into messages.mo (GNU gettext MO format) with
Babel, as ``pybabel compile`` does for ``make translations``, fuzzy entries left out."""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's own folders
            return
        package = Path(self.build_lib) / "intake"
        for template in sorted((ROOT / "templates").rglob("*.html")):
            target = package / template.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, target)
        catalogues = sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
        if not catalogues:
            raise SystemExit("no catalogues under translations/: the sources are incomplete")
        for source in catalogues:
            target = (package / source.relative_to(ROOT)).with_suffix(".mo")
            target.parent.mkdir(parents=True, exist_ok=True)
            with source.open("rb") as po:
                catalogue = read_po(po, locale=source.parent.parent.name)
            with target.open("wb") as mo:
                write_mo(mo, catalogue)


setup(cmdclass={"build_py": BuildWithResources})
