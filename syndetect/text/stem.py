"""A light Arabic stemmer for the order-free channel: clitics and common inflectional suffixes off.

Synonym substitution and paraphrase keep many words but change their inflection (definite article,
conjunction, plural, feminine, attached pronoun): ``والمدارس``, ``مدارسهم`` and ``المدرسه`` should count
as one word when comparing bags of words. Lexicon-free and deliberately light: one proclitic chain
(``strip_clitics``) and at most one suffix, never leaving fewer than three letters. Applied to
normalized tokens (teh marbuta folded to heh, alef variants folded).

>>> [light_stem(w) for w in ["والمدارس", "مدارسهم", "بالعلماء", "مسلمون", "العلميه"]]
['مدارس', 'مدارس', 'علماء', 'مسلم', 'علم']
"""

from __future__ import annotations

from syndetect.text.normalize import strip_clitics

# Longest first: attached pronouns, plural and dual endings, feminine and nisba endings.
SUFFIXES = ("كما", "هما", "تان", "تين", "ات", "ون", "ين", "ان", "ها", "هم", "هن", "كم", "نا", "يه", "ه", "ي")


def light_stem(word: str) -> str:
    """``word`` without its proclitics and at most one suffix (three letters at least remain)."""
    w = strip_clitics(word)
    for suffix in SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w
