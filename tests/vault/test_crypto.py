"""Sealing, key derivation and the recovery key: round trips, and every tampering refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.vault.crypto import CryptoError, KdfParams, derive_key, open_sealed, passphrase_key, random_key, seal
from intake.vault.recovery_key import RecoveryKeyError, new_recovery_key, normalise_recovery_key

KEY = bytes(range(32))


@given(st.binary(max_size=2000), st.binary(max_size=64))
def test_seal_round_trip(plaintext, aad):
    assert open_sealed(KEY, seal(KEY, plaintext, aad), aad) == plaintext


@given(st.binary(min_size=1, max_size=200), st.data())
def test_any_flipped_bit_is_refused(plaintext, data):
    blob = bytearray(seal(KEY, plaintext, b"aad"))
    index = data.draw(st.integers(0, len(blob) - 1))
    blob[index] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises(CryptoError):
        open_sealed(KEY, bytes(blob), b"aad")


@given(st.binary(max_size=100), st.integers(0, 40))
def test_truncation_is_refused(plaintext, cut):
    blob = seal(KEY, plaintext, b"")
    with pytest.raises(CryptoError):
        open_sealed(KEY, blob[: max(0, len(blob) - 1 - cut)], b"")


def test_wrong_key_and_wrong_context_are_refused():
    blob = seal(KEY, b"testimony", b"record 1 v1")
    with pytest.raises(CryptoError):
        open_sealed(random_key(), blob, b"record 1 v1")
    with pytest.raises(CryptoError):
        open_sealed(KEY, blob, b"record 2 v1")


def test_subkeys_differ_by_purpose_and_are_stable():
    assert derive_key(KEY, "sqlcipher") == derive_key(KEY, "sqlcipher")
    assert derive_key(KEY, "sqlcipher") != derive_key(KEY, "record-wrap")


def test_passphrase_key_is_normalised_and_salted():
    cheap = KdfParams(memory_kib=64, time_cost=1, parallelism=1)
    composed, decomposed = "Şêx", "S\u0327e\u0302x"
    assert passphrase_key(composed, b"s" * 16, cheap) == passphrase_key(decomposed, b"s" * 16, cheap)
    assert passphrase_key(composed, b"s" * 16, cheap) != passphrase_key(composed, b"t" * 16, cheap)


def test_recovery_key_shape_and_forgiving_input():
    key = new_recovery_key()
    groups = key.split("-")
    assert len(groups) == 11 and all(len(g) == 4 for g in groups)
    sloppy = " ".join(groups).lower().replace("o", "0").replace("i", "1").replace("b", "8")
    assert normalise_recovery_key(sloppy) == key


@given(st.data())
def test_recovery_key_typo_is_caught(data):
    key = new_recovery_key().replace("-", "")
    index = data.draw(st.integers(0, len(key) - 1))
    replacement = data.draw(st.sampled_from([c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
                                             if c != key[index]]))
    typo = key[:index] + replacement + key[index + 1:]
    with pytest.raises(RecoveryKeyError):
        normalise_recovery_key(typo)


@pytest.mark.parametrize("text", ["", "ABCD", "Ж" * 44, "one character too many"])
def test_malformed_recovery_keys(text):
    if text == "one character too many":  # made here, not at collection, so every worker agrees
        text = new_recovery_key() + "A"
    with pytest.raises(RecoveryKeyError):
        normalise_recovery_key(text)


@given(st.binary(max_size=2000), st.data())
def test_a_signature_fails_on_any_change_to_the_message_or_signature(message, data):
    from intake.vault.crypto import new_signing_key, public_key_pem, sign, verify_signature

    key = new_signing_key()
    pem, signature = public_key_pem(key), sign(key, message)
    verify_signature(pem, signature, message)
    if message:
        index = data.draw(st.integers(0, len(message) - 1))
        changed = bytearray(message)
        changed[index] ^= 1 << data.draw(st.integers(0, 7))
        with pytest.raises(CryptoError):
            verify_signature(pem, signature, bytes(changed))
    flipped = bytearray(signature)
    flipped[data.draw(st.integers(0, 63))] ^= 1
    with pytest.raises(CryptoError):
        verify_signature(pem, bytes(flipped), message)
    with pytest.raises(CryptoError):
        verify_signature(public_key_pem(new_signing_key()), signature, message)


@pytest.mark.parametrize("pem", [b"", b"not a key", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"])
def test_a_malformed_public_key_is_a_crypto_error(pem):
    from intake.vault.crypto import verify_signature

    with pytest.raises(CryptoError):
        verify_signature(pem, b"x" * 64, b"message")


def test_age_keys_are_checked_and_identity_files_read_like_age_keygen_writes_them():
    from intake.vault import agefile

    identity = agefile.new_identity()
    recipient = agefile.public_key(identity)
    assert agefile.check_recipient(f"  {recipient}\n") == recipient
    for bad in ("", "age1", recipient[:-1], recipient.upper() + "x", identity):
        with pytest.raises(agefile.AgeError):
            agefile.check_recipient(bad)
    text = agefile.identity_file(identity, "2026-01-01T00:00:00+00:00")
    assert agefile.identities_in(text) == [identity]
    with pytest.raises(agefile.AgeError):
        agefile.identities_in("# only a comment\n")
