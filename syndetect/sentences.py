"""Sentence edges near a passage's ends: rewritten passages are snapped out to them.

A rewrite keeps few words exactly, so an aligned rewrite tends to start after the sentence's first
words and stop before its last ones; the reused unit is usually the whole sentence. A token ends a
sentence when the text between it and the next token holds a terminator (or it is the last token).
"""

from __future__ import annotations

import numpy as np

TERMINATORS = frozenset(".!?؟\n")


def _ends_sentence(text: str, starts: np.ndarray, ends: np.ndarray, t: int) -> bool:
    """Whether token ``t`` is the last of its sentence."""
    if t >= len(starts) - 1:
        return True
    return not TERMINATORS.isdisjoint(text[int(ends[t]) : int(starts[t + 1])])


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
