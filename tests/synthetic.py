"""A seeded generator of synthetic syndication: stories reprinted by outlets with the edits desks make.

Pure: texts in, documents and gold out; no file access, no engine call. ``benchmarks/synthetic.py``
feeds it real articles (SaudiNewsNet) and scores the engine; ``tests/test_synthetic.py`` feeds it short
Arabic texts written in the test.

Every document is built from *units* (sentences). A unit copied from a story keeps the key of the
story sentence it came from, whatever was done to its words, so the gold follows from the keys:

- a **gold pair** joins two documents of one story over a run of units that are consecutive in both
  (an inserted quote, a dropped sentence or a moved paragraph ends the run); its spans run from the
  first unit's first character to the last unit's last character, in each document's own text;
- a **gold cluster** is a story: one member per document (its first to its last copied unit), the
  origin being the story's first publication.

Edits (``EDITS``), each applied by one reprint to its parent's text:

- ``verbatim``: the same sentences, paragraph breaks written differently;
- ``spelling``: hamza and teh marbuta variants (أ إ آ -> ا, final ة -> ه, final ى -> ي) in about half the words;
- ``trim``: the first 40-80 % of the sentences (desks cut from the bottom);
- ``drop``: one to three sentences dropped from the body;
- ``lead``: the first sentence replaced by a lead of the outlet's own;
- ``quotes``: one or two quoted statements inserted between paragraphs;
- ``embed``: the story (or its first part) inside a longer article of the outlet's own;
- ``reprint``: a second-generation copy: a reprint of an earlier reprint whose edit it inherits
  (``INHERITABLE``: its spelling variants, trimmed ending, dropped sentences, new lead, quotes or
  synonyms), respelled lightly and, half the time, trimmed further (only when the parent's mark
  survives a trim: spelling, synonyms, a new lead; a trimmed ending, a dropped sentence or an
  inserted quote could be cut away, leaving nothing that tells the parent from the wire);
- ``synonyms``: most words that the small synonym dictionary (``SYNONYMS``) knows replaced;
- ``reorder``: the paragraphs in another order (the lead stays first);
- ``rewrite``: all at once: every known synonym replaced, the spelling varied, the paragraphs
  reordered and the sentences of each paragraph shuffled.

``synonyms``, ``reorder`` and ``rewrite`` are rewrites (``REWRITES``); the rest are verbatim or near
copies. A gold pair between two copies (neither copied the other) is labelled ``copy~copy``, or
``copy~rewrite`` when either went through a rewrite. Stories are first published by any outlet or the wire (``WIRES``); reprints come from the
other outlets (a wire does not reprint newspapers). Times: the origin at a random time in the window,
every copy later than its parent by a random lag.

Example:
    >>> s = generate(STORIES_FOR_DOCTEST, FILLER_FOR_DOCTEST, n_stories=1, seed=3, edits=("trim",), reprints=(1, 1))
    >>> [d.outlet != "" for d in s.docs], len(s.clusters)
    ([True, True], 1)
    >>> p = s.pairs[0]
    >>> s.text(p.a.doc)[p.a.start:p.a.end] == s.text(p.b.doc)[p.b.start:p.b.end]
    True
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from syndetect.records import Document, Passage

EDITS = (
    "verbatim",
    "spelling",
    "trim",
    "drop",
    "lead",
    "quotes",
    "embed",
    "reprint",
    "synonyms",
    "reorder",
    "rewrite",
)
REWRITES = frozenset({"synonyms", "reorder", "rewrite"})
NEAR = frozenset(EDITS) - REWRITES
# first-generation edits a reprint of the copy inherits and shows: the parents ``reprint`` draws from
INHERITABLE = frozenset({"spelling", "trim", "drop", "lead", "quotes", "synonyms"})
TRIM_SAFE = frozenset({"spelling", "lead", "synonyms"})  # marks a further trim (from the end) keeps
WIRES = ("was",)  # the Saudi Press Agency: a first publisher, never a reprinter
OUTLETS = (
    "alriyadh",
    "aleqtisadiya",
    "okaz",
    "alwatan",
    "almadina",
    "aljazirah",
    "alyaum",
    "sabq",
    "almareeb",
    "aawsat",
    "arriyadiyah",
    "ajel",
    "alweeam",
)
TZ = timezone(timedelta(hours=3))
START = datetime(2015, 7, 21, 6, 0, tzinfo=TZ)

# A small two-way synonym dictionary of news Arabic (each pair is used in both directions).
SYNONYM_PAIRS = (
    ("قال", "صرح"),
    ("وقال", "وصرح"),
    ("أكد", "شدد"),
    ("وأكد", "وشدد"),
    ("أوضح", "بين"),
    ("وأوضح", "وبين"),
    ("أشار", "لفت"),
    ("وأشار", "ولفت"),
    ("أعلن", "كشف"),
    ("وأعلن", "وكشف"),
    ("أضاف", "تابع"),
    ("وأضاف", "وتابع"),
    ("ذكر", "أفاد"),
    ("خلال", "أثناء"),
    ("بعد", "عقب"),
    ("قبل", "قبيل"),
    ("حوالي", "نحو"),
    ("كبير", "ضخم"),
    ("كبيرة", "ضخمة"),
    ("جديد", "حديث"),
    ("جديدة", "حديثة"),
    ("مهم", "هام"),
    ("مهمة", "هامة"),
    ("أمس", "البارحة"),
    ("العام", "السنة"),
    ("عام", "سنة"),
    ("الماضي", "المنصرم"),
    ("الحالي", "الجاري"),
    ("أيضا", "كذلك"),
    ("حيث", "إذ"),
    ("وذلك", "وهذا"),
    ("الدول", "البلدان"),
    ("دولة", "بلد"),
    ("المواطنين", "الأهالي"),
    ("الشركة", "المؤسسة"),
    ("مشروع", "برنامج"),
    ("اجتماع", "لقاء"),
    ("الاجتماع", "اللقاء"),
    ("زيارة", "جولة"),
    ("السيارة", "المركبة"),
    ("الطريق", "الشارع"),
    ("المستشفى", "المشفى"),
    ("الطلاب", "التلاميذ"),
    ("الأطفال", "الصغار"),
    ("عدد", "جملة"),
    ("يجب", "ينبغي"),
    ("بشكل", "بصورة"),
    ("سريع", "عاجل"),
    ("الهجوم", "الاعتداء"),
    ("القتلى", "الضحايا"),
    ("المسؤولين", "المسؤولون"),
    ("الرئيس", "رئيس الدولة"),
    ("الحكومة", "السلطات"),
    ("المملكة", "السعودية"),
)
SYNONYMS: dict[str, str] = {
    **{a: b for a, b in SYNONYM_PAIRS},
    **{b: a for a, b in SYNONYM_PAIRS if " " not in b},
}
SPELLING = {"أ": "ا", "إ": "ا", "آ": "ا"}
FINAL_SPELLING = {"ة": "ه", "ى": "ي"}
QUOTE_TEMPLATES = (
    "وقال مصدر مطلع لـ«{outlet}»: «{text}»",
    "وفي تصريح خاص لـ«{outlet}» قال مسؤول: «{text}»",
    "وأضاف متحدث في حديث لـ«{outlet}»: «{text}»",
)

_SENTENCE_END = re.compile(r"(?<=[.!؟?])\s+")
_WORD = re.compile(r"\S+")


# ---------------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Unit:
    """One sentence of a document and its key: ``(story, n)`` for the story's n-th sentence, ``(story, -n)``
    for a sentence an outlet wrote (copied along by reprints of that copy), ``None`` before it has one."""

    text: str
    key: tuple[int, int] | None = None


@dataclass(frozen=True)
class GoldPair:
    """Reuse between two documents: the spans, the story, and the edit the later one made."""

    a: Passage
    b: Passage
    story: int
    edit: str  # the edit label of the pair (see ``pair_edit``)


@dataclass(frozen=True)
class GoldCluster:
    """A story: one passage per document that carries it, and the origin document."""

    story: int
    origin: str
    members: tuple[Passage, ...]


@dataclass
class Synthetic:
    """What ``generate`` returns."""

    docs: list[Document]
    pairs: list[GoldPair]
    clusters: list[GoldCluster]
    edits: dict[str, str]  # doc id -> the edit that made it ("origin" for the first publication)
    parents: dict[str, str | None]  # doc id -> the document it copied
    story_of: dict[str, int]
    stats: dict[str, int] = field(default_factory=dict)
    by_id: dict[str, Document] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {d.id: d for d in self.docs}

    def text(self, doc: str) -> str:
        """The text of a document by id."""
        return self.by_id[doc].text


# ---------------------------------------------------------------------------------------------------------
# Text helpers


def sentences(text: str) -> list[list[str]]:
    """Paragraphs (split at line breaks) of sentences (split after ``. ! ? ؟``), empty ones dropped."""
    out = []
    for para in re.split(r"\s*\n\s*", text.strip()):
        sents = [s.strip() for s in _SENTENCE_END.split(para) if s.strip()]
        if sents:
            out.append(sents)
    return out


def respell(text: str, rng: random.Random, rate: float = 0.5) -> str:
    """Hamza-on-alef and final teh marbuta / alef maqsura variants in about ``rate`` of the words."""

    def one(m: re.Match[str]) -> str:
        w = m.group(0)
        if rng.random() >= rate:
            return w
        w = "".join(SPELLING.get(c, c) for c in w)
        if w and w[-1] in FINAL_SPELLING:
            w = w[:-1] + FINAL_SPELLING[w[-1]]
        return w

    return _WORD.sub(one, text)


def substitute(text: str, rng: random.Random, rate: float = 0.8) -> tuple[str, int]:
    """Dictionary synonyms for about ``rate`` of the words that have one; returns the count replaced."""
    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count
        w = m.group(0)
        core = w.rstrip('،,.:؛!؟?»"')
        tail = w[len(core) :]
        if core in SYNONYMS and rng.random() < rate:
            count += 1
            return SYNONYMS[core] + tail
        return w

    return _WORD.sub(one, text), count


def render(
    paras: Sequence[Sequence[Unit]], para_sep: str = "\n\n"
) -> tuple[str, list[tuple[Unit, int, int]]]:
    """The text of a document and every unit's ``(unit, start, end)`` in it."""
    parts: list[str] = []
    spans: list[tuple[Unit, int, int]] = []
    pos = 0
    for p, para in enumerate(p for p in paras if p):
        if p:
            parts.append(para_sep)
            pos += len(para_sep)
        for k, unit in enumerate(para):
            if k:
                parts.append(" ")
                pos += 1
            parts.append(unit.text)
            spans.append((unit, pos, pos + len(unit.text)))
            pos += len(unit.text)
    return "".join(parts), spans


# ---------------------------------------------------------------------------------------------------------
# Edits: each takes the parent's paragraphs of units and returns the copy's


class _Filler:
    """Sentences of the outlets' own (leads, quotes, surrounding articles), each used once."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._sents: Iterator[str] = (s for t in texts for p in sentences(t) for s in p)

    def take(self, n: int) -> list[str]:
        out = []
        for _ in range(n):
            s = next(self._sents, None)
            if s is None:
                raise ValueError("not enough filler text for the requested stories: pass more filler texts")
            out.append(s)
        return out


Paras = list[list[Unit]]


def _flat(paras: Paras) -> list[Unit]:
    return [u for p in paras for u in p]


def _map_units(paras: Paras, fn) -> Paras:
    return [[Unit(fn(u.text), u.key) for u in p] for p in paras]


def apply_edit(
    edit: str, paras: Paras, rng: random.Random, filler: _Filler, outlet: str, tally: Counter | None = None
) -> Paras:
    """The copy an outlet makes of ``paras`` with one edit (``tally`` counts words and synonyms replaced)."""
    tally = tally if tally is not None else Counter()
    paras = [list(p) for p in paras]
    n = len(_flat(paras))
    if edit == "verbatim":
        return paras
    if edit == "spelling":
        return _map_units(paras, lambda t: respell(t, rng))
    if edit == "trim":
        keep = max(3, round(n * rng.uniform(0.4, 0.8)))
        out, seen = [], 0
        for p in paras:
            if seen >= keep:
                break
            out.append(p[: keep - seen])
            seen += len(out[-1])
        return out
    if edit in ("reprint", "reprint-trim"):  # a copy of a copy: its edits inherited, respelled lightly
        if edit == "reprint-trim":
            paras = apply_edit("trim", paras, rng, filler, outlet, tally)
        return _map_units(paras, lambda t: respell(t, rng, 0.3))
    if edit == "drop":
        body = [(i, k) for i, p in enumerate(paras) for k in range(len(p)) if (i, k) != (0, 0)]
        drop = set(rng.sample(body, min(len(body) - 2, rng.randint(1, 3)))) if len(body) > 3 else set()
        return [[u for k, u in enumerate(p) if (i, k) not in drop] for i, p in enumerate(paras)]
    if edit == "lead":
        (lead,) = filler.take(1)
        paras[0] = [Unit(lead)] + paras[0][1:]
        return paras
    if edit == "quotes":
        for _ in range(rng.randint(1, 2)):
            (said,) = filler.take(1)
            quote = Unit(rng.choice(QUOTE_TEMPLATES).format(outlet=outlet, text=said.rstrip(".")))
            at = rng.randint(1, len(paras))
            paras.insert(at, [quote])
        return paras
    if edit == "embed":
        if n > 4 and rng.random() < 0.5:
            paras = apply_edit("trim", paras, rng, filler, outlet, tally)
        before = [[Unit(s) for s in filler.take(rng.randint(2, 4))]]
        after = [
            [Unit(s) for s in filler.take(rng.randint(2, 4))],
            [Unit(s) for s in filler.take(rng.randint(1, 3))],
        ]
        return before + paras + after
    if edit in ("synonyms", "rewrite"):

        def swap(text: str) -> str:
            out, count = substitute(text, rng, 0.8 if edit == "synonyms" else 1.0)
            tally[f"{edit}:words"] += len(text.split())
            tally[f"{edit}:replaced"] += count
            return respell(out, rng) if edit == "rewrite" else out

        paras = _map_units(paras, swap)
        if edit == "rewrite":
            paras = apply_edit("reorder", paras, rng, filler, outlet, tally)
            for p in paras:
                rng.shuffle(p)
        return paras
    if edit == "reorder":
        if len(paras) < 3:  # too few paragraphs: make them from sentences
            units = _flat(paras)
            size = max(1, len(units) // 4)
            paras = [units[i : i + size] for i in range(0, len(units), size)]
        head, body = paras[:1], paras[1:]
        order = list(range(len(body)))
        while len(order) > 1 and order == sorted(order):
            rng.shuffle(order)
        return head + [body[i] for i in order]
    raise ValueError(f"unknown edit {edit!r} (known: {', '.join(EDITS)})")


# ---------------------------------------------------------------------------------------------------------
# Gold


def gold_runs(
    x: Sequence[tuple[Unit, int, int]], y: Sequence[tuple[Unit, int, int]]
) -> list[tuple[int, int, int, int]]:
    """Character spans ``(x0, x1, y0, y1)`` of the runs of units shared by two documents, consecutive in both."""
    where = {u.key: k for k, (u, _, _) in enumerate(y) if u.key is not None}
    runs: list[list[int]] = []  # [first x index, last x index, first y index, last y index]
    for i, (u, _, _) in enumerate(x):
        j = where.get(u.key) if u.key is not None else None
        if j is None:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][3] == j - 1:
            runs[-1][1], runs[-1][3] = i, j
        else:
            runs.append([i, i, j, j])
    return [(x[a][1], x[b][2], y[c][1], y[d][2]) for a, b, c, d in runs]


def pair_edit(doc_x: str, doc_y: str, edits: dict[str, str], parents: dict[str, str | None]) -> str:
    """The label of a document pair of one story: the later one's edit when the other is its ancestor;
    for two copies of one story, ``copy~copy``, or ``copy~rewrite`` when either went through a rewrite."""

    def chain(d: str) -> list[str]:
        out = [d]
        while parents.get(out[-1]):
            out.append(parents[out[-1]])  # type: ignore[arg-type]
        return out

    cx, cy = chain(doc_x), chain(doc_y)
    if doc_y in cx:
        return edits[doc_x]
    if doc_x in cy:
        return edits[doc_y]
    return "copy~rewrite" if any(edits[d] in REWRITES for d in cx + cy) else "copy~copy"


# ---------------------------------------------------------------------------------------------------------
# The generator


@dataclass
class _Draft:
    """A document before it has an id: its story, outlet, time, units, edit and parent (index in story)."""

    story: int
    outlet: str
    time: datetime
    paras: Paras
    edit: str
    parent: int | None


def _story_units(s: int, text: str) -> Paras:
    paras, k = [], 0
    for p in sentences(text):
        paras.append([Unit(t, (s, k + i)) for i, t in enumerate(p)])
        k += len(p)
    return paras


def _key_new(paras: Paras, s: int, counter: list[int]) -> Paras:
    """Keys for the units an edit wrote (so that a reprint of this copy shares them too)."""
    out = []
    for p in paras:
        row = []
        for u in p:
            if u.key is None:
                counter[0] += 1
                u = Unit(u.text, (s, -counter[0]))
            row.append(u)
        out.append(row)
    return out


def generate(
    stories: Sequence[str],
    filler: Iterable[str],
    n_stories: int | None = None,
    seed: int = 0,
    edits: Sequence[str] = EDITS,
    reprints: tuple[int, int] = (1, 4),
    outlets: Sequence[str] = OUTLETS,
    wires: Sequence[str] = WIRES,
    lag_hours: tuple[float, float] = (0.5, 36.0),
    days: int = 18,
) -> Synthetic:
    """Stories and their reprints, with gold pairs and clusters.

    Args:
        stories: story texts (paragraphs split at line breaks, sentences after ``. ! ? ؟``), at least three
            sentences each; they must share no text with one another or with ``filler``.
        filler: texts whose sentences serve as the outlets' own writing (new leads, quotes, surrounding
            articles), each sentence used once.
        n_stories: how many of ``stories`` to use (default all).
        seed: everything random follows from it.
        edits: the edits reprints draw from (``reprint`` copies an earlier copy of the story with an
            ``INHERITABLE`` edit; with none yet it is a ``trim`` of the origin).
        reprints: the least and most reprints per story.
        outlets: the reprinting outlets; a story's reprints come from different ones while they last.
        wires: agencies that publish first and never reprint; a story's origin is any of ``outlets`` or
            ``wires``.
        lag_hours: the range of a copy's delay after its parent.
        days: the window of origin times, from 2015-07-21 06:00 (+03:00).

    Returns:
        ``Synthetic``: documents with outlet and time, gold pairs (one per run of shared units per
        document pair of a story), gold clusters (one per story, with its origin), each document's edit
        and parent.
    """
    for e in edits:
        if e not in EDITS:
            raise ValueError(f"unknown edit {e!r} (known: {', '.join(EDITS)})")
    if not 1 <= reprints[0] <= reprints[1]:
        raise ValueError(f"reprints={reprints}: need 1 <= least <= most")
    rng = random.Random(seed)
    fill = _Filler(filler)
    chosen = list(stories[: len(stories) if n_stories is None else n_stories])
    drafts: list[list[_Draft]] = []
    counter = [0]
    tally: Counter = Counter()
    for s, text in enumerate(chosen):
        paras = _story_units(s, text)
        if len(_flat(paras)) < 3:
            raise ValueError(f"story {s} has fewer than 3 sentences: {text[:60]!r}")
        first = rng.choice([*outlets, *wires])
        pool = [o for o in outlets if o != first]
        rng.shuffle(pool)
        t0 = START + timedelta(minutes=rng.randrange(days * 24 * 60))
        story = [_Draft(s, first, t0, paras, "origin", None)]
        for r in range(rng.randint(*reprints)):
            edit = rng.choice(list(edits))
            parent = 0
            how = edit
            if edit == "reprint":
                marked = [k for k, d in enumerate(story) if d.edit in INHERITABLE]
                if marked:
                    parent = rng.choice(marked)
                    # trimmed further half the time, when the parent's mark survives any trim (spelling
                    # and synonyms run through the text, a new lead is at its start); a trimmed ending,
                    # a dropped sentence or an inserted quote could be cut away with the rest
                    if story[parent].edit in TRIM_SAFE and rng.random() < 0.5:
                        how = "reprint-trim"
                else:
                    edit = how = "trim"
            outlet = pool[r % len(pool)]
            lag = timedelta(minutes=round(60 * rng.uniform(*lag_hours)))
            p = story[parent]
            copy = _key_new(apply_edit(how, p.paras, rng, fill, outlet, tally), s, counter)
            story.append(_Draft(s, outlet, p.time + lag, copy, edit, parent))
        drafts.append(story)

    # Ids that say nothing about the gold: the outlet and a shuffled running number.
    numbers = list(range(1, sum(map(len, drafts)) + 1))
    rng.shuffle(numbers)
    it = iter(numbers)
    ids = [[f"{d.outlet}-{next(it):05d}" for d in story] for story in drafts]

    docs: list[Document] = []
    edits_of: dict[str, str] = {}
    parents: dict[str, str | None] = {}
    story_of: dict[str, int] = {}
    pairs: list[GoldPair] = []
    clusters: list[GoldCluster] = []
    for story, story_ids in zip(drafts, ids, strict=True):
        rendered = []
        for d, doc_id in zip(story, story_ids, strict=True):
            sep = rng.choice(("\n", "\n\n", "\n \n")) if d.edit == "verbatim" else "\n\n"
            text, spans = render(d.paras, sep)
            rendered.append(spans)
            docs.append(Document(doc_id, text, d.outlet, d.time.isoformat(), d.time, "datetime"))
            edits_of[doc_id] = d.edit
            parents[doc_id] = None if d.parent is None else story_ids[d.parent]
            story_of[doc_id] = d.story
        keys = [{u.key for u, _, _ in r} for r in rendered]
        members = []
        for k, (r, doc_id) in enumerate(zip(rendered, story_ids, strict=True)):
            others = set().union(*(keys[m] for m in range(len(keys)) if m != k))
            shared = [(a, b) for u, a, b in r if u.key in others]
            if shared:
                members.append(Passage(doc_id, shared[0][0], shared[-1][1]))
        clusters.append(GoldCluster(story[0].story, story_ids[0], tuple(members)))
        for x in range(len(story)):
            for y in range(x + 1, len(story)):
                label = pair_edit(story_ids[y], story_ids[x], edits_of, parents)
                for x0, x1, y0, y1 in gold_runs(rendered[x], rendered[y]):
                    pairs.append(
                        GoldPair(
                            Passage(story_ids[x], x0, x1),
                            Passage(story_ids[y], y0, y1),
                            story[0].story,
                            label,
                        )
                    )
    docs.sort(key=lambda d: d.id)
    stats = {
        "stories": len(chosen),
        "documents": len(docs),
        "gold_pairs": len(pairs),
        **{f"edit:{e}": sum(v == e for v in edits_of.values()) for e in ("origin", *EDITS)},
        **dict(sorted(tally.items())),
    }
    return Synthetic(docs, pairs, clusters, edits_of, parents, story_of, stats)


STORIES_FOR_DOCTEST = (
    "أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في مدينة جدة بسعة ثلاثمائة سرير. "
    "وقال المتحدث باسم الوزارة إن المستشفى يضم أقساما للطوارئ والعناية المركزة.\n"
    "وأوضح أن المشروع استغرق ثلاث سنوات بتكلفة بلغت نصف مليار ريال. "
    "وأشار إلى أن المستشفى سيخدم أكثر من مليون نسمة في المنطقة.",
)
FILLER_FOR_DOCTEST = ("هطلت أمطار غزيرة على المرتفعات الجنوبية. وحذر الدفاع المدني من السيول.",)
