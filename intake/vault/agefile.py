"""The age file format (age-encryption.org/v1) through pyrage: the one module that imports it.

Bundles are age files encrypted to X25519 recipients (``age1…``); an archive's identity
(``AGE-SECRET-KEY-1…``) decrypts them, and is backed up as an age file under a passphrase
(scrypt recipient). age encrypts in 64 KiB chunks (STREAM), so both directions run in constant
memory: :class:`encrypting_writer` takes plaintext as a file the caller writes to, and
:class:`decrypting_reader` hands plaintext to the caller as a file it can read; both run age in a
helper thread.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

import pyrage

from intake.streams import ChunkReader, QueueWriter, put_unless_stopped

_CHUNK = 1 << 16
_CHUNKS_IN_FLIGHT = 16  # 16 × 64 KiB of plaintext at most between the two threads


class Readable(Protocol):
    def readinto(self, buffer: Any) -> int | None: ...


class Writable(Protocol):
    def write(self, data: bytes) -> int: ...


class AgeError(Exception):
    """A key is malformed, or an age file could not be decrypted (wrong identity, altered,
    truncated, or not an age file at all)."""


def new_identity() -> str:
    """A fresh X25519 identity, ``AGE-SECRET-KEY-1…``."""
    return str(pyrage.x25519.Identity.generate())


def public_key(identity: str) -> str:
    """The recipient (``age1…``) of an identity."""
    return str(_identity(identity).to_public())


def check_recipient(text: str) -> str:
    """``text`` as a canonical age X25519 recipient, or :class:`AgeError`."""
    text = text.strip()
    try:
        return str(pyrage.x25519.Recipient.from_str(text))
    except (pyrage.RecipientError, ValueError):
        raise AgeError("not an age public key (it starts with age1 and has 62 characters)") from None


def identities_in(text: str) -> list[str]:
    """The identities of an age identity file: one per line, ``#`` comments and blanks skipped."""
    found = [line.strip() for line in text.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    if not found:
        raise AgeError("the identity file holds no identity")
    for identity in found:
        _identity(identity)
    return found


def identity_file(identity: str, created: str) -> str:
    """An identity file as ``age-keygen`` writes it, so the standard tool can use it."""
    return f"# created: {created}\n# public key: {public_key(identity)}\n{identity}\n"


def _recipients(recipients: Iterable[str]) -> list[pyrage.x25519.Recipient]:
    parsed = [pyrage.x25519.Recipient.from_str(check_recipient(r)) for r in recipients]
    if not parsed:
        raise AgeError("no recipient to encrypt to")
    return parsed


def encrypt_with_passphrase(plaintext: bytes, passphrase: str) -> bytes:
    return pyrage.passphrase.encrypt(plaintext, passphrase)


def decrypt_with_passphrase(ciphertext: bytes, passphrase: str) -> bytes:
    try:
        return pyrage.passphrase.decrypt(ciphertext, passphrase)
    except (pyrage.DecryptError, ValueError):
        raise AgeError("wrong passphrase, or not a passphrase-protected age file") from None


def _identity(text: str) -> pyrage.x25519.Identity:
    try:
        return pyrage.x25519.Identity.from_str(text.strip())
    except (pyrage.IdentityError, ValueError):
        raise AgeError("not an age identity (it starts with AGE-SECRET-KEY-1)") from None


class decrypting_reader(ChunkReader):  # noqa: N801 - used like open()
    """A readable file of the plaintext of an age file, decrypted chunk by chunk.

    Bytes read before the end are **not yet authenticated as a whole**: only after :meth:`finish`
    returns (no exception) has the last chunk been checked, so truncation is caught. Callers
    must treat everything as untrusted until then.
    """

    def __init__(self, source: Readable, identities: Iterable[str]):
        self._identities = [_identity(i) for i in identities]
        self._chunks_in_flight: queue.Queue[bytes | None] = queue.Queue(_CHUNKS_IN_FLIGHT)
        self._error: str | None = None
        self._stopped = threading.Event()
        super().__init__(self._received())
        self._thread = threading.Thread(target=self._run, args=(source,), daemon=True)
        self._thread.start()

    def _run(self, source: Readable) -> None:
        try:
            pyrage.decrypt_io(source, QueueWriter(self._chunks_in_flight, self._stopped),  # type: ignore[arg-type]
                              self._identities)
        except Exception as exc:  # noqa: BLE001 - every failure becomes one AgeError
            self._error = _reason(exc)
        finally:
            put_unless_stopped(self._chunks_in_flight, None, self._stopped)

    def _received(self) -> Iterator[bytes]:
        while (chunk := self._chunks_in_flight.get()) is not None:
            yield chunk
        if self._error:
            raise AgeError(self._error)

    def finish(self) -> None:
        """Read to the end, so the whole file is authenticated; raise :class:`AgeError` if not."""
        while self.read(1 << 16):
            pass
        self._thread.join()
        if self._error:
            raise AgeError(self._error)

    def close(self) -> None:
        self._stopped.set()
        while self._thread.is_alive():
            try:
                self._chunks_in_flight.get(timeout=0.1)
            except queue.Empty:
                continue
        super().close()


class encrypting_writer(io.RawIOBase):  # noqa: N801 - used like open()
    """A writable file whose bytes are encrypted to ``recipients`` and written to ``out`` as they
    arrive (so a tar stream or an upload can be written straight into an age file). Call
    :meth:`finish` to write the last chunk; :meth:`close` without it abandons the file."""

    def __init__(self, out: Writable, recipients: Iterable[str]):
        super().__init__()
        parsed = _recipients(recipients)
        self._chunks: queue.Queue[bytes | None] = queue.Queue(_CHUNKS_IN_FLIGHT)
        self._pending = bytearray()
        self._error: str | None = None
        self._ended = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(out, parsed), daemon=True)
        self._thread.start()

    def _run(self, out: Writable, parsed: list[pyrage.x25519.Recipient]) -> None:
        try:
            pyrage.encrypt_io(ChunkReader(self._received()), out, parsed)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - reported by write() or finish()
            self._error = f"encryption failed: {exc}"
        finally:
            self._ended.set()

    def _received(self) -> Iterator[bytes]:
        while (chunk := self._chunks.get()) is not None:
            if chunk is _ABANDON:
                raise OSError("abandoned")
            yield chunk

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._pending += data
        while len(self._pending) >= _CHUNK:  # queue 64 KiB at a time, so at most 1 MiB waits
            self._send(bytes(self._pending[:_CHUNK]))
            del self._pending[:_CHUNK]
        return len(data)

    def _send(self, item: bytes | None) -> None:
        if not put_unless_stopped(self._chunks, item, self._ended):
            raise AgeError(self._error or "encryption stopped")

    def finish(self) -> None:
        """Encrypt what is left and the final chunk; raise :class:`AgeError` if anything failed."""
        if self._pending:
            self._send(bytes(self._pending))
            self._pending.clear()
        self._send(None)
        self._thread.join()
        if self._error:
            raise AgeError(self._error)

    def close(self) -> None:
        if self._thread.is_alive():  # abandoned: make age's read fail, so no final chunk is written
            self._error = self._error or "abandoned"
            put_unless_stopped(self._chunks, _ABANDON, self._ended)
            self._thread.join()
        super().close()


class _Abandon(bytes):
    """Queued when a writer is abandoned; the reader's iterator raises on it."""


_ABANDON = _Abandon()


def _reason(exc: Exception) -> str:
    text = str(exc).lower()
    if "no matching keys" in text or "no identity matched" in text:
        return "none of the given identities can open this file (wrong identity)"
    if "unknown age format" in text or "header" in text:
        return "not an age file, or its header is damaged"
    return "the file is damaged, truncated or was altered"
