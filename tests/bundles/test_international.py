"""The international purpose (docs/redaction.md#international): a bundle for UN investigative
mechanisms and courts abroad leaves only with the survivor's consent to share with international
mechanisms, is redacted as a trial bundle is, is written in format version 3 as a trial bundle is (version
2 added the purpose, version 3 fields both profiles keep), carries revocation notices, and is
listed, filtered and counted by the archive."""

from __future__ import annotations

import json

import pytest

from intake.archive import catalogue
from intake.bundles import export as exports
from intake.bundles import reader as bundle_reader
from intake.bundles import selection
from intake.records import testimonies, withdrawal
from intake.web.app import create_app
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
from tests.conftest import full_record, sign_in


def _international(**consent) -> dict:
    document = full_record()
    document["consent"] = {**document["consent"], "international": True, **consent}
    return document


def _add(field, document) -> str:  # noqa: F811
    return testimonies.create(field.conn, field.vault, field.user, document, completed=True).id


def _records(bundle_path, law):  # noqa: F811
    bundle = bundle_reader.verify(bundle_path, [identity(law)])
    return bundle, [item for kind, item, _ in
                    bundle_reader.records(bundle_path, [identity(law)], bundle) if kind == "record"]


def test_no_testimony_leaves_without_consent_to_international_mechanisms(field, lawyers, tmp_path):  # noqa: F811
    # full_record() consents to trial and reparations, and never answered the international question
    _add(field, full_record())
    _add(field, _international(international=False))
    plan = selection.plan(field.conn, field.vault, field.user, "international", [lawyers])
    assert plan.included == [] and plan.excluded_counts() == {"no_consent": 2}
    with pytest.raises(selection.ExportError, match="no record has consent"):
        exports.write(field.conn, field.vault, field.user, plan, [lawyers], tmp_path / "x.intake.age")
    assert not (tmp_path / "x.intake.age").exists()


def test_consent_to_international_mechanisms_is_not_consent_to_a_trial_at_home(field, lawyers):  # noqa: F811
    only_abroad = _add(field, _international(trial=False))
    assert selection.plan(field.conn, field.vault, field.user, "trial", [lawyers]).included == []
    assert selection.plan(field.conn, field.vault, field.user, "international",
                          [lawyers]).included == [only_abroad]


def test_a_minor_needs_the_guardian_and_her_own_assent(field, lawyers):  # noqa: F811
    document = _international()
    document["survivor"]["minor"] = True
    document["consent"]["guardian"] = {"name": "Xalid", "relation": "father", "consent": True,
                                       "child_assent": False}
    _add(field, document)
    plan = selection.plan(field.conn, field.vault, field.user, "international", [lawyers])
    assert plan.included == [] and plan.excluded_counts() == {"no_consent": 1}


def test_an_international_bundle_is_version_3_and_carries_the_trial_profile(field, law, lawyers, tmp_path):  # noqa: F811
    record = _add(field, _international())
    named = _add(field, _international(identity_to_prosecutors=True))
    out = tmp_path / "un.intake.age"
    export(field, [lawyers], out, purpose="international")
    files = unpack(out, identity(law))
    root = root_of(files)
    assert b"Intake-Format-Version: 3\n" in files[f"{root}/bag-info.txt"]
    assert b"Intake-Purpose: international\n" in files[f"{root}/bag-info.txt"]
    head = json.loads(files[f"{root}/data/bundle.json"])
    assert head["format_version"] == 3 and head["purpose"] == "international"
    bundle, envelopes = _records(out, law)
    assert bundle.passed and bundle.purpose == "international"
    assert next(c for c in bundle.checks if c.name == "format").detail.startswith("version 3,")
    by_id = {e["id"]: e for e in envelopes}
    plain, disclosed = by_id[record], by_id[named]
    assert plain["bundle_format"] == 3 and plain["purpose"] == "international"
    assert plain["restricted_fields"] == ["restricted_narrative"]
    assert plain["identity_disclosed"] is False and "full_name" not in plain["document"]["survivor"]
    assert "Nadia" not in json.dumps(plain["document"], ensure_ascii=False)
    assert disclosed["identity_disclosed"] is True
    assert disclosed["document"]["survivor"]["full_name"] == "Nadia Xelîl"
    for envelope in (plain, disclosed):
        document = envelope["document"]
        assert document["consent"]["international"] is True
        assert {"phone", "id_number", "current_location"}.isdisjoint(document["survivor"])
        assert "notes" not in document and "ysl" not in document and "needs" not in document

    trial = tmp_path / "trial.intake.age"
    export(field, [lawyers], trial, purpose="trial")
    assert b"Intake-Format-Version: 3\n" in unpack(trial, identity(law))[
        f"{root_of(unpack(trial, identity(law)))}/bag-info.txt"]


def test_international_in_a_bundle_that_says_version_1_is_refused(field, law, lawyers, tmp_path):  # noqa: F811
    _add(field, _international())
    out = tmp_path / "un.intake.age"
    export(field, [lawyers], out, purpose="international")
    files = unpack(out, identity(law))
    for name in files:
        if name.endswith("bag-info.txt"):
            files[name] = files[name].replace(b"Intake-Format-Version: 3", b"Intake-Format-Version: 1")
        elif name.endswith("data/bundle.json"):
            files[name] = files[name].replace(b'"format_version": 3', b'"format_version": 1')
        elif "/data/records/" in name:
            files[name] = files[name].replace(b'"bundle_format": 3', b'"bundle_format": 1')
    _signed_by_field(field, files)  # as a faulty field instance would sign it
    _refused(law, pack(files, public(law), tmp_path / "v1.intake.age"),
             "purpose 'international' is unknown in format version 1", trust=fingerprint(field))


def test_a_version_2_label_on_a_version_1_bundle_is_refused(field, law, lawyers, tmp_path):  # noqa: F811
    _add(field, full_record())
    out = tmp_path / "reparations.intake.age"
    export(field, [lawyers], out, purpose="reparations")
    files = unpack(out, identity(law))
    info = f"{root_of(files)}/bag-info.txt"
    files[info] = files[info].replace(b"Intake-Format-Version: 1", b"Intake-Format-Version: 2")
    _signed_by_field(field, files)
    _refused(law, pack(files, public(law), tmp_path / "v2.intake.age"),
             "bundle.json has format version 1", trust=fingerprint(field))


def test_withdrawal_for_international_sends_a_notice_and_leaves_the_trial_record(field, law, lawyers, tmp_path):  # noqa: F811
    keep, leave = _add(field, _international()), _add(field, _international())
    for purpose in ("trial", "international"):
        export(field, [lawyers], tmp_path / f"{purpose}-1.intake.age", purpose=purpose)
        import_(law, tmp_path / f"{purpose}-1.intake.age", trust=fingerprint(field))
    assert catalogue.search(law.conn, purpose="international")[1:] == (2, 0)

    withdrawal.withdraw(field.conn, field.vault, field.user, leave, "international", "by phone")
    plan = selection.plan(field.conn, field.vault, field.user, "international", [lawyers])
    assert plan.included == [keep] and plan.excluded_counts() == {"withdrawn": 1}
    assert [(n["record_id"], n["purpose"]) for n in plan.revocations] == [(leave, "international")]
    assert selection.plan(field.conn, field.vault, field.user, "trial", [lawyers]).revocations == []

    second = tmp_path / "international-2.intake.age"
    export(field, [lawyers], second, purpose="international")
    bundle, _ = _records(second, law)
    assert [(r["record_id"], r["purpose"]) for r in bundle.revocations] == [(leave, "international")]
    result = import_(law, second)
    assert result.counts == {"unchanged": 1, "revoked": 1}
    rows, total, hidden = catalogue.search(law.conn, purpose="international")
    assert [r.record_id for r in rows] == [keep] and (total, hidden) == (1, 1)
    trial_rows, trial_total, trial_hidden = catalogue.search(law.conn, purpose="trial")
    assert {r.record_id for r in trial_rows} == {keep, leave} and (trial_total, trial_hidden) == (2, 0)
    assert catalogue.search(law.conn)[1:] == (3, 1)


def test_the_archive_lists_filters_and_counts_international_records(field, law, lawyers, tmp_path):  # noqa: F811
    _add(field, _international())
    _add(field, full_record())
    for purpose in ("trial", "international"):
        export(field, [lawyers], tmp_path / f"{purpose}.intake.age", purpose=purpose)
        import_(law, tmp_path / f"{purpose}.intake.age", trust=fingerprint(field))
    client = create_app(law.config).test_client()
    assert sign_in(client).status_code == 302
    everything = client.get("/archive/").get_data(as_text=True)
    assert "3 records" in everything
    assert 'href="/archive/?purpose=international"' in everything
    assert "International mechanisms (UN, courts abroad)" in everything
    page = client.get("/archive/?purpose=international").get_data(as_text=True)
    assert "1 record" in page and "3 records" not in page
    assert page.count("International mechanisms (UN, courts abroad)</td>") == 1
    assert "Criminal proceedings (trial)</td>" not in page
    bundles = client.get("/archive/bundles").get_data(as_text=True)
    assert "International mechanisms (UN, courts abroad)" in bundles
    (seq,) = law.conn.execute(
        "SELECT seq FROM archive_records WHERE purpose = 'international'").fetchone()
    record = client.get(f"/archive/records/{seq}").get_data(as_text=True)
    assert 'name="restricted_annex"' in record  # for criminal proceedings abroad too


def test_the_same_testimony_for_trial_and_international_is_one_mention(field, law, lawyers, tmp_path):  # noqa: F811
    _add(field, _international())
    for purpose in ("trial", "international"):
        export(field, [lawyers], tmp_path / f"{purpose}.intake.age", purpose=purpose)
        import_(law, tmp_path / f"{purpose}.intake.age", trust=fingerprint(field))
    assert law.conn.execute("SELECT count(*) FROM archive_records").fetchone()[0] == 2
    mentions = law.conn.execute("SELECT count(DISTINCT mention_id) FROM archive_mentions").fetchone()[0]
    perpetrators = sum(len(i.get("perpetrators", [])) for i in full_record()["incidents"])
    assert mentions == perpetrators

