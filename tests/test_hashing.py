"""Hashing while streaming (intake/hashing.py): the pieces pass unchanged, every digest sees
all of them."""

import hashlib
import io

from hypothesis import given
from hypothesis import strategies as st

from intake.hashing import HashingWriter, hashed, pieces


@given(data=st.binary(max_size=5000), size=st.integers(min_value=1, max_value=700))
def test_pieces_pass_unchanged_and_are_hashed_whole(data, size):
    sha256, sha512 = hashlib.sha256(), hashlib.sha512()
    passed = b"".join(hashed(pieces(io.BytesIO(data), size), sha256, sha512))
    assert passed == data
    assert sha256.digest() == hashlib.sha256(data).digest()
    assert sha512.digest() == hashlib.sha512(data).digest()


def test_a_writer_hashes_what_it_writes():
    out, digest = io.BytesIO(), hashlib.sha256()
    writer = HashingWriter(out, digest)
    writer.write(b"age-encryption.org/v1\n")
    writer.write(b"rest")
    writer.flush()
    assert digest.digest() == hashlib.sha256(out.getvalue()).digest()
