"""Validation of testimony documents against the published JSON Schema
(docs/testimony.schema.json, JSON Schema 2020-12), plus what a schema cannot say: that every
date is valid EDTF (Library of Congress, ISO 8601-2) and every act is in the taxonomy.

jsonschema-rs answers "valid or not" in microseconds (imports and exports check every record);
only a document it refuses goes through jsonschema, which names each problem and has the last
word (tests/records/test_schema.py checks the two agree).

A problem is reported as the field's path and the rule it breaks, never with a value that could
be someone's words: jsonschema's own messages quote the instance ("'Nadia …' is too long"), and
these lines reach the command line, flash messages and, through exceptions, logs
(docs/security.md, "No survivor text in logs or error pages"). Only ``null``, ``true`` and
``false`` are named, as JSON writes them; other values by their kind ("text", "a whole number"), and
allowed values, taken from the schema, as JSON strings."""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources

import edtf
import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError

from intake.records.taxonomy import acts

_DATE_FIELDS = (("interview", "date"), ("survivor", "date_of_birth"),
                ("ysl", "abduction_date"), ("ysl", "release_date"))


class DocumentError(ValueError):
    """A testimony document does not follow the schema; the message names the first problem's
    field and rule, not its value."""


_TYPES = {"string": "text", "integer": "a whole number", "number": "a number",
          "boolean": "true or false", "array": "a list", "object": "an object", "null": "empty"}
_FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")


def json_value(value: object) -> str:
    """A value as an error may show it: ``null``, ``true`` or ``false`` as JSON writes them;
    anything else by its kind, since text, and numbers too (a phone or ID number typed as
    one), can be someone's."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return "a whole number" if isinstance(value, int) or value.is_integer() else "a fraction"
    kinds: dict[type, str] = {str: "text", list: "a list", dict: "an object"}
    return kinds.get(type(value), "a value")


def _rule(error: ValidationError) -> str:
    """What ``error`` says, in words built from the schema alone (never ``error.message``)."""
    keyword, limit, instance = error.validator, error.validator_value, error.instance
    if keyword == "type":
        types = [limit] if isinstance(limit, str) else limit
        return "must be " + " or ".join(_TYPES.get(t, t) for t in types) + \
            f", not {json_value(instance)}"
    if keyword in ("enum", "const"):
        allowed = ", ".join(json.dumps(value, ensure_ascii=False)
                            for value in (limit if keyword == "enum" else [limit]))
        found = "" if isinstance(instance, str) else f", not {json_value(instance)}"
        return f"must be {'one of ' if keyword == 'enum' else ''}{allowed}{found}"
    if keyword == "required":
        missing = [name for name in limit if not isinstance(instance, dict) or name not in instance]
        return "missing " + ", ".join(missing)
    if keyword == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = [key for key in instance if key not in known] if isinstance(instance, dict) else []
        named = [key for key in extra if _FIELD_NAME.fullmatch(key)]
        return "unknown field" + (" " + ", ".join(named) if named and len(named) == len(extra)
                                  else "")
    rules = {"maxLength": f"longer than {limit} characters",
             "minLength": f"shorter than {limit} characters",
             "maximum": f"more than {limit}", "minimum": f"less than {limit}",
             "maxItems": f"more than {limit} entries", "minItems": f"fewer than {limit} entries",
             "pattern": "not in the expected form", "anyOf": "not in any allowed form",
             "oneOf": "not in exactly one allowed form", "format": f"not a valid {limit}"}
    return rules.get(keyword, f"breaks the rule {keyword}")


def _line(error: ValidationError) -> str:
    return f"{'/'.join(map(str, error.absolute_path)) or '(top)'}: {_rule(error)}"


@cache
def schema() -> dict:
    text = resources.files("intake").joinpath("data/testimony.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def limits(path: str) -> dict:
    """The limits the schema sets on the field at ``path`` ("survivor/full_name",
    "incidents/perpetrators/aliases"; list items are stepped into): maxLength, minimum,
    maximum, maxItems and pattern, of the field and, for a list, of its items as ``items``. The forms take
    their limits from here, so the schema stays the one place that says them."""
    node = _resolved(schema())
    for part in path.split("/"):
        while node.get("type") == "array":
            node = _resolved(node["items"])
        node = _resolved(node["properties"][part])
    found = {key: node[key] for key in ("maxLength", "minimum", "maximum", "maxItems", "pattern")
             if key in node}
    if node.get("type") == "array":
        found["items"] = {key: value for key, value in _resolved(node["items"]).items()
                          if key in ("maxLength", "minimum", "maximum")}
    return found


def _resolved(node: dict) -> dict:
    while "$ref" in node:
        node = schema()["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


@cache
def _fast_validator() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(schema())


@lru_cache(maxsize=4096)
def is_edtf(text: str) -> bool:
    """True for an empty string or a valid EDTF date, interval or set. Cached: the EDTF grammar
    takes milliseconds per date, and the same dates recur across records."""
    if not text:
        return True
    try:
        edtf.parse_edtf(text)
    except Exception:  # edtf raises several types for bad input  # noqa: BLE001
        return False
    return True


def problems(document: object, *, check_dates: bool = True) -> list[str]:
    """Every problem in ``document`` as ``path: message`` lines (empty when valid). A draft
    being typed is saved with ``check_dates=False``, so a half-typed date is never lost."""
    found = [] if _fast_validator().is_valid(document) else [
        _line(e) for e in sorted(_validator().iter_errors(document),
                                 key=lambda e: [str(part) for part in e.path])]
    if found or not isinstance(document, dict):
        return found
    dates = [(f"{a}/{b}", document.get(a, {}).get(b, "")) for a, b in _DATE_FIELDS]
    for i, incident in enumerate(document.get("incidents", [])):
        dates.append((f"incidents/{i}/date", incident.get("date", "")))
        found += [f"incidents/{i}/acts/{j}: not an act of the taxonomy"
                  for j, a in enumerate(incident.get("acts", [])) if a not in acts()]
    for i, earlier in enumerate(document.get("interview", {}).get("earlier_interviews", [])):
        dates.append((f"interview/earlier_interviews/{i}/date", earlier.get("date", "")))
    if check_dates:
        found += [f"{path}: not an EDTF date" for path, value in dates
                  if not is_edtf(value)]
    return found


def validate(document: object, *, check_dates: bool = True) -> dict:
    """``document`` itself if valid, else :class:`DocumentError` naming the first problem."""
    found = problems(document, check_dates=check_dates)
    if found:
        raise DocumentError(found[0])
    return document  # type: ignore[return-value]
