"""Keeps what an exception says out of every log: a record that carries an exception keeps its
own message (Flask's "Exception on /path [POST]", waitress's "Exception while serving /path")
and gets, instead of ``str(exc)`` and the formatted traceback, only the exception's type and
where it was raised (file, line, function of each frame; no values, no locals).

Why: an exception's text may quote what it was given (jsonschema quotes the value, ``int()``
quotes the string it could not read), and Python's logging prints it with the whole traceback
to stderr, where survivor text must never go (docs/security.md, "No survivor text in logs or
error pages"). Filters follow the standard library's logging (``logging.Filter``, which "can
modify log records"); one is put on the loggers a running server writes through.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

from flask import Flask

_PACKAGE = Path(__file__).resolve().parent.parent
_ROOT = _PACKAGE.parent
# The loggers `intake serve` writes through: the root (waitress calls logging.basicConfig),
# waitress's own two, werkzeug's, and the Flask app's (named after the package, "intake").
LOGGERS = ("", "waitress", "waitress.queue", "werkzeug", "flask.app")


def where(exc: BaseException) -> str:
    """``Type at file:line in function < …`` for ``exc`` and the exceptions that caused it,
    innermost frame first; paths inside this project are shown relative to it."""
    parts, seen, current = [], set(), exc  # type: list[str], set[int], BaseException | None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.extract_tb(current.__traceback__)
        steps = [f"{_short(frame.filename)}:{frame.lineno} in {frame.name}"
                 for frame in reversed(frames)]
        parts.append(f"{type(current).__name__}" + (f" at {' < '.join(steps)}" if steps else ""))
        current = current.__cause__ or (None if current.__suppress_context__
                                        else current.__context__)
    return "; caused by ".join(parts)


def raised_in_intake(exc: BaseException) -> bool:
    """True when a ``raise`` statement of this package raised ``exc`` (our messages name fields,
    not values), not a library or built-in (``int("…")`` quotes what it could not read)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(_PACKAGE) \
        and (frames[-1].line or "").startswith("raise")


def _short(filename: str) -> str:
    path = Path(filename)
    return str(path.relative_to(_ROOT)) if path.is_relative_to(_ROOT) else path.name


class WithoutExceptionText(logging.Filter):
    """Replaces a record's exception (and any exception among its arguments) by its type and
    location; every record passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(isinstance(a, BaseException)
                                                  for a in record.args):
            record.args = tuple(type(a).__name__ if isinstance(a, BaseException) else a
                                for a in record.args)
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}: {where(record.exc_info[1])}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        return True


def install(app: Flask) -> None:
    """Puts the filter on the server's loggers and their handlers, once each."""
    redact = WithoutExceptionText()
    loggers = [logging.getLogger(name) for name in LOGGERS] + [app.logger]
    for owner in [*loggers, *(handler for logger in loggers for handler in logger.handlers)]:
        if not any(isinstance(f, WithoutExceptionText) for f in owner.filters):
            owner.addFilter(redact)
