"""Redaction profiles: what a bundle for one purpose may carry (data/redaction_profiles.json).

A profile is an allowlist of paths into the testimony, so a field added to the schema later never
leaves until a profile names it. Identity fields leave only with consent to disclose identity to
prosecutors. Everything a profile keeps out is also scrubbed from its free text: a name, phone,
ID number or place the record knows (bundles/redaction.py). Dates are coarsened to a month or a year and
places to their district (data/places.json) where the profile says so. docs/redaction.md states
each profile's rules in prose.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from intake.bundles.redaction import MARKERS, Redactor, Terms
from intake.records.consent import BUNDLE_PURPOSES
from intake.records.folding import fold


def _data(name: str) -> dict:
    return json.loads(resources.files("intake").joinpath("data", name).read_text("utf-8"))


@dataclass(frozen=True)
class RedactionProfile:
    purpose: str
    fields: tuple[str, ...]
    identity_fields: tuple[str, ...]
    restricted: tuple[str, ...]
    free_text: tuple[str, ...]
    dates: str
    date_overrides: dict[str, str]
    places: str
    attachments: tuple[str, ...] = ()
    identity_attachments: tuple[str, ...] = ()

    def attachment_kinds(self, with_identity: bool) -> tuple[str, ...]:
        """The kinds of attached files a bundle for this purpose may carry."""
        return self.attachments + (self.identity_attachments if with_identity else ())

    def kept_paths(self, with_identity: bool) -> tuple[str, ...]:
        return self.fields + (self.identity_fields if with_identity else ())

    def keeps(self, path: str) -> bool:
        """Whether a bundle for this purpose can carry ``path`` (with identity consent, if
        that is what it takes)."""
        return _is_kept(path, self.kept_paths(with_identity=True))

    def apply(self, document: dict, *, with_identity: bool = False) -> tuple[dict, dict]:
        """The document as this purpose may see it, and a report of what was taken out (kinds
        of fields and counts, never content)."""
        kept = self.kept_paths(with_identity)
        result = project(document, kept)
        rules = _rules()
        report: dict[str, Any] = {"fields_removed": _removed(document, result)}
        redactor = Redactor(_hidden_terms(document, kept, rules, coarse_places=self.places != "exact"))
        text_counts: Counter[str] = Counter()
        for path in self.free_text:
            for holder, key in _slots(result, path):
                redacted = redactor.redact(holder[key])
                holder[key] = redacted.text
                text_counts.update(redacted.counts)
        report["text_redactions"] = dict(sorted(text_counts.items()))
        report["dates_coarsened"] = self._coarsen_dates(result, rules["date_fields"])
        report["places_coarsened"] = self._coarsen_places(result, rules["place_sources"])
        return result, report

    def _coarsen_dates(self, document: dict, paths: list[str]) -> int:
        changed = 0
        for path in paths:
            precision = self.date_overrides.get(path, self.dates)
            for holder, key in _slots(document, path):
                coarse = coarsen_date(holder[key], precision)
                changed += coarse != holder[key]
                holder[key] = coarse
        return changed

    def _coarsen_places(self, document: dict, paths: list[str]) -> int:
        if self.places == "exact":
            return 0
        changed = 0
        for path in paths:
            for holder, key in _slots(document, path):
                coarse = district_of(holder[key]) or MARKERS["place"]
                changed += coarse != holder[key]
                holder[key] = coarse
        return changed


@cache
def _rules() -> dict:
    """The data file, refused unless it has one profile for each of consent.BUNDLE_PURPOSES."""
    rules = _data("redaction_profiles.json")
    if tuple(rules["profiles"]) != BUNDLE_PURPOSES:
        raise ValueError("redaction_profiles.json must hold one profile for each bundle purpose, "
                         f"in order: {', '.join(BUNDLE_PURPOSES)}")
    return rules


@cache
def profile(purpose: str) -> RedactionProfile:
    """The profile of one purpose; :class:`KeyError` for a purpose that has none."""
    spec = _rules()["profiles"][purpose]
    return RedactionProfile(purpose=purpose, fields=tuple(spec["fields"]),
                            identity_fields=tuple(spec["identity_fields"]),
                            restricted=tuple(spec["restricted"]), free_text=tuple(spec["free_text"]),
                            dates=spec["dates"], date_overrides=dict(spec["date_overrides"]),
                            places=spec["places"], attachments=tuple(spec["attachments"]),
                            identity_attachments=tuple(spec["identity_attachments"]))


def _hidden_terms(document: dict, kept: tuple[str, ...], rules: dict, *, coarse_places: bool) -> Terms:
    """Every name, number, place and marked phrase of the record whose field does not leave
    (or, for places, leaves only as its district)."""
    terms = Terms()
    for paths in rules["name_sources"].values():
        for path in paths:
            if not _is_kept(path, kept):
                for value in values_at(document, path):
                    terms.add_name(value)
    for path in rules["phone_sources"]:
        terms.phones.update(values_at(document, path))
    for path in rules["id_sources"]:
        terms.ids.update(values_at(document, path))
    for path in rules["place_sources"]:
        if coarse_places or not _is_kept(path, kept):
            for value in values_at(document, path):
                if fold(value) not in _district_names():
                    terms.places.add(fold(value))
                    terms.places.update(_other_spellings(value))
    if coarse_places:  # a village or camp can name a survivor
        terms.place_lists = (_locality_names(),)
    else:  # a place that leaves in a kept field (an incident's place, say) hides nothing
        for path in rules["place_sources"]:
            if _is_kept(path, kept):
                for value in values_at(document, path):
                    terms.places -= {fold(value), *_other_spellings(value)}
    terms.phrases.update(fold(mark["text"]) for mark in document.get("redactions", []))
    return terms


@lru_cache(maxsize=1024)
def _is_kept(path: str, kept: tuple[str, ...]) -> bool:
    """Whether ``path`` (or a section holding it) is on the allowlist."""
    bare = path.replace("[]", "")
    return any(bare == k.replace("[]", "") or bare.startswith(k.replace("[]", "") + ".")
               for k in kept)


# ---- paths: "a.b[].c" names field c of every item of list b inside object a ----

def _steps(path: str) -> list[tuple[str, bool]]:
    return [(part.removesuffix("[]"), part.endswith("[]")) for part in path.split(".")]


def values_at(document: Any, path: str) -> list[str]:
    """The non-empty strings at ``path``."""
    found: list[Any] = [document]
    for name, is_list in _steps(path):
        found = [item.get(name) for item in found if isinstance(item, dict)]
        if is_list:
            found = [x for item in found if isinstance(item, list) for x in item]
    return [v for v in found if isinstance(v, str) and v.strip()]


def holds(document: Any, path: str) -> bool:
    """Whether any object at ``path`` has its last field, whatever its value (empty too)."""
    steps = _steps(path)
    found: list[Any] = [document]
    for name, is_list in steps[:-1]:
        found = [item.get(name) for item in found if isinstance(item, dict)]
        if is_list:
            found = [x for item in found if isinstance(item, list) for x in item]
    return any(isinstance(item, dict) and steps[-1][0] in item for item in found)


def _slots(document: Any, path: str) -> list[tuple[Any, Any]]:
    """(container, key) of every string at ``path``, to rewrite it in place."""
    steps = _steps(path)
    holders: list[Any] = [document]
    for name, is_list in steps[:-1]:
        holders = [h.get(name) for h in holders if isinstance(h, dict)]
        if is_list:
            holders = [x for h in holders if isinstance(h, list) for x in h]
    name, is_list = steps[-1]
    slots: list[tuple[Any, Any]] = []
    for holder in holders:
        if not isinstance(holder, dict):
            continue
        if is_list and isinstance(holder.get(name), list):
            items = holder[name]
            slots += [(items, i) for i, v in enumerate(items) if isinstance(v, str)]
        elif isinstance(holder.get(name), str):
            slots.append((holder, name))
    return slots


def project(document: Any, paths: tuple[str, ...]) -> Any:
    """A deep copy of ``document`` holding only the fields on ``paths``."""
    tree: dict = {}
    for path in paths:
        node = tree
        for name, _ in _steps(path):
            node = node.setdefault(name, {})
        node[None] = True  # the whole subtree at this point is kept
    return _copy_along(document, tree)


def _copy_along(value: Any, tree: dict) -> Any:
    if tree.get(None):
        return json.loads(json.dumps(value))
    if isinstance(value, list):
        return [_copy_along(item, tree) for item in value]
    if not isinstance(value, dict):
        return None
    copied = {}
    for name, subtree in tree.items():
        if name is not None and name in value:
            inner = _copy_along(value[name], subtree)
            if inner not in (None, {}, []) or subtree.get(None):
                copied[name] = inner
    return copied


def _removed(original: Any, kept: Any) -> dict[str, int]:
    """How many non-empty values each field path lost, e.g. ``{"survivor.phone": 1}``."""
    counts: Counter[str] = Counter(_leaf_paths(original))
    counts.subtract(Counter(_leaf_paths(kept)))
    return {path: n for path, n in sorted(counts.items()) if n > 0}


def _leaf_paths(value: Any, prefix: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaf_paths(v, f"{prefix}.{k}" if prefix else k)]
    if isinstance(value, list):
        return [p for item in value for p in _leaf_paths(item, prefix + "[]")]
    return [prefix] if value not in (None, "", False) else []


# ---- dates and places ----

_EDTF_POINT = re.compile(r"^([~?%]?)(-?[\dX]{4})(?:-([\dX]{2}))?(?:-([\dX]{2}))?([~?%]?)$")


def coarsen_date(value: str, precision: str) -> str:
    """An EDTF date or interval cut to ``month`` or ``year`` precision (``exact`` leaves it).
    Qualifiers (~ ? %) and unspecified digits (201X) stay; a season (months 21–41) becomes its
    year; a set or anything else unrecognised is dropped rather than risk leaving a day."""
    if precision == "exact" or not value:
        return value
    return "/".join(_coarsen_point(point, precision) for point in value.split("/"))


def _coarsen_point(point: str, precision: str) -> str:
    if point in ("", "..", "?"):
        return point
    match = _EDTF_POINT.match(point)
    if not match:
        return ""
    before, year, month, _, after = match.groups()
    if precision == "month" and month and (month == "XX" or "X" not in month and int(month) <= 12):
        return f"{before}{year}-{month}{after}"
    return f"{before}{year}{after}"


@cache
def _district_names() -> frozenset[str]:
    return frozenset(fold(n) for d in _data("places.json")["districts"] for n in d["names"])


@cache
def _localities() -> tuple[tuple[re.Pattern[str], frozenset[str]], ...]:
    """Each town, village or camp of the gazetteer: a pattern finding it, and its spellings."""
    return tuple((_word_pattern(group), frozenset(fold(n) for n in group))
                 for district in _data("places.json")["districts"]
                 for group in district["localities"])


@cache
def _locality_names() -> frozenset[str]:
    return frozenset(name for _, group in _localities() for name in group)


def _other_spellings(place: str) -> set[str]:
    """Every spelling of each known town, village or camp that ``place`` names."""
    folded = fold(place)
    return {name for pattern, group in _localities() if pattern.search(folded) for name in group}


def _word_pattern(names: list[str]) -> re.Pattern[str]:
    body = "|".join(re.escape(s) for s in sorted({fold(n) for n in names}, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:ال)?({body})(?!\w)")


@cache
def _gazetteer() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((_word_pattern(d["names"] + [n for group in d["localities"] for n in group]),
                  d["name"]) for d in _data("places.json")["districts"])


def district_of(place: str) -> str | None:
    """The district a place lies in, by the first known town, village, camp or district it
    names; ``None`` when the gazetteer knows none of it."""
    folded = fold(place)
    found = [(m.start(), name) for pattern, name in _gazetteer() if (m := pattern.search(folded))]
    return min(found)[1] if found else None
