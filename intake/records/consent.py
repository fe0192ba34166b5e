"""Consent, asked first and enforced by code.

Purposes follow the consent form of the interview (docs/testimony-schema.md): recording, audio,
use at trial, identity to prosecutors, a reparations claim under the Yazidi Survivors Law
(No. 8 of 2021), international mechanisms, anonymised research, and recontact. Every change of an
answer is kept in ``consent.history`` with its time, method and witness. Without consent to
record, nothing but the refusal itself is kept. This module knows the codes; their names for
people are in web/labels.py.
"""

from __future__ import annotations

PURPOSES = ("record", "audio", "trial", "identity_to_prosecutors", "reparations",
            "international", "research", "recontact")
WITHDRAWABLE = tuple(p for p in PURPOSES if p != "record")
# The purposes a bundle can be made for: one redaction profile each (bundles/profiles.py).
# "international" is for UN investigative mechanisms and for courts of other countries trying
# ISIL members under universal jurisdiction; the survivor's consent to it is the form's question
# on sharing with the UN or other international mechanisms.
EXPORT_PURPOSES = ("trial", "reparations", "international", "research")
# A hand-over carries whole testimonies to the organisation's own archive, which becomes their
# store of record. It is no disclosure to a third party, so it needs only the consent to record.
HANDOVER = "handover"
BUNDLE_PURPOSES = (*EXPORT_PURPOSES, HANDOVER)
# The purposes of criminal proceedings, at home or abroad: their bundles may name the survivor
# (only with consent to disclose identity to prosecutors) and carry the restricted narrative,
# marked restricted, which a printed statement shows only on its own annex.
CRIMINAL_PURPOSES = ("trial", "international")
METHODS = ("verbal", "written", "thumbprint")


def consent_key(purpose: str) -> str:
    """The consent answer a purpose rests on: its own, or for a hand-over the consent to record."""
    return "record" if purpose == HANDOVER else purpose


def consent_given(document: dict, purpose: str) -> bool:
    """True only for an explicit yes that is not withdrawn; a minor also needs the guardian's
    consent and the child's own assent."""
    consent = document.get("consent", {})
    if consent.get(consent_key(purpose)) is not True:
        return False
    guardian = consent.get("guardian") or {}
    if document.get("survivor", {}).get("minor"):
        return guardian.get("consent") is True and guardian.get("child_assent") is True
    return True


def for_criminal_proceedings(document: dict) -> bool:
    """Whether the survivor agreed to some purpose of :data:`CRIMINAL_PURPOSES`."""
    return any(consent_given(document, purpose) for purpose in CRIMINAL_PURPOSES)


def summary(document: dict) -> str:
    """The purposes consented to, as a comma-separated list of codes, for the list page."""
    return ",".join(p for p in PURPOSES if consent_given(document, p))


def with_history(old: dict, new: dict, *, at: str, by: str) -> dict:
    """``new`` consent with its history: ``old``'s, never shortened, then the entries ``new``
    adds after it (a withdrawal's own, an imported record's), then one for every answer that
    changed since ``old`` and has no such entry. An unchanged answer adds nothing, so the same
    change is never stamped twice."""
    kept, given = list(old.get("history", [])), list(new.get("history", []))
    added = given[len(kept):] if given[:len(kept)] == kept else []
    history = kept + added
    for purpose in PURPOSES:
        recorded = any(e.get("purpose") == purpose and e.get("value") == new.get(purpose)
                       for e in added)
        if purpose in new and new.get(purpose) != old.get(purpose) and not recorded:
            history.append({"purpose": purpose, "value": new[purpose], "at": at, "by": by,
                            "method": new.get("method", ""), "witness": new.get("witness", "")})
    return {**new, "history": history}


def enforce_refusal(document: dict) -> dict:
    """The document as it may be stored: without consent to record, only the consent part, and
    for a minor that she is one, so that her refusal stays a refusal (without ``survivor.minor``
    the guardian's yes alone would read as consent to every purpose)."""
    if consent_given(document, "record"):
        return document
    kept = {"consent": document.get("consent", {"record": False})}
    if document.get("survivor", {}).get("minor"):
        kept["survivor"] = {"minor": True}
    return kept
