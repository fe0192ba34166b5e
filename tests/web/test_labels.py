"""The web's label tables name exactly the codes the domain knows, and the purposes are defined
once (records/consent.py): a new code without a label, or a label for no code, fails here."""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

import pytest

from intake.archive import grouping
from intake.archive.names import read_name
from intake.bundles import profiles, selection
from intake.home import mode, passphrase_policy, users
from intake.records import attachments, claims, consent, qualifications, taxonomy
from intake.screening import lists, matching, screenings
from intake.web import labels


@pytest.mark.parametrize(("table", "codes"), [
    (labels.PURPOSES, consent.PURPOSES),
    (labels.PURPOSE_SHORT_NAMES, consent.PURPOSES),
    (labels.EXPORT_PURPOSES, consent.EXPORT_PURPOSES),
    (labels.BUNDLE_PURPOSES, consent.BUNDLE_PURPOSES),
    (labels.CONSENT_METHODS, consent.METHODS),
    (labels.ACTS, tuple(taxonomy.acts())),
    (labels.WITNESSED, taxonomy.WITNESSED),
    (labels.PERPETRATOR_ROLES, taxonomy.PERPETRATOR_ROLES),
    (labels.EARLIER_INTERVIEW_KINDS, taxonomy.EARLIER_INTERVIEW_KINDS),
    (labels.PROVISIONS, tuple(qualifications.provisions())),
    (labels.ATTACHMENT_KINDS, attachments.KINDS),
    (labels.EXCLUSION_REASONS, selection.EXCLUSION_REASONS),
    (labels.ROLES, users.ROLES),
    (labels.PASSPHRASE_PROBLEMS, tuple(passphrase_policy.PROBLEMS)),
    (labels.MODES, mode.MODES),
    (labels.LIST_PROBLEMS, lists.PROBLEMS),
    (labels.LIST_ERRORS, tuple(lists.LIST_ERRORS)),
    (labels.MATCH_LEVELS, matching.LEVELS),
    (labels.SCREENING_DECISIONS, screenings.DECISIONS),
    (labels.CLAIM_STATUSES, claims.STATUSES),
    (labels.CLAIM_DOCUMENTS, tuple(claims.DOCUMENTS)),
    (labels.CLAIM_FIELDS, claims.FIELDS),
    (labels.CLAIM_WARNINGS, claims.WARNINGS),
], ids=["purposes", "short names", "export purposes", "bundle purposes", "methods", "acts",
        "witnessed", "perpetrator roles", "earlier interview kinds", "provisions", "kinds",
        "exclusion reasons", "roles", "passphrase problems", "modes", "list problems",
        "list errors", "match levels", "screening decisions", "claim statuses",
        "claim documents", "claim fields", "claim warnings"])
def test_every_code_has_a_label_and_every_label_a_code(table, codes):
    assert len(set(codes)) == len(codes)
    assert list(table) == list(codes)


def test_the_provision_names_are_the_data_files_provision_ids():
    data = json.loads(resources.files("intake").joinpath("data/qualifications.json")
                      .read_text("utf-8"))
    assert list(labels.PROVISIONS) == list(data["provisions"])


def test_the_conditions_are_those_a_provision_may_set_and_the_facts_those_of_the_data_file():
    named = [f.name for f in dataclasses.fields(qualifications.Conditions)]
    assert list(labels.CONDITIONS) == [name for name in named if name != "not_in_record"]
    facts = {fact for p in qualifications.provisions().values()
             for fact in p.conditions.not_in_record}
    assert set(labels.RECORD_FACTS) == facts


def test_purposes_are_defined_once():
    assert consent.PURPOSES[0] == "record"
    assert consent.WITHDRAWABLE == tuple(p for p in consent.PURPOSES if p != "record")
    assert set(consent.EXPORT_PURPOSES) <= set(consent.PURPOSES)


def test_a_bundle_can_be_made_for_exactly_the_purposes_with_a_redaction_profile():
    data = json.loads(resources.files("intake").joinpath("data/redaction_profiles.json")
                      .read_text("utf-8"))
    assert tuple(data["profiles"]) == consent.BUNDLE_PURPOSES
    assert consent.BUNDLE_PURPOSES == (*consent.EXPORT_PURPOSES, consent.HANDOVER)
    for purpose in consent.BUNDLE_PURPOSES:
        assert profiles.profile(purpose).purpose == purpose


def test_profiles_refuse_a_data_file_that_disagrees_with_the_export_purposes(monkeypatch):
    real = profiles._data("redaction_profiles.json")
    extra = {**real, "profiles": {**real["profiles"], "media": real["profiles"]["research"]}}
    monkeypatch.setattr(profiles, "_data", lambda name: extra)
    with pytest.raises(ValueError, match="one profile for each bundle purpose"):
        profiles._rules.__wrapped__()
    missing = {**real, "profiles": {p: real["profiles"][p] for p in ("trial", "research")}}
    monkeypatch.setattr(profiles, "_data", lambda name: missing)
    with pytest.raises(ValueError, match="one profile for each bundle purpose"):
        profiles._rules.__wrapped__()


NAMES = ("Hamid Jasim Khalaf al-Dulaimi", "Hamid Salim Khalaf al-Dulaimi", "Jasim Hamid Khalaf",
         "Abu Muhannad al-Jubouri", "Abu Muhannad al-Masri", "Hamid al-Ahmar", "Hamid al-Aswad",
         "Hamid Jasim Salim")


def test_the_name_parts_are_the_parts_names_are_compared_on():
    """Every part a comparison of two names can agree or conflict on has a label (and every
    label is such a part): comparisons of names with each part, in agreement and in conflict."""
    seen = set()
    for a in NAMES:
        for b in NAMES:
            found = grouping.compare(read_name(a), read_name(b))
            seen |= {*found.agree, *found.conflict, *found.doubt}
    assert set(labels.NAME_PARTS) == seen
