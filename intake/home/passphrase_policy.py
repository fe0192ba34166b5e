"""What counts as a strong enough passphrase: at least 12 characters and a zxcvbn score of 3+.

zxcvbn (Wheeler, USENIX Security 2016) estimates guesses against dictionaries, keyboard patterns
and dates; the length floor keeps Argon2id's cost meaningful against an offline attacker who has
seized the laptop. Every function that sets a passphrase calls :func:`require_strong`; a problem
is a code, named for people in web/labels.py.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MIN_SCORE = 3
_RATED_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters are rated
# Problem code → the one line the command line shows.
PROBLEMS = {
    "too_short": "The passphrase is too short: use at least 12 characters.",
    "too_guessable": "The passphrase is too easy to guess: add more unrelated words.",
}


class WeakPassphrase(Exception):
    """A new passphrase is too weak; ``problem`` is one of :data:`PROBLEMS`."""

    def __init__(self, problem: str):
        super().__init__(PROBLEMS[problem])
        self.problem = problem


def passphrase_problem(passphrase: str, related: tuple[str, ...] = ()) -> str | None:
    """Why ``passphrase`` is too weak, as a code of :data:`PROBLEMS`, or None if it is
    acceptable. ``related`` are words an attacker would try first (names of the user, the
    organisation)."""
    if len(passphrase) < MIN_LENGTH:
        return "too_short"
    rated = passphrase[:_RATED_LENGTH]
    if zxcvbn(rated, user_inputs=[r[:_RATED_LENGTH] for r in related if r])["score"] < MIN_SCORE:
        return "too_guessable"
    return None


def require_strong(passphrase: str, related: tuple[str, ...] = ()) -> None:
    """:class:`WeakPassphrase` unless ``passphrase`` is strong enough."""
    problem = passphrase_problem(passphrase, related)
    if problem:
        raise WeakPassphrase(problem)
