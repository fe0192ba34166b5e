"""Bounded work before the signature is checked (docs/bundle-format.md#limits): anyone who knows
an archive's public age key can send it a bundle, so every file the reader holds in memory, every
tar header, and the number of files are capped at what a real bundle needs, and a bundle over a
cap is refused from the header that announces it, before its bytes are read. The two shapes of
the security review's finding go through the real ``intake import`` in a process of its own,
whose peak resident memory is measured."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pyrage
import pytest

from intake import tarstream
from intake.bundles import bag, own_keys
from intake.bundles import reader as bundle_reader
from tests.bundle_tools import (
    END,
    extended,
    header,
    member,
    pack,
    padding,
    pax_record,
    pax_record_of_length,
    rehash,
    resign,
    root_of,
    unpack,
)
from tests.bundles.test_bundles import bundle, field, fingerprint, identity, law, lawyers, public  # noqa: F401
from tests.conftest import ADMIN, CHEAP_KDF, PASSPHRASE

PEAK_MB = 200
ROOT = "intake-bundle-" + "a" * 32


def _age_stream(out: Path, recipient: str, blocks: Iterator[bytes]) -> Path:
    """Encrypt the plaintext ``blocks`` with the age command as they are made, never holding
    the whole plaintext."""
    with open(out, "wb") as file:
        age = subprocess.Popen(["age", "-r", recipient], stdin=subprocess.PIPE, stdout=file)  # noqa: S603, S607
        assert age.stdin is not None
        for block in blocks:
            age.stdin.write(block)
        age.stdin.close()
        assert age.wait() == 0
    return out


# Runs a command and prints its exit status and peak resident memory (KiB). It is a fresh
# program, so the measured process is spawned from a small one: a child spawned straight from a
# large pytest shares its memory until exec, and ru_maxrss would count it.
_MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _intake_in_a_process(home: Path, *args: str) -> tuple[int, str, float]:
    """Run ``intake ARGS`` on the archive at ``home``; returns its exit status, its stderr and its
    peak resident memory in MB (``ru_maxrss`` of that one process, through wait4)."""
    env = {**os.environ, "INTAKE_HOME": str(home), "INTAKE_PASSPHRASE": PASSPHRASE,
           "INTAKE_USER": ADMIN, "INTAKE_KDF_MEMORY_KIB": str(CHEAP_KDF.memory_kib),
           "INTAKE_KDF_TIME_COST": str(CHEAP_KDF.time_cost),
           "INTAKE_KDF_PARALLELISM": str(CHEAP_KDF.parallelism)}
    done = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m", "intake",  # noqa: S603
                           *args], env=env, capture_output=True, text=True, check=True)
    status, peak = done.stdout.split()[-2:]
    return int(status), done.stderr, int(peak) / 1024


def _import_in_a_process(home: Path, path: Path, tmp_path: Path) -> tuple[int, str, float]:
    return _intake_in_a_process(home, "import", str(path))


def _manifest_of_lines(lines: int) -> Iterator[bytes]:
    """bagit.txt, then a manifest-sha256.txt of ``lines`` distinct 10-byte lines, in pieces."""
    yield member(f"{ROOT}/bagit.txt", bag.BAGIT_TXT)
    yield header(f"{ROOT}/manifest-sha256.txt", lines * 10)
    step = 100_000
    for start in range(0, lines, step):
        yield "".join(f"0 {i:07x}\n" for i in range(start, min(start + step, lines))).encode()
    yield padding(lines * 10) + END


def _pax_header_of(size: int) -> Iterator[bytes]:
    """One pax extended header of ``size`` bytes (a single comment record), then bagit.txt."""
    yield header("././@PaxHeader", size, tarfile.XHDTYPE)
    prefix = f"{size} comment=".encode()
    yield prefix
    value = size - len(prefix) - 1
    piece = b"x" * (1 << 20)
    for start in range(0, value, len(piece)):
        yield piece[:value - start]
    yield b"\n" + padding(size) + member(f"{ROOT}/bagit.txt", bag.BAGIT_TXT) + END


def test_an_unsigned_bundle_of_11_million_manifest_lines_is_refused_in_bounded_memory(
        law, tmp_path):  # noqa: F811
    path = _age_stream(tmp_path / "lines.intake.age", public(law), _manifest_of_lines(11_500_000))
    assert path.stat().st_size > 115_000_000
    status, stderr, peak = _import_in_a_process(law.config.home, path, tmp_path)
    assert peak < PEAK_MB, f"peak resident memory {peak:.0f} MB"
    assert status == 1
    assert stderr.strip() == ("Error: size: manifest-sha256.txt claims 115000000 bytes, more "
                              "than a bundle holds")


def test_a_286_mib_pax_header_is_refused_in_bounded_memory(law, tmp_path):  # noqa: F811
    size = 286 << 20
    path = _age_stream(tmp_path / "pax.intake.age", public(law), _pax_header_of(size))
    status, stderr, peak = _import_in_a_process(law.config.home, path, tmp_path)
    assert peak < PEAK_MB, f"peak resident memory {peak:.0f} MB"
    assert status == 1
    assert stderr.strip() == (f"Error: structure: a tar header of {size} bytes, more than a "
                              f"bundle holds ({bag.MAX_HEADER_BYTES})")


@pytest.mark.slow
def test_the_largest_bundle_the_format_allows_verifies_in_bounded_memory(field, law, bundle,  # noqa: F811
                                                                         tmp_path):
    """20,000 records, each with an attached file, and 20,000 revocation notices, signed: every
    count at its limit, so everything the reader keeps grows as far as it can."""
    files = unpack(bundle, identity(law))
    root = root_of(files)
    records = [name for name in files if "/data/records/" in name]
    template = json.loads(files[records[0]])
    for name in records:
        del files[name]
    empty = hashlib.sha256(b"").hexdigest()
    listing = []
    for i in range(bag.MAX_RECORDS):
        record_id, witness = f"{i:032x}", f"W-{i:05d}"
        envelope = {**template, "id": record_id, "witness_code": witness,
                    "identity_disclosed": True,
                    "attachments": [{"id": record_id, "kind": "photo", "media_type": "image/png",
                                     "size": 0, "sha256": empty,
                                     "file": f"data/attachments/{record_id}.png"}]}
        files[f"{root}/data/records/{record_id}.json"] = json.dumps(envelope).encode()
        files[f"{root}/data/attachments/{record_id}.png"] = b""
        listing.append({"id": record_id, "witness_code": witness, "version": template["version"],
                        "file": f"data/records/{record_id}.json"})
    head = json.loads(files[f"{root}/data/bundle.json"])
    head["records"] = listing
    head["revocations"] = [{"record_id": f"{i:032x}"[::-1], "purpose": "trial",
                            "withdrawn_at": "2026-11-21T20:11:25+00:00"}
                           for i in range(bag.MAX_REVOCATIONS)]
    files[f"{root}/data/bundle.json"] = json.dumps(head, indent=2).encode()
    info = f"{root}/bag-info.txt"
    files[info] = b"\n".join(
        b"Intake-Record-Count: %d" % bag.MAX_RECORDS if line.startswith(b"Intake-Record-Count")
        else b"Intake-Revocation-Count: %d" % bag.MAX_REVOCATIONS
        if line.startswith(b"Intake-Revocation-Count") else line
        for line in files[info].splitlines()) + b"\n"
    rehash(files)
    resign(files, own_keys.signing_key(field.conn, field.vault).private)
    largest = pack(files, public(law), tmp_path / "largest.intake.age")
    del files, listing, head
    status, stderr, peak = _intake_in_a_process(law.config.home, "verify", str(largest))
    assert (status, stderr) == (0, "")
    assert peak < PEAK_MB, f"peak resident memory {peak:.0f} MB"


# ---- each cap, just under and just over ----

def _verify(law, path: Path) -> str:  # noqa: F811
    with pytest.raises(bundle_reader.BundleError) as refused:
        bundle_reader.verify(path, [identity(law)])
    assert "\n" not in str(refused.value)
    return str(refused.value)


HELD = ["bagit.txt", "bag-info.txt", "signing-key.pem", "tagmanifest-sha256.txt.sig",
        "tagmanifest-sha256.txt", "tagmanifest-sha512.txt", "manifest-sha256.txt",
        "manifest-sha512.txt", "data/bundle.json", "data/records/" + "b" * 32 + ".json"]


@pytest.mark.parametrize("name", HELD)
def test_a_held_file_just_over_its_cap_is_refused_from_its_header(law, bundle, tmp_path,  # noqa: F811
                                                                  name):
    cap = bag.size_limit(name)
    assert cap < 16 << 20  # the caps are derived from real bundles, not from the tar's reach
    files = unpack(bundle, identity(law))
    target = f"{root_of(files)}/{name}"
    files[target] = b"x" * cap
    assert not _verify(law, pack(files, public(law), tmp_path / "under.intake.age")) \
        .startswith("size:")
    files[target] = b"x" * (cap + 1)
    assert _verify(law, pack(files, public(law), tmp_path / "over.intake.age")) == \
        f"size: {name} claims {cap + 1} bytes, more than a bundle holds"


def _with_pax(files: dict[str, bytes], records: bytes, recipient: str, out: Path) -> Path:
    """The bag with a pax extended header of ``records`` before its first file."""
    plain = b"".join((extended(records) if i == 0 else b"") + member(name, data)
                     for i, (name, data) in enumerate(files.items())) + END
    out.write_bytes(pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(recipient)]))
    return out


def test_a_pax_header_at_its_cap_is_read_and_one_byte_over_is_refused(law, bundle, tmp_path):  # noqa: F811
    files = unpack(bundle, identity(law))
    cap = bag.MAX_HEADER_BYTES
    at_cap = _with_pax(files, pax_record_of_length("comment", cap), public(law),
                       tmp_path / "at.intake.age")
    assert bundle_reader.verify(at_cap, [identity(law)]).passed
    over = _with_pax(files, pax_record_of_length("comment", cap + 1), public(law),
                     tmp_path / "over.intake.age")
    assert _verify(law, over) == (f"structure: a tar header of {cap + 1} bytes, more than a "
                                  f"bundle holds ({cap})")


def test_a_gnu_long_name_over_the_header_cap_is_refused_before_it_is_read(law, tmp_path):  # noqa: F811
    name = f"{ROOT}/data/records/" + "b" * (10 << 20)
    plain = member("././@LongLink", name.encode() + b"\0", tarfile.GNUTYPE_LONGNAME) + \
        member(f"{ROOT}/bagit.txt", bag.BAGIT_TXT) + END
    path = tmp_path / "long.intake.age"
    path.write_bytes(pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(public(law))]))
    assert _verify(law, path).startswith("structure: a tar header of ")


def test_a_long_name_under_the_cap_is_refused_by_name(law, tmp_path):  # noqa: F811
    name = f"{ROOT}/data/records/" + "b" * 4000 + ".json"
    plain = member("././@LongLink", name.encode() + b"\0", tarfile.GNUTYPE_LONGNAME) + \
        member("x", b"{}") + END
    path = tmp_path / "long.intake.age"
    path.write_bytes(pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(public(law))]))
    assert _verify(law, path).startswith("structure: unexpected file ")


def _encrypted(law, plain: bytes, path: Path) -> Path:  # noqa: F811
    path.write_bytes(pyrage.encrypt(plain, [pyrage.x25519.Recipient.from_str(public(law))]))
    return path


def test_sparse_files_are_refused(law, tmp_path):  # noqa: F811
    name = f"{ROOT}/data/records/{'b' * 32}.json"
    old_gnu = member(name, b"", tarfile.GNUTYPE_SPARSE) + END
    assert "sparse" in _verify(law, _encrypted(law, old_gnu, tmp_path / "s.intake.age"))
    gnu_1_0 = extended(pax_record("GNU.sparse.major", "1") + pax_record("GNU.sparse.minor", "0")
                       + pax_record("GNU.sparse.name", name)
                       + pax_record("GNU.sparse.realsize", "10")) + \
        member(f"{ROOT}/GNUSparseFile.0/x", b"99999999\n" + b"1\n" * 2000) + END
    assert "sparse" in _verify(law, _encrypted(law, gnu_1_0, tmp_path / "s1.intake.age"))
    gnu_0_1 = extended(pax_record("GNU.sparse.map", ",".join(["1"] * 2000))
                       + pax_record("GNU.sparse.size", "10")) + member(name, b"{}") + END
    assert "sparse" in _verify(law, _encrypted(law, gnu_0_1, tmp_path / "s01.intake.age"))


def test_a_chain_of_extended_headers_ends_in_a_clean_refusal(law, tmp_path):  # noqa: F811
    chain = extended(pax_record("comment", "x")) * 3000 + member(f"{ROOT}/bagit.txt",
                                                                 bag.BAGIT_TXT) + END
    assert _verify(law, _encrypted(law, chain, tmp_path / "chain.intake.age")) == \
        "structure: more than 3 tar headers in a row before a file"


def test_global_headers_are_counted(law, bundle, tmp_path):  # noqa: F811
    files = unpack(bundle, identity(law))
    def before_files(count: int) -> bytes:  # a global header before each of the first files
        return b"".join((extended(pax_record(f"comment{i}", "x" * 60_000), tarfile.XGLTYPE)
                         if i < count else b"") + member(name, data)
                        for i, (name, data) in enumerate(files.items())) + END

    one = _encrypted(law, before_files(1), tmp_path / "one.intake.age")
    assert bundle_reader.verify(one, [identity(law)]).passed
    many = _encrypted(law, before_files(bag.MAX_GLOBAL_HEADERS + 1), tmp_path / "g.intake.age")
    assert _verify(law, many) == \
        f"structure: more than {bag.MAX_GLOBAL_HEADERS} global pax headers"


def test_more_attached_files_than_a_bundle_holds_are_refused_at_the_header(law, bundle,  # noqa: F811
                                                                           tmp_path):
    files = unpack(bundle, identity(law))
    root = root_of(files)
    records = [n for n in files if "/data/records/" in n]  # two: each lists half the files
    empty = hashlib.sha256(b"").hexdigest()
    ids = [f"{i:032x}" for i in range(bag.MAX_ATTACHMENTS + 1)]
    plain = b""
    for half, name in enumerate(records):
        envelope = json.loads(files[name])
        envelope["attachments"] = [{"id": i, "kind": "photo", "media_type": "image/png",
                                    "size": 0, "sha256": empty, "file": f"data/attachments/{i}.png"}
                                   for i in ids[half::2]]
        record = json.dumps(envelope, separators=(",", ":")).encode()
        assert len(record) <= bag.MAX_RECORD_BYTES
        plain += member(name, record)
    plain += b"".join(member(f"{root}/data/attachments/{i}.png", b"") for i in ids) + END
    assert _verify(law, _encrypted(law, plain, tmp_path / "many.intake.age")) == \
        f"size: more than {bag.MAX_ATTACHMENTS} attached files, more than a bundle holds"


def test_a_negative_size_is_refused(law, tmp_path):  # noqa: F811
    block = bytearray(header(f"{ROOT}/bagit.txt", 0))
    block[124:136] = b"\xff" * 12  # base-256: -1
    block[148:156] = b" " * 8
    block[148:156] = b"%06o\0 " % sum(block)
    plain = bytes(block) + END
    assert _verify(law, _encrypted(law, plain, tmp_path / "neg.intake.age")).startswith(
        ("size:", "structure:"))


def test_the_writer_refuses_to_make_a_file_over_its_cap():
    stream = bag.BagStream(io.BytesIO(), ROOT, 0)
    stream.add_payload(f"records/{'b' * 32}.json", b"x" * bag.MAX_RECORD_BYTES)
    with pytest.raises(ValueError, match="more than a bundle holds"):
        stream.add_payload(f"records/{'c' * 32}.json", b"x" * (bag.MAX_RECORD_BYTES + 1))


@pytest.mark.parametrize(("pieces", "message"), [
    ([], "shorter"), ([b"12345"], "shorter"), ([b"123", b"", b"45"], "shorter"),
    ([b"1234567"], "longer"), ([b"123456", b"7"], "longer"), ([b"1234", b"5678"], "longer"),
])
def test_a_streamed_member_must_hold_exactly_the_bytes_it_announces(pieces, message):
    stream = tarstream.TarStream(io.BytesIO(), 0)
    with pytest.raises(ValueError, match=f"^{ROOT}/data/x is {message} than its declared 6 bytes$"):
        stream.add_stream(f"{ROOT}/data/x", 6, iter(pieces))


def test_the_tar_stream_is_the_pax_tar_tarfile_writes_and_each_producer_runs_to_its_end():
    ended = []

    def produce() -> Iterator[bytes]:
        yield from (bytes([n]) * 70_000 for n in range(3))
        ended.append(True)  # an attachment is authenticated here, after its last piece

    out = io.BytesIO()
    stream = tarstream.TarStream(out, 1_700_000_000, mode=0o600)
    stream.add(f"{ROOT}/bagit.txt", bag.BAGIT_TXT)
    stream.add_stream(f"{ROOT}/data/attachments/a.ogg", 210_000, produce())
    stream.add_stream(f"{ROOT}/data/empty", 0, iter([b""]))
    stream.close()
    assert ended == [True]
    expected = io.BytesIO()
    with tarfile.open(fileobj=expected, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for name, data in [("bagit.txt", bag.BAGIT_TXT),
                           ("data/attachments/a.ogg", b"".join(bytes([n]) * 70_000 for n in range(3))),
                           ("data/empty", b"")]:
            member = tarfile.TarInfo(f"{ROOT}/{name}")
            member.size, member.mtime, member.mode = len(data), 1_700_000_000, 0o600
            tar.addfile(member, io.BytesIO(data))
    assert out.getvalue() == expected.getvalue()


def test_a_record_of_many_tiny_json_values_is_refused_before_it_is_parsed(law, tmp_path):  # noqa: F811
    record_id = "b" * 32
    bomb = b'{"id": "%s", "x": [' % record_id.encode() + b"{}," * 1_000_000 + b"{}]}"
    assert len(bomb) <= bag.MAX_RECORD_BYTES  # within the size limit: 1,000,001 objects
    plain = member(f"{ROOT}/data/records/{record_id}.json", bomb) + END
    assert _verify(law, _encrypted(law, plain, tmp_path / "bomb.intake.age")) == (
        f"records: data/records/{record_id}.json is not a valid record (more than "
        f"{bundle_reader.MAX_RECORD_VALUES} values)")


def test_a_streamed_member_reads_whole_when_asked_for_all_of_it():
    content = tarstream._Exactly("data/x", 5, iter([b"ab", b"cde"]))
    assert content.read(1) == b"a" and content.read() == b"bcde"
    with pytest.raises(ValueError, match="longer than its declared 5 bytes"):
        tarstream._Exactly("data/x", 5, iter([b"abc", b"def"])).read()


def test_a_tar_given_up_by_a_failure_writes_nothing_more():
    """Without this, tarfile ends the archive when it is collected: into a file already given
    up (an age writer abandoned by a failed export), which raises inside garbage collection."""
    out = io.BytesIO()
    with pytest.raises(ValueError, match="stop"), tarstream.TarStream(out, 0) as tar:
        tar.add("a", b"x")
        raise ValueError("stop")
    written = out.getvalue()
    del tar
    gc.collect()
    assert out.getvalue() == written
    with tarstream.TarStream(out, 0) as whole:
        whole.add("a", b"x")
    assert len(out.getvalue()) > len(written) + 2 * 512  # ended properly when all went well
