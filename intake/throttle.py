"""Exponential back-off for failed sign-ins (NIST SP 800-63B §5.2.2, rate limiting).

After ``free_attempts`` failures for one name, each further attempt must wait
``base_seconds × 2^(failures − free_attempts)`` seconds, capped at 15 minutes. The counter
lives in memory and is cleared by a successful sign-in.
"""

from __future__ import annotations

import threading
import time
import unicodedata

MAX_DELAY_SECONDS = 15 * 60


class LoginThrottle:
    def __init__(self, base_seconds: float, free_attempts: int):
        self._base = base_seconds
        self._free = free_attempts
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(name: str) -> str:
        return unicodedata.normalize("NFKC", name).strip().casefold()

    def wait_seconds(self, name: str) -> int:
        """Seconds before another attempt for ``name`` is allowed (0: go ahead)."""
        with self._lock:
            count, last = self._failures.get(self._key(name), (0, 0.0))
        if count < self._free:
            return 0
        delay = min(self._base * 2 ** (count - self._free), MAX_DELAY_SECONDS)
        return max(0, int(last + delay - time.monotonic() + 0.999))

    def failed(self, name: str) -> None:
        with self._lock:
            count, _ = self._failures.get(self._key(name), (0, 0.0))
            self._failures[self._key(name)] = (count + 1, time.monotonic())

    def succeeded(self, name: str) -> int:
        """Clear the counter; returns how many attempts had failed since the last success."""
        with self._lock:
            return self._failures.pop(self._key(name), (0, 0.0))[0]
