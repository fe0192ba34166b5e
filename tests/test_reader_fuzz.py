"""Hypothesis against the bundle reader: tars built from hostile parts (traversing, absolute,
duplicate and non-UTF-8 names, links, devices, directories, empty and oversized members, broken
manifests and JSON) always end in a clean BundleError, never another exception. The atheris
fuzzer (tests/fuzz_bundle.py, `make fuzz`) explores further from real bundles."""

from __future__ import annotations

import io
import tarfile

import pyrage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake import bundle_reader

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
