"""Key slots: the file that lets each passphrase, and the recovery key, unlock the master key.

Modelled on LUKS key slots: one random master key; each slot holds it wrapped (AES-256-GCM) by a
key derived with Argon2id from one secret. Changing a passphrase rewrites one slot; nothing else
is re-encrypted. A slot is found by an HMAC label of the user's name, so the file names nobody.

Reading the file never changes it: :meth:`KeySlotFile.open_user` only *recognises* the panic
passphrase; home/instance.py decides what then happens. Writing goes through :func:`replace_slot_file`,
which keeps the replace atomic and overwrites the old file in place before it goes (see there);
changes run one at a time, across threads and processes (:func:`editing`).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from intake import atomic
from intake.vault.crypto import CryptoError, KdfParams, keyed_hash, open_sealed, passphrase_key, seal

FORMAT_VERSION = 1
RECOVERY_LABEL = "recovery"
PANIC_LABEL = "panic"
_PANIC_SEAL = b"testimony-intake panic"


class UnlockError(Exception):
    """No slot opened with the secret given."""


class PanicUnlock(UnlockError):
    """The panic passphrase was given: the passphrase slots are gone (only recovery remains)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def user_label(label_key: bytes, name: str) -> str:
    """The slot label of a user name: case and Unicode form do not matter."""
    return keyed_hash(label_key, unicodedata.normalize("NFKC", name).strip().casefold())


@dataclass
class KeySlot:
    """The master key wrapped under one secret."""

    label: str
    salt: bytes
    kdf: KdfParams
    wrapped: bytes

    @classmethod
    def create(cls, label: str, secret: str, master: bytes, kdf: KdfParams) -> KeySlot:
        if not any(master):  # the master key of a vault closed meanwhile: wiped to zeros
            raise CryptoError("no master key to wrap")
        salt = secrets.token_bytes(16)
        kek = passphrase_key(secret, salt, kdf)
        return cls(label, salt, kdf, seal(kek, bytes(master), _aad(label)))

    def open(self, secret: str) -> bytes:
        kek = passphrase_key(secret, self.salt, self.kdf)
        return open_sealed(kek, self.wrapped, _aad(self.label))

    def to_json(self) -> dict:
        return {"label": self.label, "salt": _b64(self.salt), "kdf": self.kdf.as_dict(),
                "wrapped": _b64(self.wrapped)}

    @classmethod
    def from_json(cls, data: dict) -> KeySlot:
        return cls(data["label"], _unb64(data["salt"]), KdfParams(**data["kdf"]),
                   _unb64(data["wrapped"]))


def _aad(label: str) -> bytes:
    return f"testimony-intake keyslot v{FORMAT_VERSION} {label}".encode()


@dataclass
class KeySlotFile:
    """All slots of one instance, plus the random key that makes name labels."""

    path: Path
    label_key: bytes
    slots: dict[str, KeySlot] = field(default_factory=dict)
    panic: KeySlot | None = None  # seals a fixed text, never the master key

    @classmethod
    def new(cls, path: Path) -> KeySlotFile:
        return cls(path, secrets.token_bytes(32))

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        sweep_leftovers(path)
        try:
            data = json.loads(path.read_text("utf-8"))
            if data.get("format") != FORMAT_VERSION:
                raise UnlockError(f"key slot file {path} has an unknown format")
            slots = {s["label"]: KeySlot.from_json(s) for s in data["slots"]}
            panic = KeySlot.from_json(data["panic"]) if data.get("panic") else None
            return cls(path, _unb64(data["label_key"]), slots, panic)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UnlockError(f"key slot file {path} is unreadable: {exc}") from None

    def save(self) -> None:
        data = {"format": FORMAT_VERSION, "label_key": _b64(self.label_key),
                "slots": [s.to_json() for s in self.slots.values()],
                **({"panic": self.panic.to_json()} if self.panic else {})}
        replace_slot_file(self.path, json.dumps(data, indent=1).encode("utf-8"))

    def label_for(self, name: str) -> str:
        return user_label(self.label_key, name)

    def set_user(self, name: str, passphrase: str, master: bytes, kdf: KdfParams) -> str:
        label = self.label_for(name)
        self.slots[label] = KeySlot.create(label, passphrase, master, kdf)
        return label

    def set_recovery(self, recovery_key: str, master: bytes, kdf: KdfParams) -> None:
        self.slots[RECOVERY_LABEL] = KeySlot.create(RECOVERY_LABEL, recovery_key, master, kdf)

    def user_labels(self) -> list[str]:
        """The labels of the users' slots: how many users there are, never who."""
        return [label for label in self.slots if label != RECOVERY_LABEL]

    def open_user(self, name: str | None, passphrase: str) -> tuple[str, bytes]:
        """(label, master key) for a user's passphrase, or :class:`UnlockError`;
        :class:`PanicUnlock` if it is the panic passphrase. Changes nothing either way. With
        ``name`` None, the slot of the only user; with none or several, nothing opens."""
        if name is None:
            labels = self.user_labels()
            label = labels[0] if len(labels) == 1 else ""  # "" is no slot: a wrong passphrase
        else:
            label = self.label_for(name)
        try:
            return label, self._open(label, passphrase)
        except UnlockError:
            if self.is_panic(passphrase):
                raise PanicUnlock("wrong secret") from None
            raise

    def opens_user(self, name: str, passphrase: str) -> bool:
        """Whether ``passphrase`` opens ``name``'s own slot (no panic check, no side effect)."""
        try:
            self._open(self.label_for(name), passphrase)
        except UnlockError:
            return False
        return True

    def set_panic(self, passphrase: str, kdf: KdfParams) -> None:
        self.panic = KeySlot.create(PANIC_LABEL, passphrase, _PANIC_SEAL, kdf)

    def is_panic(self, secret: str) -> bool:
        """Costs one derivation whether or not a panic passphrase is set, so that a failed
        attempt takes as long either way."""
        slot = self.panic or next(iter(self.slots.values()), None)
        if slot is None:
            return False
        try:
            return self.panic is not None and slot.open(secret) == _PANIC_SEAL
        except CryptoError:
            return False

    def destroy_passphrase_slots(self) -> None:
        """Keep only the recovery slot; the master key then opens with the recovery key alone.
        The old file is overwritten in place as it is replaced (:func:`replace_slot_file`)."""
        self.slots = {RECOVERY_LABEL: self.slots[RECOVERY_LABEL]} if RECOVERY_LABEL in self.slots else {}
        self.panic = None
        self.save()

    def open_recovery(self, recovery_key: str) -> bytes:
        return self._open(RECOVERY_LABEL, recovery_key)

    def _open(self, label: str, secret: str) -> bytes:
        slot = self.slots.get(label)
        if slot is None:
            # Spend the same work as a real attempt, so timing does not tell which names exist.
            decoy = next(iter(self.slots.values()), None)
            if decoy is not None:
                passphrase_key(secret, decoy.salt, decoy.kdf)
            raise UnlockError("no such slot")
        try:
            return slot.open(secret)
        except CryptoError:
            raise UnlockError("wrong secret") from None


class _SlotFileLock:
    """One edit, write or sweep of the key-slot file at a time: across threads (a re-entrant
    lock) and across processes (an exclusive lock on ``.keyslots.json.lock``, taken by the
    outermost holder), so an edit that loaded the slots before a panic cannot write them back
    after it, and a sweep never takes a file that a write elsewhere is still using."""

    def __init__(self) -> None:
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd = -1

    @contextmanager
    def held(self, path: Path) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._fd = _lock_file(path.with_name(f".{path.name}.lock"))
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    _unlock_file(self._fd)


if sys.platform == "win32":
    import msvcrt

    def _lock_file(lock_path: Path) -> int:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for 10 s, then OSError
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _unlock_file(fd: int) -> None:
        try:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)
else:
    import fcntl

    def _lock_file(lock_path: Path) -> int:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _unlock_file(fd: int) -> None:
        os.close(fd)  # closing the descriptor releases the lock


_lock = _SlotFileLock()


@contextmanager
def editing(path: Path) -> Iterator[KeySlotFile]:
    """The slots at ``path``, loaded for a change that the caller saves before leaving."""
    with _lock.held(path):
        yield KeySlotFile.load(path)


def _old_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.old")


def replace_slot_file(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash at any point leaves the old or the new file
    readable under ``path``, and the old file's blocks are then overwritten in place.

    The steps: write the new file under a temporary name and fsync it; give the old file a
    second name (a hard link, ``.keyslots.json.old``); rename the new file over ``path``
    (atomic); fsync the directory; overwrite the old file through its second name with random
    bytes of its full length and fsync; unlink it and fsync the directory. ``path`` always names
    a whole file. A crash after the rename leaves the ``.old`` name, and :func:`sweep_leftovers`
    (run at every load and write) overwrites and removes it; one before the rename leaves a
    temporary file, swept the same way. Where the file system has no hard links, the old file
    is renamed to ``.old`` instead, and a sweep that finds ``.old`` but no ``path`` puts it back.
    """
    with _lock.held(path):
        _sweep(path)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        old = _old_name(path)
        had_old = path.exists()
        try:
            _write_new(tmp, data)
            if had_old:
                _keep_old(path, old)
            _swap(tmp, path)
        except BaseException:
            _sweep(path)  # the old file stays (or is put back) under its name
            raise
        _sync_dir(path.parent)
        if had_old:
            _shred(old)
            _forget(old)
            _sync_dir(path.parent)


def sweep_leftovers(path: Path) -> None:
    """Overwrite and remove what a crash in :func:`replace_slot_file` left beside ``path``."""
    if not path.parent.is_dir():
        return  # no home yet: nothing to sweep, and no lock file to make
    with _lock.held(path):
        _sweep(path)


def _sweep(path: Path) -> None:
    old = _old_name(path)
    if old.exists() and not path.exists():
        atomic.replace(old, path)  # crashed between the two renames of the fallback
    elif old.exists():
        if not old.samefile(path):  # the replaced file: its blocks still hold its slots
            _shred(old)
        _forget(old)  # (if it is the live file's second name, only the name goes)
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        _shred(tmp)  # a new file that never went live still holds slots
        _forget(tmp)


def _write_new(tmp: Path, data: bytes) -> None:
    with atomic.create_binary(tmp, exclusive=True) as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _keep_old(path: Path, old: Path) -> None:
    """Give the live file a second name, so its blocks can be overwritten after the swap."""
    try:
        os.link(path, old)
    except OSError:
        atomic.replace(path, old)  # no hard links (FAT): a sweep puts it back after a crash


def _swap(tmp: Path, path: Path) -> None:
    atomic.replace(tmp, path)


def _shred(file: Path) -> None:
    """Overwrite ``file`` in place with random bytes of its full length, then fsync: the blocks
    it had now hold noise (on file systems that overwrite in place; docs/security.md)."""
    try:
        fd = os.open(file, os.O_WRONLY | atomic.BINARY)  # overwrite byte for byte
    except FileNotFoundError:
        return
    with os.fdopen(fd, "wb") as handle:
        size = os.fstat(handle.fileno()).st_size
        for offset in range(0, size, 1 << 16):
            handle.write(secrets.token_bytes(min(1 << 16, size - offset)))
        handle.flush()
        os.fsync(handle.fileno())


def _forget(file: Path) -> None:
    file.unlink(missing_ok=True)


def _sync_dir(directory: Path) -> None:
    atomic.sync_directory(directory)
