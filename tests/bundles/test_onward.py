"""An archive's onward bundles (archive/onward.py): the hand-over records an archive holds leave
it for trial, reparations, international mechanisms or research under the consent rules of a
field laptop, redacted exactly as the laptop's own bundle of the same testimony would be, with
the files its profile allows, signed by the archive; a third instance that pins the archive's
key imports them, and a record whose consent is taken back gets a revocation notice."""

# ruff: noqa: F811 - the field, law and lawyers fixtures come from test_bundles
from __future__ import annotations

import io
import json

import pytest

from intake.archive import catalogue, onward
from intake.bundles import export as exports
from intake.bundles import own_keys, recipient_keys, selection
from intake.bundles import reader as bundle_reader
from intake.home.mode import store_mode
from intake.records import attachments, consent, testimonies
from intake.vault import agefile
from tests.bundle_tools import root_of, unpack
from tests.bundles.test_bundle_attachments import FILES
from tests.bundles.test_bundles import (  # noqa: F401
    _instance,
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

_ALL_YES = {"record": True, "trial": True, "reparations": True, "international": True,
            "research": True, "identity_to_prosecutors": True, "audio": True,
            "method": "verbal", "witness": "Sara Ali"}


@pytest.fixture
def archive(field, law) -> recipient_keys.Recipient:
    store_mode(law.conn, "archive")
    return recipient_keys.add_recipient(field.conn, "Our archive", public(law), own_archive=True)


@pytest.fixture
def prosecutors(tmp_path):
    side = _instance(tmp_path / "prosecutors", "Prosecutors")
    own_keys.create_identity(side.conn, side.vault)
    yield side
    side.conn.close()
    side.vault.close()


@pytest.fixture
def onward_to(law, prosecutors) -> recipient_keys.Recipient:
    return recipient_keys.add_recipient(law.conn, "Prosecutors", public(prosecutors))


def _record(field, files: bool = False, **consents) -> str:
    """A complete testimony with every answer yes but ``consents`` (None: not asked), and with
    every kind of file when ``files`` (recorded first, so the answers may change after)."""
    document = full_record()
    document["consent"] = dict(_ALL_YES)
    record = testimonies.create(field.conn, field.vault, field.user, document, completed=True)
    for kind, (data, media) in (FILES.items() if files else ()):
        upload = attachments.receive(io.BytesIO(data), field.config.attachments_path)
        testimonies.attach(field.conn, field.vault, field.user, record.id, upload, kind=kind,
                           filename=f"{kind}.bin", declared_type=media)
    if consents:
        document = json.loads(json.dumps(record.document))
        document["consent"] = {key: value for key, value in
                               {**document["consent"], **consents}.items() if value is not None}
        testimonies.save(field.conn, field.vault, field.user, record.id, document)
    return record.id


def _hand_over(field, law, archive, tmp_path, name="handover"):
    out = tmp_path / f"{name}.intake.age"
    export(field, [archive], out, purpose="handover")
    trust = None if law.conn.execute("SELECT 1 FROM sources").fetchone() else fingerprint(field)
    import_(law, out, trust=trust)


def _onward(law, recipients, out, purpose="trial", ids=None):
    plan = onward.plan(law.conn, law.vault, law.user, purpose, list(recipients), ids)
    return plan, onward.write(law.conn, law.vault, law.user, plan, list(recipients), out)


def _carried(path, side) -> dict[str, dict]:
    bundle = bundle_reader.verify(path, [identity(side)])
    return {item["id"]: item for kind, item, _ in
            bundle_reader.records(path, [identity(side)], bundle) if kind == "record"}


# ---- consent, as on a field laptop ----

@pytest.mark.parametrize("purpose", consent.EXPORT_PURPOSES)
def test_only_records_with_an_explicit_yes_for_the_purpose_leave(field, law, archive, onward_to,
                                                                  prosecutors, tmp_path, purpose):
    yes = _record(field)
    no = _record(field, **{purpose: False})
    unanswered = _record(field, **{purpose: None})
    _hand_over(field, law, archive, tmp_path)
    plan = onward.plan(law.conn, law.vault, law.user, purpose, [onward_to])
    assert plan.included == [yes]
    codes = {testimonies.load(field.conn, field.vault, i, field.user).witness_code: i
             for i in (no, unanswered)}
    assert {codes[code]: reason for code, reason in plan.excluded} == {
        no: "no_consent", unanswered: "no_consent"}
    out = tmp_path / "onward.intake.age"
    onward.write(law.conn, law.vault, law.user, plan, [onward_to], out)
    assert set(_carried(out, prosecutors)) == {yes}


def test_only_an_archive_exports_hand_over_records_and_never_as_a_hand_over(field, law, archive,
                                                                           onward_to, tmp_path):
    _record(field)
    _hand_over(field, law, archive, tmp_path)
    with pytest.raises(selection.ExportError, match="unknown purpose"):
        onward.plan(law.conn, law.vault, law.user, "handover", [onward_to])
    with pytest.raises(selection.ExportError, match="no hand-over record"):
        onward.plan(law.conn, law.vault, law.user, "trial", [onward_to], ["f" * 32])
    store_mode(law.conn, "field")
    with pytest.raises(selection.ExportError, match="only an archive"):
        onward.plan(law.conn, law.vault, law.user, "trial", [onward_to])


# ---- the same redaction and files as the laptop's own bundle ----

@pytest.mark.parametrize("purpose", consent.EXPORT_PURPOSES)
@pytest.mark.parametrize("identity_too", [True, False])
def test_an_onward_record_is_what_the_laptops_bundle_would_carry(field, law, archive, onward_to,
                                                                 prosecutors, tmp_path, purpose,
                                                                 identity_too):
    record_id = _record(field, files=True, identity_to_prosecutors=identity_too,
                        audio=identity_too)
    original = testimonies.load(field.conn, field.vault, record_id, field.user)
    laptop_files = exports.carried_files(field.conn, field.vault, field.user, original, purpose)
    expected, expected_report = exports.envelope(original, purpose, fingerprint(field),
                                                 laptop_files)
    _hand_over(field, law, archive, tmp_path)
    out = tmp_path / "onward.intake.age"
    _plan, summary = _onward(law, [onward_to], out, purpose)
    item = _carried(out, prosecutors)[record_id]
    archive_key = own_keys.signing_key(law.conn, law.vault).fingerprint
    assert item["document"] == expected["document"]
    assert item["source"] == archive_key
    for name in ("id", "witness_code", "version", "purpose", "identity_disclosed",
                 "restricted_fields", "bundle_format"):
        assert item[name] == expected[name], name
    assert sorted((a["kind"], a["sha256"]) for a in item["attachments"]) == \
        sorted((a.kind, a.sha256) for a in laptop_files)
    files = unpack(out, identity(prosecutors))
    root = root_of(files)
    report = json.loads(files[f"{root}/data/redaction-report.json"])
    assert report == [expected_report]
    for entry in item["attachments"]:  # the archive's own copies, byte for byte
        assert files[f"{root}/{entry['file']}"] == FILES[entry["kind"]][0]
    preview = onward.preview(law.conn, law.vault, law.user, purpose, [record_id])
    assert preview[0][0]["document"] == expected["document"]
    assert summary.record_files[record_id][0] == original.version


# ---- signed by the archive, imported by a third instance ----

def test_a_third_instance_imports_it_as_the_archives_bundle(field, law, archive, onward_to,
                                                            prosecutors, tmp_path):
    record_id = _record(field, files=True)
    original = testimonies.load(field.conn, field.vault, record_id, field.user)
    _hand_over(field, law, archive, tmp_path)
    handover_id = law.conn.execute("SELECT id FROM bundles").fetchone()[0]
    out = tmp_path / "onward.intake.age"
    _plan, summary = _onward(law, [onward_to], out)
    bundle = bundle_reader.verify(out, [identity(prosecutors)])
    archive_key = own_keys.signing_key(law.conn, law.vault).fingerprint
    assert (bundle.purpose, bundle.organisation, bundle.fingerprint) == \
        ("trial", "Legal Team", archive_key)
    assert bundle.format_version == exports.format_version("trial")
    files = unpack(out, identity(prosecutors))
    root = root_of(files)
    [custody] = json.loads(files[f"{root}/data/custody.json"])
    events = [e["event"] for e in custody["events"]]
    assert events == ["handed_over", "received", "exported"]
    assert custody["events"][0]["bundle_id"] == handover_id
    assert custody["events"][0]["source"] == fingerprint(field)
    assert custody["events"][2]["bundle_id"] == summary.bundle_id
    assert custody["events"][2]["file_sha256"] == summary.record_files[record_id][1]
    with pytest.raises(Exception, match="unknown key"):
        import_(prosecutors, out)
    result = import_(prosecutors, out, trust=archive_key)
    assert result.counts["new"] == 1
    rows, total, _ = catalogue.search(prosecutors.conn, purpose="trial")
    assert total == 1 and rows[0].record_id == record_id
    assert (rows[0].witness_code, rows[0].version, rows[0].organisation) == \
        (original.witness_code, original.version, "Legal Team")
    kept = attachments.listing(prosecutors.conn, prosecutors.vault,
                               catalogue.owner(prosecutors.conn, rows[0].seq))
    assert {a.kind for a in kept} == {"consent_form", "id_document", "audio", "photo"} & \
        {a.kind for a in exports.carried_files(field.conn, field.vault, field.user, original,
                                               "trial")}
    exported = law.conn.execute("SELECT purpose, record_count FROM exports").fetchall()
    assert exported == [("trial", 1)]


# ---- a consent taken back later ----

def test_a_newer_hand_over_without_consent_sends_a_revocation_notice(field, law, archive,
                                                                     onward_to, prosecutors,
                                                                     tmp_path):
    kept, changed = _record(field), _record(field)
    _hand_over(field, law, archive, tmp_path, "first")
    first = tmp_path / "first-onward.intake.age"
    _onward(law, [onward_to], first)
    import_(prosecutors, first, trust=own_keys.signing_key(law.conn, law.vault).fingerprint)
    record = testimonies.load(field.conn, field.vault, changed, field.user)
    document = json.loads(json.dumps(record.document))
    document["consent"]["trial"] = False
    testimonies.save(field.conn, field.vault, field.user, changed, document)
    _hand_over(field, law, archive, tmp_path, "second")
    plan = onward.plan(law.conn, law.vault, law.user, "trial", [onward_to])
    assert plan.included == [kept]
    assert [n["record_id"] for n in plan.revocations] == [changed]
    second = tmp_path / "second-onward.intake.age"
    onward.write(law.conn, law.vault, law.user, plan, [onward_to], second)
    result = import_(prosecutors, second)
    assert result.counts["revoked"] == 1
    rows, total, hidden = catalogue.search(prosecutors.conn, purpose="trial")
    assert (total, hidden) == (1, 1) and rows[0].record_id == kept
    # A recipient that never had it gets no notice.
    others = recipient_keys.add_recipient(law.conn, "Others",
                                          agefile.public_key(agefile.new_identity()))
    assert onward.plan(law.conn, law.vault, law.user, "trial", [others]).revocations == []


def test_a_laptops_bundle_is_unchanged_by_the_record_source(field, law, lawyers, tmp_path):
    record_id = _record(field)
    out = tmp_path / "trial.intake.age"
    export(field, [lawyers], out)
    item = _carried(out, law)[record_id]
    original = testimonies.load(field.conn, field.vault, record_id, field.user)
    assert item == exports.envelope(original, "trial", fingerprint(field), [])[0]


def test_a_hand_over_revocation_hides_the_record_and_is_passed_on(field, law, archive, onward_to,
                                                                  prosecutors, tmp_path):
    kept, refused = _record(field), _record(field)
    _hand_over(field, law, archive, tmp_path, "first")
    first = tmp_path / "first-onward.intake.age"
    _onward(law, [onward_to], first)
    import_(prosecutors, first, trust=own_keys.signing_key(law.conn, law.vault).fingerprint)
    record = testimonies.load(field.conn, field.vault, refused, field.user)
    document = json.loads(json.dumps(record.document))
    document["consent"]["record"] = False  # she no longer wants it kept at all
    testimonies.save(field.conn, field.vault, field.user, refused, document)
    notice = tmp_path / "notice.intake.age"
    plan = selection.plan(field.conn, field.vault, field.user, "handover", [archive])
    assert [n["record_id"] for n in plan.revocations] == [refused]
    exports.write(field.conn, field.vault, field.user, plan, [archive], notice)
    import_(law, notice)
    plan = onward.plan(law.conn, law.vault, law.user, "trial", [onward_to], [kept, refused])
    assert plan.included == [kept]
    assert [reason for _, reason in plan.excluded] == ["withdrawn"]
    assert [n["record_id"] for n in plan.revocations] == [refused]
    second = tmp_path / "second-onward.intake.age"
    onward.write(law.conn, law.vault, law.user, plan, [onward_to], second)
    assert import_(prosecutors, second).counts["revoked"] == 1
