"""Reading text files that people made: one decoder for every command that reads one.

UTF-8 is the default (RFC 3629). A byte-order mark decides otherwise: EF BB BF is UTF-8 and is
dropped (Windows Notepad writes it); FF FE and FE FF are UTF-16 little- and big-endian (RFC 2781
§3.2; what Excel's "Unicode text" and PowerShell 5's ``>`` write). Anything else must be valid
UTF-8: a file in a legacy code page is refused (``UnicodeDecodeError``), never guessed at.
"""

from __future__ import annotations

import codecs
from pathlib import Path

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_text(data: bytes) -> str:
    """``data`` as text, by its byte-order mark (dropped), or else as UTF-8."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec)
    return data.decode("utf-8")


def read_text_file(path: Path) -> str:
    """The text of the file at ``path`` (see :func:`decode_text`)."""
    return decode_text(path.read_bytes())
