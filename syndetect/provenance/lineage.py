"""Which earlier copy a document copied: the candidate that shares its deviations from the others.

When a wire story W and a reprint R of it are both earlier than a document C, and the passage C shares
with them is the same in both (R kept it word for word), the passages cannot tell whether C copied W or
R. The documents can: a copy inherits its parent's edits. Stemmatologists call it the rule of shared
errors (Maas, *Textkritik*): a witness that shares another's innovations descends from it. Here the
innovations are what a desk changes: a new lead, a trimmed ending, spelling variants (hamza and teh
marbuta, which the detection's normalization folds on purpose and this comparison keeps), substituted
words, dropped sentences (a new junction between two sentences), inserted quotes.

Features are the document's word bigrams after only the cosmetic folds (diacritics, tatweel,
punctuation, Unicode compatibility forms, digits), with a start and an end mark, so that a new lead, a
trimmed ending and a dropped sentence each leave a bigram no other text has. For a candidate P, the
evidence *against* it is the number of C's features that some other candidate has and P lacks: had C
copied P, where would it have found them? The parent is the candidate with the least against it, when
every other has at least four times as much (:meth:`Evidence.decisive`; with nothing against it, when
every other has something); otherwise the passages' similarity decides as before. The words are
weighed first, with the spelling variants folded: a new lead, a dropped sentence's junction or a
substituted word is an edit two desks hardly make alike, while a dropped hamza is a habit many share;
only when the words cannot tell are the spelling variants counted. Independent copies can still make
the same edit (a common synonym, the same trim), so a candidate that shares the child's edits but
lacks some of its readings is not taken.

Example:
    >>> wire = "أعلنت الوزارة إطلاق المبادرة. وقال الوزير إن المرحلة الأولى تبدأ غدا. وأضاف أن التمويل جاهز."
    >>> reprint = "أعلنت الوزاره إطلاق المبادرة. وقال الوزير إن المرحلة الاولى تبدأ غدا."
    >>> copy = "أعلنت الوزاره إطلاق المبادرة. وقال الوزير إن المرحلة الاولى تبدأ غدا."
    >>> lineage_parent(variant_features(copy), [variant_features(wire), variant_features(reprint)])
    1
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from syndetect.config import NormalizeConfig
from syndetect.text.normalize import ALEF_MAP, ALEF_MAQSURA_MAP, HAMZA_MAP, TEH_MARBUTA_MAP, words

# Cosmetic folds only: the letter variants a desk's spelling leaves (أ/ا, ة/ه, ى/ي, ؤ/و) are kept.
VARIANT_NORMALIZE = NormalizeConfig(alef=False, alef_maqsura=False, teh_marbuta=False, hamza=False)
START, END = "\u2402", "\u2403"  # marks of the text's first and last word (never a word themselves)

LINEAGE_MARGIN = 0.1  # candidates this close to the most similar one's passage similarity are in the contest
LINEAGE_MAX = 12  # at most this many of them (the most similar)
MIN_AGAINST = 1  # every other candidate must have at least this much evidence against it
DOMINANCE = 4  # ... and this many times the evidence against the one taken


def variant_features(text: str, start: int = 0, end: int | None = None) -> frozenset[tuple[str, str]]:
    """The word bigrams of ``text[start:end]``, spelling variants kept, with a start mark when the
    span begins the text and an end mark when it ends it (whitespace and punctuation aside).

    >>> sorted(variant_features("قال الوزير"))
    [('الوزير', '␃'), ('قال', 'الوزير'), ('␂', 'قال')]
    >>> sorted(variant_features("قال الوزير اليوم", 0, 10))
    [('قال', 'الوزير'), ('␂', 'قال')]
    """
    end = len(text) if end is None else end
    w = words(text[start:end], VARIANT_NORMALIZE)
    if not words(text[:start], VARIANT_NORMALIZE):
        w.insert(0, START)
    if not words(text[end:], VARIANT_NORMALIZE):
        w.append(END)
    return frozenset(zip(w, w[1:], strict=False))


@dataclass(frozen=True, slots=True)
class Evidence:
    """Per candidate, the child's features that another candidate has and this one lacks."""

    against: tuple[int, ...]

    def decisive(self) -> int | None:
        """The index of the candidate far better explained than every other, else ``None``: the one
        with the least against it, when every other has at least ``MIN_AGAINST`` features and
        ``DOMINANCE`` times as many against it.

        A copy inherits its parent's edits and does not undo them, so the parent explains all of the
        child's attested features but those the child's own desk happened to share with another copy.
        Two copies can make the same edit independently (one desk's spelling habit, a common synonym),
        so sharing edits with a candidate is not enough: a few unexplained readings are forgiven only
        when every other candidate leaves many more unexplained (a new lead, a dropped sentence, a
        trimmed ending are many bigrams; a coincident respelling is one or two).
        """
        if not self.against:
            return None
        best = min(range(len(self.against)), key=self.against.__getitem__)
        rest = [a for k, a in enumerate(self.against) if k != best]
        if not rest or min(rest) < max(MIN_AGAINST, DOMINANCE * self.against[best]):
            return None
        return best


def evidence(child: frozenset, candidates: Sequence[frozenset]) -> Evidence:
    """For each candidate, how many of the child's features only the other candidates explain.

    A feature of the child that every candidate has, or none has, says nothing; one that candidate P
    lacks while another has it counts against P.
    """
    relevant = [child & c for c in candidates]
    counts: dict[tuple[str, str], int] = {}
    for shared in relevant:
        for f in shared:
            counts[f] = counts.get(f, 0) + 1
    n = len(candidates)
    informative = {f for f, k in counts.items() if k < n}
    return Evidence(tuple(len(informative - shared) for shared in relevant))


_SPELLING = str.maketrans({**ALEF_MAP, **ALEF_MAQSURA_MAP, **TEH_MARBUTA_MAP, **HAMZA_MAP})


def spelling_folded(features: frozenset[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """``features`` with the spelling variants folded (أ/ا, ة/ه, ى/ي, ؤ/و): only the words remain.

    >>> sorted(spelling_folded(frozenset({("قال", "إنه"), ("قال", "انه")})))
    [('قال', 'انه')]
    """
    return frozenset((a.translate(_SPELLING), b.translate(_SPELLING)) for a, b in features)


def lineage_parent(child: frozenset, candidates: Sequence[frozenset]) -> int | None:
    """The index of the candidate the child most likely copied (its shared deviations), or ``None``
    when the documents cannot tell (no candidate is decisively better explained).

    Words first, spelling second: the words a copy shares with one candidate only (a new lead, a
    junction left by a dropped sentence, a trimmed ending, substituted words) are edits two desks
    hardly make alike, while dropping a hamza or writing a final heh is a habit many share. So the
    evidence is weighed on the spelling-folded features first; only when those cannot tell are the
    spelling variants counted as well."""
    by_words = evidence(spelling_folded(child), [spelling_folded(c) for c in candidates]).decisive()
    if by_words is not None:
        return by_words
    return evidence(child, candidates).decisive()
