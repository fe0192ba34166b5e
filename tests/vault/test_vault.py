"""Key slots, unlocking, passphrase change and recovery, on a real home."""

import json

import pytest

from intake.home.errors import InstanceError
from intake.home.instance import initialise, unlock, unlock_with_recovery
from intake.home.passphrases import set_passphrase
from intake.records import testimonies
from intake.store.connection import connect
from intake.store.errors import StoreError
from intake.vault.keyslots import UnlockError
from tests.conftest import ADMIN, OTHER_PASSPHRASE, PASSPHRASE, full_record


def test_wrong_passphrase_and_unknown_user_fail_cleanly(config, recovery_key):
    with pytest.raises(UnlockError):
        unlock(config, ADMIN, PASSPHRASE + "x")
    with pytest.raises(UnlockError):
        unlock(config, "nobody", PASSPHRASE)


def test_user_name_is_case_insensitive(config, recovery_key):
    vault, user = unlock(config, ADMIN.upper(), PASSPHRASE)
    assert user.name == ADMIN and user.role == "admin"
    vault.close()


def test_wrong_or_malformed_recovery_key_fails_cleanly(config, recovery_key):
    from intake.vault.recovery_key import new_recovery_key

    with pytest.raises(UnlockError):
        unlock_with_recovery(config, new_recovery_key())
    with pytest.raises(UnlockError):
        unlock_with_recovery(config, recovery_key[:-1] + ("A" if recovery_key[-1] != "A" else "B"))


def test_key_slot_file_names_nobody_and_holds_no_key(config, recovery_key, vault):
    text = config.keyslot_path.read_text("utf-8")
    assert ADMIN not in text and ADMIN.casefold() not in text
    assert vault.master.hex() not in text
    assert (config.keyslot_path.stat().st_mode & 0o077) == 0


def test_passphrase_change_rewraps_one_slot_and_keeps_records(config, vault, conn, admin,
                                                               interviewer):
    record = testimonies.create(conn, vault, admin, full_record())
    before = json.loads(config.keyslot_path.read_text())["slots"]
    db_before = config.database_path.read_bytes()
    set_passphrase(config, vault, ADMIN, "new harbour pepper quilt")
    after = json.loads(config.keyslot_path.read_text())["slots"]
    changed = [a for a, b in zip(after, before, strict=True) if a != b]
    assert len(changed) == 1
    assert config.database_path.read_bytes() == db_before  # nothing re-encrypted
    with pytest.raises(UnlockError):
        unlock(config, ADMIN, PASSPHRASE)
    again, user = unlock(config, ADMIN, "new harbour pepper quilt")
    assert testimonies.load(conn, again, record.id, user).document["survivor"]["full_name"] \
        == "Nadia Xelîl"
    unlock(config, "Dilan", OTHER_PASSPHRASE)[0].close()  # the other slot still opens


def test_recovery_sets_a_new_passphrase_and_keeps_records(config, vault, conn, admin,
                                                          recovery_key):
    record = testimonies.create(conn, vault, admin, full_record())
    recovered = unlock_with_recovery(config, recovery_key.lower().replace("-", " "))
    set_passphrase(config, recovered, ADMIN, "fresh valley copper drum")
    opened, user = unlock(config, ADMIN, "fresh valley copper drum")
    assert testimonies.load(conn, opened, record.id, user).document["narrative"][1]["text"] \
        == "أخذونا من كوجو إلى تلعفر"


def test_initialise_refuses_an_existing_home(config, recovery_key):
    with pytest.raises(InstanceError):
        initialise(config, "Other", "Someone", PASSPHRASE)


def test_failed_initialise_leaves_no_half_home(config, monkeypatch):
    import intake.home.instance as instance

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(instance, "connect", broken)
    with pytest.raises(OSError):
        initialise(config, "Org", ADMIN, PASSPHRASE)
    assert not config.is_initialised
    assert not list(config.home.glob("intake.db*"))


def test_store_refuses_a_wrong_key(config, vault):
    with pytest.raises(StoreError):
        connect(config.database_path, bytes(32))


def test_closed_vault_forgets_its_keys(config, recovery_key):
    vault, _ = unlock(config, ADMIN, PASSPHRASE)
    vault.close()
    assert vault.closed and vault.master == bytes(32)
