"""What a change to the home refuses, in one line that is safe to show."""

from __future__ import annotations


class InstanceError(Exception):
    """The home cannot be created or changed as asked (one line, safe to show)."""
