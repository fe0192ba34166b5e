"""Exponential back-off for failed sign-ins (NIST SP 800-63B §5.2.2, rate limiting), and a
bound on Argon2id work across all names.

After ``free_attempts`` failures for one name, each further attempt must wait
``base_seconds × 2^(failures − free_attempts)`` seconds, capped at 15 minutes. An attempt is
counted as a failure when it is *claimed*, before any key derivation, under one lock, so
attempts sent in parallel each see the ones before them; a success then takes it back. Across
all names, attempts are also drawn from one token bucket (:data:`GLOBAL_BURST` at once,
:data:`GLOBAL_PER_SECOND` on average), so a burst spread over many names cannot make the
laptop run more Argon2id derivations than that (each attempt costs at most two). The counters
live in memory.
"""

from __future__ import annotations

import math
import threading
import time
import unicodedata

MAX_DELAY_SECONDS = 15 * 60
GLOBAL_BURST = 4  # attempts at once, across all names: at 64 MiB per derivation, 512 MiB at most
GLOBAL_PER_SECOND = 4.0


class LoginThrottle:
    def __init__(self, base_seconds: float, free_attempts: int, *,
                 burst: int = GLOBAL_BURST, per_second: float = GLOBAL_PER_SECOND):
        self._base = base_seconds
        self._free = free_attempts
        self._failures: dict[str, tuple[int, float]] = {}
        self._burst, self._rate = burst, per_second
        self._tokens, self._filled = float(burst), time.monotonic()
        self._lock = threading.Lock()

    @staticmethod
    def _key(name: str) -> str:
        return unicodedata.normalize("NFKC", name).strip().casefold()

    def claim(self, name: str) -> int:
        """Seconds before an attempt for ``name`` is allowed; 0 means go ahead, and the attempt
        is then already counted as a failure (until :meth:`succeeded`)."""
        key, now = self._key(name), time.monotonic()
        with self._lock:
            count, last = self._failures.get(key, (0, 0.0))
            if count >= self._free:
                delay = min(self._base * 2 ** (count - self._free), MAX_DELAY_SECONDS)
                if last + delay > now:
                    return max(1, math.ceil(last + delay - now))
            self._tokens = min(self._burst, self._tokens + (now - self._filled) * self._rate)
            self._filled = now
            if self._tokens < 1:
                return max(1, math.ceil((1 - self._tokens) / self._rate))
            self._tokens -= 1
            self._failures[key] = (count + 1, now)
            return 0

    def succeeded(self, name: str) -> int:
        """Clear the counter after a claimed attempt succeeded; returns how many attempts had
        failed before it since the last success."""
        with self._lock:
            return max(0, self._failures.pop(self._key(name), (1, 0.0))[0] - 1)
