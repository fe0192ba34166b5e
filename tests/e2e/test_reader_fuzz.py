"""Hypothesis against the bundle reader: tars built from hostile parts (traversing, absolute,
duplicate and non-UTF-8 names, links, devices, directories, empty and oversized members, broken
manifests and JSON) always end in a clean BundleError, never another exception; so do tars of
hostile headers (pax headers and GNU long names around their cap, chains of them, global headers,
sparse files, negative and huge sizes, many tiny members), and a held file announced over its
cap is refused by its header whatever follows. The atheris fuzzer (tools/fuzz_bundle.py,
`make fuzz`) explores further from real bundles and from seeds of these shapes."""

from __future__ import annotations

import io
import tarfile

import pyrage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.bundles import bag
from intake.bundles import reader as bundle_reader
from tests.bundle_tools import END, extended, header, member, pax_record, pax_record_of_length

IDENTITY = pyrage.x25519.Identity.generate()
ROOT = "intake-bundle-" + "a" * 32
NAMES = st.sampled_from([
    f"{ROOT}/bagit.txt", f"{ROOT}/bag-info.txt", f"{ROOT}/manifest-sha256.txt",
    f"{ROOT}/tagmanifest-sha256.txt", f"{ROOT}/data/bundle.json", f"{ROOT}/signing-key.pem",
    f"{ROOT}/data/records/{'b' * 32}.json", f"{ROOT}/../escape", "/etc/passwd", "../../x",
    f"{ROOT}/data/records/../../../x.json", "other-root/bagit.txt", f"{ROOT}/data/\udcff.json",
    f"{ROOT}/data/records/{'c' * 32}.json", "", ".", f"{ROOT}/", f"{ROOT}/data",
])
CONTENTS = st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", b"{}", b"[]",
                     b"[" * 5000, b'{"id": 1}', b"Payload-Oxum: 1.1\n", b"\xff\xfe\x00",
                     b"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n"]))
TYPES = st.sampled_from([tarfile.REGTYPE, tarfile.REGTYPE, tarfile.SYMTYPE, tarfile.LNKTYPE,
                         tarfile.DIRTYPE, tarfile.CHRTYPE, tarfile.FIFOTYPE])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(NAMES, TYPES, CONTENTS), max_size=8), st.sampled_from(
    [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT]), st.booleans())
def test_hostile_tars_are_refused_cleanly(tmp_path_factory, members, form, truncate):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=form) as archive:
        for name, kind, content in members:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, "/etc/passwd"
            try:
                if kind == tarfile.REGTYPE:
                    info.size = len(content)
                    archive.addfile(info, io.BytesIO(content))
                else:
                    archive.addfile(info)
            except (ValueError, UnicodeError):
                continue  # a name this tar format cannot hold
    plain = buffer.getvalue()
    if truncate:
        plain = plain[: len(plain) // 2]
    path = tmp_path_factory.mktemp("hostile") / "b.intake.age"
    path.write_bytes(pyrage.encrypt(plain, [IDENTITY.to_public()]))
    try:
        bundle_reader.verify(path, [str(IDENTITY)])
    except bundle_reader.BundleError as refused:
        assert "\n" not in str(refused)
    else:
        raise AssertionError("a bundle without a valid signature passed")


HELD = [f"{ROOT}/{name}" for name in (
    "bagit.txt", "bag-info.txt", "signing-key.pem", "tagmanifest-sha256.txt.sig",
    "tagmanifest-sha256.txt", "tagmanifest-sha512.txt", "manifest-sha256.txt",
    "manifest-sha512.txt", "data/bundle.json", f"data/records/{'b' * 32}.json")]
CAP = bag.MAX_HEADER_BYTES
KEYWORDS = st.sampled_from(["comment", "path", "linkpath", "mtime", "size", "hdrcharset",
                            "GNU.sparse.map", "GNU.sparse.size", "GNU.sparse.major",
                            "GNU.sparse.minor", "GNU.sparse.name", "GNU.sparse.realsize"])
PAX = st.builds(lambda keyword, length, kind: extended(pax_record_of_length(keyword, length), kind),
                KEYWORDS, st.sampled_from([40, 200, CAP - 1, CAP, CAP + 1]),
                st.sampled_from([tarfile.XHDTYPE, tarfile.XGLTYPE]))
SMALL_PAX = st.builds(lambda keyword, value: extended(pax_record(keyword, value)), KEYWORDS,
                      st.sampled_from(["1", "0", "-5", "1,2,3,4", "99999999999999", "x" * 300,
                                       f"{ROOT}/bagit.txt", "BINARY"]))
LONG_NAME = st.builds(
    lambda length, kind: member("././@LongLink", (f"{ROOT}/" + "b" * length).encode() + b"\0",
                                kind),
    st.sampled_from([10, 200, CAP - len(ROOT) - 2, CAP - len(ROOT) - 1]),
    st.sampled_from([tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK]))
ANNOUNCED = st.builds(  # a held file whose header claims around its cap; its data cut short
    lambda name, delta, cut: header(name, bag.size_limit(name.split("/", 1)[1]) + delta) +
    b"x" * cut, st.sampled_from(HELD), st.sampled_from([-1, 0, 1, 10**9]), st.integers(0, 600))
TINY = st.builds(lambda count, name: member(name, b"{}") * count, st.integers(1, 300),
                 st.sampled_from(HELD))
SPARSE = st.just(member(HELD[-1], b"", tarfile.GNUTYPE_SPARSE))
CHAIN = st.builds(lambda count: extended(pax_record("comment", "x")) * count, st.integers(2, 2000))
PIECES = st.lists(st.one_of(PAX, SMALL_PAX, LONG_NAME, ANNOUNCED, TINY, SPARSE, CHAIN,
                            st.builds(lambda name, data: member(name, data), st.sampled_from(HELD),
                                      CONTENTS)), min_size=1, max_size=6)


def _refused_cleanly(path) -> str:
    try:
        bundle_reader.verify(path, [str(IDENTITY)])
    except bundle_reader.BundleError as refused:
        assert "\n" not in str(refused)
        return str(refused)
    raise AssertionError("a bundle without a valid signature passed")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PIECES, st.booleans())
def test_hostile_tar_headers_are_refused_cleanly(tmp_path_factory, pieces, end):
    path = tmp_path_factory.mktemp("headers") / "b.intake.age"
    path.write_bytes(pyrage.encrypt(b"".join(pieces) + (END if end else b""),
                                    [IDENTITY.to_public()]))
    _refused_cleanly(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HELD), st.sampled_from([1, 2, 4096, 10**9]), st.integers(0, 2000),
       st.booleans())
def test_a_held_file_announced_over_its_cap_is_refused_by_its_header(tmp_path_factory, name,
                                                                    over, cut, end):
    relative = name.split("/", 1)[1]
    size = bag.size_limit(relative) + over
    plain = header(name, size) + b"x" * cut + (END if end else b"")
    path = tmp_path_factory.mktemp("over") / "b.intake.age"
    path.write_bytes(pyrage.encrypt(plain, [IDENTITY.to_public()]))
    assert _refused_cleanly(path) == f"size: {relative} claims {size} bytes, more than a " \
        "bundle holds"
