"""An instance's home: creating it, unlocking it (passphrase or recovery key), and the panic wipe.

Layout of a home (default ``./instance``): ``keys/keyslots.json`` (key slots, see vault/keyslots.py)
and ``intake.db`` (the SQLCipher store). Both are created with owner-only permissions.

Every way in with a passphrase (web sign-in, unlock, the current passphrase of a change, every
command) goes through :func:`unlock`, so the panic passphrase does the same thing on each:
:func:`panic_wipe` (docs/security.md, "Panic passphrase").
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from intake.clock import now_utc
from intake.config import Config
from intake.home.errors import InstanceError
from intake.home.mode import require_mode, store_mode
from intake.home.passphrase_policy import require_strong
from intake.home.users import User, clean_name, insert_user, user_by_label
from intake.store.connection import Connection, connect
from intake.store.settings import get_setting, set_setting
from intake.store.transactions import transaction
from intake.vault.crypto import random_key
from intake.vault.keys import Vault, close_every_vault
from intake.vault.keyslots import KeySlotFile, PanicUnlock, UnlockError, editing, sweep_leftovers
from intake.vault.recovery_key import RecoveryKeyError, new_recovery_key, normalise_recovery_key


def require_first_passphrase(org: str, user_name: str, passphrase: str) -> None:
    """:class:`WeakPassphrase` unless ``passphrase`` may be the first user's (asked before the
    recovery key is shown, and again by :func:`initialise`)."""
    require_strong(passphrase, (user_name, org))


def initialise(config: Config, org: str, user_name: str, passphrase: str,
               recovery_key: str | None = None, *, mode: str = "field") -> str:
    """Create a new home with its first (admin) user, as a field laptop or an archive
    (home/mode.py); returns the recovery key to show once."""
    require_first_passphrase(org, user_name, passphrase)
    require_mode(mode)
    sweep_leftovers(config.keyslot_path)
    if config.is_initialised:
        raise InstanceError(f"{config.home} already holds an instance.")
    org, user_name = clean_name(org), clean_name(user_name)
    recovery_key = recovery_key or new_recovery_key()
    master = random_key()
    config.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    for leftover in config.home.glob(config.database_path.name + "*"):
        leftover.unlink()  # an earlier attempt that never wrote its key slots
    slots = KeySlotFile.new(config.keyslot_path)
    vault = Vault(master)
    try:
        label = slots.set_user(user_name, passphrase, master, config.kdf)
        slots.set_recovery(normalise_recovery_key(recovery_key), master, config.kdf)
        conn = connect(config.database_path, vault.db_key)
        try:
            with transaction(conn):
                set_setting(conn, "organisation", org)
                set_setting(conn, "created_at", now_utc())
                store_mode(conn, mode)
                insert_user(conn, label, user_name, "admin")
        finally:
            conn.close()
        slots.save()  # last: until this file exists, the home is not an instance
    except BaseException:
        for partial in config.home.glob(config.database_path.name + "*"):
            partial.unlink()
        shutil.rmtree(config.keyslot_path.parent, ignore_errors=True)
        raise
    finally:
        vault.close()
    return recovery_key


def load_slots(config: Config) -> KeySlotFile:
    sweep_leftovers(config.keyslot_path)  # what a crash mid-write left (vault/keyslots.py)
    if not config.is_initialised:
        raise InstanceError(f"No instance at {config.home}; run 'intake init' first.")
    return KeySlotFile.load(config.keyslot_path)


def user_count(config: Config) -> int:
    """How many users can sign in with a passphrase (the key slots tell the number, not names)."""
    return len(load_slots(config).user_labels())


def unlock(config: Config, name: str | None, passphrase: str) -> tuple[Vault, User]:
    """The vault and user for a name and passphrase, or :class:`UnlockError`; with ``name``
    None, the home's only user. The panic passphrase, with any name, runs :func:`panic_wipe`
    and then fails like a wrong passphrase."""
    try:
        label, master = load_slots(config).open_user(name, passphrase)
    except PanicUnlock:
        panic_wipe(config)
        raise
    vault = Vault(master)
    try:
        conn = connect(config.database_path, vault.db_key)
    except BaseException:
        vault.close()
        raise
    try:
        user = user_by_label(conn, label)
    finally:
        conn.close()
    if user is None:
        vault.close()
        raise UnlockError("slot without a user")
    return vault, user


def panic_wipe(config: Config) -> None:
    """What the panic passphrase does, wherever it is typed: close every vault open in this
    process, which locks every web session (web/sessions.py), then keep only the recovery slot
    (overwriting the old key-slot file in place). Vaults first: an edit of the slots that is
    under way finishes before the wipe, and any later one finds its vault closed."""
    close_every_vault()
    with editing_slots(config) as slots:
        slots.destroy_passphrase_slots()


@contextmanager
def editing_slots(config: Config, vault: Vault | None = None) -> Iterator[KeySlotFile]:
    """The key slots for one change, with no other change in this process in between; refused
    if ``vault`` was closed meanwhile (a panic), so nothing is written under a wiped key."""
    if not config.is_initialised:
        load_slots(config)  # the one-line "no instance" error
    with editing(config.keyslot_path) as slots:
        if vault is not None and vault.closed:
            raise InstanceError("This session was locked; nothing was changed.")
        yield slots


def unlock_with_recovery(config: Config, recovery_key: str) -> Vault:
    try:
        canonical = normalise_recovery_key(recovery_key)
    except RecoveryKeyError:
        raise UnlockError("malformed recovery key") from None
    return Vault(load_slots(config).open_recovery(canonical))


def organisation(conn: Connection) -> str:
    return get_setting(conn, "organisation", "") or ""


