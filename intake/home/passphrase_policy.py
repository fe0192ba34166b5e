"""What counts as a strong enough passphrase: at least 12 characters and a zxcvbn score of 3+.

zxcvbn (Wheeler, USENIX Security 2016) estimates guesses against dictionaries, keyboard patterns
and dates; the length floor keeps Argon2id's cost meaningful against an offline attacker who has
seized the laptop.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 3
_RATED_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters are rated
HINT = _l("Use at least 12 characters: four or more unrelated words in any language work well. "
          "Avoid names, dates and phrases from songs or prayers.")


def passphrase_problem(passphrase: str, related: tuple[str, ...] = ()) -> str | None:
    """Why ``passphrase`` is too weak, in words for the user, or None if it is acceptable."""
    if len(passphrase) < MIN_LENGTH:
        return str(_l("The passphrase is too short: use at least 12 characters."))
    rated = passphrase[:_RATED_LENGTH]
    if zxcvbn(rated, user_inputs=[r[:_RATED_LENGTH] for r in related if r])["score"] < MIN_SCORE:
        return str(_l("The passphrase is too easy to guess: add more unrelated words."))
    return None
