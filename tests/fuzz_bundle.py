"""Coverage-guided fuzzing of the bundle reader with atheris (libFuzzer).

Each input is taken as the plaintext inside an age file (the tar of a bag): it is encrypted to a
fixed test identity and handed to ``bundle_reader.verify``, so the fuzzer explores the tar, BagIt,
signature and JSON layers of a bundle someone with the recipient's identity could craft. Every
input must end in a clean :class:`BundleError` (or pass); anything else is a crash. A second mode
feeds the raw bytes as the age file itself. The seed corpus in ``tests/fuzz_corpus/`` holds the
plaintext of small real bundles; it grows as the fuzzer finds new paths (``make fuzz``).

Run: ``python -m tests.fuzz_bundle [libFuzzer options] tests/fuzz_corpus``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris
import pyrage

with atheris.instrument_imports(include=["intake"]):
    from intake import bundle_reader

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

    from intake import exports, keyring, testimonies

    from .conftest import full_record
    from .test_bundles import _instance

    home = Path(tempfile.mkdtemp())
    side = _instance(home / "field", "Field Org")
    lawyers = keyring.add_recipient(side.conn, "Lawyers", str(RECIPIENT))
    corpus.mkdir(exist_ok=True)
    for count, purpose in ((1, "trial"), (2, "research"), (1, "reparations")):
        for _ in range(count):
            record = full_record()
            record["consent"]["research"] = True
            testimonies.create(side.conn, side.vault, side.user, record, completed=True)
        out = home / f"{purpose}.intake.age"
        plan = exports.plan(side.conn, side.vault, side.user, purpose, [lawyers])
        exports.write(side.conn, side.vault, side.user, plan, [lawyers], out)
        plain = pyrage.decrypt(out.read_bytes(), [IDENTITY])
        (corpus / f"bundle-{purpose}.tar").write_bytes(plain)
    shutil.rmtree(home)


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        seed(Path(__file__).with_name("fuzz_corpus"))
        sys.exit(0)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
