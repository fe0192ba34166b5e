"""Evidence bundles end to end: export on a field instance, open with the standard tools (age,
tar, BagIt, openssl), verify and import on an archive instance, every refusal leaving the archive
unchanged, pinning, idempotence, versions, and withdrawal of consent with revocation notices."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

import bagit
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.archive import catalogue, importer
from intake.bundles import export as exports
from intake.bundles import fingerprints, own_keys, recipient_keys, selection
from intake.bundles import reader as bundle_reader
from intake.config import Config
from intake.home.instance import initialise, unlock
from intake.home.users import User
from intake.records import consent, testimonies, withdrawal
from intake.store.connection import Connection, connect
from intake.vault.keys import Vault
from tests.bundle_tools import pack, rehash, resign, root_of, unpack
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE, full_record


@dataclass
class Side:
    config: Config
    conn: Connection
    vault: Vault
    user: User


@pytest.fixture
def field(config, conn, vault, admin) -> Side:
    return Side(config, conn, vault, admin)


def _instance(home: Path, org: str) -> Side:
    config = Config(home=home, kdf=CHEAP_KDF, testing=True)
    initialise(config, org, ADMIN, PASSPHRASE)
    vault, user = unlock(config, ADMIN, PASSPHRASE)
    return Side(config, connect(config.database_path, vault.db_key), vault, user)


@pytest.fixture
def law(tmp_path):
    side = _instance(tmp_path / "archive", "Legal Team")
    own_keys.create_identity(side.conn, side.vault)
    yield side
    side.conn.close()
    side.vault.close()


def identity(side: Side) -> str:
    return own_keys.identities(side.conn, side.vault)[0]


def public(side: Side) -> str:
    from intake.vault.agefile import public_key

    return public_key(identity(side))


@pytest.fixture
def lawyers(field, law) -> recipient_keys.Recipient:
    return recipient_keys.add_recipient(field.conn, "Lawyers", public(law))


def add(field: Side, n: int = 1, **overrides) -> list[str]:
    return [testimonies.create(field.conn, field.vault, field.user, full_record(**overrides),
                               completed=True).id for _ in range(n)]


def export(field: Side, recipients, out: Path, purpose: str = "trial",
           ids: list[str] | None = None) -> exports.ExportSummary:
    plan = selection.plan(field.conn, field.vault, field.user, purpose, list(recipients), ids)
    return exports.write(field.conn, field.vault, field.user, plan, list(recipients), out)


def import_(law: Side, path: Path, trust: str | None = None) -> importer.ImportResult:
    return importer.import_bundle(law.conn, law.vault, law.user, path, [identity(law)], trust=trust)


def fingerprint(field: Side) -> str:
    return own_keys.signing_key(field.conn, field.vault).fingerprint


def archive_state(law: Side) -> dict:
    tables = ("sources", "bundles", "archive_records", "archive_history", "archive_withdrawals")
    return {t: law.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()  # noqa: S608
            for t in tables}


# ---- the standard tools open what we write ----

def test_bundle_opens_with_age_tar_bagit_and_openssl(field, law, lawyers, tmp_path):
    assert shutil.which("age") and shutil.which("openssl"), "install age and openssl (make test does)"
    add(field, 3)
    out = tmp_path / "trial.intake.age"
    summary = export(field, [lawyers], out)
    (tmp_path / "identity.txt").write_text(identity(law) + "\n")
    subprocess.run(f"age -d -i identity.txt {out.name} | tar x", shell=True, check=True,  # noqa: S602
                   cwd=tmp_path)
    root = tmp_path / f"intake-bundle-{summary.bundle_id}"
    bag = bagit.Bag(str(root))
    bag.validate()  # raises on any missing file or checksum mismatch
    assert bag.info["Intake-Purpose"] == "trial"
    assert bag.info["Intake-Instance-Fingerprint"] == fingerprint(field)
    assert bag.info["Intake-Record-Count"] == "3"
    assert len(list((root / "data" / "records").glob("*.json"))) == 3
    subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", root / "signing-key.pem",
                    "-rawin", "-in", root / "tagmanifest-sha256.txt", "-sigfile",
                    root / "tagmanifest-sha256.txt.sig"], check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", root / "signing-key.pem",
                          "-outform", "DER"], check=True, capture_output=True).stdout
    assert hashlib.sha256(der[-32:]).hexdigest().upper() == fingerprint(field)


def test_no_plaintext_bundle_or_partial_file_is_left_on_disk(field, lawyers, tmp_path):
    add(field, 2)
    out = tmp_path / "out" / "trial.intake.age"
    out.parent.mkdir()
    export(field, [lawyers], out)
    assert [p.name for p in out.parent.iterdir()] == ["trial.intake.age"]
    data = out.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n")
    for secret in ("Koço", "Tebaxa", "W-0001", "bagit", "manifest"):
        assert secret.encode() not in data


def test_export_then_import_gives_the_same_content(field, law, lawyers, tmp_path):
    ids = add(field, 2)
    out = tmp_path / "b.intake.age"
    export(field, [lawyers], out)
    result = import_(law, out, trust=fingerprint(field))
    assert result.counts == {"new": 2}
    rows, total, hidden = catalogue.search(law.conn)
    assert (total, hidden) == (2, 0)
    for row in rows:
        _, envelope, _ = catalogue.load(law.conn, law.vault, row.seq)
        record = testimonies.load(field.conn, field.vault, row.record_id, field.user)
        expected, _report = exports.envelope(record, "trial", fingerprint(field))
        assert envelope == expected
        assert row.record_id in ids and row.source == fingerprint(field)


def test_archive_search_finds_records_across_spellings(field, law, lawyers, tmp_path):
    add(field, 1)
    out = tmp_path / "b.intake.age"
    export(field, [lawyers], out)
    import_(law, out, trust=fingerprint(field))
    assert catalogue.search(law.conn, query="اخذونا")[1] == 1  # stored as أخذونا, with hamza
    assert catalogue.search(law.conn, query="HURGULIYEN")[1] == 1  # Hûrguliyên, restricted text
    assert catalogue.search(law.conn, query="كوجو")[1] == 0  # the village of origin was scrubbed
    assert catalogue.search(law.conn, query="Speicher")[1] == 0


# ---- consent decides, by code ----

_ANSWER = st.sampled_from([True, False, None])


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(purpose=st.sampled_from(consent.EXPORT_PURPOSES),
       records=st.lists(st.tuples(_ANSWER, st.booleans(), _ANSWER, _ANSWER, st.booleans(),
                                  st.booleans()), min_size=1, max_size=5))
def test_no_record_without_consent_for_the_purpose_ever_leaves(field, law, lawyers, tmp_path_factory,
                                                              purpose, records):
    expected, made = set(), []
    for answer, minor, guardian, assent, complete, withdraw in records:
        answers = {"record": True, purpose: answer} if answer is not None else {"record": True}
        document = full_record(consent={**answers, "guardian": {
            k: v for k, v in (("consent", guardian), ("child_assent", assent)) if v is not None}})
        document["survivor"]["minor"] = minor
        record = testimonies.create(field.conn, field.vault, field.user, document, completed=complete)
        if withdraw:
            withdrawal.withdraw(field.conn, field.vault, field.user, record.id, purpose)
        elif complete and consent.consent_given(record.document, purpose):
            expected.add(record.id)
        made.append(record.id)
    plan = selection.plan(field.conn, field.vault, field.user, purpose, [lawyers], made)
    assert set(plan.included) == expected
    assert len(plan.excluded) == len(made) - len(expected)
    if not expected:
        return
    out = tmp_path_factory.mktemp("bundle") / "b.intake.age"
    exports.write(field.conn, field.vault, field.user, plan, [lawyers], out)
    bundle = bundle_reader.verify(out, [identity(law)])
    carried = {item["id"] for kind, item, _ in bundle_reader.records(out, [identity(law)], bundle)
               if kind == "record"}
    assert carried == expected


def test_export_summary_says_why_records_were_left_out(field, lawyers):
    add(field, 1)
    refused = add(field, 1, consent={"record": True, "trial": False})
    draft = testimonies.create(field.conn, field.vault, field.user, full_record())
    withdrawn = add(field, 1)[0]
    withdrawal.withdraw(field.conn, field.vault, field.user, withdrawn, "trial", "changed her mind")
    plan = selection.plan(field.conn, field.vault, field.user, "trial", [lawyers])
    assert len(plan.included) == 1
    assert plan.excluded_counts() == {"no_consent": 1, "not_complete": 1, "withdrawn": 1}
    codes = dict(plan.excluded)
    assert codes[draft.witness_code] == "not_complete"
    assert refused and withdrawn
    history = testimonies.load(field.conn, field.vault, withdrawn, field.user).document["consent"]
    assert history["trial"] is False
    assert history["history"][-1]["note"] == "changed her mind"


# ---- refusals: one clear line, nothing written ----

@pytest.fixture
def bundle(field, law, lawyers, tmp_path) -> Path:
    add(field, 2)
    out = tmp_path / "good.intake.age"
    export(field, [lawyers], out)
    return out


def _refused(law: Side, path: Path, match: str, trust: str | None = None) -> None:
    before = archive_state(law)
    with pytest.raises(bundle_reader.BundleError, match=match) as caught:
        import_(law, path, trust=trust)
    assert "\n" not in str(caught.value)
    assert archive_state(law) == before


def test_truncated_file_is_refused(field, law, bundle, tmp_path):
    cut = tmp_path / "cut.intake.age"
    data = bundle.read_bytes()
    for size in (len(data) - 1, len(data) - 100, len(data) // 2, 200, 10, 0):
        cut.write_bytes(data[:size])
        _refused(law, cut, "decryption", trust=fingerprint(field))


def test_wrong_identity_is_refused(field, law, bundle, tmp_path):
    stranger = _instance(tmp_path / "stranger", "Other")
    own_keys.create_identity(stranger.conn, stranger.vault)
    before = archive_state(law)
    with pytest.raises(bundle_reader.BundleError, match="wrong identity"):
        importer.import_bundle(law.conn, law.vault, law.user, bundle, [identity(stranger)],
                              trust=fingerprint(field))
    assert archive_state(law) == before


def test_flipped_byte_is_refused_anywhere_in_the_file(field, law, bundle, tmp_path):
    data = bundle.read_bytes()
    flipped = tmp_path / "flipped.intake.age"
    for position in (30, 150, len(data) // 3, len(data) // 2, len(data) - 20):
        changed = bytearray(data)
        changed[position] ^= 0x01
        flipped.write_bytes(changed)
        _refused(law, flipped, "decryption", trust=fingerprint(field))


def test_changed_record_with_recomputed_manifests_is_caught_by_the_signature(field, law, bundle,
                                                                             tmp_path):
    files = unpack(bundle, identity(law))
    record = next(n for n in files if "/data/records/" in n)
    files[record] = files[record].replace(b'"version": 1', b'"version": 7')
    rehash(files)
    forged = pack(files, public(law), tmp_path / "forged.intake.age")
    assert bagit_valid(files, tmp_path)  # BagIt alone cannot tell
    _refused(law, forged, "signature", trust=fingerprint(field))


def bagit_valid(files: dict[str, bytes], tmp_path: Path) -> bool:
    target = tmp_path / "forged-bag"
    for name, data in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    bagit.Bag(str(target / root_of(files))).validate()
    return True


def _signed_by_field(field: Side, files: dict[str, bytes]) -> None:
    rehash(files)
    resign(files, own_keys.signing_key(field.conn, field.vault).private)


def test_unknown_format_version_is_refused(field, law, bundle, tmp_path):
    files = unpack(bundle, identity(law))
    info = f"{root_of(files)}/bag-info.txt"
    files[info] = re.sub(rb"Intake-Format-Version: \d+", b"Intake-Format-Version: 9", files[info])
    _signed_by_field(field, files)  # as a later version of the software would sign it
    _refused(law, pack(files, public(law), tmp_path / "v9.intake.age"), "format version 9",
             trust=fingerprint(field))


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "intake-bundle-x/../../evil",
                                  "{root}/data/records/../../../evil.json", "{root}/data/extra.sh"])
def test_unexpected_or_traversing_names_are_refused(field, law, bundle, tmp_path, name):
    files = unpack(bundle, identity(law))
    member = tarfile.TarInfo(name.format(root=root_of(files)))
    member.size = 4
    _signed_by_field(field, files)
    crafted = pack(files, public(law), tmp_path / "crafted.intake.age", extra=[member])
    _refused(law, crafted, "structure", trust=fingerprint(field))


@pytest.mark.parametrize("kind", [tarfile.SYMTYPE, tarfile.LNKTYPE, tarfile.CHRTYPE, tarfile.DIRTYPE])
def test_links_devices_and_directories_are_refused(field, law, bundle, tmp_path, kind):
    files = unpack(bundle, identity(law))
    member = tarfile.TarInfo(f"{root_of(files)}/data/records/{'a' * 32}.json")
    member.type, member.linkname = kind, "/etc/passwd"
    crafted = pack(files, public(law), tmp_path / "link.intake.age", extra=[member])
    _refused(law, crafted, "structure", trust=fingerprint(field))


def test_a_member_larger_than_any_record_is_refused_from_its_header(field, law, bundle, tmp_path):
    files = unpack(bundle, identity(law))
    member = tarfile.TarInfo(f"{root_of(files)}/data/records/{'b' * 32}.json")
    member.size = bundle_reader.MAX_RECORD_BYTES + 1
    crafted = pack(files, public(law), tmp_path / "huge.intake.age", extra=[member])
    _refused(law, crafted, "size", trust=fingerprint(field))


def test_payload_larger_than_the_manifest_claims_is_refused(field, law, bundle, tmp_path):
    files = unpack(bundle, identity(law))
    custody = f"{root_of(files)}/data/custody.json"
    files[custody] += b" " * 3_000_000
    rehash(files, oxum=False)  # manifests agree with the files; Payload-Oxum still claims less
    resign(files, own_keys.signing_key(field.conn, field.vault).private)
    _refused(law, pack(files, public(law), tmp_path / "padded.intake.age"), "size",
             trust=fingerprint(field))


def test_an_extra_file_missing_from_the_manifest_is_refused(field, law, bundle, tmp_path):
    files = unpack(bundle, identity(law))
    files[f"{root_of(files)}/data/records/{'c' * 32}.json"] = b"{}"
    _refused(law, pack(files, public(law), tmp_path / "extra.intake.age"), "manifests|records",
             trust=fingerprint(field))


# ---- pinning ----

def test_a_new_source_needs_trust_and_the_right_fingerprint(field, law, bundle):
    _refused(law, bundle, "unknown key")
    _refused(law, bundle, "not the fingerprint given", trust="0000 0000 0000 0000")
    short = fingerprints.readable(fingerprint(field), short=True).lower()
    assert import_(law, bundle, trust=short).counts["new"] == 2


def test_another_key_with_a_pinned_organisation_name_is_refused(field, law, bundle, tmp_path):
    import_(law, bundle, trust=fingerprint(field))
    impostor = _instance(tmp_path / "impostor", "Field Org")  # same name as the real field
    recipient = recipient_keys.add_recipient(impostor.conn, "Lawyers", public(law))
    add(impostor, 1)
    fake = tmp_path / "fake.intake.age"
    export(impostor, [recipient], fake)
    _refused(law, fake, "is pinned to key", trust=fingerprint(impostor))


# ---- idempotence and versions ----

def test_import_is_idempotent_and_newer_versions_replace_older(field, law, lawyers, tmp_path):
    one, two, three = add(field, 3)
    first, second = tmp_path / "1.intake.age", tmp_path / "2.intake.age"
    export(field, [lawyers], first, ids=[one, two])
    assert import_(law, first, trust=fingerprint(field)).counts == {"new": 2}
    assert import_(law, first).already_imported
    record = testimonies.load(field.conn, field.vault, two, field.user)
    changed = {**record.document, "notes": "edited", "narrative": [{"text": "Corrected account."}]}
    testimonies.save(field.conn, field.vault, field.user, two, changed)
    export(field, [lawyers], second, ids=[one, two, three])
    assert import_(law, second).counts == {"new": 1, "updated": 1, "unchanged": 1}
    rows, total, _ = catalogue.search(law.conn)
    assert total == 3
    seq = next(r.seq for r in rows if r.record_id == two)
    found, envelope, history = catalogue.load(law.conn, law.vault, seq)
    assert envelope["document"]["narrative"] == [{"text": "Corrected account."}]
    assert [version for version, _, _ in history] == [1]
    assert found.version == 2


# ---- withdrawal of consent ----

def test_withdrawal_reaches_the_archive_that_received_the_record(field, law, lawyers, tmp_path):
    keep, leave = add(field, 2)
    other_team = _instance(tmp_path / "other", "Other Team")
    own_keys.create_identity(other_team.conn, other_team.vault)
    others = recipient_keys.add_recipient(field.conn, "Others", public(other_team))
    export(field, [lawyers], tmp_path / "1.intake.age")
    import_(law, tmp_path / "1.intake.age", trust=fingerprint(field))

    withdrawal.withdraw(field.conn, field.vault, field.user, leave, "trial", "asked us by phone")
    plan = selection.plan(field.conn, field.vault, field.user, "trial", [lawyers])
    assert plan.included == [keep]
    assert [n["record_id"] for n in plan.revocations] == [leave]
    assert selection.plan(field.conn, field.vault, field.user, "trial", [others]).revocations == []
    assert selection.plan(field.conn, field.vault, field.user, "research", [lawyers]).revocations == []

    export(field, [lawyers], tmp_path / "2.intake.age")
    result = import_(law, tmp_path / "2.intake.age")
    assert result.counts == {"unchanged": 1, "revoked": 1}
    rows, total, hidden = catalogue.search(law.conn)
    assert [r.record_id for r in rows] == [keep] and (total, hidden) == (1, 1)
    assert catalogue.search(law.conn, purpose="trial")[0][0].record_id == keep


def test_a_revocation_arriving_before_the_record_still_hides_it(field, law, lawyers, tmp_path):
    record = add(field, 1)[0]
    export(field, [lawyers], tmp_path / "1.intake.age")
    withdrawal.withdraw(field.conn, field.vault, field.user, record, "trial")
    add(field, 1)
    export(field, [lawyers], tmp_path / "2.intake.age")
    import_(law, tmp_path / "2.intake.age", trust=fingerprint(field))  # notice first
    import_(law, tmp_path / "1.intake.age")  # then the older bundle with the record
    rows, total, hidden = catalogue.search(law.conn)
    assert record not in [r.record_id for r in rows] and hidden == 1


def test_verify_reports_every_check(field, law, bundle):
    checked = bundle_reader.verify(bundle, [identity(law)])
    assert [c.name for c in checked.checks] == ["decryption", "structure", "signature",
                                                 "manifests", "format", "consent", "attachments"]
    assert checked.passed and checked.purpose == "trial" and len(checked.records) == 2
    assert json.loads(json.dumps(checked.revocations)) == []


def test_a_refusal_carries_the_report_so_far(field, law, bundle, tmp_path):
    assert bundle_reader.BundleError("structure: x").bundle is None
    cut = tmp_path / "cut.intake.age"
    cut.write_bytes(bundle.read_bytes()[:-100])
    with pytest.raises(bundle_reader.BundleError, match="decryption") as caught:
        bundle_reader.verify(cut, [identity(law)])
    report = caught.value.bundle
    assert isinstance(report, bundle_reader.Bundle) and not report.passed
    assert [(c.name, c.passed) for c in report.checks] == [("decryption", False)]
    with pytest.raises(importer.TrustError) as untrusted:
        import_(law, bundle)
    assert untrusted.value.bundle.passed and untrusted.value.bundle.fingerprint == fingerprint(field)
    assert untrusted.value.can_trust


def test_changing_the_answer_or_destroying_the_record_also_sends_a_notice(field, law, lawyers,
                                                                           tmp_path):
    changed, destroyed, kept = add(field, 3)
    export(field, [lawyers], tmp_path / "1.intake.age")
    import_(law, tmp_path / "1.intake.age", trust=fingerprint(field))
    record = testimonies.load(field.conn, field.vault, changed, field.user)
    answers = {**record.document["consent"], "trial": False}
    testimonies.save(field.conn, field.vault, field.user, changed, {**record.document,
                                                                     "consent": answers})
    testimonies.delete(field.conn, field.vault, field.user, destroyed)
    plan = selection.plan(field.conn, field.vault, field.user, "trial", [lawyers])
    assert plan.included == [kept]
    assert sorted(n["record_id"] for n in plan.revocations) == sorted([changed, destroyed])
    exports.write(field.conn, field.vault, field.user, plan, [lawyers, lawyers],
                  tmp_path / "2.intake.age")  # a recipient named twice is encrypted to once
    assert import_(law, tmp_path / "2.intake.age").counts == {"unchanged": 1, "revoked": 2}
    assert [r.record_id for r in catalogue.search(law.conn)[0]] == [kept]


def test_a_record_from_another_source_inside_a_signed_bag_is_refused(field, law, bundle, tmp_path):
    files = unpack(bundle, identity(law))
    record = next(n for n in files if "/data/records/" in n)
    files[record] = files[record].replace(fingerprint(field).encode(), b"0" * 64)
    _signed_by_field(field, files)
    _refused(law, pack(files, public(law), tmp_path / "mixed.intake.age"), "format",
             trust=fingerprint(field))


def test_consent_withdrawn_while_the_bundle_is_written_stops_the_export(field, lawyers, tmp_path):
    first, second = add(field, 2)
    plan = selection.plan(field.conn, field.vault, field.user, "trial", [lawyers])

    def withdraw_midway(done, _total):
        if done == 1:
            withdrawal.withdraw(field.conn, field.vault, field.user, second, "trial")

    out = tmp_path / "out" / "late.intake.age"
    out.parent.mkdir()
    with pytest.raises(selection.ExportError, match="changed during the export"):
        exports.write(field.conn, field.vault, field.user, plan, [lawyers], out,
                      progress=withdraw_midway)
    assert list(out.parent.iterdir()) == []
    assert field.conn.execute("SELECT count(*) FROM exports").fetchone() == (0,)
    assert first


def test_a_signed_record_without_consent_for_the_purpose_is_refused(field, law, bundle, tmp_path):
    files = unpack(bundle, identity(law))
    record = next(n for n in files if "/data/records/" in n)
    files[record] = files[record].replace(b'"trial": true', b'"trial": false')
    _signed_by_field(field, files)  # as a faulty field instance would sign it
    _refused(law, pack(files, public(law), tmp_path / "no-consent.intake.age"), "consent",
             trust=fingerprint(field))


def test_a_public_key_of_an_unknown_type_is_refused_cleanly(field, law, bundle, tmp_path):
    """Found by the fuzzer: a SubjectPublicKeyInfo whose algorithm OID no library knows."""
    import base64

    files = unpack(bundle, identity(law))
    der = bytes.fromhex("302a300506032b7570032100") + b"\x01" * 32  # OID 1.3.117.112
    files[f"{root_of(files)}/signing-key.pem"] = (b"-----BEGIN PUBLIC KEY-----\n"
                                                  + base64.b64encode(der)
                                                  + b"\n-----END PUBLIC KEY-----\n")
    _refused(law, pack(files, public(law), tmp_path / "oid.intake.age"),
             "signature: not a PEM public key", trust=fingerprint(field))
