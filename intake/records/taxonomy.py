"""The acts of the international-crimes taxonomy (codes and Rome Statute references live in
intake/data/acts.json; their names, for people, are translated in web/labels.py)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources


@cache
def acts() -> dict[str, list[str]]:
    """Act code → Rome Statute references, in the order of the data file."""
    data = json.loads(resources.files("intake").joinpath("data/acts.json").read_text("utf-8"))
    return {act["code"]: act["rome_statute"] for act in data["acts"]}

