"""Validation of testimony documents against the published JSON Schema
(docs/testimony.schema.json, JSON Schema 2020-12), plus what a schema cannot say: that every
date is valid EDTF (Library of Congress, ISO 8601-2) and every act is in the taxonomy.

jsonschema-rs answers "valid or not" in microseconds (imports and exports check every record);
only a document it refuses goes through jsonschema, which names each problem and has the last
word (tests/test_schema.py checks the two agree)."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib import resources

import edtf
import jsonschema_rs
from jsonschema import Draft202012Validator

from .taxonomy import acts

_DATE_FIELDS = (("interview", "date"), ("survivor", "date_of_birth"),
                ("ysl", "abduction_date"), ("ysl", "release_date"))


class DocumentError(ValueError):
    """A testimony document does not follow the schema; the message names the first problem."""


@cache
def schema() -> dict:
    text = resources.files("intake").joinpath("data/testimony.schema.json").read_text("utf-8")
    return json.loads(text)


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
        f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
        for e in sorted(_validator().iter_errors(document), key=lambda e: list(e.path))]
    if found or not isinstance(document, dict):
        return found
    dates = [(f"{a}/{b}", document.get(a, {}).get(b, "")) for a, b in _DATE_FIELDS]
    for i, incident in enumerate(document.get("incidents", [])):
        dates.append((f"incidents/{i}/date", incident.get("date", "")))
        found += [f"incidents/{i}/acts: unknown act {a!r}" for a in incident.get("acts", [])
                  if a not in acts()]
    for i, earlier in enumerate(document.get("interview", {}).get("earlier_interviews", [])):
        dates.append((f"interview/earlier_interviews/{i}/date", earlier.get("date", "")))
    if check_dates:
        found += [f"{path}: {value!r} is not an EDTF date" for path, value in dates
                  if not is_edtf(value)]
    return found


def validate(document: object, *, check_dates: bool = True) -> dict:
    """``document`` itself if valid, else :class:`DocumentError` naming the first problem."""
    found = problems(document, check_dates=check_dates)
    if found:
        raise DocumentError(found[0])
    return document  # type: ignore[return-value]
