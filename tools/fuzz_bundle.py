"""Coverage-guided fuzzing of the bundle reader with atheris (libFuzzer).

Each input is taken as the plaintext inside an age file (the tar of a bag): it is encrypted to a
fixed test identity and handed to ``bundle_reader.verify``, so the fuzzer explores the tar,
BagIt, signature and JSON layers of a bundle someone with the recipient's identity could craft.
Every input must end in a clean :class:`BundleError` (or pass); anything else is a crash. A
second mode feeds the raw bytes as the age file itself. The seed corpus in
``tools/fuzz_corpus/`` holds the plaintext of small real bundles (``bundle-*.tar``: one per
purpose in the version it is written in now, and ``bundle-trial-v1.tar`` and
``bundle-international-v2.tar`` as older software wrote them, which
tests/bundles/test_format_versions.py reads and ``--seed`` leaves alone) and of hostile shapes
around the reader's limits (``hostile-*.tar``: pax headers and GNU long names at and over their
cap, chains of headers, global headers, sparse files, negative sizes, many tiny members, and
every held file announced one byte under and over its cap, its data cut short where the cap is
large); it grows as the fuzzer finds new paths (``make fuzz``).

Run: ``python -m tools.fuzz_bundle [libFuzzer options] tools/fuzz_corpus``; ``--seed`` and
``--seed-hostile`` write the two kinds of seeds again.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris
import pyrage

with atheris.instrument_imports(include=["intake"]):
    from intake.bundles import reader as bundle_reader

IDENTITY = pyrage.x25519.Identity.generate()
RECIPIENT = IDENTITY.to_public()
_FILE = Path(tempfile.mkdtemp()) / "fuzz.intake.age"


def read(plain: bytes, *, raw: bool = False) -> None:
    """Verify ``plain`` as a bundle's contents (or, ``raw``, as the age file); only a
    :class:`BundleError` may come out."""
    _FILE.write_bytes(plain if raw else pyrage.encrypt(plain, [RECIPIENT]))
    try:
        bundle = bundle_reader.verify(_FILE, [str(IDENTITY)])
        list(bundle_reader.records(_FILE, [str(IDENTITY)], bundle))
    except bundle_reader.BundleError:
        pass


def one_input(data: bytes) -> None:
    if data[:1] == b"\x00":  # one input in 256 goes straight to the age layer
        read(data[1:], raw=True)
    else:
        read(data)


def seed(corpus: Path) -> None:
    """Write the plaintext of a few small real bundles into ``corpus``."""
    import shutil

    from intake.bundles import export as exports
    from intake.bundles import recipient_keys, selection
    from intake.records import testimonies
    from tests.bundles.test_bundles import _instance
    from tests.conftest import full_record

    home = Path(tempfile.mkdtemp())
    side = _instance(home / "field", "Field Org")
    lawyers = recipient_keys.add_recipient(side.conn, "Lawyers", str(RECIPIENT), own_archive=True)
    corpus.mkdir(exist_ok=True)
    for count, purpose in ((1, "trial"), (2, "research"), (1, "reparations"), (1, "international"),
                           (0, "handover")):
        for _ in range(count):
            record = full_record()
            record["consent"]["research"] = True
            record["consent"]["international"] = True
            # the fields of format version 3, which trial, international and research carry
            record["interview"].update(persons_present=["Layla Khalaf, interpreter"],
                                       read_back_confirmed=True, given_freely=True)
            record["interview"]["earlier_interviews"][0].update(kind="ngo", copy_available=False)
            record["incidents"][0].update(witnessed="heard", heard_from="her cousin")
            record["incidents"][0]["perpetrators"][0]["roles"] = ["bought"]
            testimonies.create(side.conn, side.vault, side.user, record, completed=True)
        out = home / f"{purpose}.intake.age"
        plan = selection.plan(side.conn, side.vault, side.user, purpose, [lawyers])
        exports.write(side.conn, side.vault, side.user, plan, [lawyers], out)
        plain = pyrage.decrypt(out.read_bytes(), [IDENTITY])
        (corpus / f"bundle-{purpose}.tar").write_bytes(plain)
    shutil.rmtree(home)


def hostile_seeds() -> dict[str, bytes]:
    """Small tars of the shapes the reader's limits are for (docs/bundle-format.md#limits)."""
    import tarfile

    from intake.bundles import bag
    from tests.bundle_tools import END, extended, header, member, pax_record, pax_record_of_length

    root = "intake-bundle-" + "a" * 32
    bagit = member(f"{root}/bagit.txt", bag.BAGIT_TXT)
    record = f"{root}/data/records/{'b' * 32}.json"
    cap = bag.MAX_HEADER_BYTES
    seeds = {
        "pax-at-cap": extended(pax_record_of_length("comment", cap)) + bagit + END,
        "pax-over-cap": extended(pax_record_of_length("comment", cap + 1)) + bagit + END,
        "pax-chain": extended(pax_record("comment", "x")) * 40 + bagit + END,
        "pax-globals": (extended(pax_record("comment", "g"), tarfile.XGLTYPE) + bagit) * 6 + END,
        "pax-size": extended(pax_record("size", "-5")) + bagit + END,
        "gnu-long-name": member("././@LongLink", (record + "b" * 4000).encode() + b"\0",
                                tarfile.GNUTYPE_LONGNAME) + bagit + END,
        "gnu-long-name-over-cap": header("././@LongLink", 10 << 20, tarfile.GNUTYPE_LONGNAME)
        + b"b" * 4096,
        "sparse-gnu": member(record, b"", tarfile.GNUTYPE_SPARSE) + END,
        "sparse-pax-1.0": extended(pax_record("GNU.sparse.major", "1")
                                   + pax_record("GNU.sparse.minor", "0")
                                   + pax_record("GNU.sparse.name", record))
        + member(f"{root}/GNUSparseFile.0/x", b"999999\n" + b"1\n" * 500) + END,
        "sparse-pax-0.1": extended(pax_record("GNU.sparse.map", ",".join(["1"] * 500)))
        + member(record, b"{}") + END,
        "many-tiny-members": b"".join(member(f"{root}/data/records/{i:032x}.json", b"{}")
                                      for i in range(64)) + END,
        "manifest-115-mb": bagit + header(f"{root}/manifest-sha256.txt", 115_000_000)
        + "".join(f"0 {i:07x}\n" for i in range(4096)).encode(),
    }
    held = ["bagit.txt", "bag-info.txt", "signing-key.pem", "tagmanifest-sha256.txt.sig",
            "tagmanifest-sha256.txt", "tagmanifest-sha512.txt", "manifest-sha256.txt",
            "manifest-sha512.txt", "data/bundle.json", f"data/records/{'b' * 32}.json"]
    for name in held:
        limit = bag.size_limit(name)
        label = name.replace("/", "-").removesuffix(".json").removesuffix(".txt")[:40]
        for side, size in (("under", limit), ("over", limit + 1)):
            data = b"x" * min(size, bag.MAX_BAG_INFO_BYTES + 1)  # cut short when the cap is large
            seeds[f"{label}-{side}-cap"] = bagit + header(f"{root}/{name}", size) + data
    return seeds


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        seed(Path(__file__).with_name("fuzz_corpus"))
        sys.exit(0)
    if sys.argv[1:] == ["--seed-hostile"]:
        for seed_name, plain in hostile_seeds().items():
            Path(__file__).with_name("fuzz_corpus").joinpath(f"hostile-{seed_name}.tar") \
                .write_bytes(plain)
        sys.exit(0)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
