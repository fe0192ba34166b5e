"""Changes to who can unlock the home: a new user with a key slot, a changed passphrase, the
panic passphrase. Each refuses a weak passphrase (home/passphrase_policy.py), rewrites the
key-slot file under its lock and leaves an audit entry."""

from __future__ import annotations

from intake.config import Config
from intake.home import audit
from intake.home.errors import InstanceError
from intake.home.instance import editing_slots
from intake.home.passphrase_policy import require_strong
from intake.home.users import User, clean_name, insert_user
from intake.store.connection import connect
from intake.store.transactions import transaction
from intake.vault.keys import Vault


def require_user_passphrase(name: str, passphrase: str) -> None:
    """:class:`WeakPassphrase` unless ``passphrase`` may be the user ``name``'s."""
    require_strong(passphrase, (name,))


def add_user(config: Config, vault: Vault, name: str, role: str, passphrase: str) -> None:
    """A new user with their own key slot; the store row and the slot are both written or
    neither is."""
    require_user_passphrase(name, passphrase)
    name = clean_name(name)
    with editing_slots(config, vault) as slots:
        label = slots.label_for(name)
        if label in slots.slots:
            raise InstanceError(f"A user named {name!r} already exists.")
        conn = connect(config.database_path, vault.db_key)
        try:
            with transaction(conn):
                insert_user(conn, label, name, role)
                audit.record(conn, vault, None, "user_added", name=name, role=role)
                slots.set_user(name, passphrase, vault.master, config.kdf)
                slots.save()
        finally:
            conn.close()


def set_panic_passphrase(config: Config, vault: Vault, user: User, panic: str | None) -> None:
    """Set (or, with ``None``, remove) the panic passphrase: given at sign-in, with any name, it
    destroys every passphrase slot on this laptop and fails like a wrong passphrase
    (docs/security.md, "Panic passphrase")."""
    if panic is not None:
        require_strong(panic, (user.name,))
    with editing_slots(config, vault) as slots:
        if panic is not None and slots.opens_user(user.name, panic):  # pure: sets nothing off
            raise InstanceError("The panic passphrase must differ from your passphrase.")
        slots.panic = None
        if panic is not None:
            slots.set_panic(panic, config.kdf)
        slots.save()
    conn = connect(config.database_path, vault.db_key)
    try:
        audit.record(conn, vault, user, "panic_set" if panic else "panic_removed")
    finally:
        conn.close()


def set_passphrase(config: Config, vault: Vault, name: str, new_passphrase: str) -> None:
    """Rewrap one user's slot under a new passphrase; nothing else is re-encrypted."""
    require_user_passphrase(name, new_passphrase)
    with editing_slots(config, vault) as slots:
        if slots.label_for(name) not in slots.slots:
            raise InstanceError("No such user.")
        slots.set_user(name, new_passphrase, vault.master, config.kdf)
        slots.save()
    conn = connect(config.database_path, vault.db_key)
    try:
        audit.record(conn, vault, None, "passphrase_changed", name=clean_name(name))
    finally:
        conn.close()
