"""Credits: which news agency a document says its text comes from.

Credits are looked for in the byline (``extra["author"]`` or ``extra["byline"]``), the lead (first
``lead`` characters) and the tail (last ``tail`` characters) of the text: ``واس``, ``(أ ف ب)``,
``فرانس برس``, ``رويترز``, ``د ب أ``, ``الأناضول``, ``سانا``, ``وكالات``, ``RT``, ``BBC``, ... and the
markers ``نقلاً عن``, ``بحسب``, ``وفقاً لـ`` followed by a name. Matching is on whole normalized words
(diacritics, tatweel, hamza forms and punctuation folded), so ``واس`` never matches inside ``الواسعة``
and ``لـ«واس»`` still credits SPA.

An edge child <- parent is **credited** when the child credits the parent's agency (the parent's outlet
is that agency) or an agency the parent itself credits (both carry the same wire copy). A group whose
members all credit one agency that has no article among them has that agency as its **common upstream**.

Example:
    >>> from syndetect.records import Document
    >>> d = Document("x", "الرياض (واس) - أعلنت الوزارة اليوم عن خطط واسعة للتطوير.", "okaz")
    >>> [(c.agency, c.where, d.text[c.start:c.end]) for c in credits(d)]
    [('spa', 'lead', 'واس')]
    >>> agencies_in("انتشرت قوات على مساحات واسعة")
    []
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from syndetect.records import Document
from syndetect.text.normalize import normalize, normalize_text


@dataclass(frozen=True, slots=True)
class Agency:
    """A news agency: canonical id, names as published (Arabic and Latin), and its outlet ids."""

    id: str
    name: str
    aliases: tuple[str, ...]
    outlets: tuple[str, ...] = ()
    clitics: bool = False  # also match with a one-letter prefix (لرويترز, للأناضول)
    strict: tuple[str, ...] = ()  # aliases that are also common words: credited only next to ( ) - : « »


AGENCIES: tuple[Agency, ...] = (
    Agency(
        "spa", "واس", ("واس", "وكالة الأنباء السعودية", "Saudi Press Agency"), ("was", "spa", "spa.gov.sa")
    ),
    Agency(
        "afp",
        "فرانس برس",
        ("أ ف ب", "ا ف ب", "فرانس برس", "فرانس بريس", "وكالة الصحافة الفرنسية", "AFP"),
        ("afp", "afp.com"),
    ),
    Agency("reuters", "رويترز", ("رويترز", "Reuters"), ("reuters", "reuters.com"), clitics=True),
    Agency("dpa", "د ب أ", ("د ب أ", "د ب ا", "وكالة الأنباء الألمانية", "DPA"), ("dpa",)),
    Agency(
        "anadolu",
        "الأناضول",
        ("الأناضول", "وكالة الأناضول", "Anadolu"),
        ("anadolu", "aa.com.tr"),
        clitics=True,
    ),
    Agency("sana", "سانا", ("سانا", "SANA"), ("sana", "sana.sy"), clitics=True),
    Agency(
        "ap",
        "أسوشيتد برس",
        ("أسوشيتد برس", "أسوشييتد برس", "أ ب", "Associated Press"),
        ("ap",),
        strict=("أ ب",),
    ),
    Agency("kuna", "كونا", ("كونا", "KUNA"), ("kuna",), clitics=True),
    Agency("wam", "وام", ("وام", "WAM"), ("wam",), strict=("وام",)),
    Agency("qna", "قنا", ("قنا", "QNA"), ("qna",), strict=("قنا",)),
    Agency("mena", "أ ش أ", ("أ ش أ", "وكالة أنباء الشرق الأوسط", "MENA"), ("mena",)),
    Agency("xinhua", "شينخوا", ("شينخوا", "Xinhua"), ("xinhua",), clitics=True),
    Agency("rt", "RT", ("RT", "روسيا اليوم", "آر تي"), ("rt", "rt-arabic", "arabic.rt.com")),
    Agency("bbc", "BBC", ("BBC", "بي بي سي", "بي بي سي عربي"), ("bbc", "bbc-arabic")),
    Agency(
        "ria", "ريا نوفوستي", ("ريا نوفوستي", "نوفوستي", "سبوتنيك", "Sputnik"), ("ria-novosti", "sputnik")
    ),
    Agency("agencies", "وكالات", ("وكالات",), ()),
)

MARKERS: tuple[str, ...] = ("نقلاً عن", "نقلا عن", "بحسب", "حسب", "وفقاً لـ", "وفقا لـ", "وفقاً ل", "المصدر")


@dataclass(frozen=True, slots=True)
class Credit:
    """One credit found in a document.

    Args:
        agency: the agency's canonical id (``"spa"``), or ``None`` for a marker without a known agency.
        text: the credit as published (``واس``, ``نقلاً عن صحيفة الديار``).
        where: ``byline``, ``lead`` or ``tail``.
        start, end: offsets in the byline (``where == "byline"``) or in ``Document.text``.
    """

    agency: str | None
    text: str
    where: str
    start: int
    end: int


# Punctuation that sets a credit apart: "(واس)", "- وام", "القاهرة: قنا", "«واس»".
_CREDIT_PUNCT = frozenset("()[]-–—:«»\"'/|،,")


def _norm(s: str) -> str:
    return normalize_text(s)


@functools.cache
def _strict() -> frozenset[str]:
    return frozenset(_norm(a) for agency in AGENCIES for a in agency.strict)


def _set_apart(text: str, s: int, e: int, lo: int, hi: int, ends: bool) -> bool:
    """Whether ``text[s:e]`` has credit punctuation (or, with ``ends``, the region's end) on a side."""
    i = s - 1
    while i >= lo and text[i].isspace():
        i -= 1
    j = e
    while j < hi and text[j].isspace():
        j += 1
    left = ends if i < lo else text[i] in _CREDIT_PUNCT
    right = ends if j >= hi else text[j] in _CREDIT_PUNCT
    return left or right


@functools.cache
def _patterns() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str]]:
    """One regex of every alias (longest first) over normalized text, alias -> agency, the markers."""
    alias_to_agency: dict[str, str] = {}
    parts: list[tuple[str, bool]] = []
    for agency in AGENCIES:
        for alias in agency.aliases:
            n = _norm(alias)
            if not n or n in alias_to_agency:
                continue
            alias_to_agency[n] = agency.id
            parts.append((n, agency.clitics))
    parts.sort(key=lambda p: -len(p[0]))
    alts = []
    for n, clitic in parts:
        body = re.escape(n)
        alts.append(f"(?:(?:ل|لل|و|ب)?{body})" if clitic else body)
    names = re.compile(r"(?<![^ ])(" + "|".join(alts) + r")(?![^ ])")
    markers = sorted({_norm(m) for m in MARKERS}, key=len, reverse=True)
    marker_re = re.compile(
        r"(?<![^ ])(" + "|".join(re.escape(m) for m in markers) + r")(?![^ ])((?: [^ ]+){1,3})"
    )
    return names, alias_to_agency, marker_re


def _agency_for(found: str, table: dict[str, str]) -> str | None:
    if found in table:
        return table[found]
    for prefix in ("لل", "ل", "و", "ب"):
        if found.startswith(prefix) and found[len(prefix) :] in table:
            return table[found[len(prefix) :]]
    return None


def agencies_in(text: str) -> list[str]:
    """The agencies credited anywhere in ``text``, in order of appearance (whole words only).

    >>> agencies_in("القاهرة (أ ف ب) - ... وقال مسؤول لـ«رويترز»")
    ['afp', 'reuters']
    """
    return [c.agency for c in _scan(text, "text", 0, len(text)) if c.agency is not None]


def _scan(text: str, where: str, lo: int, hi: int) -> list[Credit]:
    """Credits in ``text[lo:hi]`` (offsets in ``text``)."""
    part = text[lo:hi]
    if not part.strip():
        return []
    names, table, markers = _patterns()
    norm = normalize(part)
    offs = norm.offsets
    out: list[Credit] = []
    seen: set[tuple[int, int]] = set()

    def span(s: int, e: int) -> tuple[int, int]:
        return lo + int(offs[s]), lo + int(offs[e - 1]) + 1

    strict = _strict()
    for m in names.finditer(norm.text):
        agency = _agency_for(m.group(1), table)
        s, e = span(m.start(1), m.end(1))
        if m.group(1) in strict and not _set_apart(text, s, e, lo, hi, where == "byline"):
            continue
        if agency is not None and (s, e) not in seen:
            seen.add((s, e))
            out.append(Credit(agency, text[s:e], where, s, e))
    for m in markers.finditer(norm.text):
        tail = m.group(2)
        if names.search(tail):
            continue  # the name after the marker is already a credit
        s, e = span(m.start(1), m.end(2))
        out.append(Credit(None, text[s:e], where, s, e))
    out.sort(key=lambda c: (c.start, c.end))
    return out


def byline(doc: Document) -> str:
    """The document's byline (``author``, ``byline`` or ``authors`` field), or ``""``."""
    for key in ("author", "byline", "authors"):
        value = doc.extra.get(key)
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, list):
            return "، ".join(str(v) for v in value)
    return ""


def credits(doc: Document, lead: int = 300, tail: int = 200) -> list[Credit]:
    """Every credit in the byline, the lead (first ``lead`` chars) and the tail (last ``tail`` chars)."""
    out: list[Credit] = []
    by = byline(doc)
    if by:
        out.extend(_scan(by, "byline", 0, len(by)))
    n = len(doc.text)
    out.extend(_scan(doc.text, "lead", 0, min(lead, n)))
    if n > lead:
        out.extend(_scan(doc.text, "tail", max(lead, n - tail), n))
    return out


def credited_agencies(doc: Document, lead: int = 300, tail: int = 200) -> frozenset[str]:
    """The agencies a document credits."""
    return frozenset(c.agency for c in credits(doc, lead, tail) if c.agency is not None)


@functools.cache
def _outlet_table(extra: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    table = {o.lower(): a.id for a in AGENCIES for o in a.outlets}
    table.update({k.lower(): v for k, v in extra})
    return table


def agency_of(outlet: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The agency an outlet is, if it is one (``"was"`` -> ``"spa"``); ``extra`` adds outlet -> agency.

    >>> agency_of("was"), agency_of("okaz")
    ('spa', None)
    """
    table = _outlet_table(tuple(sorted((extra or {}).items())))
    return table.get(outlet.lower())


def agency_name(agency: str) -> str:
    """How an agency is written (``"spa"`` -> ``"واس"``); the id itself when unknown."""
    for a in AGENCIES:
        if a.id == agency:
            return a.name
    return agency


def is_credited(
    child: Document, parent: Document, child_credits: frozenset[str], parent_credits: frozenset[str]
) -> bool:
    """Whether the child credits the parent: the parent's agency, or an agency the parent credits."""
    sources = set(parent_credits)
    own = agency_of(parent.outlet)
    if own is not None:
        sources.add(own)
    return bool(child_credits & sources)


# Generic credits that say "agencies", weaker than a named one when choosing a group's upstream.
_WEAK = frozenset({"agencies"})


def common_upstream(outlets: Iterable[str], member_credits: Iterable[frozenset[str]]) -> str | None:
    """The agency every member credits when none of the members is that agency's own article.

    Args:
        outlets: the members' outlets.
        member_credits: the agencies each member's document credits (same order).

    Returns:
        the agency id, or ``None`` (no member credits anything, or they disagree, or the agency's own
        article is a member, in which case the tree has a real origin).

    >>> common_upstream(["okaz", "alriyadh"], [frozenset({"spa"}), frozenset({"spa", "reuters"})])
    'spa'
    >>> common_upstream(["was", "okaz"], [frozenset({"spa"}), frozenset({"spa"})]) is None
    True
    """
    outs = list(outlets)
    creds = list(member_credits)
    if len(outs) < 2 or not creds:
        return None
    common = frozenset.intersection(*creds)
    if not common:
        return None
    own = {agency_of(o) for o in outs}
    choices = sorted(a for a in common if a not in own)
    if not choices:
        return None
    strong = [a for a in choices if a not in _WEAK]
    return (strong or choices)[0]
