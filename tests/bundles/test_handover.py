"""Hand-over to the organisation's own archive and its signed receipt (docs/bundle-format.md,
"Hand-over and receipts"): a hand-over carries whole testimonies with every attached file, only
to a recipient marked as our own archive and only with consent to record; the archive answers it
with a receipt, and the laptop that applies it destroys exactly the testimonies it lists at
exactly those versions. Every forged, misdirected, stale or replayed receipt is refused with
nothing destroyed."""

# ruff: noqa: F811 - the field, law and lawyers fixtures come from test_bundles
from __future__ import annotations

import base64
import io
import json
import re

import pytest

from intake.archive import catalogue, receipts, register
from intake.bundles import export as exports
from intake.bundles import fingerprints, own_keys, recipient_keys, selection
from intake.bundles import reader as bundle_reader
from intake.home import audit
from intake.records import attachments, testimonies
from intake.vault.crypto import new_signing_key, public_key_pem, sign
from tests.bundle_tools import pack, root_of, unpack
from tests.bundles.test_bundle_attachments import FILES
from tests.bundles.test_bundles import (  # noqa: F401
    _instance,
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


@pytest.fixture
def archive(field, law) -> recipient_keys.Recipient:
    return recipient_keys.add_recipient(field.conn, "Our archive", public(law), own_archive=True)


def _add(field, **overrides) -> str:
    return testimonies.create(field.conn, field.vault, field.user, full_record(**overrides),
                              completed=True).id


def _with_files(field) -> str:
    document = full_record()
    document["consent"].update(audio=True)
    record = testimonies.create(field.conn, field.vault, field.user, document, completed=True)
    for kind, (data, media) in FILES.items():
        upload = attachments.receive(io.BytesIO(data), field.config.attachments_path)
        testimonies.attach(field.conn, field.vault, field.user, record.id, upload, kind=kind,
                           filename=f"{kind}.bin", declared_type=media)
    return record.id


def _hand_over(field, law, archive, tmp_path, ids=None, name="handover"):
    out = tmp_path / f"{name}.intake.age"
    summary = export(field, [archive], out, purpose="handover", ids=ids)
    import_(law, out, trust=fingerprint(field))
    return summary


def _receipt(law, bundle_id) -> bytes:
    return receipts.make(law.conn, law.vault, law.user, bundle_id)


def _apply(field, data, trust: str | None = "auto"):
    if trust == "auto":
        trust = receipts.read(data).signer
    return receipts.apply(field.conn, field.vault, field.user, data, trust=trust)


def _ids(field) -> set[str]:
    return {row[0] for row in field.conn.execute("SELECT id FROM testimonies")}


def _resigned(data: bytes, change, key: bytes | None = None, law=None) -> bytes:
    """The receipt with its payload changed by ``change``, signed again by ``key`` (or by the
    archive's own key, as a compromised archive could)."""
    outer = json.loads(data)
    body = json.loads(base64.b64decode(outer["signed"]))
    change(body)
    if key is None:
        key = own_keys.signing_key(law.conn, law.vault).private
    body["archive"]["fingerprint"] = fingerprints.fingerprint(public_key_pem(key))
    payload = json.dumps(body).encode()
    outer["public_key"] = public_key_pem(key).decode()
    outer["signed"] = base64.b64encode(payload).decode()
    outer["signature"] = base64.b64encode(sign(key, receipts._CONTEXT + payload)).decode()
    return json.dumps(outer).encode()


# ---- the hand-over bundle ----

def test_a_handover_goes_only_to_our_own_archive(field, law, lawyers):
    _add(field)
    with pytest.raises(selection.ExportError, match="only to recipients marked as our own"):
        selection.plan(field.conn, field.vault, field.user, "handover", [lawyers])


def test_a_handover_needs_only_the_consent_to_record(field, archive):
    no_purpose = _add(field, consent={"record": True, "trial": False, "reparations": False})
    draft = testimonies.create(field.conn, field.vault, field.user, full_record()).id
    refused = testimonies.create(field.conn, field.vault, field.user,
                                 {"consent": {"record": False}}, completed=True).id
    plan = selection.plan(field.conn, field.vault, field.user, "handover", [archive])
    assert plan.included == [no_purpose]
    assert dict(plan.excluded) == {testimonies.load(field.conn, field.vault, draft, field.user)
                                   .witness_code: "not_complete",
                                   testimonies.load(field.conn, field.vault, refused, field.user)
                                   .witness_code: "no_consent"}


def test_a_handover_carries_every_field_and_file_byte_for_byte(field, law, archive, tmp_path):
    record_id = _with_files(field)
    original = testimonies.load(field.conn, field.vault, record_id, field.user)
    summary = _hand_over(field, law, archive, tmp_path)
    out = tmp_path / "handover.intake.age"
    bundle = bundle_reader.verify(out, [identity(law)])
    assert bundle.format_version == 3 and bundle.purpose == "handover"
    assert len(bundle.register_key) == 32
    rows, _, _ = catalogue.search(law.conn, purpose="handover")
    held, envelope, _ = catalogue.load(law.conn, law.vault, rows[0].seq)
    assert envelope["document"] == original.document
    assert envelope["restricted_fields"] == ["restricted_narrative"]
    kept = attachments.listing(law.conn, law.vault, catalogue.owner(law.conn, rows[0].seq))
    assert {a.kind for a in kept} == set(FILES)
    for item in kept:
        assert b"".join(attachments.chunks(law.conn, item)) == FILES[item.kind][0]
    assert summary.record_files[record_id][0] == original.version


def test_an_older_reader_version_cannot_carry_a_handover(field, law, archive, tmp_path):
    _add(field)
    out = tmp_path / "handover.intake.age"
    export(field, [archive], out, purpose="handover")
    files = unpack(out, identity(law))
    root = root_of(files)
    info = files[f"{root}/bag-info.txt"].decode().replace("Intake-Format-Version: 3",
                                                           "Intake-Format-Version: 2")
    files[f"{root}/bag-info.txt"] = info.encode()
    head = json.loads(files[f"{root}/data/bundle.json"])
    head["format_version"] = 2
    files[f"{root}/data/bundle.json"] = json.dumps(head).encode()
    for name in [n for n in files if "/data/records/" in n]:
        envelope = json.loads(files[name])
        envelope["bundle_format"] = 2
        files[name] = json.dumps(envelope).encode()
    _signed_by_field(field, files)
    pack(files, public(law), tmp_path / "v2.intake.age")
    _refused(law, tmp_path / "v2.intake.age", "purpose 'handover' is unknown in format version 2",
             trust=fingerprint(field))


def test_only_a_handover_carries_a_register_key(field, law, lawyers, tmp_path):
    _add(field)
    out = tmp_path / "trial.intake.age"
    export(field, [lawyers], out)
    files = unpack(out, identity(law))
    root = root_of(files)
    head = json.loads(files[f"{root}/data/bundle.json"])
    head["register_key"] = "ab" * 32
    files[f"{root}/data/bundle.json"] = json.dumps(head).encode()
    _signed_by_field(field, files)
    pack(files, public(law), tmp_path / "keyed.intake.age")
    _refused(law, tmp_path / "keyed.intake.age", "only a hand-over, carries a register key",
             trust=fingerprint(field))


# ---- the receipt ----

def test_a_receipt_destroys_what_was_handed_over_and_keeps_what_was_edited_since(
        field, law, archive, tmp_path):
    ids = [_add(field) for _ in range(3)] + [_with_files(field)]
    later = _add(field)  # never handed over
    summary = _hand_over(field, law, archive, tmp_path, ids=ids)
    assert receipts.handover_states(field.conn) == dict.fromkeys(ids, "handed_over")
    edited = ids[0]
    record = testimonies.load(field.conn, field.vault, edited, field.user)
    testimonies.save(field.conn, field.vault, field.user, edited,
                     {**record.document, "notes": "Seen again after the hand-over."})
    assert receipts.handover_states(field.conn)[edited] == "edited"
    files_before = sorted(p.name for p in field.config.attachments_path.iterdir())
    assert files_before

    applied = _apply(field, _receipt(law, summary.bundle_id))
    assert len(applied.shredded) == 3 and applied.kept == [record.witness_code]
    assert _ids(field) == {edited, later}
    assert list(field.config.attachments_path.iterdir()) == []  # the one record with files went
    assert field.conn.execute("SELECT count(*) FROM attachments").fetchone() == (0,)
    for gone in ids[1:]:
        with pytest.raises(testimonies.NotFound):
            testimonies.load(field.conn, field.vault, gone, field.user)
    events = [e for e in audit.entries(field.conn) if e.event == "receipt_applied"]
    assert len(events) == 1 and events[0].detail["kept"] == [record.witness_code]


def test_a_receipt_lists_each_record_version_and_file_sha256(field, law, archive, tmp_path):
    ids = [_add(field), _add(field)]
    summary = _hand_over(field, law, archive, tmp_path)
    receipt = receipts.read(_receipt(law, summary.bundle_id))
    assert receipt.bundle_id == summary.bundle_id and receipt.laptop == fingerprint(field)
    assert {(r.id, r.version, r.sha256) for r in receipt.records} == \
        {(i, *summary.record_files[i]) for i in ids}
    assert receipt.signer == own_keys.signing_key(law.conn, law.vault).fingerprint


def test_only_a_handover_gets_a_receipt(field, law, lawyers, tmp_path):
    _add(field)
    out = tmp_path / "trial.intake.age"
    summary = export(field, [lawyers], out)
    import_(law, out, trust=fingerprint(field))
    with pytest.raises(receipts.ReceiptError, match="no hand-over with that bundle id"):
        _receipt(law, summary.bundle_id)


def test_a_forged_receipt_is_refused_with_nothing_destroyed(field, law, archive, tmp_path):
    _add(field)
    summary = _hand_over(field, law, archive, tmp_path)
    data = _receipt(law, summary.bundle_id)
    before = _ids(field)
    outer = json.loads(data)
    body = base64.b64decode(outer["signed"]).replace(b'"version": 1', b'"version": 2')
    outer["signed"] = base64.b64encode(body).decode()
    with pytest.raises(receipts.ReceiptError, match="signature does not verify"):
        _apply(field, json.dumps(outer).encode(), trust=None)
    flipped = bytearray(data)
    flipped[data.index(b'"signature": "') + 20] ^= 0x01
    with pytest.raises(receipts.ReceiptError):
        _apply(field, bytes(flipped), trust=None)
    with pytest.raises(receipts.ReceiptError, match="not a hand-over receipt"):
        _apply(field, b"not json", trust=None)
    assert _ids(field) == before


def test_an_archive_key_is_pinned_on_first_use_and_another_is_refused(field, law, archive,
                                                                      tmp_path):
    _add(field)
    first = _hand_over(field, law, archive, tmp_path, name="first")
    data = _receipt(law, first.bundle_id)
    with pytest.raises(receipts.ReceiptTrustError, match="compare it with the archive") as caught:
        _apply(field, data, trust=None)
    assert caught.value.can_trust
    with pytest.raises(receipts.ReceiptTrustError, match="not the fingerprint given"):
        _apply(field, data, trust="0000 0000 0000 0000")
    assert len(_ids(field)) == 1
    _apply(field, data)
    second_record = _add(field)
    second = _hand_over(field, law, archive, tmp_path, name="second")
    impostor = _resigned(_receipt(law, second.bundle_id), lambda body: None, new_signing_key())
    with pytest.raises(receipts.ReceiptTrustError, match="is pinned to key") as caught:
        _apply(field, impostor, trust=receipts.read(impostor).signer)
    assert not caught.value.can_trust
    assert _ids(field) == {second_record}
    _apply(field, _receipt(law, second.bundle_id), trust=None)  # the pinned key needs no trust
    assert _ids(field) == set()


def test_a_receipt_for_another_laptop_is_refused(field, law, archive, tmp_path):
    _add(field)
    summary = _hand_over(field, law, archive, tmp_path)
    other = _instance(tmp_path / "other", "Field office 2")
    try:
        mine = testimonies.create(other.conn, other.vault, other.user, full_record(),
                                  completed=True).id
        with pytest.raises(receipts.ReceiptError, match="another laptop"):
            _apply(other, _receipt(law, summary.bundle_id))
        assert _ids(other) == {mine}
    finally:
        other.conn.close()
        other.vault.close()


def test_a_receipt_listing_a_version_the_handover_did_not_carry_is_refused(field, law, archive,
                                                                           tmp_path):
    record_id = _add(field)
    _hand_over(field, law, archive, tmp_path, name="first")
    record = testimonies.load(field.conn, field.vault, record_id, field.user)
    testimonies.save(field.conn, field.vault, field.user, record_id,
                     {**record.document, "notes": "A correction."})
    second = _hand_over(field, law, archive, tmp_path, name="second")

    def older(body):
        body["records"][0]["version"] = 1

    stale = _resigned(_receipt(law, second.bundle_id), older, law=law)
    with pytest.raises(receipts.ReceiptError, match="did not carry; nothing was shredded"):
        _apply(field, stale)

    def other_file(body):
        body["records"][0]["sha256"] = "0" * 64

    with pytest.raises(receipts.ReceiptError, match="did not carry"):
        _apply(field, _resigned(_receipt(law, second.bundle_id), other_file, law=law))
    assert _ids(field) == {record_id}


def test_a_replayed_receipt_is_refused(field, law, archive, tmp_path):
    ids = [_add(field), _add(field)]
    summary = _hand_over(field, law, archive, tmp_path)
    record = testimonies.load(field.conn, field.vault, ids[0], field.user)
    testimonies.save(field.conn, field.vault, field.user, ids[0],
                     {**record.document, "notes": "Edited."})
    data = _receipt(law, summary.bundle_id)
    _apply(field, data)
    assert _ids(field) == {ids[0]}
    for again in (data, _receipt(law, summary.bundle_id)):  # the same, or a new one for it
        with pytest.raises(receipts.ReceiptError, match="applied already"):
            _apply(field, again)
    assert _ids(field) == {ids[0]}


def test_what_a_receipt_destroyed_gets_no_revocation_but_what_was_destroyed_by_hand_does(
        field, law, archive, tmp_path):
    received, by_hand = _add(field), _add(field)
    summary = _hand_over(field, law, archive, tmp_path, name="first")
    record = testimonies.load(field.conn, field.vault, by_hand, field.user)
    testimonies.save(field.conn, field.vault, field.user, by_hand,
                     {**record.document, "notes": "Edited."})
    _apply(field, _receipt(law, summary.bundle_id))
    assert _ids(field) == {by_hand}
    testimonies.delete(field.conn, field.vault, field.user, by_hand)  # she asked us to
    _add(field)
    plan = selection.plan(field.conn, field.vault, field.user, "handover", [archive])
    assert [n["record_id"] for n in plan.revocations] == [by_hand] and len(plan.included) == 1
    assert received not in {n["record_id"] for n in plan.revocations}


def test_the_version_written_for_each_purpose():
    assert {p: exports.format_version(p) for p in ("reparations", "research", "handover")} == \
        {"reparations": 1, "research": 3, "handover": 3}  # research keeps version-3 fields


def test_a_receipt_carries_the_register_without_a_name_and_the_laptop_remembers_it(
        field, law, archive, tmp_path):
    document = full_record()
    document["survivor"].update(full_name="Khalida Khalaf Murad", other_names=["Umm Ali"],
                                date_of_birth="1994", place_of_origin="Kocho")
    record = testimonies.create(field.conn, field.vault, field.user, document, completed=True)
    summary = _hand_over(field, law, archive, tmp_path)
    data = _receipt(law, summary.bundle_id)
    outer = json.loads(data)
    text = base64.b64decode(outer["signed"]).decode()
    readable = re.sub(r"[0-9a-f]{32,}", "<hash>", text)  # a hash's hex may hold "1994" by chance
    unsigned = json.dumps({k: v for k, v in outer.items() if k not in ("signed", "signature")})
    for word in ("Khalida", "Khalaf", "Murad", "Umm Ali", "1994", "Kocho", "khalida", "murad"):
        assert word not in readable and word not in unsigned
    (entry,) = receipts.read(data).register
    assert entry["record_id"] == record.id and entry["names"] and entry["chains"]
    _apply(field, data)
    later = testimonies.create(field.conn, field.vault, field.user,
                               {**full_record(), "survivor": {"full_name": "خالدة خلف مراد",
                                                              "date_of_birth": "1995"}},
                               completed=True)
    found = register.candidates(field.conn, field.vault, field.user, later.document,
                                exclude=later.id)
    assert [(c.witness_code, c.where, c.strong) for c in found] == \
        [(record.witness_code, "archive", True)]
