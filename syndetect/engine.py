"""The detection run over a corpus: features, candidates, alignment, verified pairs.

Documents are put in id order first, so the same corpus in any input order gives the same output.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from syndetect.align import Aligned
from syndetect.candidates import doc_pairs, find_candidates
from syndetect.config import Config
from syndetect.features import Features, Vocabulary, features, token_spans
from syndetect.kernel import align_pair_compiled, parameters
from syndetect.minhash import scheme_info
from syndetect.normalize import UNICODE_VERSION
from syndetect.records import Document, Match, Passage
from syndetect.shingle import HASH_NAME

Progress = Callable[[str, int, int], None]  # (step, done, total)
CHUNK = 2000  # candidate pairs per verification chunk (at most)
MIN_PAIRS_PER_JOB = 500  # fewer candidate pairs than this per process are verified in this one


@dataclass
class Corpus:
    """Documents in id order with their features."""

    docs: list[Document]
    feats: list[Features]
    cfg: Config
    index: dict[str, int] = field(default_factory=dict)
    _spans: dict[int, tuple] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.index = {d.id: i for i, d in enumerate(self.docs)}

    def spans(self, i: int) -> tuple:
        """Original-text (starts, ends) of document ``i``'s tokens, computed once when first needed."""
        if i not in self._spans:
            self._spans[i] = token_spans(self.docs[i], self.cfg, self.feats[i].n_tokens)
        return self._spans[i]


@dataclass
class PairsResult:
    corpus: Corpus
    matches: list[Match]
    stats: dict[str, Any]


def prepare(docs: Iterable[Document], cfg: Config, progress: Progress | None = None) -> Corpus:
    """Compute every document's features, in id order."""
    ordered = sorted(docs, key=lambda d: d.id)
    vocab = Vocabulary(cfg.shingle.seed)
    feats = []
    for k, d in enumerate(ordered):
        feats.append(features(d, cfg, vocab))
        if progress and k % 500 == 0:
            progress("features", k, len(ordered))
    if progress:
        progress("features", len(ordered), len(ordered))
    return Corpus(ordered, feats, cfg)


def source_side(a: Document, b: Document) -> str | None:
    """The side published first (``"a"`` or ``"b"``), ``None`` when times are missing or tie.

    A day-only date ties with every time on that day.
    """
    if a.time is None or b.time is None:
        return None
    if "day" in (a.time_precision, b.time_precision):
        if a.time.date() == b.time.date():
            return None
    if a.time < b.time:
        return "a"
    if b.time < a.time:
        return "b"
    return None


def to_match(corpus: Corpus, i: int, j: int, al: Aligned) -> Match:
    """An aligned token passage pair as a ``Match`` in original character offsets."""
    (sa, ea), (sb, eb) = corpus.spans(i), corpus.spans(j)
    da, db = corpus.docs[i], corpus.docs[j]
    pa = Passage(da.id, int(sa[al.a0]), int(ea[al.a1 - 1]))
    pb = Passage(db.id, int(sb[al.b0]), int(eb[al.b1 - 1]))
    return Match(pa, pb, al.kind, round(al.jaccard, 4), round(al.containment, 4), source_side(da, db))


def _verify_range(
    feats: list[Features], pairs: np.ndarray, bag: np.ndarray, cfg: Config, lo: int, hi: int
) -> list:
    """``(i, j, aligned)`` for every verified passage of candidate pairs ``lo`` to ``hi``."""
    packed = parameters(cfg)
    out = []
    for k in range(lo, hi):
        i, j = int(pairs[k, 0]), int(pairs[k, 1])
        for al in align_pair_compiled(feats[i], feats[j], bool(bag[k]), cfg, packed):
            out.append((i, j, al))
    return out


_SHARED: tuple = ()  # what forked verification workers read: (feats, pairs, bag, cfg)


def _verify_chunk(bounds: tuple[int, int]) -> list:
    return _verify_range(*_SHARED, *bounds)


def jobs_of(cfg: Config, n_pairs: int) -> int:
    """The verification processes for ``n_pairs`` candidates: ``verify.jobs`` (0: one per usable core),
    but no more than keeps ``MIN_PAIRS_PER_JOB`` pairs each."""
    jobs = cfg.verify.jobs
    if not jobs:
        try:
            jobs = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            jobs = os.cpu_count() or 1
    return max(1, min(jobs, n_pairs // MIN_PAIRS_PER_JOB))


def verify(
    feats: list[Features], pairs: np.ndarray, bag: np.ndarray, cfg: Config, progress: Progress | None = None
) -> Iterator[tuple[int, int, Aligned]]:
    """Align every candidate pair, in pair order, on ``verify.jobs`` processes.

    The aligner (the compiled port of ``align.align_pair``) is a pure function of two documents, so
    the pairs are cut into chunks that forked workers align; results come back in chunk order,
    identical to a single process's.
    """
    jobs = jobs_of(cfg, len(pairs))
    step = max(1, min(CHUNK, -(-len(pairs) // (4 * jobs))))
    bounds = [(lo, min(lo + step, len(pairs))) for lo in range(0, len(pairs), step)]
    if jobs <= 1 or "fork" not in mp.get_all_start_methods():
        chunks: Iterable[list] = (_verify_range(feats, pairs, bag, cfg, lo, hi) for lo, hi in bounds)
        yield from _reported(chunks, bounds, len(pairs), progress)
        return
    global _SHARED
    _SHARED = (feats, pairs, bag, cfg)
    try:
        with mp.get_context("fork").Pool(jobs) as pool:
            yield from _reported(pool.imap(_verify_chunk, bounds), bounds, len(pairs), progress)
    finally:
        _SHARED = ()


def _reported(chunks: Iterable[list], bounds: list[tuple[int, int]], total: int, progress: Progress | None):
    for (_, hi), chunk in zip(bounds, chunks, strict=True):
        yield from chunk
        if progress:
            progress("verify", hi, total)


def find_pairs(docs: Iterable[Document], cfg: Config, progress: Progress | None = None) -> PairsResult:
    """Every verified reuse between passages of two different documents."""
    t0 = time.perf_counter()
    gc_was = gc.isenabled()
    gc.disable()
    try:
        corpus = prepare(docs, cfg, progress)
        t1 = time.perf_counter()
        cands = find_candidates(corpus.feats, cfg)
        pairs, bag = doc_pairs(cands, len(corpus.docs))
        t2 = time.perf_counter()
        matches: list[Match] = []
        for i, j, al in verify(corpus.feats, pairs, bag, cfg, progress):
            matches.append(to_match(corpus, i, j, al))
        if progress:
            progress("verify", len(pairs), len(pairs))
        t3 = time.perf_counter()
    finally:
        if gc_was:
            gc.enable()
    info = scheme_info(cfg.minhash.num_perm, cfg.minhash.seed, HASH_NAME)
    stats = {
        "documents": len(corpus.docs),
        "indexed": sum(f.indexed for f in corpus.feats),
        "too_short": sum(not f.indexed for f in corpus.feats),
        "tokens": sum(f.n_tokens for f in corpus.feats),
        "bands": cands.bands,
        "rows": cands.rows,
        "windows": {c: int(len(t.doc)) for c, t in cands.tables.items()},
        "candidate_window_pairs": {c: s.pairs for c, s in cands.stats.items()},
        "below_estimate": {c: s.below_estimate for c, s in cands.stats.items()},
        "dropped_buckets": {c: s.dropped_buckets for c, s in cands.stats.items()},
        "dropped_bucket_windows": {c: s.dropped_members for c, s in cands.stats.items()},
        "candidate_doc_pairs": len(pairs),
        "verify_jobs": jobs_of(cfg, len(pairs)),
        "verified_pairs": len(matches),
        "kinds": {k: sum(m.kind == k for m in matches) for k in ("exact", "near", "rewrite")},
        "scheme": info.__dict__,
        "normalizer": {"version": cfg.normalize.version, "unicode": UNICODE_VERSION},
        "seconds": {
            "features": round(t1 - t0, 3),
            "candidates": round(t2 - t1, 3),
            "verify": round(t3 - t2, 3),
        },
    }
    return PairsResult(corpus, matches, stats)
