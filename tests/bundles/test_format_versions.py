"""Format version 3 (docs/bundle-format.md#versions): the statement-quality fields and the
structured earlier interviews. A bundle is written in the oldest version that knows its purpose
and every field its profile keeps; a reader refuses a record of a version-1 or version-2 bundle
that holds a version-3 field, whether a faulty field instance wrote it so or someone relabelled
a newer bundle and signed it again."""

from __future__ import annotations

import json
from pathlib import Path

import pyrage
import pytest

from intake.bundles import export as exports
from intake.bundles import reader as bundle_reader
from intake.bundles.profiles import holds, profile
from intake.records import testimonies
from intake.records.consent import EXPORT_PURPOSES
from tests.bundle_tools import pack, root_of, unpack
from tests.bundles.test_bundles import (  # noqa: F401
    _refused,
    _signed_by_field,
    export,
    field,
    fingerprint,
    identity,
    import_,
    law,
    lawyers,
    public,
)
from tests.conftest import full_record

V3_FIELDS = exports.FORMAT_FIELDS[3]


def quality_record() -> dict:
    """A full record that answers every field of version 3."""
    record = full_record()
    record["consent"].update(research=True, international=True)
    record["interview"].update(persons_present=["Layla Khalaf, interpreter", "her mother Gulê"],
                               read_back_confirmed=True, given_freely=True)
    record["interview"]["earlier_interviews"] = [
        {"organisation": "Yazda", "date": "2019", "kind": "ngo", "copy_available": True},
        {"organisation": "Field Org", "date": "2021", "kind": "ngo", "copy_available": None,
         "witness_code": "W-0001", "record_id": "a" * 32}]
    incident = record["incidents"][0]
    incident.update(witnessed="heard", heard_from="her cousin Shirin")
    incident["perpetrators"][0].update(roles=["bought", "guarded"])
    return record


def _add(field, document) -> str:  # noqa: F811
    return testimonies.create(field.conn, field.vault, field.user, document, completed=True).id


def _records(path, law):  # noqa: F811
    bundle = bundle_reader.verify(path, [identity(law)])
    return bundle, [item for kind, item, _ in
                    bundle_reader.records(path, [identity(law)], bundle) if kind == "record"]


def test_every_version_3_field_is_in_the_schema_and_the_quality_record():
    record = quality_record()
    for path in V3_FIELDS:
        assert holds(record, path), path
        assert not holds(full_record(), path), path
    assert exports.newest_field(record) == (3, V3_FIELDS[0])
    assert exports.newest_field(full_record()) == (1, "")


def test_a_field_is_held_even_when_empty_and_only_where_it_is():
    assert holds({"interview": {"given_freely": None}}, "interview.given_freely")
    assert holds({"incidents": [{}, {"witnessed": ""}]}, "incidents[].witnessed")
    assert not holds({"incidents": [{"perpetrators": [{"role": "x"}]}]},
                     "incidents[].perpetrators[].roles")
    assert not holds({"interview": "not an object"}, "interview.persons_present")


@pytest.mark.parametrize("purpose", EXPORT_PURPOSES)
def test_the_version_is_the_oldest_that_knows_the_purpose_and_every_kept_field(purpose):
    rules = profile(purpose)
    oldest = min(v for v, known in exports.FORMAT_PURPOSES.items() if purpose in known)
    needed = [v for v, paths in exports.FORMAT_FIELDS.items() if any(map(rules.keeps, paths))]
    assert exports.format_version(purpose) == max([oldest, *needed])


def test_trial_international_and_research_are_version_3_and_reparations_stays_version_1():
    assert {p: exports.format_version(p) for p in EXPORT_PURPOSES} == {
        "trial": 3, "reparations": 1, "international": 3, "research": 3}
    assert set(EXPORT_PURPOSES) <= set(exports.FORMAT_PURPOSES[3])


def test_a_trial_bundle_carries_the_statement_quality_fields_and_is_read(field, law, lawyers,  # noqa: F811
                                                                         tmp_path):
    _add(field, quality_record())
    out = tmp_path / "trial.intake.age"
    export(field, [lawyers], out)
    files = unpack(out, identity(law))
    assert b"Intake-Format-Version: 3\n" in files[f"{root_of(files)}/bag-info.txt"]
    bundle, envelopes = _records(out, law)
    assert bundle.passed and bundle.format_version == 3
    document = envelopes[0]["document"]
    assert envelopes[0]["bundle_format"] == 3
    assert document["interview"]["persons_present"] == ["Layla Khalaf, interpreter",
                                                        "her mother Gulê"]
    assert document["interview"]["read_back_confirmed"] is True
    assert document["interview"]["earlier_interviews"][1]["witness_code"] == "W-0001"
    assert document["incidents"][0]["witnessed"] == "heard"
    assert document["incidents"][0]["perpetrators"][0]["roles"] == ["bought", "guarded"]
    assert import_(law, out, trust=fingerprint(field)).counts == {"new": 1}


def test_a_reparations_bundle_stays_version_1_and_carries_none_of_them(field, law, lawyers,  # noqa: F811
                                                                       tmp_path):
    _add(field, quality_record())
    out = tmp_path / "reparations.intake.age"
    export(field, [lawyers], out, purpose="reparations")
    bundle, envelopes = _records(out, law)
    assert bundle.passed and bundle.format_version == 1
    assert exports.newest_field(envelopes[0]["document"]) == (1, "")


def test_a_bundle_written_as_version_2_with_a_version_3_field_is_refused(field, law, lawyers,  # noqa: F811
                                                                         tmp_path, monkeypatch):
    """A faulty field instance: its writer labels the bundle version 2 and signs it, but a
    record holds the new fields."""
    _add(field, quality_record())
    monkeypatch.setattr(exports, "format_version", lambda purpose: 2)
    out = tmp_path / "v2.intake.age"
    export(field, [lawyers], out)
    monkeypatch.undo()
    _refused(law, out, r"^format: W-0001 holds interview\.persons_present, a field of format "
             r"version 3, in a version 2 bundle$", trust=fingerprint(field))


@pytest.mark.parametrize("to", [1, 2])
def test_a_relabelled_version_3_bundle_signed_again_is_refused(field, law, lawyers, tmp_path,  # noqa: F811
                                                               to):
    """The signature is valid (the field key signed the edited bag), the labels agree with each
    other, and research is a purpose every version knows: only the fields give it away."""
    record = quality_record()
    _add(field, record)
    out = tmp_path / "research.intake.age"
    export(field, [lawyers], out, purpose="research")
    files = unpack(out, identity(law))
    for name in files:
        if name.endswith("bag-info.txt"):
            files[name] = files[name].replace(b"Intake-Format-Version: 3",
                                              f"Intake-Format-Version: {to}".encode())
        elif name.endswith("data/bundle.json"):
            files[name] = files[name].replace(b'"format_version": 3',
                                              f'"format_version": {to}'.encode())
        elif "/data/records/" in name:
            files[name] = files[name].replace(b'"bundle_format": 3',
                                              f'"bundle_format": {to}'.encode())
    _signed_by_field(field, files)
    _refused(law, pack(files, public(law), tmp_path / "forged.intake.age"),
             rf"W-0001 holds incidents\[\]\.witnessed, a field of format version 3, in a "
             rf"version {to} bundle", trust=fingerprint(field))


def test_a_version_3_field_slipped_into_a_version_1_record_is_refused(field, law, lawyers,  # noqa: F811
                                                                      tmp_path):
    _add(field, full_record())
    out = tmp_path / "reparations.intake.age"
    export(field, [lawyers], out, purpose="reparations")
    files = unpack(out, identity(law))
    name = next(n for n in files if "/data/records/" in n)
    envelope = json.loads(files[name])
    envelope["document"]["incidents"][0]["perpetrators"] = [{"name": "x", "roles": ["sold"]}]
    files[name] = json.dumps(envelope).encode()
    _signed_by_field(field, files)
    _refused(law, pack(files, public(law), tmp_path / "forged.intake.age"),
             r"incidents\[\]\.perpetrators\[\]\.roles, a field of format version 3, in a "
             r"version 1 bundle", trust=fingerprint(field))


@pytest.mark.parametrize(("seed", "version"), [("bundle-trial-v1.tar", 1),
                                               ("bundle-international-v2.tar", 2)])
def test_a_bundle_the_previous_software_wrote_is_still_read(law, tmp_path, seed, version):  # noqa: F811
    """The fuzzer's seeds include real bundles written before version 3 (tools/fuzz_corpus):
    encrypted to this archive, each passes every check in its own version."""
    plain = (Path(__file__).parents[2] / "tools" / "fuzz_corpus" / seed).read_bytes()
    out = tmp_path / "old.intake.age"
    out.write_bytes(pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(public(law))]))
    bundle, envelopes = _records(out, law)
    assert bundle.passed and bundle.format_version == version
    assert envelopes and all(exports.newest_field(e["document"])[0] <= version for e in envelopes)
