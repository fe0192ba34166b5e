"""A survivor's reparations claim under the Yazidi Survivors Law (No. 8 of 2021), read from her
record: the documents the General Directorate for Survivors' Affairs (GDSA) asks for, present
(attached to the record) or missing; the contradictions between the eligibility category and the
rest of the record, as warnings; what the claim still lacks; and the application's status, whose
changes on a field laptop are saved in the testimony itself and audited (docs/documents.md,
"Claim pack").

The GDSA forwards an application to the YSL Committee only when every document is there,
"including the investigation paperwork" (case-building research), so the checklist is the one
that page of the law's practice describes. Codes only: people read them through web/labels.py."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from intake.home import audit
from intake.home.users import User
from intake.records import consent, testimonies
from intake.records.attachments import Attachment
from intake.records.qualifications import COMMUNITIES
from intake.records.schema import schema
from intake.store.connection import Connection, scrub_wal
from intake.store.transactions import transaction
from intake.vault.keys import Vault

# ysl.application.status, in the order a claim goes through them ("" is none yet).
STATUSES = tuple(s for s in schema()["properties"]["ysl"]["properties"]["application"]
                 ["properties"]["status"]["enum"] if s)
# The documents of a claim, and the kind of attachment that is each (records/attachments.py);
# the extract is the record's own text (ysl.extract), not a file.
DOCUMENTS = {"civil_id": "id_document", "civil_documents": "civil_document",
             "investigation": "investigation_papers", "medical": "medical_report",
             "extract": None}
# What the record must say for the application summary.
FIELDS = ("name", "sex", "birth", "community", "category", "abduction_date", "release_date",
          "investigation_file")
WARNINGS = ("no_consent", "not_eligible", "category_sex", "sex_not_recorded",
            "category_community", "child_age", "child_age_unknown", "age_mismatch",
            "release_before_abduction")
# Each category and the clause of art. 2 it rests on (records/qualifications.py provision ids).
PROVISIONS = {"yazidi_female_captivity": "ysl_2_1", "minority_female_captivity": "ysl_2_2",
              "child_abducted": "ysl_2_3", "mass_killing_survivor": "ysl_2_4"}
_FEMALE = ("yazidi_female_captivity", "minority_female_captivity")
_CAPTIVITY = (*_FEMALE, "child_abducted")
_COMMUNITIES = {"yazidi_female_captivity": ("yazidi",),
                "minority_female_captivity": ("turkmen", "christian", "shabak"),
                "child_abducted": ("yazidi",),
                "mass_killing_survivor": ("yazidi", "turkmen", "christian", "shabak")}
_YEAR = re.compile(r"^[~?%]?(\d{4})")


@dataclass(frozen=True)
class Document:
    """One line of the checklist: its code, and the attached files that are it (ids)."""

    code: str
    present: bool
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    documents: tuple[Document, ...]
    warnings: tuple[str, ...]
    missing_fields: tuple[str, ...]
    status: str  # one of STATUSES, or "" when no application is recorded yet

    @property
    def missing_documents(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.documents if not d.present)

    @property
    def lacks(self) -> tuple[str, ...]:
        """What to chase before the GDSA will forward it: missing papers, then missing facts."""
        return self.missing_documents + self.missing_fields


def assess(document: dict, files: Iterable[Attachment]) -> Assessment:
    """The claim that ``document`` (a testimony, or an imported reparations record) and its
    attached ``files`` make."""
    files = list(files)
    documents = tuple(_document(code, kind, document, files) for code, kind in DOCUMENTS.items())
    ysl = document.get("ysl", {})
    return Assessment(documents, warnings(document), _missing_fields(document),
                      ysl.get("application", {}).get("status", ""))


def _document(code: str, kind: str | None, document: dict, files: list[Attachment]) -> Document:
    if kind is None:
        return Document(code, bool(document.get("ysl", {}).get("extract", "").strip()))
    ids = tuple(f.id for f in files if f.kind == kind)
    return Document(code, bool(ids), ids)


def warnings(document: dict) -> tuple[str, ...]:
    """What in the record contradicts, or fails to support, its eligibility category."""
    survivor, ysl = document.get("survivor", {}), document.get("ysl", {})
    category, sex = ysl.get("category", ""), survivor.get("sex", "")
    community = survivor.get("community", "")
    age = ysl.get("age_at_abduction")
    found = []
    if not consent.consent_given(document, "reparations"):
        found.append("no_consent")
    if category == "not_eligible":
        found.append("not_eligible")
    if category in _FEMALE:
        if sex in ("male", "other"):
            found.append("category_sex")
        elif sex != "female":
            found.append("sex_not_recorded")
    # Only a named community can contradict a category ("other" may be any, and an unanswered
    # or declined question says nothing).
    if category in _COMMUNITIES and community in COMMUNITIES \
            and community not in _COMMUNITIES[category]:
        found.append("category_community")
    if category == "child_abducted":
        if age is None:
            found.append("child_age_unknown")
        elif age >= 18:
            found.append("child_age")
    born, taken = _year(survivor.get("date_of_birth", "")), _year(ysl.get("abduction_date", ""))
    if age is not None and born and taken and abs((taken - born) - age) > 1:
        found.append("age_mismatch")
    released = _year(ysl.get("release_date", ""))
    if taken and released and released < taken:
        found.append("release_before_abduction")
    return tuple(found)


def _year(value: str) -> int | None:
    """The year an EDTF date (or the start of an interval) falls in, when it names one."""
    found = _YEAR.match(value.split("/")[0]) if value else None
    return int(found.group(1)) if found else None


def _missing_fields(document: dict) -> tuple[str, ...]:
    survivor, ysl = document.get("survivor", {}), document.get("ysl", {})
    category = ysl.get("category", "")
    missing = {
        "name": not survivor.get("full_name", "").strip(),
        "sex": survivor.get("sex", "") in ("", "prefer_not_to_say"),
        "birth": not survivor.get("date_of_birth", "") and survivor.get("age") is None,
        "community": survivor.get("community", "") in ("", "prefer_not_to_say"),
        "category": category not in PROVISIONS,
        "abduction_date": category in _CAPTIVITY and not ysl.get("abduction_date", ""),
        "release_date": category in _CAPTIVITY and not ysl.get("release_date", ""),
        "investigation_file": not ysl.get("investigation", {}).get("file_number", "").strip(),
    }
    return tuple(code for code in FIELDS if missing[code])


def consent_given_at(document: dict) -> str:
    """When the survivor last agreed to a reparations claim (the consent history's time), or ""
    when the record does not say."""
    agreed = [e.get("at", "") for e in document.get("consent", {}).get("history", [])
              if e.get("purpose") == "reparations" and e.get("value") is True]
    return agreed[-1] if agreed and consent.consent_given(document, "reparations") else ""


def consent_method(document: dict) -> str:
    """How the survivor agreed to a claim: the history entry's method, else the consent's."""
    methods = [e.get("method", "") for e in document.get("consent", {}).get("history", [])
               if e.get("purpose") == "reparations" and e.get("value") is True]
    return (methods[-1] if methods else "") or document.get("consent", {}).get("method", "")


# ---- the application's status, on a field laptop ----

def update_application(conn: Connection, vault: Vault, viewer: User, record_id: str,
                       application: dict) -> testimonies.Testimony:
    """Save the testimony's ``ysl.application`` (number, submitted, status, decision_date,
    note), sealed like any edit (records/testimonies.save), and audit the change of status: the
    old and the new code, never the number or the note."""
    if application.get("status", "") not in ("", *STATUSES):
        raise ValueError(f"unknown claim status: {application.get('status')}")
    with transaction(conn):
        record = testimonies.load(conn, vault, record_id, viewer)
        ysl = record.document.get("ysl", {})
        old = ysl.get("application", {}).get("status", "")
        kept = {k: v for k, v in application.items() if v is not None}
        saved = testimonies.save(conn, vault, viewer, record_id,
                                 {**record.document, "ysl": {**ysl, "application": kept}},
                                 draft=record.status != "complete")
        audit.record(conn, vault, viewer, "claim_updated", record_id=record_id,
                     witness_code=record.witness_code, old_status=old,
                     new_status=kept.get("status", ""))
    scrub_wal(conn)
    return saved
