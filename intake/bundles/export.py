"""Exports: what each record looks like after redaction, and the signed, age-encrypted bundle
that carries the records a plan lets leave (bundles/selection.py; docs/bundle-format.md). Each
record is checked again, decrypted, as it leaves.

The records come from a :class:`RecordSource`: by default this laptop's testimonies
(:class:`Testimonies`); an archive passes its hand-over records (archive/onward.py). Whatever the
source, a record is redacted, carries its files and is signed the same way.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from intake import atomic
from intake.bundles import own_keys
from intake.bundles.bag import BagStream
from intake.bundles.own_keys import SigningKey, signing_key
from intake.bundles.profiles import holds, profile
from intake.bundles.recipient_keys import Recipient
from intake.bundles.selection import ExportError, ExportPlan, exclusion
from intake.clock import now_utc
from intake.hashing import HashingWriter
from intake.home import audit
from intake.home.instance import organisation
from intake.home.users import User
from intake.records import attachments, consent, testimonies
from intake.records.attachments import Attachment
from intake.records.testimonies import Testimony
from intake.store.connection import Connection
from intake.store.transactions import transaction
from intake.vault import agefile
from intake.vault.crypto import sign
from intake.vault.keys import Vault

# The bundle format versions this software writes and reads, each with the purposes it knows
# (docs/bundle-format.md, "Versions"): version 2 adds the international purpose and nothing
# else; version 3 adds the hand-over, the statement-quality fields and the structured earlier
# interviews (FORMAT_FIELDS). A bundle is written in the oldest version that knows its purpose
# and every field its profile keeps, so an archive that reads only version 1 keeps importing
# reparations bundles, whose profile keeps none of the newer fields.
FORMAT_PURPOSES = {1: ("trial", "reparations", "research"), 2: consent.EXPORT_PURPOSES,
                   3: consent.BUNDLE_PURPOSES}
# The testimony fields a version added: a record that holds one is refused in an older bundle.
FORMAT_FIELDS: dict[int, tuple[str, ...]] = {
    3: ("interview.persons_present", "interview.read_back_confirmed", "interview.given_freely",
        "interview.earlier_interviews[].kind", "interview.earlier_interviews[].copy_available",
        "interview.earlier_interviews[].witness_code", "interview.earlier_interviews[].record_id",
        "incidents[].witnessed", "incidents[].heard_from", "incidents[].perpetrators[].roles"),
}


def format_version(purpose: str) -> int:
    """The format version a bundle for ``purpose`` is written in."""
    rules = profile(purpose)
    oldest = min(v for v, purposes in FORMAT_PURPOSES.items() if purpose in purposes)
    return max([oldest, *(v for v, paths in FORMAT_FIELDS.items()
                          if any(rules.keeps(path) for path in paths))])


def newest_field(document: dict) -> tuple[int, str]:
    """The newest format version one of the document's fields needs, and that field (the first
    of that version it holds); ``(1, "")`` when every field is in version 1."""
    for version in sorted(FORMAT_FIELDS, reverse=True):
        for path in FORMAT_FIELDS[version]:
            if holds(document, path):
                return version, path
    return 1, ""


@dataclass
class ExportSummary:
    bundle_id: str
    file_sha256: str
    plan: ExportPlan
    redactions: Counter[str] = field(default_factory=Counter)
    record_files: dict[str, tuple[int, str]] = field(default_factory=dict)  # id: version, SHA-256


class CarriedRecord(Protocol):
    """What a bundle needs of a record: a testimony here, or an archive's hand-over record."""

    id: str
    witness_code: str
    version: int
    document: dict


R = TypeVar("R", bound=CarriedRecord)


class RecordSource(Protocol[R]):
    """Where the records of a bundle come from, each checked again as it leaves."""

    def load(self, record_id: str) -> R: ...

    def refusal(self, record: R, purpose: str) -> str | None:
        """Why ``record`` may no longer leave for ``purpose`` (its consent changed since the
        plan), or ``None``."""

    def files(self, record: R, purpose: str) -> list[Attachment]:
        """The attached files a bundle for ``purpose`` carries with ``record``."""

    def custody(self, record: R, user: User, exported_at: str, bundle_id: str,
                file_sha256: str) -> dict:
        """The record's chain of custody, ending with this export."""


def _with_identity(record: CarriedRecord, purpose: str) -> bool:
    return purpose in consent.CRIMINAL_PURPOSES and \
        consent.consent_given(record.document, "identity_to_prosecutors")


def files_for(record: CarriedRecord, purpose: str, found: list[Attachment]) -> list[Attachment]:
    """Of the files ``found`` with ``record``, those a bundle for ``purpose`` carries: the kinds
    its profile allows (identifying ones only with consent to disclose identity), a recording
    only with consent to audio."""
    kinds = profile(purpose).attachment_kinds(_with_identity(record, purpose))
    return [a for a in found if a.kind in kinds
            and (a.kind != "audio" or consent.consent_given(record.document, "audio"))]


def carried_files(conn: Connection, vault: Vault, viewer: User, record: Testimony,
                  purpose: str) -> list[Attachment]:
    """The attachments a bundle for ``purpose`` carries with a testimony (:func:`files_for`)."""
    if not profile(purpose).attachment_kinds(_with_identity(record, purpose)):
        return []
    return files_for(record, purpose, attachments.listing(
        conn, vault, testimonies.owner(conn, viewer, record.id)))


class Testimonies:
    """This laptop's testimonies as the records of a bundle."""

    def __init__(self, conn: Connection, vault: Vault, viewer: User):
        self.conn, self.vault, self.viewer = conn, vault, viewer
        self._withdrawn: dict[str, dict[str, str]] = {}
        self._labels: dict[int, str] | None = None

    def load(self, record_id: str) -> Testimony:
        return testimonies.load(self.conn, self.vault, record_id, self.viewer)

    def refusal(self, record: Testimony, purpose: str) -> str | None:
        if purpose not in self._withdrawn:
            self._withdrawn[purpose] = dict(self.conn.execute(
                "SELECT record_id, withdrawn_at FROM withdrawals WHERE purpose = ?",
                (purpose,)).fetchall())
        return exclusion(record, purpose, self._withdrawn[purpose])

    def files(self, record: Testimony, purpose: str) -> list[Attachment]:
        return carried_files(self.conn, self.vault, self.viewer, record, purpose)

    def custody(self, record: Testimony, user: User, exported_at: str, bundle_id: str,
                file_sha256: str) -> dict:
        if self._labels is None:
            self._labels = {row[0]: row[1][:16]
                            for row in self.conn.execute("SELECT id, label FROM users")}
        return _custody(self.conn, record, self._labels, user, exported_at, bundle_id,
                        file_sha256)


def attachment_path(attachment: Attachment) -> str:
    """Where a carried file sits in the bag."""
    return f"data/attachments/{attachment.id}.{attachment.extension}"


def envelope(record: CarriedRecord, purpose: str, source: str,
             files: list[Attachment] | None = None) -> tuple[dict, dict]:
    """One record as it leaves for ``purpose`` (listing the ``files`` that go with it), and its
    redaction report."""
    rules = profile(purpose)
    with_identity = _with_identity(record, purpose)
    document, report = rules.apply(record.document, with_identity=with_identity)
    restricted = [name for name in rules.restricted if document.get(name)]
    return ({"bundle_format": format_version(purpose), "id": record.id, "witness_code": record.witness_code,
             "version": record.version, "purpose": purpose, "source": source,
             "identity_disclosed": with_identity, "restricted_fields": restricted,
             "attachments": [{**a.public(), "file": attachment_path(a)} for a in files or []],
             "document": document},
            {"record_id": record.id, "witness_code": record.witness_code, **report})


def preview(conn: Connection, vault: Vault, viewer: User, purpose: str,
            record_ids: list[str]) -> Iterator[tuple[dict, dict]]:
    """(envelope, report) of each record, exactly as a bundle for ``purpose`` will carry it."""
    yield from preview_from(conn, vault, Testimonies(conn, vault, viewer), purpose, record_ids)


def preview_from(conn: Connection, vault: Vault, records: RecordSource[Any], purpose: str,
                 record_ids: list[str]) -> Iterator[tuple[dict, dict]]:
    """:func:`preview` of the records of ``records``."""
    source = signing_key(conn, vault).fingerprint
    for record_id in record_ids:
        record = records.load(record_id)
        yield envelope(record, purpose, source, records.files(record, purpose))


def write(conn: Connection, vault: Vault, user: User, export: ExportPlan,
          recipients: list[Recipient], out: Path,
          progress: Callable[[int, int], None] | None = None,
          records: RecordSource[Any] | None = None) -> ExportSummary:
    """Write the bundle to ``out`` (via a ``.partial`` file renamed at the end) and remember
    what went to whom. The records are this laptop's testimonies unless ``records`` says
    otherwise."""
    if records is None:
        records = Testimonies(conn, vault, user)
    recipients = list({r.public_key: r for r in recipients}.values())  # each key once
    if not recipients:
        raise ExportError("choose at least one recipient")
    if not export.included and not export.revocations:
        raise ExportError("nothing to export: no record has consent for this purpose")
    key = signing_key(conn, vault)
    bundle_id = uuid.uuid4().hex
    summary = ExportSummary(bundle_id, "", export)
    digest = hashlib.sha256()
    with atomic.streaming(out) as pending:
        with agefile.encrypting_writer(HashingWriter(pending.file, digest),
                                       [r.public_key for r in recipients]) as encrypted:
            _write_bag(encrypted, conn, vault, user, records, export, key, bundle_id,
                       summary, progress)
            encrypted.finish()
        pending.sync()
        summary.file_sha256 = digest.hexdigest()
        with transaction(conn):
            _remember(conn, user, export, recipients, summary)
            audit.record(conn, vault, user, "export", bundle_id=bundle_id, purpose=export.purpose,
                         recipients=[r.name for r in recipients], records=export.included,
                         revocations=len(export.revocations), file_sha256=summary.file_sha256)
            pending.finish()  # in place only if remembered; a failed rename forgets it again
    return summary


def _write_bag(out: agefile.encrypting_writer, conn: Connection, vault: Vault, user: User,
               records: RecordSource[Any], export: ExportPlan, key: SigningKey, bundle_id: str,
               summary: ExportSummary, progress: Callable[[int, int], None] | None) -> None:
    with BagStream(out, f"intake-bundle-{bundle_id}", time.time()) as bag:
        _fill_bag(bag, conn, vault, user, records, export, key, bundle_id, summary, progress)


def _fill_bag(bag: BagStream, conn: Connection, vault: Vault, user: User,
              records: RecordSource[Any], export: ExportPlan, key: SigningKey,
              bundle_id: str, summary: ExportSummary,
              progress: Callable[[int, int], None] | None) -> None:
    exported_at = now_utc()
    listing, reports, custody = bytearray(), bytearray(), bytearray()
    for done, record_id in enumerate(export.included, start=1):
        record = records.load(record_id)
        if records.refusal(record, export.purpose):  # consent changed since the plan
            raise ExportError(f"consent for {record.witness_code} changed during the export; "
                              "nothing was written, start again")
        files = records.files(record, export.purpose)
        document, report = envelope(record, export.purpose, key.fingerprint, files)
        data = json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"
        path = f"records/{record_id}.json"
        bag.add_payload(path, data)
        for attached in files:  # each follows its record, streamed from its own age file
            bag.add_payload_stream(attachment_path(attached)[5:], attached.size,
                                   attachments.chunks(conn, attached))
        summary.redactions.update(report["text_redactions"])
        _append(listing, {"id": record_id, "witness_code": record.witness_code,
                          "version": record.version, "file": f"data/{path}"})
        _append(reports, report)
        summary.record_files[record_id] = (record.version, hashlib.sha256(data).hexdigest())
        _append(custody, records.custody(record, user, exported_at, bundle_id,
                                         summary.record_files[record_id][1]))
        if progress:
            progress(done, len(export.included))
    bag.add_payload("redaction-report.json", _array(reports))
    bag.add_payload("custody.json", _array(custody))
    rules = profile(export.purpose)
    head = json.dumps({
        "format": "testimony-intake-bundle", "format_version": format_version(export.purpose),
        "bundle_id": bundle_id, "purpose": export.purpose, "created_at": exported_at,
        "source": {"organisation": organisation(conn), "fingerprint": key.fingerprint},
        "profile": {"purpose": rules.purpose, "fields": rules.fields,
                    "identity_fields": rules.identity_fields, "restricted": rules.restricted,
                    "free_text": rules.free_text, "dates": rules.dates,
                    "date_overrides": rules.date_overrides, "places": rules.places},
        "revocations": export.revocations,
        **_handover_head(conn, vault, export.purpose),
    }, ensure_ascii=False, indent=2)
    # The record list was kept as encoded JSON text, so it is spliced in rather than re-parsed.
    bundle = (head[:-2] + ',\n  "records": ').encode() + _array(listing) + b"}\n"
    bag.add_payload("bundle.json", bundle)
    bag.finish([
        ("Source-Organization", organisation(conn)),
        ("Bagging-Date", exported_at[:10]),
        ("Bag-Software-Agent", "Testimony Intake"),
        ("External-Identifier", bundle_id),
        ("Intake-Format-Version", str(format_version(export.purpose))),
        ("Intake-Purpose", export.purpose),
        ("Intake-Export-Time", exported_at),
        ("Intake-Instance-Fingerprint", key.fingerprint),
        ("Intake-Record-Count", str(len(export.included))),
        ("Intake-Revocation-Count", str(len(export.revocations))),
    ], key.public_pem, lambda message: sign(key.private, message))


def _handover_head(conn: Connection, vault: Vault, purpose: str) -> dict:
    """What only a hand-over's bundle.json carries: this laptop's register key, with which the
    archive keys the register entries of its receipt (docs/register.md)."""
    if purpose != consent.HANDOVER:
        return {}
    return {"register_key": own_keys.register_key(conn, vault).hex()}


def _custody(conn: Connection, record: Testimony, labels: dict[int, str], user: User,
             exported_at: str, bundle_id: str, file_sha256: str) -> dict:
    """Who did what to a record and when; people appear as pseudonymous user labels."""
    completed_at, completed_by = conn.execute(
        "SELECT completed_at, completed_by FROM testimonies WHERE id = ?", (record.id,)).fetchone()
    events = [{"event": "created", "at": record.created_at, "by": labels.get(record.owner_id)}]
    if completed_at:
        events.append({"event": "completed", "at": completed_at, "by": labels.get(completed_by)})
    events.append({"event": "exported", "at": exported_at, "by": user.label[:16],
                   "bundle_id": bundle_id, "file_sha256": file_sha256})
    return {"record_id": record.id, "witness_code": record.witness_code, "events": events}


def _append(buffer: bytearray, item: dict) -> None:
    buffer += (b",\n    " if buffer else b"    ")
    buffer += json.dumps(item, ensure_ascii=False, separators=(", ", ": ")).encode()


def _array(buffer: bytearray) -> bytes:
    return b"[\n" + bytes(buffer) + b"\n  ]\n" if buffer else b"[]\n"


def _remember(conn: Connection, user: User, export: ExportPlan, recipients: list[Recipient],
              summary: ExportSummary) -> None:
    conn.execute("INSERT INTO exports (bundle_id, purpose, created_at, created_by, record_count, "
                 "revocation_count, file_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 (summary.bundle_id, export.purpose, now_utc(), user.id, len(export.included),
                  len(export.revocations), summary.file_sha256))
    conn.executemany("INSERT INTO export_recipients (bundle_id, name, public_key) VALUES (?, ?, ?)",
                     [(summary.bundle_id, r.name, r.public_key) for r in recipients])
    conn.executemany("INSERT INTO export_records (bundle_id, record_id, version, record_sha256) "
                     "VALUES (?, ?, ?, ?)",
                     [(summary.bundle_id, record_id, *summary.record_files[record_id])
                      for record_id in export.included])


