"""Paragraph and sentence spans, in character offsets of the original text (end exclusive), and the
sentence edges that rewritten passages are snapped out to.

Spans never start or end on whitespace or on an invisible format character (bidi marks, zero-width
space, BOM), so ``text[start:end]`` is the paragraph or sentence as published.
"""

from __future__ import annotations

import re

import numpy as np

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # the boundaries of str.splitlines
_INVISIBLE = "".join(  # bidi controls, zero-width characters, soft hyphen, BOM
    map(
        chr,
        [0xAD, 0x61C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x206A), 0xFEFF],
    )
)
_STRIP = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace()) + _INVISIBLE
_LINE_RE = re.compile(f"[{_LINE_BREAKS}]")
_BLANK_LINE_RE = re.compile(f"\r?[{_LINE_BREAKS}](?:[^\\S{_LINE_BREAKS}]*\r?[{_LINE_BREAKS}])+")
_TERMINATORS = ".!?\u061f\u06d4\u061b\u2026"  # . ! ? ؟ ۔ ؛ …
_CLOSERS = "\"'\u00bb\u201d\u2019\u203a)]}"  # » ” ’ › and brackets: they stay with the sentence they close
_BOUNDARY_RE = re.compile(f"(?P<term>[{re.escape(_TERMINATORS)}]+[{re.escape(_CLOSERS)}]*)|[{_LINE_BREAKS}]")


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span narrowed to start and end on visible characters, or None when nothing is left."""
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    return (start, end) if start < end else None


def paragraphs(text: str, blank_lines: bool = False) -> list[tuple[int, int]]:
    """Paragraph spans: one per line, or one per block between blank lines.

    Args:
        text: the original text.
        blank_lines: split only at blank lines (lines holding nothing but whitespace), so that a
            paragraph may span several lines; by default every line break ends a paragraph, as in
            news text extracted from HTML.

    Returns:
        ``(start, end)`` spans, in order, stripped of surrounding whitespace; empty lines give none.

    Example:
        >>> text = "  العنوان\\n\\nالفقرة الأولى.\\nالفقرة الثانية.  \\n"
        >>> [text[s:e] for s, e in paragraphs(text)]
        ['العنوان', 'الفقرة الأولى.', 'الفقرة الثانية.']
        >>> [text[s:e] for s, e in paragraphs(text, blank_lines=True)]
        ['العنوان', 'الفقرة الأولى.\\nالفقرة الثانية.']
    """
    splitter = _BLANK_LINE_RE if blank_lines else _LINE_RE
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in splitter.finditer(text):
        if (span := _strip(text, pos, m.start())) is not None:
            spans.append(span)
        pos = m.end()
    if (span := _strip(text, pos, len(text))) is not None:
        spans.append(span)
    return spans


def _is_sentence_end(text: str, m: re.Match[str]) -> bool:
    """Whether a terminator match ends a sentence: a lone ``.`` inside a token or after an initial does not."""
    if m.group("term").rstrip(_CLOSERS) != ".":
        return True
    before = text[m.start() - 1] if m.start() > 0 else " "
    after = text[m.end()] if m.end() < len(text) else " "
    if m.end() - m.start() == 1 and before.isalnum() and after.isalnum():
        return False  # 3.5, ٣.٥, spa.gov.sa, U.S: no space after the dot
    if before.isalpha() and (m.start() < 2 or not text[m.start() - 2].isalnum()):
        return False  # a one-letter abbreviation: د. محمد, أ. ف. ب
    return True


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split after . ! ? ؟ ۔ ؛ … (with any closing quotes) and at line breaks.

    A dot between two letters or digits (``3.5``, ``spa.gov.sa``) or after a one-letter abbreviation
    (``د.``) does not end a sentence. Spans without any letter or digit are left out.

    Args:
        text: the original text.

    Returns:
        ``(start, end)`` spans, in order, stripped of surrounding whitespace.

    Example:
        >>> text = "قال الوزير إن النمو بلغ 3.5%. وأضاف: «هل نجحنا؟» نعم!\\nد. أحمد"
        >>> [text[s:e] for s, e in sentences(text)]
        ['قال الوزير إن النمو بلغ 3.5%.', 'وأضاف: «هل نجحنا؟»', 'نعم!', 'د. أحمد']
    """
    spans: list[tuple[int, int]] = []
    pos = 0

    def add(start: int, end: int) -> None:
        span = _strip(text, start, end)
        if span is not None and any(ch.isalnum() for ch in text[span[0] : span[1]]):
            spans.append(span)

    for m in _BOUNDARY_RE.finditer(text):
        if m.group("term") is None:
            add(pos, m.start())
            pos = m.end()
        elif _is_sentence_end(text, m):
            add(pos, m.end())
            pos = m.end()
    add(pos, len(text))
    return spans


# Snapping stops only at hard ends (. ! ? ؟ and a line break), not at ؛ … ۔: a rewrite widened to
# a semicolon would stop mid-sentence.
HARD_ENDS = frozenset(".!?\u061f\n")


def _ends_sentence(text: str, starts: np.ndarray, ends: np.ndarray, t: int) -> bool:
    """Whether token ``t`` is the last of its sentence."""
    if t >= len(starts) - 1:
        return True
    return not HARD_ENDS.isdisjoint(text[int(ends[t]) : int(starts[t + 1])])


def snap(text: str, starts: np.ndarray, ends: np.ndarray, t0: int, t1: int, reach: int) -> tuple[int, int]:
    """Token range ``[t0, t1)`` widened to the sentence edges at most ``reach`` tokens beyond it
    (an edge further away leaves that end as it was).

    >>> import numpy as np
    >>> text = "a b. c d e f. g"
    >>> starts, ends = np.array([0, 2, 5, 7, 9, 11, 14]), np.array([1, 3, 6, 8, 10, 12, 15])
    >>> snap(text, starts, ends, 3, 5, 2)
    (2, 6)
    >>> snap(text, starts, ends, 3, 5, 0)
    (3, 5)
    """
    for k in range(reach + 1):
        s = t0 - k
        if s < 0:
            break
        if s == 0 or _ends_sentence(text, starts, ends, s - 1):
            t0 = s
            break
    for k in range(reach + 1):
        e = t1 - 1 + k
        if e >= len(starts):
            break
        if _ends_sentence(text, starts, ends, e):
            t1 = e + 1
            break
    return t0, t1
