"""Input errors: one line that names the file and line (or the record), safe to print on a terminal."""

from __future__ import annotations

import re
import unicodedata

# Characters that would let a corpus value forge or hide part of a message: C0/C1 controls (newline,
# ESC), format characters (bidi overrides U+202A-U+202E, U+2066-U+2069, zero-width), line and
# paragraph separators, and lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _SHORT:
        return _SHORT[ch]
    cp = ord(ch)
    return f"\\x{cp:02x}" if cp < 0x100 else f"\\u{cp:04x}"


def printable(text: str) -> str:
    """``text`` with control, bidi and other format characters escaped (``\\n``, ``\\x1b``, ``\\u202e``).

    Arabic letters and marks are kept; only characters that move the cursor, start a terminal escape,
    reorder the line or end it are written as escapes, so a message stays one honest line.

    >>> printable("a\\nerror: forged\\u202e")
    'a\\\\nerror: forged\\\\u202e'
    >>> printable("خبر عاجل")
    'خبر عاجل'
    """
    if _UNSAFE.search(text) is None and text.isprintable():
        return text
    out = _UNSAFE.sub(_escape, text)
    if not out.isprintable():  # any other unprintable code point (unassigned, private use stay)
        out = "".join(
            ch if ch.isprintable() or unicodedata.category(ch) in ("Co", "Cn") else f"\\u{ord(ch):04x}"
            for ch in out
        )
    return out


class InputError(ValueError):
    """Bad input: ``str(err)`` is ``file:line: what is wrong`` (``file: record at byte N: ...`` for WARC).

    Args:
        path: the input file as given.
        line: the 1-based line of the record, or ``None``.
        message: what is wrong.
        byte: for inputs without lines (WARC), the byte offset of the bad record.
        partial: the file could not be read to its end (truncated or corrupt stream): with
            ``skip_invalid`` the readers keep what came before and skip the rest of the file.

    Every part is passed through :func:`printable`: a newline or a bidi override in an id cannot forge a
    second line or reorder the message.
    """

    def __init__(
        self, path: str, line: int | None, message: str, *, byte: int | None = None, partial: bool = False
    ) -> None:
        self.path = path
        self.line = line
        self.byte = byte
        self.message = message
        self.partial = partial
        where = printable(str(path))
        if line is not None:
            where = f"{where}:{line}"
        elif byte is not None:
            where = f"{where}: record at byte {byte}"
        super().__init__(f"{where}: {printable(message)}")
