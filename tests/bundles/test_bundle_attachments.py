"""Attached files in evidence bundles: each purpose carries only the kinds its profile allows
(identifying files only with consent to disclose identity, recordings only with consent to audio,
nothing in research), the files open with the standard tools byte for byte, the archive keeps
them encrypted under its own keys without duplicates, and every forgery is refused."""

# ruff: noqa: F811 - the field, law and lawyers fixtures come from test_bundles
from __future__ import annotations

import hashlib
import io
import subprocess

import bagit
import pytest

from intake.archive import catalogue
from intake.bundles import reader as bundle_reader
from intake.records import attachments, testimonies
from tests.bundle_tools import pack, unpack
from tests.bundles.test_bundles import (  # noqa: F401
    _refused,
    _signed_by_field,
    archive_state,
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

FILES = {"audio": (b"OggS-voice-" * 9000, "audio/ogg"),
         "consent_form": (b"%PDF-1.4 signed form " * 500, "application/pdf"),
         "id_document": (b"\x89PNG id card " * 800, "image/png"),
         "photo": (b"\xff\xd8\xff photo " * 700, "image/jpeg")}


def _record_with_files(field, **consent) -> str:
    document = full_record()
    document["consent"].update(consent)
    record = testimonies.create(field.conn, field.vault, field.user, document, completed=True)
    for kind, (data, media) in FILES.items():
        if kind == "audio" and not consent.get("audio"):
            continue
        upload = attachments.receive(io.BytesIO(data), field.config.attachments_path)
        testimonies.attach(field.conn, field.vault, field.user, record.id, upload, kind=kind,
                           filename=f"{kind}.bin", declared_type=media)
    return record.id


def _carried(bundle, law) -> dict[str, bytes]:
    files = unpack(bundle, identity(law))
    return {name: data for name, data in files.items() if "/data/attachments/" in name}


@pytest.mark.parametrize(("purpose", "consent", "kinds"), [
    ("trial", {"audio": True, "identity_to_prosecutors": True},
     {"audio", "consent_form", "id_document", "photo"}),
    ("trial", {"audio": True, "identity_to_prosecutors": False}, set()),
    ("trial", {"audio": False, "identity_to_prosecutors": True},
     {"consent_form", "id_document", "photo"}),
    ("reparations", {"audio": True}, {"consent_form", "id_document"}),
    ("research", {"audio": True, "research": True, "identity_to_prosecutors": True}, set()),
])
def test_each_purpose_carries_only_what_its_profile_allows(field, law, lawyers, tmp_path,
                                                           purpose, consent, kinds):
    _record_with_files(field, **consent)
    out = tmp_path / f"{purpose}.intake.age"
    export(field, [lawyers], out, purpose=purpose)
    carried = _carried(out, law)
    wanted = {hashlib.sha256(FILES[k][0]).hexdigest(): k for k in kinds}
    assert {hashlib.sha256(d).hexdigest() for d in carried.values()} == set(wanted)
    assert bundle_reader.verify(out, [identity(law)]).passed


def test_files_open_with_age_tar_and_bagit_byte_for_byte(field, law, lawyers, tmp_path):
    _record_with_files(field, audio=True, identity_to_prosecutors=True)
    out = tmp_path / "trial.intake.age"
    summary = export(field, [lawyers], out)
    (tmp_path / "identity.txt").write_text(identity(law) + "\n")
    subprocess.run(f"age -d -i identity.txt {out.name} | tar x", shell=True, check=True,  # noqa: S602
                   cwd=tmp_path)
    root = tmp_path / f"intake-bundle-{summary.bundle_id}"
    bagit.Bag(str(root)).validate()
    found = {p.read_bytes() for p in (root / "data" / "attachments").iterdir()}
    assert found == {data for data, _ in FILES.values()}


def test_the_archive_keeps_files_encrypted_once_and_serves_them(field, law, lawyers, tmp_path):
    record_id = _record_with_files(field, audio=True, identity_to_prosecutors=True)
    first = tmp_path / "first.intake.age"
    export(field, [lawyers], first)
    result = import_(law, first, trust=fingerprint(field))
    assert result.counts["attachments"] == 4
    stored = list(law.config.attachments_path.glob("*.age"))
    assert len(stored) == 4
    assert not any(data[:12] in p.read_bytes() for p in stored for data, _ in FILES.values())

    # A newer version of the record carries the same files again: none is stored twice.
    testimonies.save(field.conn, field.vault, field.user, record_id,
                     testimonies.load(field.conn, field.vault, record_id, field.user).document)
    testimonies.complete(field.conn, field.vault, field.user, record_id)
    second = tmp_path / "second.intake.age"
    export(field, [lawyers], second)
    assert import_(law, second).counts["updated"] == 1
    assert len(list(law.config.attachments_path.glob("*.age"))) == 4

    (seq,) = law.conn.execute("SELECT seq FROM archive_records").fetchone()
    held = attachments.listing(law.conn, law.vault, catalogue.owner(law.conn, seq))
    assert sorted(a.kind for a in held) == sorted(FILES)
    for item in held:
        assert b"".join(attachments.chunks(law.conn, item)) == FILES[item.kind][0]


@pytest.fixture
def with_files(field, law, lawyers, tmp_path):
    _record_with_files(field, audio=True, identity_to_prosecutors=True)
    out = tmp_path / "good.intake.age"
    export(field, [lawyers], out)
    return unpack(out, identity(law))


def _name(files, kind_bytes: bytes) -> str:
    return next(n for n, d in files.items() if "/data/attachments/" in n and d == kind_bytes)


def test_a_swapped_file_with_recomputed_manifests_and_signature_is_refused(field, law, with_files,
                                                                         tmp_path):
    """Even someone holding the field's signing key cannot slip in a file its record does not
    vouch for."""
    name = _name(with_files, FILES["photo"][0])
    with_files[name] = b"\xff\xd8\xff another photo"
    _signed_by_field(field, with_files)
    forged = pack(with_files, public(law), tmp_path / "forged.intake.age")
    _refused(law, forged, "does not match the SHA-256", trust=fingerprint(field))


def test_a_missing_or_unlisted_file_is_refused(field, law, with_files, tmp_path):
    name = _name(with_files, FILES["audio"][0])
    data = with_files.pop(name)
    _signed_by_field(field, with_files)
    _refused(law, pack(with_files, public(law), tmp_path / "missing.intake.age"),
             "not in the bundle", trust=fingerprint(field))
    with_files[name.replace(name.rsplit("/", 1)[1][:8], "0" * 8)] = data
    _signed_by_field(field, with_files)
    _refused(law, pack(with_files, public(law), tmp_path / "unlisted.intake.age"),
             "not listed by a record", trust=fingerprint(field))


def test_a_research_bundle_carrying_a_recording_is_refused(field, law, with_files, tmp_path):
    root = next(iter(with_files)).split("/")[0]
    for name in list(with_files):
        if name.endswith(".json") or name.endswith("bag-info.txt"):
            with_files[name] = with_files[name].replace(b'"trial"', b'"research"').replace(
                b"Intake-Purpose: trial", b"Intake-Purpose: research")
    for name in with_files:
        if "/data/records/" in name:
            with_files[name] = with_files[name].replace(b'"research": false', b'"research": true')
    _signed_by_field(field, with_files)
    forged = pack(with_files, public(law), tmp_path / "research.intake.age")
    before = archive_state(law)
    with pytest.raises(bundle_reader.BundleError, match="may not carry"):
        import_(law, forged, trust=fingerprint(field))
    assert archive_state(law) == before and root
    assert not list(law.config.attachments_path.glob("*"))


def test_the_archive_page_plays_and_downloads_imported_files(field, law, lawyers, tmp_path):
    import re

    from intake.web.app import create_app
    from tests.conftest import sign_in

    _record_with_files(field, audio=True, identity_to_prosecutors=True)
    out = tmp_path / "trial.intake.age"
    export(field, [lawyers], out)
    import_(law, out, trust=fingerprint(field))
    client = create_app(law.config).test_client()
    assert sign_in(client).status_code == 302
    (seq,) = law.conn.execute("SELECT seq FROM archive_records").fetchone()
    page = client.get(f"/archive/records/{seq}").get_data(as_text=True)
    assert page.count("<audio controls") == 1
    links = set(re.findall(rf'href="(/archive/records/{seq}/attachments/[0-9a-f]{{32}})"', page))
    assert {client.get(link).data for link in links} == {data for data, _ in FILES.values()}
