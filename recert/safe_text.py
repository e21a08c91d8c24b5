"""Text that cannot attack the person reading it: one sanitiser for everything Recert shows (the CLI's
tables, plain lines and errors, the app's display text) and the CSV export's formula guard.

Scraped and imported text is untrusted. Shown raw, a C0/C1 control (ESC ``\\x1b[2J`` clears a terminal,
OSC 8 makes a link point elsewhere) or a bidi override (``U+202E`` shows ``gnp.exe`` as ``exe.png``) acts
on the reader's terminal or page. ``visible`` replaces each by a visible token instead: C0 controls by
their Unicode control pictures (``␛``), everything else by ``⟨U+202E⟩``.
"""

from __future__ import annotations

import re

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 except tab and newline, DEL, C1, bidi embeddings/overrides/isolates/marks, lone surrogates.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")


def _token(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"⟨U+{code:04X}⟩"


def visible(text: str) -> str:
    """``text`` with every control character, bidi control and lone surrogate made visible; tabs and
    newlines are kept (for multi-line text such as a description)."""
    return _UNSAFE.sub(_token, text)


def visible_line(text: str) -> str:
    """``text`` as one line: like ``visible``, and tabs and line breaks are made visible too."""
    return _UNSAFE_LINE.sub(_token, text)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts a spreadsheet reads as a formula (OWASP CSV injection)."""


def csv_safe(cell: str) -> str:
    """A CSV cell a spreadsheet will not run: one starting with ``= + - @``, tab or carriage return is
    prefixed with ``'`` as OWASP recommends (Recert's numbers are never negative, so no number changes)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
