"""The acts of the international-crimes taxonomy (codes and Rome Statute references live in
intake/data/acts.json; their names, for people, live here so they can be translated)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from flask_babel import lazy_gettext as _l

ACT_NAMES = {
    "abduction": _l("Abduction"),
    "captivity": _l("Captivity"),
    "sexual_slavery": _l("Sexual slavery"),
    "rape": _l("Rape"),
    "forced_marriage": _l("Forced marriage"),
    "forced_conversion": _l("Forced conversion"),
    "killing": _l("Killing"),
    "mass_killing": _l("Mass killing"),
    "torture": _l("Torture"),
    "enslavement": _l("Enslavement or forced labour"),
    "trafficking": _l("Sale or trafficking"),
    "separation_of_children": _l("Separation of children from their families"),
    "child_recruitment": _l("Recruitment of children"),
    "forcible_transfer": _l("Forcible transfer"),
    "destruction_of_property": _l("Destruction of property or cultural sites"),
    "pillage": _l("Pillage"),
    "enforced_disappearance": _l("Enforced disappearance"),
    "other": _l("Other"),
}


@cache
def acts() -> dict[str, list[str]]:
    """Act code → Rome Statute references, in the order of the data file."""
    data = json.loads(resources.files("intake").joinpath("data/acts.json").read_text("utf-8"))
    return {act["code"]: act["rome_statute"] for act in data["acts"]}


def act_choices() -> list[tuple[str, str]]:
    """(code, translatable name) pairs in the data file's order."""
    return [(code, ACT_NAMES[code]) for code in acts()]
