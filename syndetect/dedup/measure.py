"""How much of one document another holds, measured exactly on their word n-grams, and the evidence
against calling it a copy (different numbers, different names in the same place).

Pure functions over two token lists; :mod:`syndetect.dedup.documents` decides with them.

>>> a = "بعث الملك برقية تهنئة للرئيس خوان سانتوس رئيس جمهورية كولومبيا بمناسبة ذكرى استقلال بلاده".split()
>>> b = "بعث الملك برقية تهنئة للرئيس توني تان رئيس جمهورية سنغافورة بمناسبة ذكرى استقلال بلاده".split()
>>> round(containment(a, b, 3), 2), substitutions(a, b).names
(0.42, 2)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from syndetect.text.normalize import strip_clitics
from syndetect.text.stopwords import STOPWORDS


def ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    """The set of word n-grams of a token list (the whole list as one gram when it is shorter than n).

    >>> sorted(ngrams(["a", "b", "c"], 2)), ngrams(["a"], 5)
    ([('a', 'b'), ('b', 'c')], {('a',)})
    """
    if not tokens:
        return set()
    if len(tokens) < n:
        return {tuple(tokens)}
    return set(zip(*(tokens[i:] for i in range(n)), strict=False))


def containment(part: list[str], whole: list[str], n: int) -> float:
    """The share of ``part``'s word n-grams found in ``whole`` (0.0 when ``part`` has none)."""
    gp = ngrams(part, n)
    if not gp:
        return 0.0
    return len(gp & ngrams(whole, n)) / len(gp)


def jaccard(a: list[str], b: list[str], n: int) -> float:
    """Jaccard similarity of the two word n-gram sets."""
    ga, gb = ngrams(a, n), ngrams(b, n)
    union = len(ga | gb)
    return len(ga & gb) / union if union else 0.0


_SEATS = str.maketrans("", "", "اويىءئؤأإآ")  # long vowels and hamza seats: spelling variants differ here


def skeleton(token: str) -> str:
    """A word without clitics, long vowels and hamza seats: ``المئة`` and ``المائة`` agree, names don't.

    >>> skeleton("الميه") == skeleton("المايه"), skeleton("كولومبيا") == skeleton("سنغافوره")
    (True, False)
    """
    return strip_clitics(token).translate(_SEATS) or token


def _has_digit(token: str) -> bool:
    return any(c.isdigit() for c in token)


_DIGITS = re.compile(r"\d+")


def same_numbers(mine: list[str], theirs: list[str]) -> bool:
    """Whether two aligned stretches give the same figures, however written: ``2015`` and ``2015م``,
    ``ال3`` and ``ال 3``, SPA's ``8ر15`` and ``15 8``, ``0800`` and ``08 00``.

    >>> same_numbers(["2015م"], ["2015"]), same_numbers(["8ر15"], ["15", "8"]), same_numbers(["45"], ["38"])
    (True, True, False)
    """
    a = _DIGITS.findall(" ".join(mine))
    b = _DIGITS.findall(" ".join(theirs))
    return sorted(a) == sorted(b) or "".join(a) == "".join(b)


# relative days: a reprint a day later says "yesterday" where the wire said "today"
_DEICTIC = frozenset("اليوم امس غدا الليله البارحه صباح مساء".split())


def _variant(token: str, others: list[str]) -> bool:
    """Whether ``token`` is spelled another way on the other side: a close spelling (``دوغلاس``,
    ``دوجلاس``), or split or joined there (``فيس بوك``, ``فيسبوك``; ``عبدالعزيز``, ``عبد العزيز``).

    >>> _variant("عبدالعزيز", ["عبد", "العزيز"]), _variant("فيسبوك", ["فيس", "بوك"]), _variant("مصر", ["عمان"])
    (True, True, False)
    """
    t = strip_clitics(token)
    if t in _DEICTIC:
        return True
    for joined, mine in (("".join(others), token), ("".join(map(strip_clitics, others)), t)):
        if len(mine) >= 4 and mine in joined or len(joined) >= 4 and joined in mine:
            return True
    return any(SequenceMatcher(None, t, strip_clitics(o)).ratio() >= 0.7 for o in others)


@dataclass(frozen=True)
class Substitutions:
    """Places where the two texts say different things in the same frame.

    ``numbers``: aligned places where each side has a number the other lacks (``12`` against ``13``);
    ``names``: aligned places, at most ``max_words`` words long on each side, where each side has a
    content word found nowhere in the other (another country, another person) once spelling variants
    (close spellings, words split or joined, relative days) are set aside. Evidence against a copy: a template filled in twice, not one text printed twice.
    """

    numbers: int = 0
    names: int = 0
    examples: tuple[tuple[str, str], ...] = ()


def _content(token: str) -> bool:
    return strip_clitics(token) not in STOPWORDS and not _has_digit(token)


def substitutions(part: list[str], whole: list[str], max_words: int = 4, keep: int = 3) -> Substitutions:
    """The number and name substitutions between ``part`` and ``whole`` (aligned with difflib)."""
    whole_sk = {skeleton(t) for t in whole}
    part_sk = {skeleton(t) for t in part}
    numbers = names = 0
    examples: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, part, whole, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        a, b = part[i1:i2], whole[j1:j2]
        mine = [t for t in a if skeleton(t) not in whole_sk]
        theirs = [t for t in b if skeleton(t) not in part_sk]
        if any(map(_has_digit, mine)) and any(map(_has_digit, theirs)):
            if same_numbers(a, b):
                continue
            numbers += 1
        elif i2 - i1 <= max_words and j2 - j1 <= max_words:
            mine = [t for t in mine if _content(t) and not _variant(t, b)]
            theirs = [t for t in theirs if _content(t) and not _variant(t, a)]
            if not (mine and theirs):
                continue
            names += 1
        else:
            continue
        if len(examples) < keep:
            examples.append((" ".join(part[i1:i2]), " ".join(whole[j1:j2])))
    return Substitutions(numbers, names, tuple(examples))
