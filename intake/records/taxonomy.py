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



# What a court weighs in a statement (issue 16): whether the survivor saw an incident herself
# or heard of it, and what each perpetrator did in it (testimony.schema.json holds the same
# codes; web/labels.py names them).
WITNESSED = ("saw", "heard")
PERPETRATOR_ROLES = ("ordered", "committed", "bought", "sold", "guarded", "transported", "other")
# Who took an earlier statement (interview.earlier_interviews[].kind)
EARLIER_INTERVIEW_KINDS = ("ngo", "gdsa", "investigative_judge", "court", "un")
