"""Reading a bundle on the legal team's side: decrypt, check everything, then hand out records.

:func:`verify` streams the age file once, in memory, and checks what docs/bundle-format.md
promises: age authentication to the last chunk, a tar of plain files with expected names only,
both payload and tag manifests, Payload-Oxum, the Ed25519 signature over tagmanifest-sha256.txt,
the format version, that every record is a valid testimony for the bundle's purpose, that each
carries the survivor's consent to that purpose, and that every attached file follows the record
that lists it, matches the SHA-256 and size the record gives, and is a kind the purpose's profile
allows. Nothing is trusted until the whole file has passed. :func:`records` streams it a second
time for import, checking each file against the verified manifest again, so memory stays flat
(attached files pass through in pieces, into a sink the importer chooses).

Anyone who knows the archive's public age key can send a bundle, so the work done before the
signature is checked is bounded (docs/bundle-format.md#limits): each file the reader holds is
refused from its tar header when it is over its limit (intake/bundles/bag.py), so are tar headers
(intake/tarstream.py) and the number of records and attached files, and a JSON file is parsed
only when the number of its values is bounded too. The signature over tagmanifest-sha256.txt
(4 KiB at most) is checked before the payload manifests and bundle.json are parsed.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intake import tarstream
from intake.bundles.bag import (
    ALGORITHMS,
    BAGIT_TXT,
    MAX_ATTACHMENT_BYTES,
    MAX_GLOBAL_HEADERS,
    MAX_HEADER_BYTES,
    MAX_RECORD_BYTES,
    MAX_RECORDS,
    MAX_REVOCATIONS,
    PUBLIC_KEY_FILE,
    SIGNATURE_FILE,
    counted,
    size_limit,
)
from intake.bundles.export import FORMAT_PURPOSES, newest_field
from intake.bundles.fingerprints import fingerprint
from intake.bundles.profiles import profile
from intake.hashing import hashed, pieces
from intake.records.consent import HANDOVER, consent_given
from intake.records.schema import DocumentError, validate
from intake.vault import agefile
from intake.vault.crypto import CryptoError, verify_signature

_ROOT = re.compile(r"^intake-bundle-([0-9a-f]{32})$")
_RECORD = re.compile(r"^data/records/([0-9a-f]{32})\.json$")
_ATTACHMENT = re.compile(r"^data/attachments/[0-9a-f]{32}\.[a-z0-9]{1,5}$")
_PAYLOAD = {"data/bundle.json", "data/redaction-report.json", "data/custody.json"}
_TAGS = {"bagit.txt", "bag-info.txt", PUBLIC_KEY_FILE, SIGNATURE_FILE,
         *(f"{kind}-{a}.txt" for kind in ("manifest", "tagmanifest") for a in ALGORITHMS)}
_HELD = {*_TAGS, "data/bundle.json"}  # and the records; everything else is only hashed
# Parsed, each JSON value costs 50 to 200 bytes however few it takes in the file ("[{},{},…"
# grows 24 times), so the number of values is bounded as well as the size.
MAX_RECORD_VALUES = 200_000  # a record with 1,000 incidents has about 30,000
MAX_BUNDLE_JSON_VALUES = 10_000 + 16 * (MAX_RECORDS + MAX_REVOCATIONS)  # 9 per entry, 7 per notice
MAX_LABEL = 64  # a witness code (W-0042) or a fingerprint (64 digits), as a record gives them
_PIECE = 1 << 16
__all__ = ["MAX_ATTACHMENT_BYTES", "MAX_BUNDLE_JSON_VALUES", "MAX_RECORD_BYTES", "MAX_RECORD_VALUES",
           "Bundle", "BundleError", "Check",
           "records", "verify"]


class BundleError(Exception):
    """The bundle fails a check; the message is one line naming the check. ``bundle`` is the
    report so far, where the check that failed knew it."""

    def __init__(self, message: str, *, bundle: Bundle | None = None):
        super().__init__(message)
        self.bundle = bundle


@dataclass
class Check:
    name: str
    passed: bool
    detail: str = ""


@dataclass
class Bundle:
    """What a verified bundle says about itself."""

    bundle_id: str = ""
    purpose: str = ""
    organisation: str = ""
    fingerprint: str = ""
    public_pem: bytes = b""
    format_version: int = 0
    created_at: str = ""
    records: list[dict] = field(default_factory=list)
    revocations: list[dict] = field(default_factory=list)
    payload_sha256: dict[str, str] = field(default_factory=dict)
    file_sha256: str = ""
    checks: list[Check] = field(default_factory=list)
    register_key: bytes = b""  # a hand-over's only: the laptop's register key

    def record_sha256(self, record_id: str) -> str:
        """The SHA-256 of one record's file, as the verified manifest gives it."""
        return self.payload_sha256[f"data/records/{record_id}.json"]

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)


def verify(path: Path, identities: list[str]) -> Bundle:
    """Check a bundle completely; the report lists each check. Raises :class:`BundleError` with
    the first failure (the report so far is on the exception's ``bundle`` attribute)."""
    bundle = Bundle()
    _verify(path, identities, bundle)
    return bundle


def _fail(bundle: Bundle, name: str, detail: str) -> BundleError:
    bundle.checks.append(Check(name, False, detail))
    return BundleError(f"{name}: {detail}", bundle=bundle)


def _verify(path: Path, identities: list[str], bundle: Bundle) -> None:
    seen: dict[str, tuple[bytes, ...]] = {}  # payload path -> its digests, as ALGORITHMS
    tags: dict[str, bytes] = {}
    bundle_json = b""
    envelopes: dict[str, _Envelope] = {}
    expected: dict[str, tuple[str, int]] = {}  # attached file -> (SHA-256, size) its record gives
    roots: list[str] = []
    octets = 0
    file_digest = hashlib.sha256()
    try:
        for name, content, digests in _members(path, identities, file_digest, roots):
            if name in _TAGS:
                tags[name] = content
                continue
            seen[name] = tuple(bytes.fromhex(digests[a]) for a in ALGORITHMS)  # 40,000 of them
            octets += digests["size"]
            match = _RECORD.match(name)
            if match:
                envelopes[match.group(1)] = _check_record(match.group(1), content, expected)
            elif _ATTACHMENT.match(name):
                _check_attachment(name, digests, expected)
            elif name == "data/bundle.json":
                bundle_json = content
    except agefile.AgeError as exc:
        raise _fail(bundle, "decryption", str(exc)) from None
    except BundleError as exc:
        name, _, detail = str(exc).partition(": ")
        raise _fail(bundle, name, detail) from None
    bundle.file_sha256 = file_digest.hexdigest()
    bundle.checks.append(Check("decryption", True, "age file opened and authenticated"))
    missing = sorted(set(expected) - set(seen))
    if missing:
        raise _fail(bundle, "attachments", f"a record lists {missing[0]}, which is not in the bundle")
    bundle.checks.append(Check("structure", True, f"{len(seen)} payload files, names safe"))
    _check_signature(bundle, tags)  # before anything large is parsed
    _check_tags(bundle, tags, seen, octets)
    seen.clear()
    for algorithm in ALGORITHMS:
        del tags[f"manifest-{algorithm}.txt"]
    _check_contents(bundle, tags, bundle_json, envelopes, roots[0])


def _members(path: Path, identities: list[str], file_digest: hashlib._Hash | None = None,
             roots: list[str] | None = None,
             open_sink: Callable[[str], Any] | None = None) -> Iterator[tuple[str, Any, dict]]:
    """(path inside the bag, content if kept, digests) of each file; the tar and age layers are
    checked to the end before the iteration stops. The bag's directory is added to ``roots``.
    An attached file is written to ``open_sink(name)`` as it is read (see :func:`_read_member`)."""
    root = None
    names: set[str] = set()
    counts = {"records": 0, "attached files": 0}
    with open(path, "rb") as raw:
        source = _DigestReader(raw, file_digest)
        reader = agefile.decrypting_reader(source, identities)
        try:
            try:
                for archive, member in tarstream.read_members(
                        reader, max_header_bytes=MAX_HEADER_BYTES,
                        max_global_headers=MAX_GLOBAL_HEADERS):
                    root, name = _safe_name(member, root, names, counts)
                    if roots is not None and not roots:
                        roots.append(root)
                    yield name, *_read_member(archive, member, name, open_sink)
            except tarstream.TarLimitError as exc:
                raise BundleError(f"structure: {exc}") from None
            except (tarfile.TarError, UnicodeError, ValueError, EOFError) as exc:
                raise BundleError(f"structure: not a valid tar inside the age file ({exc})") from None
            reader.finish()  # the last age chunk authenticates the whole file
        finally:
            reader.close()
    if root is None:
        raise BundleError("structure: the bundle is empty")


def _safe_name(member: tarfile.TarInfo, root: str | None, names: set[str],
               counts: dict[str, int]) -> tuple[str, str]:
    """The bag-relative path of a member, or :class:`BundleError` for anything but a plain file
    with an expected name (no links, devices, sparse files, absolute paths, '..' or duplicates),
    or for one record or attached file more than a bundle holds."""
    if not member.isfile() or member.sparse is not None:
        raise BundleError(f"structure: {member.name!r} is not a plain file")
    top, _, rest = member.name.partition("/")
    if not _ROOT.match(top) or (root is not None and top != root):
        raise BundleError(f"structure: unexpected path {member.name!r}")
    if rest not in _TAGS and rest not in _PAYLOAD and not _RECORD.match(rest) \
            and not _ATTACHMENT.match(rest):
        raise BundleError(f"structure: unexpected file {member.name!r}")
    if rest in names:
        raise BundleError(f"structure: {member.name!r} appears twice")
    limit = counted(rest)
    if limit:
        kind, most = limit
        counts[kind] += 1
        if counts[kind] > most:
            raise BundleError(f"size: more than {most} {kind}, more than a bundle holds")
    names.add(rest)
    return top, rest


def _read_member(archive: tarfile.TarFile, member: tarfile.TarInfo, name: str,
                 open_sink: Callable[[str], Any] | None = None) -> tuple[Any, dict]:
    """The content of a file the reader holds (a tag file, a record, bundle.json; b"" for the
    others, which are only hashed), or for an attached file whatever ``open_sink(name)``
    returned after every piece was written to it (None: the pieces are only hashed). A file
    over its limit is refused from its header, before it is read."""
    attached = name.startswith("data/attachments/")
    held = name in _HELD or name.startswith("data/records/")
    if not 0 <= member.size <= size_limit(name):
        raise BundleError(f"size: {name} claims {member.size} bytes, more than a bundle holds")
    stream = archive.extractfile(member)
    hashes = {algorithm: hashlib.new(algorithm) for algorithm in ALGORITHMS}
    sink = open_sink(name) if attached and open_sink else None
    kept = []
    size = _PIECE if not attached else _PIECE * 16
    for piece in hashed(pieces(stream, size), *hashes.values()):  # type: ignore[arg-type]
        if sink is not None:
            sink.write(piece)
        elif held:
            kept.append(piece)
    digests: dict = {a: h.hexdigest() for a, h in hashes.items()}
    digests["size"] = member.size
    return (sink if attached else b"".join(kept)), digests


@dataclass
class _Envelope:
    """What the later checks need from one record file."""

    purpose: str
    witness_code: str
    version: int
    source: str
    bundle_format: object
    consented: bool
    kinds: list[str]
    identity_disclosed: bool
    audio_consented: bool
    newest_field: tuple[int, str]  # the newest format version a field of the record needs


def _parse_json(content: bytes, most: int) -> Any:
    """``json.loads``, or ValueError for a document of more than ``most`` objects, arrays,
    strings and numbers (a string or container counted before parsing, a number as parsed)."""
    values = content.count(b"{") + content.count(b"[") + content.count(b'"') // 2
    if values > most:
        raise ValueError(f"more than {most} values")

    def number(text: str, kind: type = int) -> Any:
        nonlocal values
        values += 1
        if values > most:
            raise ValueError(f"more than {most} values")
        return kind(text)

    return json.loads(content, parse_int=number, parse_float=lambda text: number(text, float))


def _register_key(value: object) -> bytes:
    """A hand-over's register key: 64 hexadecimal digits."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{64}", value):
        raise ValueError("a malformed register_key")
    return bytes.fromhex(value)


def _check_record(record_id: str, content: bytes, expected: dict[str, tuple[str, int]]) -> _Envelope:
    try:
        envelope = _parse_json(content, MAX_RECORD_VALUES)
        if not isinstance(envelope, dict) or envelope.get("id") != record_id:
            raise ValueError("its id does not match its file name")
        validate(envelope["document"])
        kinds = [_expect_attachment(entry, expected) for entry in envelope.get("attachments", [])]
        witness_code, source = str(envelope["witness_code"]), str(envelope["source"])
        if len(witness_code) > MAX_LABEL or len(source) > MAX_LABEL:
            raise ValueError("its witness_code or source is too long")
        return _Envelope(str(envelope["purpose"])[:MAX_LABEL], witness_code,
                         int(envelope["version"]), source,
                         envelope["bundle_format"],
                         consent_given(envelope["document"], str(envelope["purpose"])), kinds,
                         envelope.get("identity_disclosed") is True,
                         consent_given(envelope["document"], "audio"),
                         newest_field(envelope["document"]))
    except (ValueError, KeyError, TypeError, AttributeError, DocumentError, RecursionError) as exc:
        raise BundleError(f"records: data/records/{record_id}.json is not a valid record "
                          f"({str(exc).splitlines()[0][:200]})") from None


def _expect_attachment(entry: dict, expected: dict[str, tuple[str, int]]) -> str:
    """Remember the SHA-256 and size of an attached file a record lists; returns its kind."""
    path = str(entry["file"])
    if not _ATTACHMENT.match(path) or not path.startswith(f"data/attachments/{entry['id']}.") \
            or not re.fullmatch(r"[0-9a-f]{64}", str(entry["sha256"])) \
            or not isinstance(entry["size"], int) or entry["size"] < 0 or path in expected:
        raise ValueError(f"its attachment entry for {path[:80]!r} is malformed or repeated")
    expected[path] = (str(entry["sha256"]), entry["size"])
    return str(entry["kind"])[:MAX_LABEL]


def _check_attachment(name: str, digests: dict, expected: dict[str, tuple[str, int]]) -> None:
    entry = expected.get(name)
    if entry is None:
        raise BundleError(f"structure: {name} is not listed by a record before it")
    if (digests["sha256"], digests["size"]) != entry:
        raise BundleError(f"attachments: {name} does not match the SHA-256 and size its record "
                          "gives")


def _manifest(bundle: Bundle, tags: dict[str, bytes], name: str) -> dict[str, str]:
    """A manifest file as {path: digest}, or a failed check."""
    if name not in tags:
        raise _fail(bundle, "manifests", f"{name} is missing")
    entries: dict[str, str] = {}
    for line in tags[name].decode("utf-8", "replace").splitlines():
        digest, _, path = line.partition(" ")
        path = path.strip().replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        if not digest or not path or path in entries:
            raise _fail(bundle, "manifests", f"{name} has a malformed or repeated line")
        entries[path] = digest.lower()
    return entries


def _check_payload_manifest(bundle: Bundle, tags: dict[str, bytes], algorithm: str,
                            seen: dict[str, tuple[bytes, ...]]) -> None:
    """manifest-<algorithm>.txt lists exactly the payload files, each with its digest; read line
    by line against ``seen`` rather than into a second table (it has up to 40,003 lines)."""
    name, index = f"manifest-{algorithm}.txt", ALGORITHMS.index(algorithm)
    if name not in tags:
        raise _fail(bundle, "manifests", f"{name} is missing")
    listed: set[str] = set()
    differs, changed = [], ""
    for line in tags[name].decode("utf-8", "replace").splitlines():
        digest, _, path = line.partition(" ")
        path = path.strip().replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        if not digest or not path or path in listed:
            raise _fail(bundle, "manifests", f"{name} has a malformed or repeated line")
        listed.add(path)
        if path not in seen:
            differs.append(path)
        elif not changed and digest.lower() != seen[path][index].hex():
            changed = path
    if differs or len(listed) != len(seen):
        extra = sorted(set(seen) - listed) or sorted(differs)
        raise _fail(bundle, "manifests", f"payload files and {name} differ ({extra[0]})")
    if changed:
        raise _fail(bundle, "manifests", f"{changed} does not match {name}")


def _check_tags(bundle: Bundle, tags: dict[str, bytes], seen: dict[str, tuple[bytes, ...]],
                octets: int) -> None:
    if tags.get("bagit.txt") != BAGIT_TXT:
        raise _fail(bundle, "manifests", "bagit.txt is missing or not BagIt 1.0")
    for algorithm in ALGORITHMS:
        _check_payload_manifest(bundle, tags, algorithm, seen)
        tag_listed = _manifest(bundle, tags, f"tagmanifest-{algorithm}.txt")
        for path, digest in tag_listed.items():
            if path not in tags or hashlib.new(algorithm, tags[path]).hexdigest() != digest:
                raise _fail(bundle, "manifests", f"{path} does not match tagmanifest-{algorithm}.txt")
    for required in ("bag-info.txt", f"manifest-{ALGORITHMS[0]}.txt", PUBLIC_KEY_FILE):
        if required not in _manifest(bundle, tags, "tagmanifest-sha256.txt"):
            raise _fail(bundle, "manifests", f"tagmanifest-sha256.txt does not cover {required}")
    oxum = _bag_info(tags).get("Payload-Oxum", "")
    if oxum != f"{octets}.{len(seen)}":
        raise _fail(bundle, "size", f"the payload is {octets} bytes in {len(seen)} files, "
                    f"but bag-info.txt claims {oxum or 'nothing'}")
    bundle.payload_sha256 = {path: digests[0].hex() for path, digests in seen.items()}
    bundle.checks.append(Check("manifests", True, f"SHA-256 and SHA-512, payload and tags; "
                               f"Payload-Oxum {oxum}"))


def _bag_info(tags: dict[str, bytes]) -> dict[str, str]:
    info = {}
    for line in tags.get("bag-info.txt", b"").decode("utf-8", "replace").splitlines():
        label, _, value = line.partition(":")
        info[label.strip()] = value.strip()
    return info


def _check_signature(bundle: Bundle, tags: dict[str, bytes]) -> None:
    pem, signature = tags.get(PUBLIC_KEY_FILE), tags.get(SIGNATURE_FILE)
    if not pem or not signature:
        raise _fail(bundle, "signature", "the bundle carries no signature")
    if "tagmanifest-sha256.txt" not in tags:
        raise _fail(bundle, "manifests", "tagmanifest-sha256.txt is missing")
    try:
        verify_signature(pem, signature, tags["tagmanifest-sha256.txt"])
        bundle.fingerprint = fingerprint(pem)
    except CryptoError as exc:
        raise _fail(bundle, "signature", f"{exc}: the bag was changed after it was signed") from None
    bundle.public_pem = pem
    bundle.checks.append(Check("signature", True, f"Ed25519 by {bundle.fingerprint}"))


def _check_contents(bundle: Bundle, tags: dict[str, bytes], bundle_json: bytes,
                    envelopes: dict[str, _Envelope], root: str) -> None:
    info = _bag_info(tags)
    version = info.get("Intake-Format-Version", "")
    known = {str(v): v for v in FORMAT_PURPOSES}
    if version not in known:
        raise _fail(bundle, "format", f"format version {version or 'missing'} is not one this "
                    f"software reads (it reads {', '.join(known)})")
    try:
        head = _parse_json(bundle_json, MAX_BUNDLE_JSON_VALUES)
        if head["format"] != "testimony-intake-bundle":
            raise ValueError("not a bundle description")
        bundle.format_version = int(head["format_version"])
        bundle.bundle_id, bundle.purpose = str(head["bundle_id"]), str(head["purpose"])
        bundle.created_at = str(head["created_at"])
        bundle.organisation = str(head["source"]["organisation"])
        declared = str(head["source"]["fingerprint"])
        bundle.records = head["records"]
        if not isinstance(bundle.records, list) or \
                not all(isinstance(r, dict) for r in bundle.records):
            raise TypeError("records is not a list of objects")
        bundle.revocations = [{"record_id": str(r["record_id"]), "purpose": str(r["purpose"]),
                               "withdrawn_at": str(r["withdrawn_at"])} for r in head["revocations"]]
        if "register_key" in head:
            bundle.register_key = _register_key(head["register_key"])
        del head  # the notices were copied; 20,000 of them are 10 MB parsed
    except (ValueError, KeyError, TypeError, RecursionError):
        raise _fail(bundle, "format", "data/bundle.json is missing or malformed") from None
    problems = []
    if bundle.format_version != known[version]:
        problems.append(f"bundle.json has format version {bundle.format_version}")
    if bundle.purpose not in FORMAT_PURPOSES[known[version]] \
            or info.get("Intake-Purpose") != bundle.purpose:
        problems.append(f"purpose {bundle.purpose!r} is unknown in format version {version} "
                        "or disagrees with bag-info.txt")
    if declared != bundle.fingerprint or info.get("Intake-Instance-Fingerprint") != declared:
        problems.append("the declared instance fingerprint is not the signer's")
    if info.get("External-Identifier") != bundle.bundle_id or root != f"intake-bundle-{bundle.bundle_id}":
        problems.append("the bundle id disagrees with bag-info.txt or the directory name")
    if info.get("Intake-Revocation-Count") != str(len(bundle.revocations)):
        problems.append("the number of revocation notices disagrees with bag-info.txt")
    listed = {str(r.get("id")): r for r in bundle.records}
    if set(listed) != set(envelopes) or info.get("Intake-Record-Count") != str(len(envelopes)):
        problems.append("the list of records disagrees with the record files")
    for record_id, seen in envelopes.items():
        entry = listed.get(record_id, {})
        if seen.purpose != bundle.purpose or entry.get("witness_code") != seen.witness_code \
                or entry.get("version") != seen.version or seen.source != bundle.fingerprint \
                or seen.bundle_format != known[version]:
            problems.append(f"record {record_id} disagrees with bundle.json")
            break
    newer = sorted((seen.witness_code, *seen.newest_field) for seen in envelopes.values()
                   if seen.newest_field[0] > known[version])
    if newer:
        code, needs, path = newer[0]
        problems.append(f"{code} holds {path}, a field of format version {needs}, "
                        f"in a version {version} bundle")
    if (bundle.purpose == HANDOVER) != bool(bundle.register_key):
        problems.append("a hand-over, and only a hand-over, carries a register key")
    if any(r["purpose"] != bundle.purpose for r in bundle.revocations):
        problems.append("a revocation notice is for another purpose")
    if problems:
        raise _fail(bundle, "format", problems[0])
    bundle.checks.append(Check("format", True, f"version {version}, purpose "
                               f"{bundle.purpose}, {len(envelopes)} records, "
                               f"{len(bundle.revocations)} revocations"))
    refused = sorted(seen.witness_code for seen in envelopes.values() if not seen.consented)
    if refused:
        raise _fail(bundle, "consent", f"{refused[0]} carries no consent for {bundle.purpose}")
    bundle.checks.append(Check("consent", True, f"every record consents to {bundle.purpose}"))
    rules = profile(bundle.purpose)
    for seen in envelopes.values():
        allowed = rules.attachment_kinds(seen.identity_disclosed)
        for kind in seen.kinds:
            if kind not in allowed or (kind == "audio" and not seen.audio_consented):
                raise _fail(bundle, "attachments", f"{seen.witness_code} carries a {kind} file, "
                            f"which a {bundle.purpose} bundle may not carry")
    files = sum(len(seen.kinds) for seen in envelopes.values())
    bundle.checks.append(Check("attachments", True, f"{files} attached files, each matching its "
                               "record's SHA-256, of kinds the purpose allows"))


def records(path: Path, identities: list[str], bundle: Bundle,
            open_sink: Callable[[str], Any] | None = None) -> Iterator[tuple[str, dict, Any]]:
    """What a bundle :func:`verify` passed carries, each file checked again against the verified
    manifest (the file could have changed in between): ``("record", envelope, None)``, and after
    its record each attached file as ``("attachment", its entry in that record, whatever
    open_sink returned)`` once all its bytes were written there and matched the manifest."""
    count = 0
    listed: dict[str, dict] = {}
    for name, content, digests in _members(path, identities, open_sink=open_sink):
        if name in _TAGS or name in _PAYLOAD:
            if name in bundle.payload_sha256 and digests["sha256"] != bundle.payload_sha256[name]:
                raise BundleError(f"manifests: {name} changed since it was verified", bundle=bundle)
            continue
        if bundle.payload_sha256.get(name) != digests["sha256"] or \
                (_ATTACHMENT.match(name) and name not in listed):
            raise BundleError(f"manifests: {name} changed since it was verified", bundle=bundle)
        if _ATTACHMENT.match(name):
            yield "attachment", listed.pop(name), content
            continue
        count += 1
        envelope = json.loads(content)
        listed.update({entry["file"]: entry for entry in envelope.get("attachments", [])})
        yield "record", envelope, None
    if count != len(bundle.records):
        raise BundleError("manifests: the file changed since it was verified", bundle=bundle)


class _DigestReader:
    """Hashes the encrypted bytes as age reads them (the bundle's file fingerprint)."""

    def __init__(self, raw: object, digest: hashlib._Hash | None):
        self._raw, self._digest = raw, digest

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)  # type: ignore[attr-defined]
        if self._digest is not None:
            self._digest.update(data)
        return data

    def readinto(self, buffer: memoryview) -> int:
        count = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if self._digest is not None and count:
            self._digest.update(buffer[:count])
        return count
